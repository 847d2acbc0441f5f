package trace

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// The kinds of client.
const (
	KindPod      = "pod"      // a pod on a node: its source is a pod IP
	KindHost     = "host"     // a host process (or hostNetwork pod) on a node
	KindExternal = "external" // a client outside the cluster, entering through a node
)

// From is the client of a trace as --from gives it.
type From struct {
	Spec string // as written
	// Kind is KindPod, KindHost or KindExternal; "" for an IP, which
	// [NewPlan] classifies.
	Kind string
	// Node is the node of the pod or host, or the one an external client
	// enters through; "" when not given.
	Node string
	IP   netip.Addr // the client's address; the zero Addr when not given
}

// ParseFrom reads --from: pod:NODE, host:NODE, external, external:NODE, or
// an IP address.
func ParseFrom(s string) (From, error) {
	f := From{Spec: s}
	kind, node, hasNode := strings.Cut(s, ":")
	switch kind {
	case KindPod, KindHost:
		if node == "" {
			return From{}, fmt.Errorf("--from %q: want %s:NODE, the node of the %s", s, kind, map[string]string{KindPod: "pod", KindHost: "host process"}[kind])
		}
		f.Kind, f.Node = kind, node
		return f, nil
	case KindExternal:
		if hasNode && node == "" {
			return From{}, fmt.Errorf("--from %q: want external or external:NODE, the node the client enters through", s)
		}
		f.Kind, f.Node = KindExternal, node
		return f, nil
	}
	ip, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil || ip.Zone() != "" {
		return From{}, fmt.Errorf("--from %q: want pod:NODE, host:NODE, external, external:NODE or an IP address", s)
	}
	f.IP = ip.Unmap()
	return f, nil
}

// To is the destination of a trace as --to gives it: an address, or a
// Service by name.
type To struct {
	Spec string // as written
	// IP is the destination address; the zero Addr for a Service.
	IP netip.Addr
	// Service is namespace/name when --to names a Service.
	Service string
	// Port is the port (for a Service, the Service port); 0 when not given.
	// PortName is a named port of a Service instead.
	Port     int
	PortName string
	// Protocol is TCP, UDP or SCTP; "" when not given.
	Protocol string
}

// ParseTo reads --to: IP, IP:PORT, IP:PORT/PROTO ([IPv6]:PORT/PROTO), or a
// Service NAMESPACE/NAME, NAMESPACE/NAME:PORT or NAMESPACE/NAME:PORT/PROTO,
// where PORT is the Service port's number or name.
func ParseTo(s string) (To, error) {
	t := To{Spec: s}
	bad := func(format string, args ...any) (To, error) {
		return To{}, fmt.Errorf("--to %q: "+format, append([]any{s}, args...)...)
	}
	rest := s
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		var scratch To
		switch p := strings.ToUpper(rest[i+1:]); {
		case p == "TCP" || p == "UDP" || p == "SCTP":
			t.Protocol, rest = p, rest[:i]
		case strings.Count(rest, "/") == 2:
			return bad("unknown protocol %q (want TCP, UDP or SCTP)", rest[i+1:])
		default:
			if ok, _ := scratch.parseAddress(rest[:i]); ok {
				return bad("unknown protocol %q (want TCP, UDP or SCTP)", rest[i+1:])
			}
		}
	}
	if ok, err := t.parseAddress(rest); ok {
		if err != "" {
			return bad("%s", err)
		}
		return t, nil
	}
	if !strings.Contains(rest, "/") && t.Protocol != "" {
		rest, t.Protocol = s, "" // a Service named tcp, udp or sctp
	}
	ns, nameport, ok := strings.Cut(rest, "/")
	if !ok || strings.Contains(nameport, "/") {
		return bad("want IP[:PORT][/PROTO] or NAMESPACE/NAME[:PORT][/PROTO]")
	}
	name, port, hasPort := strings.Cut(nameport, ":")
	if !validName(ns) || !validName(name) {
		return bad("want IP[:PORT][/PROTO] or NAMESPACE/NAME[:PORT][/PROTO]")
	}
	t.Service = ns + "/" + name
	switch n, err := strconv.Atoi(port); {
	case !hasPort:
	case err == nil && n >= 1 && n <= 65535:
		t.Port = n
	case err == nil || port == "" || !validName(port):
		return bad("invalid port %q (want 1 to 65535, or the name of a port of the Service)", port)
	default:
		t.PortName = port
	}
	return t, nil
}

// parseAddress reads an address destination into t; ok is false when s is
// no address at all, err says what is wrong with one.
func (t *To) parseAddress(s string) (ok bool, err string) {
	if ip, e := netip.ParseAddr(s); e == nil {
		return true, t.setIP(ip)
	}
	host, port, hasPort := s, "", false
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return true, "unclosed ["
		}
		host, port = s[1:end], strings.TrimPrefix(s[end+1:], ":")
		hasPort = len(s) > end+1
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, port, hasPort = s[:i], s[i+1:], true
	}
	ip, e := netip.ParseAddr(host)
	if e != nil {
		return false, ""
	}
	if msg := t.setIP(ip); msg != "" {
		return true, msg
	}
	if hasPort {
		n, e := strconv.Atoi(port)
		if e != nil || n < 1 || n > 65535 {
			return true, fmt.Sprintf("invalid port %q (want 1 to 65535)", port)
		}
		t.Port = n
	}
	return true, ""
}

// setIP sets the destination address, refusing the ones no packet is
// routed to.
func (t *To) setIP(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.Zone() != "":
		return fmt.Sprintf("invalid IP address %q", ip)
	case ip.IsUnspecified(), ip.IsLoopback(), ip.IsMulticast(), ip.IsLinkLocalUnicast():
		return fmt.Sprintf("%s is not routable: trace follows connections to Service, load balancer and node addresses", ip)
	}
	t.IP = ip
	return ""
}

// validName reports whether s can be a namespace, Service or port name: a
// DNS label of lower-case letters, digits and dashes.
func validName(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if r != '-' && !('a' <= r && r <= 'z') && !('0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
