package conntrack

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"iter"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Counts counts values, keeping at most [MaxDistinct] distinct ones; the
// flows with any further value are added up in Other. Its JSON form is
// {"counts":{"value":n,...},"other":n}. The zero Counts is empty.
type Counts struct {
	values string       // the distinct values one after the other, in order
	counts []valueCount // one per value, in the same order
	Other  int
}

// valueCount is where a value of a [Counts] ends in Counts.values, and its
// number of flows (at most math.MaxInt32: the values are a few hundred
// bytes, and a capture within the bundle limits holds far fewer flows).
type valueCount struct{ end, n int32 }

// Get returns the number of flows with value key; 0 when key was not
// counted, as every counted value has at least one flow.
func (c Counts) Get(key string) int {
	if i, ok := sort.Find(len(c.counts), func(i int) int { return strings.Compare(key, c.value(i)) }); ok {
		return int(c.counts[i].n)
	}
	return 0
}

// Len returns the number of distinct values counted.
func (c Counts) Len() int { return len(c.counts) }

// All yields each counted value and its number of flows, in the order of
// the values. The values share the memory of c: a caller keeping a few of
// them clones them.
func (c Counts) All() iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		for i, vc := range c.counts {
			if !yield(c.value(i), int(vc.n)) {
				return
			}
		}
	}
}

// value returns the i-th value of c.
func (c Counts) value(i int) string {
	start := 0
	if i > 0 {
		start = int(c.counts[i-1].end)
	}
	return c.values[start:int(c.counts[i].end)]
}

// MarshalJSON writes c as encoding/json writes a map of the values to their
// flows beside Other: {"counts":{...},"other":n}, the values sorted. It
// leaves HTML characters unescaped for the calling encoder to treat as it
// treats map keys.
func (c Counts) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteString(`{"counts":{`)
	for i, vc := range c.counts {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(c.value(i)); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // the newline Encode ends with
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(int(vc.n)))
	}
	b.WriteString(`},"other":`)
	b.WriteString(strconv.Itoa(c.Other))
	b.WriteByte('}')
	return b.Bytes(), nil
}

// bounded counts up to MaxDistinct distinct values of K. It is a list,
// searched from the front: with so few values that is faster than hashing,
// and a value counted before moves one place forward each time it is seen
// more often than the one before it, so the frequent ones are found first.
// Each value sits beside its count, so that a flow reads one array per
// list.
type bounded[K comparable] struct {
	seen  []counted[K]
	other int
}

// counted is a value of a [bounded] and how many times it was seen, at
// most math.MaxInt32: with a 32-bit count an IPv4 address and its count
// take 8 bytes.
type counted[K comparable] struct {
	k K
	n int32
}

// add counts one k.
func (b *bounded[K]) add(k K) { b.addBeside(k, 0) }

// addBeside counts one k in a list that shares the bound of MaxDistinct
// values with another list, which keeps others of them (see [split]).
func (b *bounded[K]) addBeside(k K, others int) {
	for i := range b.seen {
		if b.seen[i].k == k {
			if b.seen[i].n < math.MaxInt32 {
				b.seen[i].n++
			}
			if i > 0 && b.seen[i].n > b.seen[i-1].n {
				b.seen[i-1], b.seen[i] = b.seen[i], b.seen[i-1]
			}
			return
		}
	}
	if len(b.seen)+others < MaxDistinct {
		b.seen = append(b.seen, counted[K]{k, 1})
		return
	}
	b.other++
}

// counts returns b with its values written by write, which writes distinct
// values differently. scratch is space to write them in first, kept for
// the next call.
func (b *bounded[K]) counts(write func([]byte, K) []byte, scratch *[]byte) Counts {
	w := newWritten(scratch)
	writeSeen(&w, b, write)
	return w.counts(scratch)
}

// split counts values as one [bounded] does, but keeps those that have a
// narrow form N (IPv4 addresses, with or without a port) in a list of their
// own, and the others in their wide form W: an IPv4 value and its count
// take 8 or 16 bytes instead of 32 or 40, so that counting a flow reads
// less memory. Both lists share the bound of MaxDistinct values, so the
// values kept and their counts are those of one bounded list.
type split[N, W comparable] struct {
	narrow bounded[N]
	wide   bounded[W]
}

// addNarrow counts a value given in its narrow form.
func (s *split[N, W]) addNarrow(k N) { s.narrow.addBeside(k, len(s.wide.seen)) }

// addWide counts a value that has no narrow form.
func (s *split[N, W]) addWide(k W) { s.wide.addBeside(k, len(s.narrow.seen)) }

// counts returns the values of both lists, written by writeN and writeW
// as one would write their wide forms, as one Counts.
func (s *split[N, W]) counts(writeN func([]byte, N) []byte, writeW func([]byte, W) []byte, scratch *[]byte) Counts {
	w := newWritten(scratch)
	writeSeen(&w, &s.narrow, writeN)
	writeSeen(&w, &s.wide, writeW)
	return w.counts(scratch)
}

// written are the values of bounded lists written one after the other,
// on their way to a [Counts].
type written struct {
	text  []byte
	spans [MaxDistinct]span // the first n are used
	n     int
	other int
}

// span is a value written in written.text, and its count.
type span struct{ start, end, n int }

// newWritten returns an empty written that writes in scratch.
func newWritten(scratch *[]byte) written { return written{text: (*scratch)[:0]} }

// writeSeen writes the values of b, and adds its other count.
func writeSeen[K comparable](w *written, b *bounded[K], write func([]byte, K) []byte) {
	for _, v := range b.seen {
		start := len(w.text)
		w.text = write(w.text, v.k)
		w.spans[w.n] = span{start, len(w.text), int(v.n)}
		w.n++
	}
	w.other += b.other
}

// counts returns the Counts of the values written, sorted, and keeps the
// space written in as scratch for the next call.
func (w *written) counts(scratch *[]byte) Counts {
	*scratch = w.text
	text := w.text
	sorted := w.spans[:w.n]
	slices.SortFunc(sorted, func(x, y span) int { return bytes.Compare(text[x.start:x.end], text[y.start:y.end]) })
	var values strings.Builder
	values.Grow(len(text))
	c := Counts{counts: make([]valueCount, len(sorted)), Other: w.other}
	for i, s := range sorted {
		values.Write(text[s.start:s.end])
		c.counts[i] = valueCount{int32(values.Len()), int32(s.n)}
	}
	c.values = values.String()
	return c
}

// The ways values are written in a [Counts].

// writeString writes s as it is (states).
func writeString(b []byte, s string) []byte { return append(b, s...) }

// writeProto writes the upper-case name of protocol p.
func writeProto(b []byte, p uint8) []byte { return append(b, protoKey(p)...) }

// writeAddr writes a (clients).
func writeAddr(b []byte, a netip.Addr) []byte { return a.AppendTo(b) }

// addClient counts client address a in s, in its narrow form when it is
// IPv4.
func addClient(s *split[uint32, netip.Addr], a netip.Addr) {
	if a.Is4() {
		s.addNarrow(addr4(a))
	} else {
		s.addWide(a)
	}
}

// addBackend counts reply source ap in s, in its narrow form when it is
// IPv4.
func addBackend(s *split[uint64, netip.AddrPort], ap netip.AddrPort) {
	if ap.Addr().Is4() {
		s.addNarrow(backend4(ap))
	} else {
		s.addWide(ap)
	}
}

// writeAddr4 writes an IPv4 address given in the narrow form of [addr4].
func writeAddr4(b []byte, a uint32) []byte { return writeAddr(b, addrOf4(a)) }

// writeBackend4 writes a reply source given in the narrow form of
// [backend4].
func writeBackend4(b []byte, k uint64) []byte {
	return writeBackend(b, netip.AddrPortFrom(addrOf4(uint32(k>>16)), uint16(k)))
}

// addr4 returns the narrow form of IPv4 address a: its 32 bits.
func addr4(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

// addrOf4 returns the IPv4 address whose narrow form is a.
func addrOf4(a uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], a)
	return netip.AddrFrom4(b)
}

// backend4 returns the narrow form of an IPv4 reply source: its address
// and port in 48 bits.
func backend4(ap netip.AddrPort) uint64 { return uint64(addr4(ap.Addr()))<<16 | uint64(ap.Port()) }

// writeBackend writes a reply source: "addr:port", or "addr" for protocols
// without ports.
func writeBackend(b []byte, ap netip.AddrPort) []byte {
	if ap.Port() == 0 {
		return ap.Addr().AppendTo(b)
	}
	return ap.AppendTo(b)
}
