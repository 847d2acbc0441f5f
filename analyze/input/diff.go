package input

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/ipvs"
)

// model computes, for one node, what kube-proxy of the cluster's version
// programs there and how the node differs from it.
type model struct {
	b   *builder
	c   *Cluster
	st  *nodeState
	kp  *behaviour
	out *Node
}

// serviceEvidence returns where the Service is in services.yaml.
func serviceEvidence(svc *Service) Evidence {
	return Evidence{File: svc.File, Line: svc.Line}
}

// expected fills out.Expected, out.Actual and out.Diff.
func (m *model) expected() {
	st, c := m.st, m.c
	m.out.Actual = Actual{VirtualServers: len(st.vss), Addresses: len(st.ipvs0)}
	for _, v := range st.vss {
		m.out.Actual.RealServers += len(v.s.Dests)
	}
	if !c.ServicesKnown() {
		return
	}
	m.missing()
	if st.table {
		m.orphans()
		m.unbound()
		m.realServers()
	}
}

// target is a virtual service kube-proxy makes on the node for a port of
// a Service, in a role.
type target struct {
	key  vsKey
	svc  string
	role string
	// node is the node address of a NodePort; nil for the other roles.
	node *addrEntry
}

// vsKey names a virtual service without building its key string.
type vsKey struct {
	protocol, ip string
	port         int
}

// targets calls visit with each virtual service kube-proxy makes on the
// node for the proxied Services (those the service-proxy-name label hands
// to another proxy left out, see otherProxy), and counts them in
// out.Expected: one per Service port on each of its addresses (B1, B3),
// and one per NodePort on each NodePort address of the node (B12); and
// the addresses it binds on kube-ipvs0 (behaviour.binds). Only the IP
// families the node serves are visited, all are counted.
func (m *model) targets(visit func(target)) {
	keys := make(map[vsKey]bool, len(m.st.vss)) // about as many as the node shows
	bound := make(map[string]bool, len(m.st.ipvs0))
	nodePortIPs := m.nodePortIPs()
	for _, key := range m.b.serviceKeys {
		svc := m.c.Services[key]
		if !proxied(svc) {
			continue
		}
		m.out.Expected.ProxiedServices++
		m.kp.eachVirtualServer(svc, nodePortIPs, func(role, ip string, port int, sp ServicePort) {
			t := target{key: vsKey{sp.Protocol, ip, port}, svc: key, role: role}
			if role == RoleNodePort {
				t.node = m.st.addrs[ip]
			}
			if m.kp.binds(role, func() bool { return m.st.addrs[ip] != nil }) {
				bound[ip] = true
			}
			keys[t.key] = true
			if m.st.families.has(family(ip)) {
				visit(t)
			}
		})
	}
	m.out.Expected.VirtualServers = len(keys)
	m.out.Expected.Addresses = len(bound)
}

// nodePortIPs returns the node's addresses that get NodePort virtual
// services, in ip addr's order.
func (m *model) nodePortIPs() []string {
	var out []string
	for _, key := range m.st.addrOrder {
		if ip, err := netip.ParseAddr(key); err == nil && m.kp.nodePortAddress(m.st.name, ip) {
			out = append(out, key)
		}
	}
	return out
}

// missing lists the Service ports without a virtual service in a complete
// listing, in the IP families the node serves (a node with no virtual
// service at all shows as such, not as every port missing). NodePorts are
// left out when the node's addresses are not all known: an ip addr
// fragment may place an address on the wrong interface, or lack one.
func (m *model) missing() {
	st := m.st
	var ports map[vsKey]map[string]bool // protocol and port (ip "") → the addresses with a virtual service
	seen := map[target]bool{}
	m.targets(func(t target) {
		if !st.complete || st.byAddr[t.key] != nil || t.role == RoleNodePort && !st.addrsComplete || seen[t] {
			return
		}
		seen[t] = true
		svc := m.c.Services[t.svc]
		mv := MissingVirtualServer{Key: AddrKey(t.key.protocol, t.key.ip, t.key.port), Service: t.svc, Role: t.role,
			IP: t.key.ip, Port: t.key.port, Protocol: t.key.protocol, Evidence: []Evidence{serviceEvidence(svc)}}
		if t.role == RoleNodePort {
			mv.Evidence = append(mv.Evidence, t.node.evidence())
			if ports == nil {
				ports = map[vsKey]map[string]bool{}
				for _, v := range st.vss {
					if v.s.FWMark == 0 {
						k := vsKey{v.s.Protocol, "", int(v.s.Addr.Port())}
						if ports[k] == nil {
							ports[k] = map[string]bool{}
						}
						ports[k][v.addr] = true
					}
				}
			}
			for ip := range ports[vsKey{t.key.protocol, "", t.key.port}] {
				mv.OnOtherAddresses = mv.OnOtherAddresses || ip != t.key.ip
			}
		}
		m.out.Diff.MissingVirtualServers = append(m.out.Diff.MissingVirtualServers, mv)
	})
}

// claimed returns the Services that name ip as a cluster, external or
// load balancer IP, sorted.
func (m *model) claimed(ip string) []string {
	return m.b.claims[ip]
}

// orphans lists the kube-ipvs0 addresses no Service names and the virtual
// services that serve no Service port, but those kube-proxy leaves alone:
// in ipvs.excludeCIDRs (see behaviour.excluded), another proxy's (see
// otherProxy), and those that may be NodePorts on addresses an ip addr
// fragment lacks (vsEntry.nodePortLike).
func (m *model) orphans() {
	st := m.st
	ips := slices.Collect(maps.Keys(st.ipvs0))
	sortIPs(ips)
	for _, ip := range ips {
		if len(m.claimed(ip)) > 0 {
			continue
		}
		m.out.Diff.OrphanAddresses = append(m.out.Diff.OrphanAddresses, OrphanAddress{
			IP: ip, Evidence: st.ipvs0[ip].evidence(), VirtualServers: vsRefs(st.byIP[ip]),
		})
	}
	for _, v := range slices.SortedFunc(slices.Values(st.vss), func(a, b *vsEntry) int { return cmp.Compare(a.key, b.key) }) {
		if len(v.refs) > 0 || v.other || v.nodePortLike || m.kp.excluded(v.ip()) {
			continue
		}
		o := OrphanVirtualServer{VSRef: v.ref(), RealServers: m.b.rsRefs(st, v), EndpointsOf: []string{}}
		if ip := v.ip(); ip != "" {
			o.Bound = st.boundEvidence(ip)
			o.OnOrphanAddress = o.Bound != nil && len(m.claimed(ip)) == 0
			if owners := m.claimed(ip); len(owners) == 1 {
				o.Owner = owners[0]
			}
			o.EndpointsOf = m.endpointsOf(v)
		}
		m.out.Diff.OrphanVirtualServers = append(m.out.Diff.OrphanVirtualServers, o)
	}
}

// endpointsOf returns the Services that have a port with v's port and
// protocol and an endpoint that is one of v's real servers (same IP, and an
// endpoint port with its port and v's protocol), sorted.
func (m *model) endpointsOf(v *vsEntry) []string {
	port, proto := int(v.s.Addr.Port()), v.s.Protocol
	found := map[string]bool{}
	for _, d := range v.s.Dests {
		for _, e := range m.b.endpointIndex()[vsKey{proto, d.Addr.Addr().Unmap().String(), int(d.Addr.Port())}] {
			svc := m.c.Services[e.svc]
			if slices.ContainsFunc(svc.Ports, func(p ServicePort) bool { return p.Port == port && p.Protocol == proto }) {
				found[e.svc] = true
			}
		}
	}
	return nonNil(slices.Sorted(maps.Keys(found)))
}

// endpointRef is an endpoint of a Service.
type endpointRef struct {
	svc string
	ep  *Endpoint
}

// endpointIndex returns the endpoints by address: for the protocol, IP and
// port of each port of each endpoint, the first endpoint of each Service
// with it, by Service key. It is built on first use.
func (b *builder) endpointIndex() map[vsKey][]endpointRef {
	b.endpointsOnce.Do(b.indexEndpoints)
	return b.endpoints
}

// indexEndpoints builds the index endpointIndex returns.
func (b *builder) indexEndpoints() {
	b.endpoints = map[vsKey][]endpointRef{}
	for _, key := range b.serviceKeys {
		eps := b.byKey[key].Endpoints
		for i := range eps {
			for _, p := range eps[i].Ports {
				k := vsKey{p.Protocol, eps[i].IP, p.Port}
				if refs := b.endpoints[k]; len(refs) == 0 || refs[len(refs)-1].svc != key {
					b.endpoints[k] = append(refs, endpointRef{key, &eps[i]})
				}
			}
		}
	}
}

// vipRoles are the roles whose address kube-proxy binds on kube-ipvs0.
var vipRoles = map[string]bool{RoleClusterIP: true, RoleExternalIP: true, RoleLoadBalancer: true}

// unbound lists the Service addresses with a virtual service of theirs
// that are neither on kube-ipvs0 nor on another interface; none when the
// addresses of kube-ipvs0 are not all known. (With those of kube-ipvs0
// only, an address on another interface is not seen there.)
func (m *model) unbound() {
	st := m.st
	if !st.ipvs0Complete {
		return
	}
	type pair struct{ svc, ip string }
	found := map[pair]bool{}
	for _, v := range st.vss {
		ip := v.ip()
		if ip == "" || st.ipvs0[ip] != nil || st.addrs[ip] != nil {
			continue
		}
		for _, r := range v.refs {
			if vipRoles[r.Role] {
				found[pair{r.Service, ip}] = true
			}
		}
	}
	for _, p := range slices.SortedFunc(maps.Keys(found), func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.svc, b.svc), CompareIP(a.ip, b.ip))
	}) {
		u := UnboundAddress{IP: p.ip, Service: p.svc, Roles: []string{}, VirtualServers: []VSRef{}}
		for _, v := range st.byIP[p.ip] {
			if !v.serves(p.svc) {
				continue
			}
			u.VirtualServers = append(u.VirtualServers, v.ref())
			for _, r := range v.refs {
				if r.Service == p.svc && !slices.Contains(u.Roles, r.Role) {
					u.Roles = append(u.Roles, r.Role)
				}
			}
		}
		slices.Sort(u.Roles)
		m.out.Diff.UnboundAddresses = append(m.out.Diff.UnboundAddresses, u)
	}
}

// rsKey names a real server address of a Service: the grouping of the
// real-server facts.
type rsKey struct {
	svc, ip  string
	port     int
	protocol string
}

func compareRSKey(a, b rsKey) int {
	return cmp.Or(cmp.Compare(a.svc, b.svc), CompareIP(a.ip, b.ip), cmp.Compare(a.port, b.port), cmp.Compare(a.protocol, b.protocol))
}

// realServers lists the missing, stale, draining and empty real-server
// sets of the virtual services (B10).
func (m *model) realServers() {
	st, c := m.st, m.c
	missing := map[rsKey][]MissingFromVS{}
	stale := map[rsKey][]RealServerIn{}
	draining := map[rsKey][]RealServerIn{}
	for _, v := range st.vss {
		var rss []RSRef
		refs := func() []RSRef {
			if rss == nil {
				rss = m.b.rsRefs(st, v)
			}
			return rss
		}
		for i := range v.s.Dests {
			d := &v.s.Dests[i] // not a copy: most virtual services are passed over
			if w, ok := d.Weight(); !ok || w != 0 || v.other && len(v.refs) == 0 {
				continue // another proxy's real servers are not kube-proxy's to drain
			}
			services := map[string]bool{}
			for _, r := range v.refs {
				services[r.Service] = true
			}
			if len(services) == 0 {
				services[""] = true
			}
			for svc := range services {
				k := rsKey{svc, d.Addr.Addr().Unmap().String(), int(d.Addr.Port()), v.s.Protocol}
				draining[k] = append(draining[k], RealServerIn{VS: v.ref(), RS: refs()[i]})
			}
		}
		if v.s.FWMark != 0 {
			continue
		}
		staleHere := map[int]bool{} // Dests indexes already counted for a Service of v
		var listed listingSet
		for _, r := range v.refs {
			svc := c.Services[r.Service]
			if !c.EndpointsKnown(svc) {
				continue
			}
			port, proto := int(v.s.Addr.Port()), v.s.Protocol
			if m.st.complete {
				if listed == nil {
					listed = listings(v.s.Dests)
				}
				m.missingFrom(missing, v, listed, svc, r, port, proto)
			}
			eps, ok := m.kp.usableSet(svc, r.Role, port, proto)
			if !ok {
				continue
			}
			for i := range v.s.Dests {
				d := &v.s.Dests[i]
				ip := d.Addr.Addr().Unmap().String()
				if w, ok := d.Weight(); !ok || w <= 0 || has(eps, ip, int(d.Addr.Port())) || staleHere[i] {
					continue
				}
				staleHere[i] = true
				k := rsKey{r.Service, ip, int(d.Addr.Port()), proto}
				stale[k] = append(stale[k], RealServerIn{VS: v.ref(), RS: refs()[i]})
			}
		}
		if st.complete && len(v.s.Dests) == 0 {
			m.empty(v)
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(missing), compareRSKey) {
		svc := c.Services[k.svc]
		vss := missing[k]
		slices.SortFunc(vss, func(a, b MissingFromVS) int { return cmp.Compare(a.Key, b.Key) })
		mr := MissingRealServer{Service: k.svc, IP: k.ip, Port: k.port, Protocol: k.protocol,
			VirtualServers: slices.CompactFunc(vss, func(a, b MissingFromVS) bool { return a.Key == b.Key }), ServiceEvidence: serviceEvidence(svc)}
		mr.NodeName, mr.Ready = endpointOf(svc, k.ip)
		m.out.Diff.MissingRealServers = append(m.out.Diff.MissingRealServers, mr)
	}
	for _, k := range slices.SortedFunc(maps.Keys(stale), compareRSKey) {
		svc := c.Services[k.svc]
		m.out.Diff.StaleRealServers = append(m.out.Diff.StaleRealServers, StaleRealServer{
			Service: k.svc, IP: k.ip, Port: k.port, Protocol: k.protocol, State: staleState(svc, k.ip),
			Entries: sortEntries(stale[k]), ServiceEvidence: serviceEvidence(svc),
		})
	}
	for _, k := range slices.SortedFunc(maps.Keys(draining), compareRSKey) {
		d := DrainingRealServer{Service: k.svc, IP: k.ip, Port: k.port, Protocol: k.protocol, Entries: sortEntries(draining[k])}
		if svc := c.Services[k.svc]; svc != nil {
			d.ReadyEndpoint, d.Policy = m.drainPolicy(svc, k.svc, k.ip, d.Entries)
		}
		m.out.Diff.DrainingRealServers = append(m.out.Diff.DrainingRealServers, d)
	}
}

// sortEntries orders real servers by virtual service key.
func sortEntries(in []RealServerIn) []RealServerIn {
	slices.SortFunc(in, func(a, b RealServerIn) int { return cmp.Compare(a.VS.Key, b.VS.Key) })
	return in
}

// listing is how a virtual service lists an address: with weight above 0
// (or none printed), with weight 0, or both.
type listing struct{ listed, zero bool }

// listedAddr is a real server address of a virtual service and how it is
// listed there.
type listedAddr struct {
	a epAddr
	l listing
}

// listingSet is the real servers of a virtual service by address, sorted
// (see listings): most virtual services list a few, and a map of each
// cost more than the search.
type listingSet []listedAddr

// listings indexes the real servers of a virtual service by address: each
// under its IP and port, and under its IP with port 0, which an endpoint
// that lists no port stands for.
func listings(dests []ipvs.Dest) listingSet {
	out := make(listingSet, 0, 2*len(dests))
	for i := range dests {
		d := &dests[i]
		ip := d.Addr.Addr().Unmap().String()
		var l listing
		if w, ok := d.Weight(); ok && w == 0 {
			l.zero = true
		} else {
			l.listed = true
		}
		out = append(out, listedAddr{epAddr{ip, int(d.Addr.Port())}, l}, listedAddr{epAddr{ip, 0}, l})
	}
	slices.SortFunc(out, func(x, y listedAddr) int { return compareEpAddr(x.a, y.a) })
	merged := out[:0]
	for _, e := range out {
		if n := len(merged); n > 0 && merged[n-1].a == e.a {
			last := &merged[n-1].l
			last.zero, last.listed = last.zero || e.l.zero, last.listed || e.l.listed
			continue
		}
		merged = append(merged, e)
	}
	return merged
}

// get returns how a is listed, the zero listing when it is not.
func (s listingSet) get(a epAddr) listing {
	if i, ok := slices.BinarySearchFunc(s, a, func(e listedAddr, a epAddr) int { return compareEpAddr(e.a, a) }); ok {
		return s[i].l
	}
	return listing{}
}

// compareEpAddr orders endpoint addresses by IP text, then port.
func compareEpAddr(x, y epAddr) int {
	return cmp.Or(strings.Compare(x.ip, y.ip), cmp.Compare(x.port, y.port))
}

// missingFrom adds to missing the endpoints that kube-proxy lists on v in
// role r.Role (expectedSet) and that v does not list with weight above 0
// (listed indexes v's real servers). Nothing is added when what kube-proxy
// lists is unknown.
func (m *model) missingFrom(missing map[rsKey][]MissingFromVS, v *vsEntry, listed listingSet, svc *Service, r ServiceRef, port int, proto string) {
	want, known, ok := m.kp.expectedSet(svc, m.st.name, r.Role, port, proto, family(v.ip()))
	if !known || !ok {
		return
	}
	for a := range want {
		if l := listed.get(a); !l.listed {
			k := rsKey{r.Service, a.ip, a.port, proto}
			missing[k] = append(missing[k], MissingFromVS{VSRef: v.ref(), WeightZero: l.zero})
		}
	}
}

// endpointOf tells of the endpoints of svc with ip the node, "" when none
// names one, and whether one is ready.
func endpointOf(svc *Service, ip string) (node string, ready bool) {
	for _, ep := range svc.Endpoints {
		if ep.IP == ip {
			node = cmp.Or(node, ep.NodeName)
			ready = ready || ep.Ready
		}
	}
	return node, ready
}

// staleState tells what ip is to svc: no endpoint, an endpoint neither
// ready nor serving, or a usable endpoint at another port.
func staleState(svc *Service, ip string) string {
	state := StaleNoEndpoint
	for i := range svc.Endpoints {
		ep := &svc.Endpoints[i]
		if ep.IP != ip {
			continue
		}
		if usable(ep) {
			return StaleOtherPort
		}
		state = StaleNotServing
	}
	return state
}

// drainPolicy tells whether a weight-0 real server ip is a ready endpoint
// of svc, and whether svc's traffic policy lists it on the virtual services
// of entries (in the roles they serve svc in).
func (m *model) drainPolicy(svc *Service, key, ip string, entries []RealServerIn) (ready bool, policy string) {
	ready = slices.ContainsFunc(svc.Endpoints, func(ep Endpoint) bool { return ep.IP == ip && ep.Ready })
	if !ready {
		return false, ""
	}
	roles := map[string]bool{}
	for _, e := range entries {
		for _, r := range m.st.byKey[e.VS.Key].refs {
			if r.Service == key {
				roles[r.Role] = true
			}
		}
	}
	known := 0
	for role := range roles {
		set, ok := m.kp.expectedReady(svc, m.st.name, role, family(ip))
		if !ok {
			continue
		}
		if set[ip] {
			return true, PolicyListed
		}
		known++
	}
	if known == len(roles) {
		return true, PolicyKeptOff
	}
	return true, PolicyUnknown
}

// empty lists a virtual service without real servers, once per Service it
// serves whose endpoints the bundle holds.
func (m *model) empty(v *vsEntry) {
	fam := family(v.ip())
	for _, r := range v.refs {
		svc := m.c.Services[r.Service]
		if !m.c.EndpointsKnown(svc) {
			continue
		}
		e := EmptyVirtualServer{VSRef: v.ref(), Service: r.Service, Role: r.Role, Selector: svc.Selector, ServiceEvidence: serviceEvidence(svc)}
		terminating := map[string]bool{}
		for i := range svc.Endpoints {
			ep := &svc.Endpoints[i]
			e.Endpoints.All++
			if ep.Ready {
				e.Endpoints.Ready++
				if family(ep.IP) == fam {
					e.Endpoints.ReadyInFamily++
				}
			}
			if ep.Serving && ep.Terminating {
				terminating[ep.IP] = true
			}
		}
		e.Endpoints.ServingTerminating = len(terminating)
		if set, known, ok := m.kp.expectedSet(svc, m.st.name, r.Role, int(v.s.Addr.Port()), v.s.Protocol, fam); known && ok {
			ips := []string{} // [] when known to be none, not null
			for a := range set {
				ips = append(ips, a.ip)
			}
			slices.SortFunc(ips, CompareIP)
			e.Expected = slices.Compact(ips)
			if len(ips) > 0 {
				// kube-proxy lists ready endpoints, or else terminating ones only
				_, ready := endpointOf(svc, ips[0])
				e.ExpectedTerminating = !ready
			}
		}
		m.out.Diff.EmptyVirtualServers = append(m.out.Diff.EmptyVirtualServers, e)
	}
}
