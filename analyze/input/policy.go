package input

import (
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/conntrack"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/analyze/source"
)

// externalRoles are the virtual service roles externalTrafficPolicy
// governs.
var externalRoles = map[string]bool{RoleNodePort: true, RoleLoadBalancer: true, RoleExternalIP: true}

// summary returns the facts of a Service that rules need without its
// endpoint list.
func (c *Cluster) summary(svc *Service) *ServiceSummary {
	s := &ServiceSummary{
		Namespace: svc.Namespace, Name: svc.Name, Type: svc.Type,
		ExternalIPs: svc.ExternalIPs, Ingress: svc.Ingress, Ports: svc.Ports,
		ExternalTrafficPolicy: svc.ExternalTrafficPolicy, InternalTrafficPolicy: svc.InternalTrafficPolicy,
		HealthCheckNodePort: svc.HealthCheckNodePort, Annotations: svc.Annotations,
		ExternallyAccessible: externallyAccessible(svc), EndpointsKnown: c.EndpointsKnown(svc),
		Evidence: serviceEvidence(svc),
	}
	nodes := map[string]bool{}
	for _, ep := range svc.Endpoints {
		if ep.Ready {
			nodes[ep.NodeName] = true
			s.HostNetworkReady = s.HostNetworkReady || ep.HostNetwork
		}
	}
	s.ReadyEndpointNodes = nonNil(slices.Sorted(maps.Keys(nodes)))
	return s
}

// serviceSummaries fills c.LoadBalancers (Services of type LoadBalancer,
// or with a load balancer ingress or external IPs) and c.LocalPolicies
// (Services with a Local traffic policy).
func (c *Cluster) serviceSummaries() {
	c.LoadBalancers, c.LocalPolicies = map[string]*ServiceSummary{}, map[string]*ServiceSummary{}
	for key, svc := range c.Services {
		lb := svc.Type == "LoadBalancer" || len(svc.Ingress) > 0 || len(svc.ExternalIPs) > 0
		local := svc.ExternalTrafficPolicy == "Local" || svc.InternalTrafficPolicy == "Local"
		if !lb && !local {
			continue
		}
		s := c.summary(svc)
		if lb {
			c.LoadBalancers[key] = s
		}
		if local {
			c.LocalPolicies[key] = s
		}
	}
}

// serviceIPs lists every load balancer ingress IP and external IP of the
// Services with what the node does with it, by Service, IP and role.
func (m *model) serviceIPs() {
	st := m.st
	for _, key := range slices.Sorted(maps.Keys(m.c.LoadBalancers)) {
		svc := m.c.Services[key]
		seen := map[[2]string]bool{}
		add := func(ip, role, mode string) {
			if ip == "" || seen[[2]string{ip, role}] {
				return
			}
			seen[[2]string{ip, role}] = true
			x := ServiceIP{Service: key, IP: ip, Role: role, IPMode: mode, Bound: st.boundEvidence(ip),
				Subnets: []NodeAddressRef{}, VirtualServers: vsRefs(st.byIP[ip]), ServiceEvidence: serviceEvidence(svc)}
			if a := st.addrs[ip]; a != nil {
				x.NodeAddress = &NodeAddressRef{Interface: a.ifc.Name, Prefix: a.a.Prefix.String(), Evidence: a.evidence()}
			}
			for _, k := range st.addrOrder {
				a := st.addrs[k]
				p := a.a.Prefix
				if p.Bits() < p.Addr().BitLen() && p.Masked().Contains(parseAddr(ip)) {
					x.Subnets = append(x.Subnets, NodeAddressRef{Interface: a.ifc.Name, Prefix: p.String(), Evidence: a.evidence()})
				}
			}
			m.out.ServiceIPs = append(m.out.ServiceIPs, x)
		}
		for _, ing := range svc.Ingress {
			add(ing.IP, RoleLoadBalancer, ing.IPMode)
		}
		for _, ip := range svc.ExternalIPs {
			add(ip, RoleExternalIP, "")
		}
	}
}

// localPolicyGaps lists the Services with a Local traffic policy whose
// endpoints the bundle holds and that have no ready endpoint on the node,
// with the virtual services those policies govern there.
func (m *model) localPolicyGaps() {
	st := m.st
	for _, key := range slices.Sorted(maps.Keys(m.c.LocalPolicies)) {
		svc := m.c.Services[key]
		if !m.c.EndpointsKnown(svc) {
			continue
		}
		g := LocalPolicyGap{Service: key, VirtualServers: []PolicyVS{}}
		local := false
		for _, ep := range svc.Endpoints {
			switch {
			case !ep.Ready:
			case ep.NodeName == st.name:
				local = true
			default:
				g.ReadyRemote++
			}
		}
		if local {
			continue
		}
		for _, vr := range st.byService[key] {
			if !m.kp.localPolicy(svc, vr.role) {
				continue
			}
			p := PolicyVS{VSRef: vr.vs.ref(), Role: vr.role, RealServers: m.b.rsRefs(st, vr.vs),
				Conntrack: m.destFlows(vr.vs.key)}
			if vr.role != RoleNodePort {
				p.Bound = st.boundEvidence(vr.vs.ip())
			}
			g.VirtualServers = append(g.VirtualServers, p)
		}
		m.out.LocalPolicy = append(m.out.LocalPolicy, g)
	}
}

// dest returns the conntrack summary of the flows to key, nil when there
// are none.
func (m *model) dest(key string) *conntrack.Dest {
	if s := m.st.snap.Conntrack; s != nil {
		return s.Dests[key]
	}
	return nil
}

// destFlows sums up the flows to key for the rules that judge its virtual
// service; nil when conntrack shows none.
func (m *model) destFlows(key string) *DestFlows {
	d := m.dest(key)
	if d == nil {
		return nil
	}
	dst := d.Dst.Addr().Unmap()
	f := &DestFlows{Flows: d.Flows, Unreplied: d.Unreplied, SNAT: d.SNAT, FromLocalUnreplied: d.FromLocalUnreplied,
		FromSelf: d.Clients.Get(dst.String()), FromUnlisted: d.Clients.Other,
		SelfSamples: []Evidence{}, OutsideSamples: []Evidence{}, Samples: samples(d.Samples)}
	src := m.b.clusterSources(m.c)
	outside := func(ip netip.Addr) bool { return src.known && ip.IsValid() && !m.st.local[ip] && !src.has(ip) }
	for client, n := range d.Clients.All() {
		if outside(parseAddr(client).Unmap()) {
			f.FromOutside += n
		}
	}
	for _, s := range d.UnrepliedSamples {
		if s.Src.Unmap() == dst {
			f.SelfSamples = append(f.SelfSamples, Evidence{File: s.Pos.File, Line: s.Pos.Line, Text: s.Text})
		}
	}
	seen := map[source.Pos]bool{}
	for _, s := range slices.Concat(d.Samples, d.UnrepliedSamples) {
		if !seen[s.Pos] && outside(s.Src.Unmap()) {
			seen[s.Pos] = true
			f.OutsideSamples = append(f.OutsideSamples, Evidence{File: s.Pos.File, Line: s.Pos.Line, Text: s.Text})
		}
	}
	return f
}

// clusterSources are the addresses a flow from inside the cluster comes
// from, as far as the bundle tells: the nodes' addresses, the pods' and
// the endpoints' IPs, and the ranges of the Nodes' pod CIDRs and of
// kube-proxy's clusterCIDR. known is false when the Node objects were not
// read: other nodes' addresses are then unknown.
type clusterSources struct {
	known bool
	addrs map[netip.Addr]bool
	nets  []netip.Prefix
}

// has reports whether ip is a source inside the cluster.
func (s *clusterSources) has(ip netip.Addr) bool {
	return s.addrs[ip] || slices.ContainsFunc(s.nets, func(p netip.Prefix) bool { return p.Contains(ip) })
}

// clusterSources returns the cluster's sources, built on first use.
func (b *builder) clusterSources(c *Cluster) *clusterSources {
	b.sourcesOnce.Do(func() { b.sources = b.findSources(c) })
	return b.sources
}

// findSources finds the addresses clusterSources returns.
func (b *builder) findSources(c *Cluster) *clusterSources {
	s := &clusterSources{known: c.Captures["nodes"].Status == string(snapshot.StatusOK), addrs: maps.Clone(b.nodeAddrs)}
	addr := func(ip string) {
		if a := parseAddr(ip); a.IsValid() {
			s.addrs[a.Unmap()] = true
		}
	}
	cidrs := strings.Split(c.KubeProxy.ClusterCIDR, ",")
	for _, n := range c.Nodes {
		cidrs = append(cidrs, n.PodCIDRs...)
	}
	for _, cidr := range cidrs {
		if p, err := netip.ParsePrefix(strings.TrimSpace(cidr)); err == nil {
			s.nets = append(s.nets, p.Masked())
		}
	}
	for _, p := range b.pods {
		addr(p.Status.PodIP)
		addr(p.Status.HostIP)
		for _, ip := range p.Status.PodIPs {
			addr(ip.IP)
		}
		for _, ip := range p.Status.HostIPs {
			addr(ip.IP)
		}
	}
	for _, svc := range c.Services {
		for _, ep := range svc.Endpoints {
			addr(ep.IP)
		}
	}
	return s
}
