package redact

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"net/netip"
)

// KeySize is the length of the key of a [Perm], in bytes.
const KeySize = 32

// Perm is a keyed prefix-preserving permutation of IPv4 and IPv6 addresses,
// in the manner of Crypto-PAn: bit i of the mapped address is bit i of the
// address flipped or not by a pseudo-random function (AES-256 under the
// key) of the i bits before it. Two addresses that share their first n bits are mapped to two
// addresses that share their first n bits, so subnets map onto subnets and
// containment in a CIDR is kept. The function is a bijection on each family.
//
// Flips are forced off on the way to every [Range] and, inside a fixed
// range, everywhere: so fixed ranges map to themselves address by address,
// a class range (10.0.0.0/8...) onto itself, and no address outside a
// range is mapped into it.
//
// The zero Perm is not valid: use [NewPerm]. A Perm is not safe for
// concurrent use.
type Perm struct {
	block cipher.Block
	buf   [16]byte
}

// NewPerm returns the permutation of a [KeySize]-byte key.
func NewPerm(key []byte) (*Perm, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("key of %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key) // AES-256
	if err != nil {
		return nil, err
	}
	return &Perm{block: block}, nil
}

// Map returns the address a is mapped to. IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d) keep their form and map their IPv4 address; zones are
// kept.
func (p *Perm) Map(a netip.Addr) netip.Addr { return p.apply(a, false) }

// Unmap returns the address that [Perm.Map] maps to a: its inverse.
func (p *Perm) Unmap(a netip.Addr) netip.Addr { return p.apply(a, true) }

func (p *Perm) apply(a netip.Addr, inverse bool) netip.Addr {
	switch {
	case a.Is4():
		b := a.As4()
		v := p.permute([2]uint64{uint64(binary.BigEndian.Uint32(b[:])) << 32, 0}, 32, inverse)
		binary.BigEndian.PutUint32(b[:], uint32(v[0]>>32))
		return netip.AddrFrom4(b)
	case a.Is4In6():
		m := netip.AddrFrom16(p.apply(a.Unmap(), inverse).As16())
		return m.WithZone(a.Zone())
	case a.Is6():
		b := a.As16()
		v := p.permute([2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}, 128, inverse)
		binary.BigEndian.PutUint64(b[:8], v[0])
		binary.BigEndian.PutUint64(b[8:], v[1])
		return netip.AddrFrom16(b).WithZone(a.Zone())
	}
	return a
}

// permute maps the first n bits of v (32 for IPv4, held in the top bits,
// or 128): bit i is flipped when the pseudo-random bit of the i bits
// before it, in the original address, says so and no range forbids it.
func (p *Perm) permute(v [2]uint64, n int, inverse bool) [2]uint64 {
	rs := ranges6
	if n == 32 {
		rs = ranges4
	}
	out := v
	for i := 0; i < n; i++ {
		src := v // the original address, known bit by bit when inverting
		if inverse {
			src = out
		}
		prefix := masked128(src, i)
		if free(rs, prefix, i) && p.prf(prefix, i, n) {
			out[i/64] ^= 1 << (63 - i%64)
		}
	}
	return out
}

// prf is the pseudo-random bit of the i-bit prefix of an address of n
// bits: the first bit of a CBC-MAC under the key of two blocks, the prefix
// (zeros past it) and then the family and the length. Every prefix of
// every length and family gets a bit of its own, so the flips of a path
// are independent.
func (p *Perm) prf(prefix [2]uint64, i, n int) bool {
	binary.BigEndian.PutUint64(p.buf[:8], prefix[0])
	binary.BigEndian.PutUint64(p.buf[8:], prefix[1])
	p.block.Encrypt(p.buf[:], p.buf[:])
	p.buf[0] ^= byte(n)
	p.buf[1] ^= byte(i)
	p.block.Encrypt(p.buf[:], p.buf[:])
	return p.buf[0]&0x80 != 0
}

// masked128 keeps the first n bits of v.
func masked128(v [2]uint64, n int) [2]uint64 {
	switch {
	case n <= 0:
		return [2]uint64{}
	case n < 64:
		return [2]uint64{v[0] &^ (^uint64(0) >> n), 0}
	case n == 64:
		return [2]uint64{v[0], 0}
	case n < 128:
		return [2]uint64{v[0], v[1] &^ (^uint64(0) >> (n - 64))}
	}
	return v
}
