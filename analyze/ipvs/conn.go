package ipvs

import (
	"net/netip"
	"strconv"
	"strings"
)

// connLine parses a connection row and reports whether line was one: a row
// of ipvsadm -Lnc ("TCP 14:55  ESTABLISHED 10.244.1.5:43210 10.96.0.1:443
// 192.168.10.11:6443") or of /proc/net/ip_vs_conn ("TCP 0AF40105 A8CA
// 0A600001 01BB C0A80A0B 192B ESTABLISHED 895"). Without a header, a row is
// told by its MM:SS expire field or its hex ports.
func (p *parser) connLine(line string, f []string) bool {
	switch {
	case procConnRow(f):
		p.procConn(line, f)
	case len(f) >= 6 && isExpire(f[1]) && (p.t.Format == FormatConn || connProto(f[0])):
		p.listConn(line, f)
	default:
		return false
	}
	return true
}

// connProto reports whether s is a protocol ipvsadm -Lnc prints.
func connProto(s string) bool {
	switch s {
	case "TCP", "UDP", "SCTP", "IP", "ICMP", "ICMPv6":
		return true
	}
	return strings.HasPrefix(s, "IP_")
}

// listConn parses a row of ipvsadm -Lnc.
func (p *parser) listConn(line string, f []string) {
	c := Conn{Pos: p.pos, Protocol: f[0], State: f[2]}
	mm, ss, _ := strings.Cut(f[1], ":")
	m, _ := strconv.Atoi(mm) // isExpire checked the digits and length
	s, _ := strconv.Atoi(ss)
	c.Expires = m*60 + s
	for i, dst := range []*netip.AddrPort{&c.Source, &c.Virtual, &c.Dest} {
		a, kind := parseAddrPort(f[3+i])
		switch kind {
		case addrName:
			p.named(line, "connection")
			return
		case addrBad:
			p.warn(line, "bad address %q", f[3+i])
			return
		case addrPlaceholder:
			p.placeholder(line, "connection's", f[3+i])
			return
		}
		*dst = a
	}
	p.addConn(line, c, f[6:])
}

// procConn parses a row of /proc/net/ip_vs_conn: hex IPv4 addresses (or
// uncompressed IPv6 ones), hex ports, and the expire time in seconds.
func (p *parser) procConn(line string, f []string) {
	c := Conn{Pos: p.pos, Protocol: f[0], State: f[7]}
	for i, dst := range []*netip.AddrPort{&c.Source, &c.Virtual, &c.Dest} {
		a, ok := procAddrPort(f[1+2*i], f[2+2*i])
		if !ok {
			p.warn(line, "bad address %q", f[1+2*i]+" "+f[2+2*i])
			return
		}
		*dst = a
	}
	n, err := strconv.ParseUint(f[8], 10, 32)
	if err != nil {
		p.warn(line, "bad expire time %q", f[8])
		return
	}
	c.Expires = int(n)
	p.addConn(line, c, f[9:])
}

// addConn completes c with the persistence engine columns in rest and adds
// it to the table.
func (p *parser) addConn(line string, c Conn, rest []string) {
	if len(rest) >= 2 {
		c.PEName, c.PEData, rest = rest[0], rest[1], rest[2:]
	}
	if len(rest) > 0 {
		p.extra(line, &c.Extra, rest...)
	}
	p.known = true
	p.setFormat(FormatConn, false)
	p.t.Conns = append(p.t.Conns, c)
}

// procAddrPort parses the address and port columns of /proc/net/ip_vs_conn.
func procAddrPort(addr, port string) (netip.AddrPort, bool) {
	pt, err := strconv.ParseUint(port, 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	a, ok := HexIPv4(addr)
	if !ok {
		if a, err = netip.ParseAddr(addr); err != nil || !a.Is6() || a.Zone() != "" {
			return netip.AddrPort{}, false
		}
	}
	return netip.AddrPortFrom(a, uint16(pt)), true
}

// procConnRow reports whether the fields f are a row of
// /proc/net/ip_vs_conn: hex ports in fields 2, 4 and 6, after the
// addresses in fields 1, 3 and 5.
func procConnRow(f []string) bool {
	return len(f) >= 9 && isHex(f[2], 4) && isHex(f[4], 4) && isHex(f[6], 4)
}

// hexAddrPort splits an IPv4 ADDR:PORT of /proc/net/ip_vs
// ("0A600001:01BB") and reports whether s was one.
func hexAddrPort(s string) (addr, port string, ok bool) {
	addr, port, _ = strings.Cut(s, ":")
	return addr, port, isHex(addr, 8) && isHex(port, 4)
}

// HexIPv4 decodes an IPv4 address as /proc/net/ip_vs and
// /proc/net/ip_vs_conn print it, eight hex digits with the most
// significant first ("0A600001" is 10.96.0.1), and reports whether s was
// one.
func HexIPv4(s string) (netip.Addr, bool) {
	if !isHex(s, 8) {
		return netip.Addr{}, false
	}
	n, _ := strconv.ParseUint(s, 16, 32)
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// HexIPv4Fields returns the indexes, in order, of the fields of a line of
// an IPVS capture that begin with an IPv4 address in the kernel's hex form
// (its first eight characters, for [HexIPv4]): the client, virtual and
// real server addresses of a /proc/net/ip_vs_conn row, or each ADDR:PORT
// of /proc/net/ip_vs ("0A600001:01BB"). The kernel's uncompressed IPv6
// addresses are not among them.
func HexIPv4Fields(f []string) []int {
	var at []int
	if procConnRow(f) {
		for _, i := range []int{1, 3, 5} {
			if isHex(f[i], 8) {
				at = append(at, i)
			}
		}
		return at
	}
	for i, s := range f {
		if _, _, ok := hexAddrPort(s); ok {
			at = append(at, i)
		}
	}
	return at
}

// isHex reports whether s is n hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// isExpire reports whether s is the "MM:SS" expire time of ipvsadm -Lnc
// (the minutes can exceed 99).
func isExpire(s string) bool {
	m, sec, ok := strings.Cut(s, ":")
	return ok && len(m) >= 1 && len(m) <= 9 && len(sec) == 2 && isDigits(m) && isDigits(sec)
}

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
