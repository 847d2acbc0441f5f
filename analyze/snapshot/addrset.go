package snapshot

import (
	"encoding/binary"
	"net/netip"
)

// addrSet is a set of addresses. IPv4 addresses are keyed by their 32 bits,
// which a map hashes and compares in half the time of a netip.Addr: a
// conntrack summary looks two addresses of every flow up in it.
type addrSet struct {
	v4 map[uint32]struct{}
	v6 map[netip.Addr]struct{}
}

// newAddrSet returns an empty set.
func newAddrSet() *addrSet {
	return &addrSet{v4: map[uint32]struct{}{}, v6: map[netip.Addr]struct{}{}}
}

// add puts a in the set; an IPv4-mapped IPv6 address counts as IPv4.
func (s *addrSet) add(a netip.Addr) {
	if a = a.Unmap(); a.Is4() {
		s.v4[v4Key(a)] = struct{}{}
	} else {
		s.v6[a] = struct{}{}
	}
}

// has reports whether a is in the set; an IPv4-mapped IPv6 address counts
// as IPv4.
func (s *addrSet) has(a netip.Addr) bool {
	var ok bool
	if a = a.Unmap(); a.Is4() {
		_, ok = s.v4[v4Key(a)]
	} else {
		_, ok = s.v6[a]
	}
	return ok
}

// len returns the number of addresses in the set.
func (s *addrSet) len() int { return len(s.v4) + len(s.v6) }

// clear empties the set.
func (s *addrSet) clear() {
	clear(s.v4)
	clear(s.v6)
}

// v4Key returns the key of IPv4 address a.
func v4Key(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}
