package input

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/ipaddr"
	"github.com/ipvslint/ipvslint/analyze/ipvs"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// nodeState indexes what one node's captures show, for the model and the
// inventory: the addresses on kube-ipvs0 and on the other interfaces, and
// the virtual services with the Service ports each serves.
type nodeState struct {
	name  string
	snap  *snapshot.Node
	ipvs0 map[string]*addrEntry // kube-ipvs0 addresses by IP; the first entry of an address counts
	addrs map[string]*addrEntry // the other non-loopback addresses by IP; the first counts
	// addrOrder are the keys of addrs in ip addr's order.
	addrOrder []string
	local     map[netip.Addr]bool // every address of every interface
	// addrsComplete is true when the ip addr capture was read and is whole;
	// ipvs0Complete when it holds every address of kube-ipvs0 at least
	// (`ip addr show kube-ipvs0`). In grep'd fragments (ipaddr.Result.Partial)
	// or in the output of `ip addr show dev X` the absence of an address
	// means nothing, so the model concludes nothing from one.
	addrsComplete, ipvs0Complete bool
	// table is true when the node has an IPVS listing; servicesWhole when
	// it is a whole `ipvsadm -Ln` with every service line read (a paste of
	// `ipvsadm -Ln -t VIP:PORT` lists chosen ones only); complete when every
	// real server line was read as well.
	table, servicesWhole, complete bool
	vss                            []*vsEntry            // one per key, in printed order
	byKey                          map[string]*vsEntry   // by key
	byIP                           map[string][]*vsEntry // by address, sorted by key; firewall marks left out
	byAddr                         map[vsKey]*vsEntry    // by protocol, address and port; firewall marks left out
	byService                      map[string][]vsRole   // by Service key, sorted by key and role
	families                       famSet                // the IP families of the virtual services
}

// addrEntry is one address line of ip addr.
type addrEntry struct {
	ifc *ipaddr.Interface
	a   *ipaddr.Address
}

// evidence returns the address line as evidence.
func (e *addrEntry) evidence() Evidence {
	return Evidence{File: e.a.Pos.File, Line: e.a.Pos.Line, Text: addressText(e.ifc, e.a)}
}

// vsEntry is one virtual service of the node and the Service ports it
// serves.
type vsEntry struct {
	key  string
	addr string // the virtual address, "" for a firewall mark
	s    *ipvs.Service
	refs []ServiceRef // ordered by Service, role and port
	// other is true when it serves a port of a Service handed to another
	// proxy (see otherProxy): that proxy's, not kube-proxy's.
	other bool
	// nodePortLike is true when its address serves no Service while its
	// protocol and port are a Service's NodePort, and the node's addresses
	// are not all known: it may be a NodePort on an address the ip addr
	// fragment lacks.
	nodePortLike bool
}

// vsRole is a virtual service serving a Service in a role.
type vsRole struct {
	vs   *vsEntry
	role string
}

// ip returns the virtual address, "" for a firewall mark.
func (v *vsEntry) ip() string { return v.addr }

// protocol returns the protocol, FWM for a firewall mark.
func (v *vsEntry) protocol() string {
	if v.s.FWMark != 0 {
		return "FWM"
	}
	return v.s.Protocol
}

// ref returns the virtual service as a VSRef.
func (v *vsEntry) ref() VSRef {
	r := VSRef{Key: v.key, Protocol: v.protocol(), IP: v.ip(), FWMark: int(v.s.FWMark),
		Evidence: Evidence{File: v.s.Pos.File, Line: v.s.Pos.Line, Text: serviceText(v.s)}}
	if v.s.FWMark == 0 {
		r.Port = int(v.s.Addr.Port())
	}
	return r
}

// serves reports whether the virtual service serves svc (in any role).
func (v *vsEntry) serves(svc string) bool {
	return slices.ContainsFunc(v.refs, func(r ServiceRef) bool { return r.Service == svc })
}

// nodeState indexes the captures of n. nodePortAddrs are the addresses
// whose virtual services are matched to NodePorts.
func (b *builder) nodeState(n *snapshot.Node, c *Cluster) *nodeState {
	// The indexes are sized for the captures: a large node has tens of
	// thousands of addresses and virtual services.
	addrs, vss := 0, 0
	if n.Addr != nil {
		for _, ifc := range n.Addr.Interfaces {
			addrs += len(ifc.Addresses)
		}
	}
	if n.IPVS != nil {
		vss = len(n.IPVS.Services)
	}
	st := &nodeState{
		name: n.Name, snap: n,
		ipvs0: make(map[string]*addrEntry, addrs), addrs: map[string]*addrEntry{}, local: make(map[netip.Addr]bool, addrs),
		byKey: make(map[string]*vsEntry, vss), byAddr: make(map[vsKey]*vsEntry, vss), byIP: make(map[string][]*vsEntry, addrs),
		byService: make(map[string][]vsRole, min(vss, len(b.byKey))), vss: make([]*vsEntry, 0, vss),
	}
	if n.Addr != nil {
		all, shown := addrCoverage(n)
		st.addrsComplete = !n.Addr.Partial && all
		st.ipvs0Complete = !n.Addr.Partial && (all || shown[snapshot.IPVSInterface])
		for _, ifc := range n.Addr.Interfaces {
			for j := range ifc.Addresses {
				a := &ifc.Addresses[j]
				ip := a.Prefix.Addr().Unmap()
				st.local[ip] = true
				key := ip.String()
				switch {
				case ifc.Name == snapshot.IPVSInterface:
					if st.ipvs0[key] == nil {
						st.ipvs0[key] = &addrEntry{ifc, a}
					}
				case ip.IsLoopback():
				case st.addrs[key] == nil:
					st.addrs[key] = &addrEntry{ifc, a}
					st.addrOrder = append(st.addrOrder, key)
				}
			}
		}
	}
	// NodePort virtual services sit on the node's addresses; without a
	// whole ip addr capture those of its Node object stand in too.
	nodePortAddrs := map[netip.Addr]bool{}
	for _, a := range n.NodeAddrs {
		nodePortAddrs[a] = true
	}
	if cn := c.Nodes[n.Name]; cn != nil && !st.addrsComplete {
		for _, a := range cn.Addresses {
			if ip, err := netip.ParseAddr(a.Address); err == nil {
				nodePortAddrs[ip] = true
			}
		}
	}
	t := n.IPVS
	if t == nil {
		return st
	}
	st.table = true
	st.servicesWhole = t.Format == ipvs.FormatList && t.Version != "" && !t.Names && t.ServicesLeftOut == 0
	st.complete = st.servicesWhole
	for _, s := range t.Services {
		key := s.Key()
		if st.byKey[key] != nil {
			continue // listed twice: the first counts, as for Table.Service
		}
		if s.DestsLeftOut > 0 {
			st.complete = false
		}
		v := &vsEntry{key: key, s: s, refs: matchServices(s, b.serviceIndex, nodePortAddrs)}
		if s.FWMark == 0 {
			v.addr = s.Addr.Addr().String()
			st.byAddr[vsKey{s.Protocol, v.addr, int(s.Addr.Port())}] = v
		}
		if len(b.otherIndex.byAddr)+len(b.otherIndex.byNodePort) > 0 {
			v.other = len(matchServices(s, b.otherIndex, nodePortAddrs)) > 0
		}
		v.nodePortLike = !st.addrsComplete && len(v.refs) == 0 && b.isNodePort(s)
		st.vss = append(st.vss, v)
		st.byKey[key] = v
		if s.FWMark == 0 {
			st.byIP[v.addr] = append(st.byIP[v.addr], v)
			st.families = st.families.with(family(v.addr))
		}
		for _, r := range v.refs {
			vr := vsRole{v, r.Role}
			if refs := st.byService[r.Service]; !slices.Contains(refs, vr) {
				st.byService[r.Service] = append(refs, vr)
			}
		}
	}
	for _, vs := range st.byIP {
		slices.SortFunc(vs, func(a, b *vsEntry) int { return cmp.Compare(a.key, b.key) })
	}
	for _, refs := range st.byService {
		slices.SortFunc(refs, func(a, b vsRole) int {
			return cmp.Or(cmp.Compare(a.vs.key, b.vs.key), cmp.Compare(a.role, b.role))
		})
	}
	return st
}

// addrCoverage tells which interfaces the ip addr captures the node uses
// show: all of them when one names no interface (`ip addr`), else those
// their commands name (`ip addr show dev kube-ipvs0`).
func addrCoverage(n *snapshot.Node) (all bool, shown map[string]bool) {
	shown = map[string]bool{}
	for _, capt := range n.Captures {
		if capt.Kind != bundle.KindIPAddr || capt.Status != snapshot.StatusOK || capt.Unused != "" {
			continue
		}
		if capt.Device == "" {
			return true, shown
		}
		shown[capt.Device] = true
	}
	return len(shown) == 0, shown
}

// isNodePort reports whether the protocol and port of s are a NodePort
// of a Service (kube-proxy's or another proxy's).
func (b *builder) isNodePort(s *ipvs.Service) bool {
	if s.FWMark != 0 {
		return false
	}
	k := servicePortKey{"", s.Protocol, int(s.Addr.Port())}
	return len(b.serviceIndex.byNodePort[k]) > 0 || len(b.otherIndex.byNodePort[k]) > 0
}

// vsRefs returns the VSRefs of the virtual services.
func vsRefs(vss []*vsEntry) []VSRef {
	out := make([]VSRef, 0, len(vss))
	for _, v := range vss {
		out = append(out, v.ref())
	}
	return out
}

// boundEvidence returns the kube-ipvs0 entry of ip as evidence, nil when ip
// is not bound.
func (st *nodeState) boundEvidence(ip string) *Evidence {
	e := st.ipvs0[ip]
	if e == nil {
		return nil
	}
	ev := e.evidence()
	return &ev
}

// rsRefs returns the real servers of v, each with the endpoint of one of
// v's Services it stands for.
func (b *builder) rsRefs(st *nodeState, v *vsEntry) []RSRef {
	out := make([]RSRef, 0, len(v.s.Dests))
	for i := range v.s.Dests {
		out = append(out, rsRef(b.realServer(&v.s.Dests[i], v.refs, st.name, st.local)))
	}
	return out
}

// rsRef returns a real server of the inventory as an RSRef.
func rsRef(rs RealServer) RSRef {
	r := RSRef{IP: rs.IP, Port: rs.Port, Weight: rs.Weight, ActiveConn: rs.ActiveConn, InActConn: rs.InActConn,
		Local: rs.Local, Evidence: Evidence{File: rs.File, Line: rs.Line, Text: rs.Text}}
	if ep := rs.Endpoint; ep != nil {
		r.Endpoint, r.NodeName, r.HostNetwork = true, ep.NodeName, ep.HostNetwork
	}
	return r
}
