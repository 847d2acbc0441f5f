package conntrack

import "net/netip"

// parseAddr parses an IPv4 or IPv6 address without allocating for the
// forms conntrack prints (dotted quads, compressed or full IPv6). Anything
// else, such as a zone or an embedded IPv4 tail, goes through
// [netip.ParseAddr], which also words the error.
func parseAddr(b []byte) (netip.Addr, error) {
	if a, ok := parseIPv4(b); ok {
		return a, nil
	}
	if a, ok := parseIPv6(b); ok {
		return a, nil
	}
	return netip.ParseAddr(string(b))
}

// parseIPv4 parses a dotted quad with the rules of [netip.ParseAddr]: four
// decimal fields of at most 255 without leading zeros.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	field, digits, v := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || field > 3 {
				return netip.Addr{}, false
			}
			ip[field] = byte(v)
			field, digits, v = field+1, 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || (digits == 1 && v == 0) {
			return netip.Addr{}, false
		}
		v = v*10 + int(c-'0')
		digits++
		if v > 255 {
			return netip.Addr{}, false
		}
	}
	if field != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}

// parseIPv6 parses an IPv6 address made only of hex groups and at most one
// "::", with the rules of [netip.ParseAddr]. It declines (false) anything
// else, including valid forms it leaves to netip.
func parseIPv6(b []byte) (netip.Addr, bool) {
	var ip [16]byte
	n := 0         // bytes filled
	ellipsis := -1 // byte offset of "::"
	i := 0
	if len(b) >= 2 && b[0] == ':' && b[1] == ':' {
		ellipsis = 0
		i = 2
		if i == len(b) {
			return netip.IPv6Unspecified(), true
		}
	}
	for i < len(b) {
		v, digits := 0, 0
		for i < len(b) && digits < 5 {
			d := unhex(b[i])
			if d < 0 {
				break
			}
			v = v<<4 | d
			digits++
			i++
		}
		if digits == 0 || digits > 4 || n == 16 {
			return netip.Addr{}, false
		}
		ip[n], ip[n+1] = byte(v>>8), byte(v)
		n += 2
		if i == len(b) {
			break
		}
		if b[i] != ':' || i+1 == len(b) {
			return netip.Addr{}, false
		}
		i++
		if b[i] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis = n
			i++
			if i == len(b) {
				break
			}
		}
	}
	switch {
	case n < 16 && ellipsis < 0, n == 16 && ellipsis >= 0:
		return netip.Addr{}, false
	case n < 16:
		shift := 16 - n
		copy(ip[ellipsis+shift:], ip[ellipsis:n])
		clear(ip[ellipsis : ellipsis+shift])
	}
	return netip.AddrFrom16(ip), true
}

// unhex returns the value of hex digit c, or -1.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// parseUint parses a decimal number of at most bits bits.
func parseUint(b []byte, bits uint) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if bits < 64 && v >= 1<<bits {
		return 0, false
	}
	return v, true
}

// parseHex16 parses "0x" followed by at most four hex digits (GRE keys).
func parseHex16(b []byte) (uint16, bool) {
	if len(b) < 3 || len(b) > 6 || b[0] != '0' || (b[1] != 'x' && b[1] != 'X') {
		return 0, false
	}
	var v int
	for _, c := range b[2:] {
		d := unhex(c)
		if d < 0 {
			return 0, false
		}
		v = v<<4 | d
	}
	return uint16(v), true
}
