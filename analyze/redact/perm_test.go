package redact

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// testKey is a fixed key, so that failures can be reproduced.
var testKey = bytes.Repeat([]byte{0x5a, 0x17, 0xc3, 0x08}, KeySize/4)

func testPerm(t testing.TB) *Perm {
	t.Helper()
	p, err := NewPerm(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// commonBits is the length of the longest common prefix of two addresses
// of one family.
func commonBits(a, b netip.Addr) int {
	x, y := a.As16(), b.As16()
	n := 0
	for i := range x {
		d := x[i] ^ y[i]
		if d == 0 {
			n += 8
			continue
		}
		for d&0x80 == 0 {
			n++
			d <<= 1
		}
		break
	}
	if a.Is4() {
		n -= 96
	}
	return n
}

// samples returns n random addresses of the family of bits (32 or 128),
// some of them close neighbours so that long common prefixes are tested.
func samples(r *rand.Rand, n, bits int) []netip.Addr {
	var out []netip.Addr
	for len(out) < n {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], r.Uint64())
		binary.BigEndian.PutUint64(b[8:], r.Uint64())
		a := netip.AddrFrom16(b)
		if bits == 32 {
			a = netip.AddrFrom4([4]byte(b[12:]))
		}
		out = append(out, a)
		if len(out)%4 == 0 { // a neighbour in the same /24 or /120
			nb := a.As16()
			nb[15] ^= byte(r.IntN(256))
			x := netip.AddrFrom16(nb)
			if bits == 32 {
				x = x.Unmap()
			}
			out = append(out, x)
		}
	}
	return out
}

func TestPermPrefixPreserving(t *testing.T) {
	p := testPerm(t)
	r := rand.New(rand.NewPCG(1, 2))
	for _, bits := range []int{32, 128} {
		addrs := samples(r, 400, bits)
		for i, a := range addrs {
			for _, b := range addrs[i+1:] {
				if got, want := commonBits(p.Map(a), p.Map(b)), commonBits(a, b); got != want {
					t.Fatalf("%s and %s share %d bits, mapped %s and %s share %d", a, b, want, p.Map(a), p.Map(b), got)
				}
			}
		}
	}
}

func TestPermBijective(t *testing.T) {
	p := testPerm(t)
	r := rand.New(rand.NewPCG(3, 4))
	for _, bits := range []int{32, 128} {
		seen := map[netip.Addr]netip.Addr{}
		for _, a := range samples(r, 5000, bits) {
			m := p.Map(a)
			if other, ok := seen[m]; ok && other != a {
				t.Fatalf("%s and %s both map to %s", a, other, m)
			}
			seen[m] = a
			if back := p.Unmap(m); back != a {
				t.Fatalf("%s maps to %s, which unmaps to %s", a, m, back)
			}
		}
	}
	// All of a small subnet: a permutation of it.
	got := map[netip.Addr]bool{}
	for i := range 256 {
		got[p.Map(netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}))] = true
	}
	if len(got) != 256 {
		t.Errorf("203.0.113.0/24 maps onto %d addresses, want 256", len(got))
	}
}

func TestPermRanges(t *testing.T) {
	p := testPerm(t)
	for _, s := range []string{
		"0.0.0.0", "0.0.0.123", "127.0.0.1", "127.1.2.3", "169.254.169.254", "224.0.0.1", "239.1.2.3",
		"255.255.255.255", "255.255.255.0", "255.255.0.0", "240.0.0.1",
		"::", "::1", "fe80::1", "fe80::f028:4aff:fe2b:ba25", "ff02::1", "::ffff:127.0.0.1",
	} {
		a := netip.MustParseAddr(s)
		if !Special(a) {
			t.Errorf("%s is not special", s)
		}
		if m := p.Map(a); m != a {
			t.Errorf("%s maps to %s, want itself", s, m)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, rg := range Ranges {
		if rg.Fixed {
			continue
		}
		same := 0
		for range 200 {
			a := randomIn(r, rg.Prefix)
			m := p.Map(a)
			if !rg.Prefix.Contains(m) {
				t.Errorf("%s in %s maps to %s", a, rg.Prefix, m)
			}
			if m == a {
				same++
			}
		}
		if same > 10 {
			t.Errorf("%d of 200 addresses of %s map to themselves", same, rg.Prefix)
		}
	}
	// Addresses outside every range stay outside them all.
	for _, bits := range []int{32, 128} {
		for _, a := range samples(r, 3000, bits) {
			if in(a) {
				continue
			}
			if m := p.Map(a); in(m) {
				t.Errorf("%s maps into a range: %s", a, m)
			}
		}
	}
	// IPv4-mapped addresses map their IPv4 address.
	v4 := netip.MustParseAddr("10.1.2.3")
	if got, want := p.Map(netip.MustParseAddr("::ffff:10.1.2.3")), netip.AddrFrom16(p.Map(v4).As16()); got != want {
		t.Errorf("::ffff:10.1.2.3 maps to %s, want %s", got, want)
	}
}

// in reports whether a is in one of the ranges.
func in(a netip.Addr) bool {
	for _, r := range Ranges {
		if r.Prefix.Contains(a) {
			return true
		}
	}
	return false
}

// randomIn returns a random address of p.
func randomIn(r *rand.Rand, p netip.Prefix) netip.Addr {
	b := p.Addr().As16()
	off := 96
	if p.Addr().Is6() {
		off = 0
	}
	for i := off + p.Bits(); i < 128; i++ {
		if r.IntN(2) == 1 {
			b[i/8] |= 0x80 >> (i % 8)
		}
	}
	a := netip.AddrFrom16(b)
	if p.Addr().Is4() {
		a = a.Unmap()
	}
	return a
}

func TestPermKey(t *testing.T) {
	if _, err := NewPerm(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was accepted")
	}
	other := bytes.Clone(testKey)
	other[0] ^= 1
	p, q := testPerm(t), must(NewPerm(other))
	a := netip.MustParseAddr("203.0.113.10")
	if p.Map(a) == q.Map(a) {
		t.Errorf("two keys map %s to the same %s", a, p.Map(a))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestPermUniform checks that the flips along a path are independent: under
// many keys, the zero third octet of 192.168.0.12 stays zero about once in
// 256, as a random permutation of 192.168.0.0/16 would have it. (A
// pseudo-random function fed the prefix padded with a fixed pad gives
// neighbouring positions the same bit whenever the address's bit matches
// the pad's, and keeps it about one time in 14.)
func TestPermUniform(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	a := netip.MustParseAddr("192.168.0.12")
	kept := 0
	for range 1000 {
		key := make([]byte, KeySize)
		for i := range key {
			key[i] = byte(r.UintN(256))
		}
		if must(NewPerm(key)).Map(a).As4()[2] == 0 {
			kept++
		}
	}
	if kept > 20 {
		t.Errorf("the third octet of %s stays under %d keys of 1000, want about 4", a, kept)
	}
}
