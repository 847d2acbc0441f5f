package conntrack

import (
	"bytes"
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

// counted is a value of a [bounded] and how many times it was seen.
type counted[K comparable] struct {
	k K
	n int
}

// add counts one k.
func (b *bounded[K]) add(k K) {
	for i := range b.seen {
		if b.seen[i].k == k {
			b.seen[i].n++
			if i > 0 && b.seen[i].n > b.seen[i-1].n {
				b.seen[i-1], b.seen[i] = b.seen[i], b.seen[i-1]
			}
			return
		}
	}
	if len(b.seen) < MaxDistinct {
		b.seen = append(b.seen, counted[K]{k, 1})
		return
	}
	b.other++
}

// counts returns b with its values written by write, which writes distinct
// values differently. scratch is space to write them in first, kept for
// the next call.
func (b *bounded[K]) counts(write func([]byte, K) []byte, scratch *[]byte) Counts {
	type span struct{ start, end, n int } // a value written in text
	var spans [MaxDistinct]span
	text := (*scratch)[:0]
	for i, v := range b.seen {
		start := len(text)
		text = write(text, v.k)
		spans[i] = span{start, len(text), v.n}
	}
	*scratch = text
	sorted := spans[:len(b.seen)]
	slices.SortFunc(sorted, func(x, y span) int { return bytes.Compare(text[x.start:x.end], text[y.start:y.end]) })
	var values strings.Builder
	values.Grow(len(text))
	c := Counts{counts: make([]valueCount, len(sorted)), Other: b.other}
	for i, s := range sorted {
		values.Write(text[s.start:s.end])
		c.counts[i] = valueCount{int32(values.Len()), int32(min(s.n, math.MaxInt32))}
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

// writeBackend writes a reply source: "addr:port", or "addr" for protocols
// without ports.
func writeBackend(b []byte, ap netip.AddrPort) []byte {
	if ap.Port() == 0 {
		return ap.Addr().AppendTo(b)
	}
	return ap.AppendTo(b)
}
