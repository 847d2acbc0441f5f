package input

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/conntrack"
)

// parseAddr returns the address s, the zero Addr when s is none.
func parseAddr(s string) netip.Addr {
	ip, _ := netip.ParseAddr(s)
	return ip
}

// traffic fills out.Traffic from the node's conntrack summary and the
// --expect targets.
func (m *model) traffic(expect []Expect) {
	m.out.Traffic = Traffic{UnservedPorts: []UnservedPort{}, Unreplied: []UnrepliedDest{}, Masqueraded: []MasqueradedDest{}, StaleUDP: []StaleUDPDest{}}
	m.unservedPorts(expect)
	s := m.st.snap.Conntrack
	if s == nil {
		return
	}
	for _, key := range slices.Sorted(maps.Keys(s.Dests)) {
		d := s.Dests[key]
		switch {
		case d.Proto == "TCP" && d.Unreplied > 0:
			m.unreplied(key, d)
		case d.Proto == "UDP":
			m.staleUDP(key, d)
		}
		if d.SNAT > 0 {
			m.masqueraded(key, d)
		}
	}
}

// owners returns the Services whose address a destination of the node is,
// and in which role: those of the virtual service of key when it serves
// some; one with Service "" when it serves none; else the Services that
// name the address with that port, or the NodePort on a node address.
// Empty when nothing owns it or the Services were not read.
func (m *model) owners(key string, ip string, port int, protocol string) []Owner {
	out := []Owner{}
	if v := m.st.byKey[key]; v != nil {
		for _, r := range v.refs {
			o := Owner{Service: r.Service, Role: r.Role, Evidence: serviceEvidence(m.c.Services[r.Service])}
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
		if len(out) == 0 {
			out = append(out, Owner{})
		}
		return out
	}
	if !m.c.ServicesKnown() {
		return out
	}
	// The Services with a port at that address or NodePort, from the index
	// of the Services kube-proxy sees, in key order.
	candidates := map[string]bool{}
	for _, r := range m.b.serviceIndex.byAddr[servicePortKey{ip, protocol, port}] {
		candidates[r.Service] = true
	}
	for _, r := range m.b.serviceIndex.byNodePort[servicePortKey{"", protocol, port}] {
		candidates[r.Service] = true
	}
	for _, k := range slices.Sorted(maps.Keys(candidates)) {
		svc := m.c.Services[k]
		for _, p := range svc.Ports {
			if p.Protocol != protocol {
				continue
			}
			if p.Port == port && proxied(svc) {
				for _, role := range serviceRoles(svc, ip) {
					out = appendOwner(out, Owner{Service: k, Role: role, Evidence: serviceEvidence(svc)})
				}
			}
			if p.NodePort == port && m.st.addrs[ip] != nil && !otherProxy(svc) {
				out = appendOwner(out, Owner{Service: k, Role: RoleNodePort, Evidence: serviceEvidence(svc)})
			}
		}
	}
	return out
}

// appendOwner appends o unless out holds it.
func appendOwner(out []Owner, o Owner) []Owner {
	if slices.Contains(out, o) {
		return out
	}
	return append(out, o)
}

// serviceRoles returns the roles in which svc names ip: clusterIP,
// externalIP, loadBalancer.
func serviceRoles(svc *Service, ip string) []string {
	var out []string
	if slices.Contains(svc.ClusterIPs, ip) {
		out = append(out, RoleClusterIP)
	}
	if slices.Contains(svc.ExternalIPs, ip) {
		out = append(out, RoleExternalIP)
	}
	if slices.ContainsFunc(svc.Ingress, func(ing Ingress) bool { return ing.IP == ip }) {
		out = append(out, RoleLoadBalancer)
	}
	return out
}

// ipOwners returns the Services whose load balancer or external IP ip is,
// with the role.
func (m *model) ipOwners(ip string) []Owner {
	out := []Owner{}
	for _, x := range m.out.ServiceIPs {
		if x.IP == ip {
			out = appendOwner(out, Owner{Service: x.Service, Role: x.Role, Evidence: x.ServiceEvidence})
		}
	}
	return out
}

// unservedPorts lists the ports of load balancer and external IPs bound on
// kube-ipvs0 that have no virtual service while conntrack shows flows to
// them that ended on the node, or --expect names them and the IPVS listing
// is whole (B2). The addresses
// that are also the node's own on another interface are left out of the
// conntrack evidence (flows to the node's own services are expected
// there), and so are the Services' healthCheckNodePorts, which
// KUBE-IPVS-FILTER lets through.
func (m *model) unservedPorts(expect []Expect) {
	st := m.st
	if !m.c.ServicesKnown() || !st.table || len(st.ipvs0) == 0 {
		return
	}
	healthCheck := healthCheckPorts(m.c.Services)
	byKey := map[string]*UnservedPort{}
	var keys []string
	use := func(ip, protocol string, port int, u Use) {
		key := AddrKey(protocol, ip, port)
		if st.ipvs0[ip] == nil || st.byKey[key] != nil || healthCheck[port] {
			return
		}
		owners := m.ipOwners(ip)
		if len(owners) == 0 {
			return
		}
		p := byKey[key]
		if p == nil {
			p = &UnservedPort{IP: ip, Protocol: protocol, Port: port, Owners: owners, Bound: st.ipvs0[ip].evidence(),
				Served: vsRefs(st.byIP[ip]), Uses: []Use{}, Listener: ListenerFor(m.out.Listeners, protocol, ip, port)}
			byKey[key] = p
			keys = append(keys, key)
		}
		p.Uses = append(p.Uses, u)
	}
	if s := st.snap.Conntrack; s != nil {
		for _, key := range slices.Sorted(maps.Keys(s.Dests)) {
			d := s.Dests[key]
			ip := d.Dst.Addr().Unmap().String()
			if d.NoDNAT == 0 || st.addrs[ip] != nil || !slices.Contains([]string{"TCP", "UDP", "SCTP"}, d.Proto) {
				continue
			}
			use(ip, d.Proto, int(d.Dst.Port()), Use{Source: "conntrack", Count: d.NoDNAT,
				ProvesStack: d.NoDNAT > d.FromLocalUnreplied, Evidence: samples(d.Samples)})
		}
	}
	// An --expect target is unserved only when the listing holds every
	// virtual service: a paste of `ipvsadm -Ln -t VIP:PORT`, or a listing
	// with a service line left out, may lack it. Flows that ended on the
	// node show it without the listing.
	if st.servicesWhole {
		for _, e := range expect {
			use(e.IP.String(), e.Protocol, e.Port, Use{Source: "expect", Evidence: []Evidence{}})
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		x, y := byKey[a], byKey[b]
		return cmp.Or(CompareIP(x.IP, y.IP), cmp.Compare(x.Protocol, y.Protocol), cmp.Compare(x.Port, y.Port))
	})
	for _, k := range keys {
		m.out.Traffic.UnservedPorts = append(m.out.Traffic.UnservedPorts, *byKey[k])
	}
}

// vsEvidence returns the evidence of the virtual service of key, [] when
// there is none.
func (m *model) vsEvidence(key string) []Evidence {
	if v := m.st.byKey[key]; v != nil {
		return []Evidence{v.ref().Evidence}
	}
	return []Evidence{}
}

// unreplied lists a TCP destination with unreplied flows (B14).
func (m *model) unreplied(key string, d *conntrack.Dest) {
	ip := d.Dst.Addr().Unmap().String()
	port := int(d.Dst.Port())
	owners := m.owners(key, ip, port, d.Proto)
	m.out.Traffic.Unreplied = append(m.out.Traffic.Unreplied, UnrepliedDest{
		Key: key, Protocol: d.Proto, IP: ip, Port: port, Flows: d.Flows, Unreplied: d.Unreplied,
		SynSent: d.States.Get("SYN_SENT"), FromLocalUnreplied: d.FromLocalUnreplied,
		Owners: owners, TopClients: top(d.Clients, 3),
		VirtualServer: m.vsEvidence(key), UnrepliedSamples: samples(d.UnrepliedSamples),
		RealServers: m.unrepliedRealServers(key, d, owners),
	})
}

// top returns the n values of c with the most flows, ties by value.
func top(c conntrack.Counts, n int) map[string]int {
	type kv struct {
		k string
		n int
	}
	best := make([]kv, 0, n+1)
	for k, m := range c.All() {
		i := len(best)
		for i > 0 && (m > best[i-1].n || m == best[i-1].n && k < best[i-1].k) {
			i--
		}
		if i < n {
			best = slices.Insert(best, i, kv{k, m})
			if len(best) > n {
				best = best[:n]
			}
		}
	}
	out := make(map[string]int, len(best))
	for _, e := range best {
		out[strings.Clone(e.k)] = e.n // a value of c shares the memory of all its values
	}
	return out
}

// unrepliedRealServers returns the real servers that the unreplied flows
// to d were sent to, with the flows each answered and what each is to the
// owner Services, sorted by address and port.
func (m *model) unrepliedRealServers(key string, d *conntrack.Dest, owners []Owner) []UnrepliedRealServer {
	out := []UnrepliedRealServer{}
	for b, n := range d.UnrepliedBackends.All() {
		ap, err := netip.ParseAddrPort(b)
		if err != nil || ap.Addr().Unmap() == d.Dst.Addr().Unmap() {
			continue // a reply tuple still addressed from the destination names no real server
		}
		ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		rs := UnrepliedRealServer{IP: ap.Addr().String(), Port: int(ap.Port()), Unreplied: n, Entry: m.realServerEntry(key, ap)}
		if all := d.Backends.Get(b); all > 0 {
			replied := all - n
			rs.Replied = &replied
		}
		rs.State, rs.NodeName = m.endpointState(owners, int(d.Dst.Port()), d.Proto, rs.IP, rs.Port)
		out = append(out, rs)
	}
	slices.SortFunc(out, func(a, b UnrepliedRealServer) int {
		return cmp.Or(CompareIP(a.IP, b.IP), cmp.Compare(a.Port, b.Port))
	})
	return out
}

// realServerEntry returns the line of real server ap under the virtual
// service of key; nil when there is no such virtual service or it does not
// list ap.
func (m *model) realServerEntry(key string, ap netip.AddrPort) *Evidence {
	v := m.st.byKey[key]
	if v == nil {
		return nil
	}
	for i := range v.s.Dests {
		if d := &v.s.Dests[i]; d.Addr.Addr().Unmap() == ap.Addr() && d.Addr.Port() == ap.Port() {
			return &Evidence{File: d.Pos.File, Line: d.Pos.Line, Text: destText(d)}
		}
	}
	return nil
}

// stateRank orders what an address can be to a Service, best last.
var stateRank = map[string]int{
	StaleNoEndpoint: 1, StaleNotServing: 2, StaleOtherPort: 3, RealServerTerminating: 4, RealServerReady: 5,
}

// endpointState tells what ip:port, a real server of the virtual service
// at vsPort and protocol, is to the owner Services whose endpoints were
// read: the best state over them ("" when none tells), and the node of
// the first endpoint with ip.
func (m *model) endpointState(owners []Owner, vsPort int, protocol, ip string, port int) (state, node string) {
	for _, o := range owners {
		svc := m.c.Services[o.Service]
		if svc == nil || !m.c.EndpointsKnown(svc) {
			continue
		}
		sp, ok := servicePort(svc, o.Role, vsPort, protocol)
		if !ok {
			continue
		}
		s := StaleNoEndpoint
		for i := range svc.Endpoints {
			ep := &svc.Endpoints[i]
			if ep.IP != ip {
				continue
			}
			if node == "" {
				node = ep.NodeName
			}
			atPort := slices.ContainsFunc(endpointAddrs(ep, sp), func(a epAddr) bool { return a.port == 0 || a.port == port })
			e := StaleNotServing
			switch {
			case atPort && ep.Ready:
				e = RealServerReady
			case atPort && ep.Serving && ep.Terminating:
				e = RealServerTerminating
			case usable(ep):
				e = StaleOtherPort
			}
			if stateRank[e] > stateRank[s] {
				s = e
			}
		}
		if stateRank[s] > stateRank[state] {
			state = s
		}
	}
	return state, node
}

// masqueraded lists the masqueraded flows to a NodePort, load balancer or
// external IP virtual service of a Service with an external traffic
// policy (B4, B8).
func (m *model) masqueraded(key string, d *conntrack.Dest) {
	v := m.st.byKey[key]
	if v == nil {
		return
	}
	for _, r := range v.refs {
		svc := m.c.Services[r.Service]
		if !externalRoles[r.Role] || svc.ExternalTrafficPolicy != "Cluster" && svc.ExternalTrafficPolicy != "Local" {
			continue
		}
		x := MasqueradedDest{Service: r.Service, ExternalTrafficPolicy: svc.ExternalTrafficPolicy, Role: r.Role,
			VS: v.ref(), Flows: *m.destFlows(key)}
		for _, ep := range svc.Endpoints {
			if ep.Ready && ep.NodeName == m.st.name {
				x.LocalReady++
			}
		}
		if !slices.ContainsFunc(m.out.Traffic.Masqueraded, func(y MasqueradedDest) bool {
			return y.Service == x.Service && y.VS.Key == x.VS.Key
		}) {
			m.out.Traffic.Masqueraded = append(m.out.Traffic.Masqueraded, x)
		}
	}
}

// staleUDP lists the UDP flows to a Service answered by addresses that are
// no usable endpoint of it (B14).
func (m *model) staleUDP(key string, d *conntrack.Dest) {
	ip := d.Dst.Addr().Unmap().String()
	port := int(d.Dst.Port())
	for _, o := range m.owners(key, ip, port, d.Proto) {
		svc := m.c.Services[o.Service]
		if svc == nil || !m.c.EndpointsKnown(svc) {
			continue
		}
		stale := map[string]int{}
		for b, n := range d.Backends.All() {
			from := hostportIP(b)
			if from != ip && !slices.ContainsFunc(svc.Endpoints, func(ep Endpoint) bool { return ep.IP == from && usable(&ep) }) {
				stale[from] += n
			}
		}
		if len(stale) == 0 {
			continue
		}
		x := StaleUDPDest{Key: key, Protocol: d.Proto, IP: ip, Port: port, Owner: o, Stale: stale,
			VirtualServer: m.vsEvidence(key), Samples: []Evidence{}}
		for _, s := range d.Samples {
			if _, ok := stale[s.ReplySrc.Unmap().String()]; ok {
				x.Samples = append(x.Samples, Evidence{File: s.Pos.File, Line: s.Pos.Line, Text: s.Text})
			}
		}
		if len(x.Samples) == 0 {
			x.Samples = samples(d.Samples)
		}
		m.out.Traffic.StaleUDP = append(m.out.Traffic.StaleUDP, x)
	}
}

// hostportIP returns the address of "10.0.0.1:80", "[fd00::1]:53" or a
// bare address.
func hostportIP(s string) string {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().String()
	}
	return s
}
