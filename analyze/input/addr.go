package input

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// HostPort writes an address and port as IP:PORT, an IPv6 address in
// brackets: 10.96.0.1:443, [fd00::1]:443.
func HostPort(ip string, port int) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:" + strconv.Itoa(port)
	}
	return ip + ":" + strconv.Itoa(port)
}

// AddrKey is the key of a virtual service or conntrack destination, as
// the document's maps are keyed (the key of ipvs.ServiceKey):
// TCP/10.96.0.1:443, TCP/[fd00::1]:443.
func AddrKey(protocol, ip string, port int) string {
	return protocol + "/" + HostPort(ip, port)
}

// CompareIP orders addresses numerically, IPv4 before IPv6, and strings
// that are not addresses after them, in string order.
func CompareIP(a, b string) int { return compareParsed(a, b, netip.ParseAddr) }

// CompareHostPort orders IP:PORT strings by address, then port, and
// strings that are not IP:PORT after them, in string order.
func CompareHostPort(a, b string) int { return compareParsed(a, b, netip.ParseAddrPort) }

// sortIPs sorts s in CompareIP's order, reading each address once: for
// the tens of thousands of addresses on a large node's kube-ipvs0.
func sortIPs(s []string) {
	type item struct {
		s    string
		addr netip.Addr
		err  error
	}
	items := make([]item, len(s))
	for i, a := range s {
		addr, err := netip.ParseAddr(a)
		items[i] = item{a, addr, err}
	}
	slices.SortFunc(items, func(x, y item) int { return compareRead(x.s, y.s, x.addr, y.addr, x.err, y.err) })
	for i := range items {
		s[i] = items[i].s
	}
}

// compareParsed orders strings by the values parse reads from them, those
// it cannot read last, in string order.
func compareParsed[T interface{ Compare(T) int }](a, b string, parse func(string) (T, error)) int {
	x, errX := parse(a)
	y, errY := parse(b)
	return compareRead(a, b, x, y, errX, errY)
}

// compareRead orders a and b, read as x and y (errX and errY when they
// could not be), as compareParsed does.
func compareRead[T interface{ Compare(T) int }](a, b string, x, y T, errX, errY error) int {
	switch {
	case errX == nil && errY == nil:
		return x.Compare(y)
	case errX == nil:
		return -1
	case errY == nil:
		return 1
	}
	return cmp.Compare(a, b)
}
