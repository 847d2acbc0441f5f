package redact

import "net/netip"

// A Range is a block of addresses the permutation treats apart: a fixed
// range maps to itself, address by address; a class range maps onto itself
// (its prefix is kept, the addresses inside are permuted). No address
// outside a range is mapped into it.
type Range struct {
	Prefix netip.Prefix // the block
	Fixed  bool         // a fixed range, else a class range
}

// Ranges lists the ranges of [Perm]; docs/redaction.md lists them for
// users. They are the blocks whose meaning the analysis or a reader relies
// on: loopback and link-local addresses are tested by the rules, 0.0.0.N
// names firewall marks in ipvsadm -Lnc, masks such as 255.255.255.0 sit in
// the reserved block, and private addresses stay private so that a reader
// still tells a VPC address from a public one.
var Ranges = []Range{
	{netip.MustParsePrefix("0.0.0.0/8"), true},       // this network: 0.0.0.0, and 0.0.0.N fwmark templates of ipvsadm -Lnc
	{netip.MustParsePrefix("127.0.0.0/8"), true},     // loopback
	{netip.MustParsePrefix("169.254.0.0/16"), true},  // link-local, cloud metadata
	{netip.MustParsePrefix("224.0.0.0/4"), true},     // multicast
	{netip.MustParsePrefix("240.0.0.0/4"), true},     // reserved, 255.255.255.255 broadcast, and netmasks (255.255.255.0)
	{netip.MustParsePrefix("10.0.0.0/8"), false},     // private (RFC 1918)
	{netip.MustParsePrefix("172.16.0.0/12"), false},  // private (RFC 1918)
	{netip.MustParsePrefix("192.168.0.0/16"), false}, // private (RFC 1918)
	{netip.MustParsePrefix("100.64.0.0/10"), false},  // shared address space (RFC 6598), pods and VPCs of some clouds
	{netip.MustParsePrefix("::/128"), true},          // unspecified
	{netip.MustParsePrefix("::1/128"), true},         // loopback
	{netip.MustParsePrefix("fe80::/10"), true},       // link-local
	{netip.MustParsePrefix("ff00::/8"), true},        // multicast
	{netip.MustParsePrefix("fc00::/7"), false},       // unique local (RFC 4193)
	{netip.MustParsePrefix("::ffff:0:0/96"), true},   // IPv4-mapped: kept as the prefix of the mapped IPv4 address inside
}

// Special reports whether a is kept as it is: in a fixed range of
// [Ranges], or an IPv4-mapped IPv6 address of one.
func Special(a netip.Addr) bool {
	a = a.Unmap()
	for _, r := range Ranges {
		if r.Fixed && r.Prefix.Contains(a.WithZone("")) {
			return true
		}
	}
	return false
}

// span is a range as the permutation sees it: the bits of its prefix (an
// IPv4 prefix in the top 32 bits) and their number.
type span struct {
	base  [2]uint64
	bits  int
	fixed bool
}

var ranges4, ranges6 = splitRanges()

func splitRanges() (r4, r6 []span) {
	for _, r := range Ranges {
		a := r.Prefix.Addr()
		if a.Is4() {
			b := a.As4()
			base := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
			r4 = append(r4, span{[2]uint64{base << 32, 0}, r.Prefix.Bits(), r.Fixed})
			continue
		}
		b := a.As16()
		var v [2]uint64
		for i := range 8 {
			v[0] = v[0]<<8 | uint64(b[i])
			v[1] = v[1]<<8 | uint64(b[8+i])
		}
		r6 = append(r6, span{v, r.Prefix.Bits(), r.Fixed})
	}
	return r4, r6
}

// free reports whether the bit after an i-bit prefix may be flipped: not on
// the way to a range, nor inside a fixed one.
func free(rs []span, prefix [2]uint64, i int) bool {
	for _, r := range rs {
		if i < r.bits && masked128(r.base, i) == prefix {
			return false
		}
		if r.fixed && i >= r.bits && masked128(prefix, r.bits) == r.base {
			return false
		}
	}
	return true
}
