package redact

import (
	"bytes"
	"net/netip"
	"strconv"
)

// rewriter replaces the addresses and, when it has names, the names in
// text, keeping everything else byte for byte: the same scanner serves the
// redaction (Perm.Map, names to tokens) and the way back (Perm.Unmap,
// tokens to names).
//
// Text is cut into runs of letters, digits and "._-:"; a run (or a piece of
// it between colons) that is a known name is replaced whole; one that is an
// address is mapped, in the form it had (IPv6 uncompressed stays
// uncompressed); a network address followed by /N is mapped to the network
// of the mapped prefix; an IPv4 address among the dot-separated labels of a
// longer run (cn-hangzhou.10.0.0.12) is mapped in place.
type rewriter struct {
	addrs *addrCache
	names map[string]string // nil: addresses only
	uid   func(string) string
}

// addrCache maps address texts, remembering every answer: a capture
// repeats the same few thousand addresses millions of times.
type addrCache struct {
	fn   func(netip.Addr) netip.Addr
	seen map[string]string // text -> mapped text, "" when not an address
	note func(from, to netip.Addr)
}

func newAddrCache(fn func(netip.Addr) netip.Addr, note func(from, to netip.Addr)) *addrCache {
	return &addrCache{fn: fn, seen: map[string]string{}, note: note}
}

// text returns the mapped text of an address text, with bits the length
// of the prefix that follows it (-1 for none).
func (c *addrCache) text(s []byte, bits int) (string, bool) {
	if bits < 0 {
		if out, ok := c.seen[string(s)]; ok {
			return out, out != ""
		}
	}
	a, err := netip.ParseAddr(string(s))
	if err != nil {
		if bits < 0 && len(c.seen) < 1<<20 {
			c.seen[string(s)] = ""
		}
		return "", false
	}
	m := c.fn(a)
	if c.note != nil {
		c.note(a, m)
	}
	if bits >= 0 && bits <= a.BitLen() {
		if p := netip.PrefixFrom(a, bits); p.Masked().Addr() == a {
			m = netip.PrefixFrom(m, bits).Masked().Addr()
		}
	}
	out := m.String()
	if a.Is6() && !a.Is4In6() && len(s) == 39 {
		out = m.StringExpanded()
	}
	if bits < 0 {
		c.seen[string(s)] = out
	}
	return out, true
}

// isRun tells the bytes of a run.
func isRun(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// append appends the rewritten src to dst.
func (w *rewriter) append(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		if !isRun(src[i]) {
			dst = append(dst, src[i])
			i++
			continue
		}
		j := i
		for j < len(src) && isRun(src[j]) {
			j++
		}
		dst = w.run(dst, src[i:j], prefixLen(src[j:]))
		i = j
	}
	return dst
}

// string returns s rewritten.
func (w *rewriter) string(s string) string {
	return string(w.append(nil, []byte(s)))
}

// prefixLen returns N when rest starts with "/N", else -1.
func prefixLen(rest []byte) int {
	if len(rest) < 2 || rest[0] != '/' {
		return -1
	}
	k := 1
	for k < len(rest) && k <= 4 && isDigit(rest[k]) {
		k++
	}
	if k == 1 || k > 4 || k < len(rest) && isRun(rest[k]) {
		return -1
	}
	n, _ := strconv.Atoi(string(rest[1:k]))
	return n
}

// run appends the replacement of one run.
func (w *rewriter) run(dst, r []byte, bits int) []byte {
	if t, ok := w.name(r); ok {
		return append(dst, t...)
	}
	colons := bytes.Count(r, []byte{':'})
	if colons == 0 {
		return w.piece(dst, r, bits)
	}
	if colons >= 2 { // IPv6 has two at least; "10.0.0.1:80" one
		if out, ok := w.addrs.text(r, bits); ok {
			return append(dst, out...)
		}
	}
	for {
		k := bytes.IndexByte(r, ':')
		if k < 0 {
			return w.piece(dst, r, bits)
		}
		dst = append(w.piece(dst, r[:k], -1), ':')
		r = r[k+1:]
	}
}

// name returns the replacement of a known name.
func (w *rewriter) name(r []byte) (string, bool) {
	if w.names == nil {
		return "", false
	}
	t, ok := w.names[string(r)]
	return t, ok
}

// piece appends the replacement of a run without colons.
func (w *rewriter) piece(dst, p []byte, bits int) []byte {
	if len(p) == 0 {
		return dst
	}
	if t, ok := w.name(p); ok {
		return append(dst, t...)
	}
	// A name that ends a sentence: "on node-1."
	if trimmed := bytes.TrimRight(p, "."); len(trimmed) < len(p) {
		if t, ok := w.name(trimmed); ok {
			return append(append(dst, t...), p[len(trimmed):]...)
		}
	}
	if bytes.IndexByte(p, '.') < 0 {
		if w.uid != nil && isUID(p) {
			return append(dst, w.uid(string(p))...)
		}
		return append(dst, p...)
	}
	if isDigit(p[0]) {
		if out, ok := w.addrs.text(p, bits); ok {
			return append(dst, out...)
		}
	}
	return w.labels(dst, p)
}

// labels appends p, a dotted run, with the IPv4 addresses among its labels
// mapped: cn-hangzhou.10.0.0.12, 10.0.0.12.nip.io, "10.0.0.1." at the end
// of a sentence.
func (w *rewriter) labels(dst, p []byte) []byte {
	start := 0 // of the label being looked at
	for start < len(p) {
		end, dots := start, 0
		for end < len(p) && dots < 4 {
			k := end
			for k < len(p) && isDigit(p[k]) {
				k++
			}
			if k == end || k-end > 3 || k < len(p) && p[k] != '.' {
				break
			}
			end, dots = k, dots+1
			if end < len(p) && dots < 4 {
				end++ // the dot
			}
		}
		// Four numeric labels, not among more: "1.2.3.4.5" is no address.
		alone := (start < 2 || !isDigit(p[start-2])) &&
			(end == len(p) || end+1 == len(p) || !isDigit(p[end+1]))
		if dots == 4 && alone {
			if out, ok := w.addrs.text(p[start:end], -1); ok {
				dst = append(dst, out...)
				start = end
				continue
			}
		}
		// Copy up to the next label.
		k := bytes.IndexByte(p[start:], '.')
		if k < 0 {
			return append(dst, p[start:]...)
		}
		dst = append(dst, p[start:start+k+1]...)
		start += k + 1
	}
	return dst
}

// isUID reports whether p is a UUID: 8-4-4-4-12 hex digits.
func isUID(p []byte) bool {
	if len(p) != 36 {
		return false
	}
	for i, c := range p {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
