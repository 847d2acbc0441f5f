package diff

import (
	"cmp"
	"net/netip"
	"strconv"
	"strings"
)

// hostPort writes IP:PORT, with an IPv6 address in brackets.
func hostPort(ip string, port int) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:" + strconv.Itoa(port)
	}
	return ip + ":" + strconv.Itoa(port)
}

// compareAddrs orders addresses numerically, IPv4 before IPv6; what is
// not an address comes last, in string order.
func compareAddrs(a, b string) int { return compareParsed(a, b, netip.ParseAddr) }

// compareHostPorts orders IP:PORT strings by address, then port; what is
// not IP:PORT comes last, in string order.
func compareHostPorts(a, b string) int { return compareParsed(a, b, netip.ParseAddrPort) }

// compareParsed orders strings by the values parse reads from them, those
// it cannot read last, in string order.
func compareParsed[T interface{ Compare(T) int }](a, b string, parse func(string) (T, error)) int {
	x, errX := parse(a)
	y, errY := parse(b)
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

// compareVSKeys orders virtual service keys (TCP/10.96.0.1:443,
// FWM/124) by address and port, then protocol; firewall marks last, by
// mark.
func compareVSKeys(a, b string) int {
	pa, ra, _ := strings.Cut(a, "/")
	pb, rb, _ := strings.Cut(b, "/")
	if fa, fb := pa == "FWM", pb == "FWM"; fa != fb {
		if fa {
			return 1
		}
		return -1
	} else if fa {
		ma, _, _ := strings.Cut(ra, "/") // FWM/124/IPv6
		mb, _, _ := strings.Cut(rb, "/")
		na, _ := strconv.Atoi(ma)
		nb, _ := strconv.Atoi(mb)
		return cmp.Or(cmp.Compare(na, nb), cmp.Compare(a, b))
	}
	return cmp.Or(compareHostPorts(ra, rb), cmp.Compare(pa, pb))
}
