package input

import (
	"cmp"
	"fmt"
	"net/netip"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/ipaddr"
	"github.com/ipvslint/ipvslint/analyze/ipvs"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/analyze/ss"
	"github.com/ipvslint/ipvslint/analyze/sysctl"
)

// NodeCaptures are the names of nodes[n].captures, each always present.
var NodeCaptures = []string{"ip-addr", "ipvsadm", "conntrack", "sysctl", "ss-listen", "uname", "ipvsadm-stats", "ipvsadm-conn", "proxy-mode"}

// captureFiles are the layout files that stand for each node capture name,
// to find why a missing one is missing.
var captureFiles = map[string]string{
	"ip-addr": "ip-addr.txt", "ipvsadm": "ipvsadm.txt", "conntrack": "conntrack.txt",
	"sysctl": "sysctl.txt", "ss-listen": "ss-listen.txt", "uname": "uname.txt",
	"ipvsadm-stats": "ipvsadm-stats.txt", "ipvsadm-conn": "ipvsadm-conn.txt", "proxy-mode": "proxy-mode.txt",
}

// node returns the facts of one node of the snapshot: what it captured,
// the model's facts (expected state, differences, Service addresses, Local
// policies, traffic), and of the inventory what the rules read. c holds the
// cluster facts built so far (Services, Node objects, kube-proxy config).
func (b *builder) node(n *snapshot.Node, c *Cluster, expect []Expect) *Node {
	st := b.nodeState(n, c)
	out := &Node{
		Name:         n.Name,
		Captures:     nodeCaptures(n),
		IPVSComplete: st.complete,
		Listeners:    []Listener{},
		Sysctl:       map[string]Sysctl{},
		ProxyMode:    n.ProxyMode,
		Diff:         newDiff(),
		ServiceIPs:   []ServiceIP{},
		LocalPolicy:  []LocalPolicyGap{},
	}
	out.AddressesComplete, out.IPVS0Complete = st.addrsComplete, st.ipvs0Complete
	if n.Listen != nil {
		for _, s := range n.Listen.Sockets {
			out.Listeners = append(out.Listeners, listener(&s))
		}
	}
	if n.Sysctl != nil {
		for name, e := range n.Sysctl.Entries {
			out.Sysctl[name] = Sysctl{Value: e.Value, File: e.Pos.File, Line: e.Pos.Line, Text: name + " = " + e.Value}
		}
	}
	if k := n.Kernel; k != nil {
		out.Kernel = &Kernel{Release: k.Release, Major: k.Version.Major, Minor: k.Version.Minor, Patch: k.Version.Patch, File: k.Pos.File, Line: k.Pos.Line}
	}
	m := &model{b: b, c: c, st: st, kp: b.kp, out: out}
	// The expected state and its difference (out.Expected, Actual and
	// Diff) read nothing the rest writes. When there are fewer nodes than
	// cores (a bundle of one node), they are built beside the rest, on a
	// core that would be idle; with more nodes every core builds one
	// already, and two parts of each at once would only hold more memory.
	var wg sync.WaitGroup
	if b.splitNodes {
		wg.Go(m.expected)
	} else {
		m.expected()
	}
	m.serviceIPs()
	m.localPolicyGaps()
	m.traffic(expect)
	b.inventory(st, c, out)
	wg.Wait()
	return out
}

// inventory fills the parts of out that list everything the node shows,
// as far as the rules read them (all of them when the builder has no
// reads): kube-ipvs0 and the other addresses, the virtual services with
// their indexes, the conntrack summary and the local endpoints.
func (b *builder) inventory(st *nodeState, c *Cluster, out *Node) {
	n := st.snap
	wants := func(keys ...string) bool {
		return b.reads == nil || b.reads.Has(append([]string{"nodes", n.Name}, keys...)...)
	}
	if wants("ipvs0") || wants("addresses") {
		out.IPVS0, out.Addresses = map[string]*BoundAddress{}, map[string]*NodeInterface{}
		for ip, e := range st.ipvs0 {
			out.IPVS0[ip] = &BoundAddress{Prefix: e.a.Prefix.String(), File: e.a.Pos.File, Line: e.a.Pos.Line, Text: addressText(e.ifc, e.a)}
		}
		for ip, e := range st.addrs {
			out.Addresses[ip] = &NodeInterface{Interface: e.ifc.Name, Prefix: e.a.Prefix.String(), File: e.a.Pos.File, Line: e.a.Pos.Line, Text: addressText(e.ifc, e.a)}
		}
	}
	if wants("virtualServers") {
		out.VirtualServers = make(map[string]*VirtualServer, len(st.vss))
		for _, v := range st.vss {
			vs := virtualServer(v.s)
			vs.Services = nonNil(v.refs)
			for i := range v.s.Dests {
				vs.RealServers = append(vs.RealServers, b.realServer(&v.s.Dests[i], v.refs, n.Name, st.local))
			}
			out.VirtualServers[v.key] = vs
		}
	}
	if wants("virtualServersByService") {
		out.VirtualServersByService = map[string][]VirtualServerRef{}
		for svc, refs := range st.byService {
			for _, r := range refs {
				out.VirtualServersByService[svc] = append(out.VirtualServersByService[svc], VirtualServerRef{Key: r.vs.key, Role: r.role})
			}
		}
	}
	if wants("virtualServersByIP") {
		out.VirtualServersByIP = map[string][]string{}
		for ip, vss := range st.byIP {
			for _, v := range vss {
				out.VirtualServersByIP[ip] = append(out.VirtualServersByIP[ip], v.key)
			}
		}
	}
	if wants("localEndpoints") {
		out.LocalEndpoints = map[string][]string{}
		for key, svc := range c.Services {
			var ips []string
			for _, ep := range svc.Endpoints {
				if ep.NodeName == n.Name {
					ips = append(ips, ep.IP)
				}
			}
			if len(ips) > 0 {
				out.LocalEndpoints[key] = ips // already in IP order
			}
		}
	}
	if n.Conntrack != nil && wants("conntrack") {
		out.Conntrack = conntrackOf(n.Conntrack, out.Captures["conntrack"].File, wants("conntrack", "dests"))
		out.Conntrack.Max = conntrackMax(n.Sysctl, c.Nodes[n.Name], c.KubeProxy)
	}
}

// nodeCaptures tells for each capture name which capture of the node holds
// it: the one the snapshot uses, else the first one given (which then
// failed, or was empty or invalid), else a missing entry.
func nodeCaptures(n *snapshot.Node) map[string]Capture {
	out := map[string]Capture{}
	for _, capt := range n.Captures {
		name := nodeCaptureName(capt)
		if name == "" {
			continue
		}
		have, ok := out[name]
		used := capt.Status == snapshot.StatusOK && capt.Unused == ""
		if !ok || used && have.Status != string(snapshot.StatusOK) {
			out[name] = captureOf(capt)
		}
	}
	for _, name := range NodeCaptures {
		if _, ok := out[name]; !ok {
			out[name] = missingCapture(n.Missing, captureFiles[name])
		}
	}
	return out
}

// nodeCaptureName returns the capture name a node capture stands for, ""
// for captures the document does not report (iptables-save, ip route...).
func nodeCaptureName(capt *snapshot.Capture) string {
	switch capt.Kind {
	case bundle.KindIPAddr:
		return "ip-addr"
	case bundle.KindConntrack:
		return "conntrack"
	case bundle.KindSysctl:
		return "sysctl"
	case bundle.KindListen:
		return "ss-listen"
	case bundle.KindUname:
		return "uname"
	case bundle.KindProxyMode:
		return "proxy-mode"
	case bundle.KindIPVS:
		switch {
		case capt.Format == string(ipvs.FormatStats):
			return "ipvsadm-stats"
		case capt.Format == string(ipvs.FormatConn):
			return "ipvsadm-conn"
		case capt.Format == string(ipvs.FormatRate), capt.Format == string(ipvs.FormatTimeout):
			return ""
		case capt.Format == "": // failed or empty: the file name tells
			switch path.Base(capt.Path) {
			case "ipvsadm-stats.txt":
				return "ipvsadm-stats"
			case "ipvsadm-conn.txt":
				return "ipvsadm-conn"
			}
		}
		return "ipvsadm"
	}
	return ""
}

// addressText rebuilds an address line of `ip addr` from its fields:
// "inet 10.96.0.1/32 scope global kube-ipvs0". Tokens the parser kept as
// Extra (metric, proto...) are left out.
func addressText(ifc *ipaddr.Interface, a *ipaddr.Address) string {
	var sb strings.Builder
	family := "inet"
	if a.Prefix.Addr().Is6() && !a.Prefix.Addr().Is4In6() {
		family = "inet6"
	}
	sb.WriteString(family + " ")
	if peer := a.Peer(); peer.IsValid() {
		fmt.Fprintf(&sb, "%s peer %s/%d", a.Prefix.Addr(), peer, a.Prefix.Bits())
	} else {
		sb.WriteString(a.Prefix.String())
	}
	if brd := a.Broadcast(); brd.IsValid() {
		sb.WriteString(" brd " + brd.String())
	}
	if a.Scope != "" {
		sb.WriteString(" scope " + a.Scope)
	}
	for _, f := range a.Flags() {
		sb.WriteString(" " + f)
	}
	if a.Label != "" {
		sb.WriteString(" " + a.Label)
	} else if family == "inet" {
		sb.WriteString(" " + ifc.Name)
	}
	return sb.String()
}

// virtualServer returns the facts of one IPVS service, without the Service
// ports it serves and its real servers.
func virtualServer(s *ipvs.Service) *VirtualServer {
	vs := &VirtualServer{
		Protocol:           s.Protocol,
		FWMark:             int(s.FWMark),
		Scheduler:          s.Scheduler,
		Flags:              nonNil(s.Flags()),
		Persistent:         s.Persistent,
		Netmask:            s.Netmask(),
		File:               s.Pos.File,
		Line:               s.Pos.Line,
		Text:               serviceText(s),
		Services:           []ServiceRef{},
		RealServers:        []RealServer{},
		RealServersLeftOut: s.DestsLeftOut,
	}
	if s.FWMark != 0 {
		vs.Protocol = "FWM"
	} else {
		vs.IP, vs.Port = s.Addr.Addr().String(), int(s.Addr.Port())
	}
	return vs
}

// serviceText rebuilds a service line as ipvsadm -Ln prints it:
// "TCP  10.96.0.1:443 rr", "UDP  10.96.7.7:5060 sh (sh-fallback,sh-port) ops",
// "FWM  124 IPv6 rr".
func serviceText(s *ipvs.Service) string {
	var sb strings.Builder
	if s.FWMark != 0 {
		fmt.Fprintf(&sb, "FWM  %d", s.FWMark)
		if s.IPv6 {
			sb.WriteString(" IPv6")
		}
	} else {
		fmt.Fprintf(&sb, "%-4s %s", s.Protocol, s.Addr)
	}
	sb.WriteString(" " + s.Scheduler)
	if flags := s.Flags(); len(flags) > 0 {
		sb.WriteString(" (" + strings.Join(flags, ",") + ")")
	}
	if s.Persistent > 0 {
		fmt.Fprintf(&sb, " persistent %d", s.Persistent)
		if m := s.Netmask(); m != "" {
			sb.WriteString(" mask " + m)
		}
		if pe := s.PE(); pe != "" {
			sb.WriteString(" pe " + pe)
		}
	}
	if s.OnePacket {
		sb.WriteString(" ops")
	}
	return sb.String()
}

// matchServices returns the Service ports that an IPVS service serves:
// same protocol, and its address a ClusterIP, externalIP or ingress IP with
// the Service port, or a node address with the node port. The result is
// ordered by Service, role and port.
func matchServices(s *ipvs.Service, idx *serviceIndex, nodeAddrs map[netip.Addr]bool) []ServiceRef {
	out := []ServiceRef{}
	if s.FWMark != 0 {
		return out
	}
	ip, port := s.Addr.Addr().Unmap(), int(s.Addr.Port())
	out = append(out, idx.byAddr[servicePortKey{ip.String(), s.Protocol, port}]...)
	if nodeAddrs[ip] {
		out = append(out, idx.byNodePort[servicePortKey{"", s.Protocol, port}]...)
	}
	slices.SortFunc(out, func(a, b ServiceRef) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Role, b.Role), cmp.Compare(a.Port, b.Port), cmp.Compare(a.PortName, b.PortName))
	})
	return out
}

// servicePortKey is an address (or "" for a NodePort), protocol and port.
type servicePortKey struct {
	ip, protocol string
	port         int
}

// serviceIndex finds the Service ports a virtual service serves without
// scanning every Service.
type serviceIndex struct {
	byAddr     map[servicePortKey][]ServiceRef // by Service IP, protocol and port
	byNodePort map[servicePortKey][]ServiceRef // by protocol and nodePort (ip "")
}

// indexServices indexes the Service ports by address and by NodePort. An
// address that a Service names in several roles keeps the first of
// clusterIP, externalIP, loadBalancer.
func indexServices(services map[string]*Service) *serviceIndex {
	idx := &serviceIndex{byAddr: map[servicePortKey][]ServiceRef{}, byNodePort: map[servicePortKey][]ServiceRef{}}
	for key, svc := range services {
		roles := map[string]string{}
		addRole := func(ip, role string) {
			if _, dup := roles[ip]; !dup {
				roles[ip] = role
			}
		}
		for _, ip := range svc.ClusterIPs {
			addRole(ip, RoleClusterIP)
		}
		for _, ip := range svc.ExternalIPs {
			addRole(ip, RoleExternalIP)
		}
		for _, in := range svc.Ingress {
			addRole(in.IP, RoleLoadBalancer)
		}
		for _, p := range svc.Ports {
			for ip, role := range roles {
				k := servicePortKey{ip, p.Protocol, p.Port}
				idx.byAddr[k] = append(idx.byAddr[k], ServiceRef{Service: key, Role: role, PortName: p.Name, Port: p.Port})
			}
			if p.NodePort != 0 {
				k := servicePortKey{"", p.Protocol, p.NodePort}
				idx.byNodePort[k] = append(idx.byNodePort[k], ServiceRef{Service: key, Role: RoleNodePort, PortName: p.Name, Port: p.Port})
			}
		}
	}
	return idx
}

// realServer returns the facts of one real server: the endpoint of one of
// refs' Services it stands for (same IP, and a port with its port and
// protocol), and whether it is local to node.
func (b *builder) realServer(d *ipvs.Dest, refs []ServiceRef, node string, local map[netip.Addr]bool) RealServer {
	ip := d.Addr.Addr().Unmap()
	rs := RealServer{
		IP:      ip.String(),
		Port:    int(d.Addr.Port()),
		Forward: d.Forward,
		File:    d.Pos.File,
		Line:    d.Pos.Line,
		Text:    destText(d),
		Local:   local[ip],
	}
	rs.Weight, _ = d.Weight()
	rs.ActiveConn, _ = d.ActiveConn()
	rs.InActConn, _ = d.InActConn()
	for _, ref := range refs {
		k := vsKey{protoOf(b.byKey[ref.Service], ref), rs.IP, rs.Port}
		i := slices.IndexFunc(b.endpointIndex()[k], func(e endpointRef) bool { return e.svc == ref.Service })
		if i < 0 {
			continue
		}
		ep := b.endpointIndex()[k][i].ep
		rs.Endpoint = &EndpointRef{Service: ref.Service, NodeName: ep.NodeName, Ready: ep.Ready, Serving: ep.Serving, Terminating: ep.Terminating, HostNetwork: ep.HostNetwork}
		rs.Local = rs.Local || ep.NodeName == node
		return rs
	}
	return rs
}

// protoOf returns the protocol of the Service port ref names.
func protoOf(svc *Service, ref ServiceRef) string {
	for _, p := range svc.Ports {
		if p.Name == ref.PortName && p.Port == ref.Port {
			return p.Protocol
		}
	}
	return ""
}

// destText rebuilds a real server line as ipvsadm -Ln prints it, without
// its trailing blanks: "  -> 10.244.1.2:53                Masq    1      0          0".
func destText(d *ipvs.Dest) string {
	return strings.TrimRight(fmt.Sprintf("  -> %-28s %-7s %-6s %-10s %-10s", d.Addr, d.Forward,
		columnText(d.Weight()), columnText(d.ActiveConn()), columnText(d.InActConn())), " ")
}

// columnText formats a value of a dest line; "" when the line did not print
// it.
func columnText[T int | uint64](v T, printed bool) string {
	if !printed {
		return ""
	}
	return fmt.Sprint(v)
}

// listener returns the facts of one ss socket.
func listener(s *ss.Socket) Listener {
	l := Listener{
		Protocol:  strings.ToUpper(s.Netid),
		State:     s.State,
		Port:      int(s.Port),
		Interface: s.Interface,
		Process:   s.Process,
		File:      s.Pos.File,
		Line:      s.Pos.Line,
	}
	a := s.Addr.Unmap()
	switch {
	case !a.IsValid():
		l.Wildcard = "any"
	case a.IsUnspecified() && a.Is4():
		l.Wildcard = "v4"
	case a.IsUnspecified():
		l.Wildcard = "v6"
	default:
		l.IP = a.String()
	}
	return l
}

// ListenerFor returns the listener of ls that takes connections to
// ip:port over protocol: the first bound to ip, else the first bound to
// the wildcard of ip's family or of both; nil when none.
func ListenerFor(ls []Listener, protocol, ip string, port int) *Listener {
	fam := "v4"
	if strings.Contains(ip, ":") {
		fam = "v6"
	}
	var wild *Listener
	for i := range ls {
		l := &ls[i]
		switch {
		case l.Protocol != protocol || l.Port != port:
		case l.IP == ip:
			return l
		case wild == nil && (l.Wildcard == fam || l.Wildcard == "any"):
			wild = l
		}
	}
	return wild
}

// conntrackMax returns the size of the conntrack table: nf_conntrack_max
// from sysctl (under its current name, else its older one), else what
// kube-proxy sets from the node's core count (max(maxPerCore × cores,
// min)), else nil. kube-proxy leaves the table alone when maxPerCore is 0.
func conntrackMax(sc *sysctl.Result, cn *ClusterNode, kp KubeProxy) *ConntrackMax {
	if sc != nil {
		for _, name := range []string{sysctl.ConntrackMax, sysctl.ConntrackMaxLegacy} {
			if v, pos, ok := sc.Int(name); ok {
				return &ConntrackMax{Value: int(v), Source: MaxFromSysctl, Detail: name, File: pos.File, Line: pos.Line,
					Text: name + " = " + fmt.Sprint(v)}
			}
		}
	}
	if cn == nil || cn.CPUs <= 0 || kp.ConntrackMaxPerCore <= 0 {
		return nil
	}
	m := &ConntrackMax{
		Value:  max(kp.ConntrackMaxPerCore*cn.CPUs, kp.ConntrackMin),
		Source: MaxFromKubeProxy,
		Detail: fmt.Sprintf("max(%d × %d cores, %d)", kp.ConntrackMaxPerCore, cn.CPUs, kp.ConntrackMin),
		File:   cn.File,
		Line:   cn.Line,
	}
	if kp.Present {
		m.Detail += " with the conntrack settings of " + kp.File
	}
	return m
}
