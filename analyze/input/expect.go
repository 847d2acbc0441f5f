package input

import (
	"net/netip"
	"slices"
	"strings"
	"sync"
)

// behaviour is what kube-proxy in IPVS mode does in the cluster's version
// with its configuration (behaviours B1, B3, B4-B10 and B12 of docs/rules.md): which
// addresses it binds, which virtual services it makes and which endpoints
// each lists. A question whose answer depends on what the bundle does not
// say (the version, most often) answers "unknown", never a guess.
type behaviour struct {
	version   Version
	kubeProxy KubeProxy
	// primaryIPs are the InternalIP addresses of each Node object, for
	// nodePortAddresses "primary".
	primaryIPs map[string][]string
	// exclude are the networks of ipvs.excludeCIDRs that parse.
	exclude []netip.Prefix
	// sets memoizes the endpoint sets that do not depend on the node, once
	// per Service port rather than once per virtual service; mu guards it.
	mu   sync.Mutex
	sets map[setKey]memoized
}

// setKey names an endpoint set of a Service port: its usable endpoints, or
// those kube-proxy lists of an IP family (expectedSet).
type setKey struct {
	svc  *Service
	port int    // the index of the port in svc.Ports
	what string // "usable", or the family of the listed endpoints
}

// newBehaviour returns kube-proxy's behaviour at version v with the
// configuration kp, on the nodes of the Node objects.
func newBehaviour(v Version, kp KubeProxy, nodes map[string]*ClusterNode) *behaviour {
	b := &behaviour{version: v, kubeProxy: kp, primaryIPs: primaryIPs(nodes), sets: map[setKey]memoized{}}
	for _, c := range kp.ExcludeCIDRs {
		if p, err := netip.ParsePrefix(strings.TrimSpace(c)); err == nil {
			b.exclude = append(b.exclude, p.Masked())
		}
	}
	return b
}

// excluded reports whether ip is in ipvs.excludeCIDRs. kube-proxy's
// cleanLegacyService skips the virtual services whose address is there
// (isIPInExcludeCIDRs, pkg/proxy/ipvs/proxier.go), so that other agents
// may keep virtual services of their own: such a virtual service is no
// leftover of kube-proxy. Its kube-ipvs0 addresses are not protected:
// syncProxyRules unbinds every address it did not bind for a Service
// (superfluousAddresses, in 1.27 at least), excluded or not. A
// firewall-mark service has no address and is never excluded.
func (b *behaviour) excluded(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && slices.ContainsFunc(b.exclude, func(p netip.Prefix) bool { return p.Contains(a.Unmap()) })
}

// gate returns a feature gate of the kube-proxy configuration and whether
// it is set there.
func (b *behaviour) gate(name string) (on, set bool) {
	on, set = b.kubeProxy.FeatureGates[name]
	return on, set
}

// family is "IPv6" for an IPv6 address and "IPv4" otherwise.
func family(ip string) string {
	if strings.Contains(ip, ":") {
		return "IPv6"
	}
	return "IPv4"
}

// otherProxy reports whether the service-proxy-name label hands svc to
// another proxy. kube-proxy's informers select only the Services (and
// EndpointSlices) without that label, whatever its value (a DoesNotExist
// requirement on it, cmd/kube-proxy/app/server.go), so kube-proxy never
// sees such a Service. The model follows it:
//
//   - nothing is expected of it: no virtual service, no kube-ipvs0
//     address, and it is not counted in Expected.ProxiedServices;
//   - it is left out of the Service index that matches virtual services to
//     Service ports (see splitByProxy), so its virtual services serve no
//     Service kube-proxy knows: no missing, stale, draining or empty real
//     servers and no unbound address are found on them;
//   - its virtual services are not orphans (vsEntry.other), nor are its
//     addresses (claims holds every Service): the other proxy made them.
//
// (kube-proxy in IPVS mode deletes the virtual services it did not make
// outside ipvs.excludeCIDRs and unbinds the addresses it did not bind, so
// another proxy's state on the node lasts only until kube-proxy's next
// sync unless excluded; the model does not judge that contest.)
func otherProxy(svc *Service) bool {
	return svc.ServiceProxyName != nil
}

// splitByProxy returns the Services kube-proxy sees and those the
// service-proxy-name label hands to another proxy (see otherProxy), by key.
func splitByProxy(services map[string]*Service) (own, other map[string]*Service) {
	own, other = map[string]*Service{}, map[string]*Service{}
	for key, svc := range services {
		if otherProxy(svc) {
			other[key] = svc
		} else {
			own[key] = svc
		}
	}
	return own, other
}

// proxied reports whether kube-proxy programs svc: not headless, not
// ExternalName, with a cluster IP, and not handed to another proxy by the
// service-proxy-name label (see otherProxy).
func proxied(svc *Service) bool {
	switch svc.Type {
	case "ClusterIP", "NodePort", "LoadBalancer":
	default:
		return false
	}
	return !svc.Headless && len(svc.ClusterIPs) > 0 && !otherProxy(svc)
}

// famSet is a set of IP families ("IPv4", "IPv6"); the zero famSet is empty.
type famSet uint8

// with returns s with family fam.
func (s famSet) with(fam string) famSet {
	if fam == "IPv6" {
		return s | 2
	}
	return s | 1
}

// has reports whether s holds family fam.
func (s famSet) has(fam string) bool { return s&famSet(0).with(fam) != 0 }

// families returns the IP families of the Service's cluster IPs.
func families(svc *Service) famSet {
	var out famSet
	for _, ip := range svc.ClusterIPs {
		out = out.with(family(ip))
	}
	return out
}

// bindsIngress reports whether kube-proxy binds a load balancer ingress IP
// (B3): ipMode Proxy is honoured from 1.29 with the LoadBalancerIPMode gate
// (alpha, off by default, in 1.29; on by default from 1.30; GA in 1.32).
// An ipMode Proxy ingress at an unknown version is not bound, as nothing
// can be expected of it.
func (b *behaviour) bindsIngress(ing Ingress) bool {
	if ing.IPMode != "Proxy" {
		return true
	}
	on, set := b.gate("LoadBalancerIPMode")
	switch {
	case b.version.Below(1, 29):
		return true
	case b.version.Below(1, 30):
		return !(set && on)
	case b.version.Below(1, 32):
		return set && !on
	}
	return false
}

// binds reports whether kube-proxy binds an address of role on the
// kube-ipvs0 of a node: a cluster IP always; an external or load balancer
// IP unless, from 1.28, the node has it on another interface (onNode;
// shouldBind, B1); a NodePort's address never.
func (b *behaviour) binds(role string, onNode func() bool) bool {
	switch role {
	case RoleClusterIP:
		return true
	case RoleExternalIP, RoleLoadBalancer:
		return !b.version.AtLeast(1, 28) || !onNode()
	}
	return false
}

// vip is an address kube-proxy binds on kube-ipvs0 for a Service, and in
// which role.
type vip struct {
	ip, role string
}

// vips returns the addresses kube-proxy makes virtual services for and
// binds for svc: its cluster IPs, its external IPs and its bound ingress
// IPs of the Service's families. An address named in two roles is listed
// in both.
func (b *behaviour) vips(svc *Service) []vip {
	fams := families(svc)
	var out []vip
	for _, ip := range svc.ClusterIPs {
		out = append(out, vip{ip, RoleClusterIP})
	}
	for _, ip := range svc.ExternalIPs {
		if fams.has(family(ip)) {
			out = append(out, vip{ip, RoleExternalIP})
		}
	}
	for _, ing := range svc.Ingress {
		if ing.IP != "" && fams.has(family(ing.IP)) && b.bindsIngress(ing) {
			out = append(out, vip{ing.IP, RoleLoadBalancer})
		}
	}
	return out
}

// eachVirtualServer calls visit with each virtual service kube-proxy makes
// for svc (a proxied Service) on a node whose NodePort addresses are
// nodePortIPs: one per Service port on each address it binds for the
// Service (B1, B3), and for NodePort and LoadBalancer Services one per
// NodePort on each NodePort address of the node's families (B12). port is
// the virtual service's port: the NodePort for role nodePort.
func (b *behaviour) eachVirtualServer(svc *Service, nodePortIPs []string, visit func(role, ip string, port int, sp ServicePort)) {
	for _, v := range b.vips(svc) {
		for _, p := range svc.Ports {
			visit(v.role, v.ip, p.Port, p)
		}
	}
	if svc.Type != "NodePort" && svc.Type != "LoadBalancer" {
		return
	}
	fams := families(svc)
	for _, p := range svc.Ports {
		if p.NodePort <= 0 {
			continue
		}
		for _, ip := range nodePortIPs {
			if fams.has(family(ip)) {
				visit(RoleNodePort, ip, p.NodePort, p)
			}
		}
	}
}

// nodePortAddress reports whether kube-proxy puts NodePort virtual services
// on this address of the node (B12): every address but IPv6 link-local, or
// only those nodePortAddresses matches when it is set ("primary" matching
// the node's InternalIPs).
func (b *behaviour) nodePortAddress(node string, ip netip.Addr) bool {
	if ip.Is6() && ip.IsLinkLocalUnicast() {
		return false
	}
	var cidrs []netip.Prefix
	primary := false
	for _, c := range b.kubeProxy.NodePortAddresses {
		if c == "primary" {
			primary = true
			continue
		}
		p, err := netip.ParsePrefix(c)
		if err == nil && p.Addr().Is4() == ip.Is4() {
			cidrs = append(cidrs, p)
		}
	}
	if !primary && len(cidrs) == 0 {
		return true
	}
	if slices.ContainsFunc(cidrs, func(p netip.Prefix) bool { return p.Contains(ip) }) {
		return true
	}
	return primary && slices.Contains(b.primaryIPs[node], ip.String())
}

// usable reports whether kube-proxy may list an endpoint with weight 1:
// ready, or serving and terminating (used when no ready one is left, B10).
func usable(ep *Endpoint) bool {
	return ep.Ready || ep.Serving && ep.Terminating
}

// localPolicy reports whether only node-local endpoints serve svc in role:
// externalTrafficPolicy Local for the external roles, internalTrafficPolicy
// Local (from 1.22, or at an unknown version) for the ClusterIP.
func (b *behaviour) localPolicy(svc *Service, role string) bool {
	if role != RoleClusterIP {
		return svc.ExternalTrafficPolicy == "Local"
	}
	return svc.InternalTrafficPolicy == "Local" && !b.version.Below(1, 22)
}

// topologyAware reports whether topology hints may narrow the endpoints per
// node (the topology annotations, or spec.trafficDistribution): the
// EndpointSlices' hints are not in the input, so the endpoints kube-proxy
// lists are then unknown.
func topologyAware(svc *Service) bool {
	for _, k := range []string{"service.kubernetes.io/topology-mode", "service.kubernetes.io/topology-aware-hints"} {
		if v := strings.ToLower(svc.Annotations[k]); v != "" && v != "disabled" {
			return true
		}
	}
	return svc.TrafficDistribution != ""
}

// terminatingFallback tells whether kube-proxy uses serving and terminating
// endpoints (ProxyTerminatingEndpoints: alpha in 1.22, beta and on in 1.26,
// GA in 1.28); known is false when the version is unknown.
func (b *behaviour) terminatingFallback() (on, known bool) {
	if !b.version.Known {
		return false, false
	}
	gate, set := b.gate("ProxyTerminatingEndpoints")
	switch {
	case b.version.AtLeast(1, 28):
		return true, true
	case b.version.AtLeast(1, 26):
		return !set || gate, true
	case b.version.AtLeast(1, 22):
		return set && gate, true
	}
	return false, true
}

// usesClusterEndpoints mirrors kube-proxy's UsesClusterEndpoints for a
// Local-policy role: the external roles always compute them; the ClusterIP
// with iTP Local only when the Service is externally accessible.
func usesClusterEndpoints(svc *Service, role string) bool {
	return role != RoleClusterIP || externallyAccessible(svc)
}

// externallyAccessible is kube-proxy's ExternallyAccessible: a NodePort, a
// load balancer ingress IP or an external IP.
func externallyAccessible(svc *Service) bool {
	for _, p := range svc.Ports {
		if p.NodePort != 0 {
			return true
		}
	}
	for _, ing := range svc.Ingress {
		if ing.IP != "" {
			return true
		}
	}
	return len(svc.ExternalIPs) > 0
}

// readyIPs returns the ready endpoint IPs of svc of family fam, on node
// when node is not "".
func readyIPs(svc *Service, fam, node string) map[string]bool {
	out := map[string]bool{}
	for i := range svc.Endpoints {
		ep := &svc.Endpoints[i]
		if ep.Ready && family(ep.IP) == fam && (node == "" || ep.NodeName == node) {
			out[ep.IP] = true
		}
	}
	return out
}

// localTerminating reports whether node holds a serving, terminating
// endpoint of svc.
func localTerminating(svc *Service, node string) bool {
	return slices.ContainsFunc(svc.Endpoints, func(ep Endpoint) bool {
		return ep.NodeName == node && ep.Serving && ep.Terminating
	})
}

// expectedReady returns the ready endpoint IPs (family fam) that kube-proxy
// lists as real servers with weight above 0 of a virtual service of role on
// node; known is false when that depends on what the bundle does not say
// (the version, topology hints).
func (b *behaviour) expectedReady(svc *Service, node, role, fam string) (ips map[string]bool, known bool) {
	if !b.localPolicy(svc, role) {
		if topologyAware(svc) {
			return nil, false
		}
		return readyIPs(svc, fam, ""), true
	}
	if local := readyIPs(svc, fam, node); len(local) > 0 {
		return local, true
	}
	return b.noLocalFallback(svc, node, role, fam)
}

// noLocalFallback is what a Local-policy virtual service lists when the
// node has no ready local endpoint: a local serving and terminating
// endpoint when that fallback is on (no ready one listed); all cluster
// endpoints from 1.24 when the Service also uses cluster endpoints (PR
// #97081); nothing before 1.24 or for a ClusterIP-only Service.
func (b *behaviour) noLocalFallback(svc *Service, node, role, fam string) (map[string]bool, bool) {
	fallbackOn, fallbackKnown := b.terminatingFallback()
	terminating := localTerminating(svc, node)
	if terminating && fallbackOn {
		return map[string]bool{}, true
	}
	if terminating && !fallbackKnown {
		return nil, false // the local terminating endpoint may be used
	}
	switch {
	case !usesClusterEndpoints(svc, role):
		return map[string]bool{}, true
	case !b.version.Known:
		return nil, false
	case b.version.Below(1, 24):
		return map[string]bool{}, true
	case topologyAware(svc):
		return nil, false
	}
	return readyIPs(svc, fam, ""), true
}

// servicePort returns the Service port that a virtual service of role at
// port and protocol serves (port is the NodePort for role nodePort).
func servicePort(svc *Service, role string, port int, protocol string) (ServicePort, bool) {
	i, ok := servicePortIndex(svc, role, port, protocol)
	if !ok {
		return ServicePort{}, false
	}
	return svc.Ports[i], true
}

// servicePortIndex is servicePort's port's index in svc.Ports.
func servicePortIndex(svc *Service, role string, port int, protocol string) (int, bool) {
	for i, p := range svc.Ports {
		if p.Protocol != protocol {
			continue
		}
		if role == RoleNodePort && p.NodePort == port || role != RoleNodePort && p.Port == port {
			return i, true
		}
	}
	return 0, false
}

// epAddr is an endpoint address for a Service port: its IP and the port of
// the endpoint's port of that name, 0 when it lists none (a real server at
// any port of that IP then stands for it).
type epAddr struct {
	ip   string
	port int
}

// endpointAddrs returns the epAddrs of an endpoint for Service port sp: one
// per endpoint port of sp's name and protocol, or [ip, 0] when none.
func endpointAddrs(ep *Endpoint, sp ServicePort) []epAddr {
	var out []epAddr
	for _, p := range ep.Ports {
		proto := p.Protocol
		if proto == "" {
			proto = sp.Protocol
		}
		if p.Name == sp.Name && proto == sp.Protocol {
			out = append(out, epAddr{ep.IP, p.Port})
		}
	}
	if len(out) == 0 {
		out = append(out, epAddr{ep.IP, 0})
	}
	return out
}

// endpointAddrSet returns the epAddrs of the endpoints of svc for which keep
// is true, for the Service port of a virtual service of role at port and
// protocol; ok is false when no Service port matches.
func endpointAddrSet(svc *Service, role string, port int, protocol string, keep func(*Endpoint) bool) (set map[epAddr]bool, ok bool) {
	sp, ok := servicePort(svc, role, port, protocol)
	if !ok {
		return nil, false
	}
	set = map[epAddr]bool{}
	for i := range svc.Endpoints {
		if ep := &svc.Endpoints[i]; keep(ep) {
			for _, a := range endpointAddrs(ep, sp) {
				set[a] = true
			}
		}
	}
	return set, true
}

// usableSet returns the epAddrs of the usable endpoints of svc for the
// Service port of a virtual service of role at port and protocol.
func (b *behaviour) usableSet(svc *Service, role string, port int, protocol string) (map[epAddr]bool, bool) {
	i, ok := servicePortIndex(svc, role, port, protocol)
	if !ok {
		return nil, false
	}
	set, _ := b.memo(setKey{svc, i, "usable"}, func() (map[epAddr]bool, bool) {
		set, _ := endpointAddrSet(svc, role, port, protocol, usable)
		return set, true
	})
	return set, true
}

// expectedSet returns the epAddrs of the endpoints that kube-proxy lists
// with weight 1 on a virtual service of role at port and protocol, of
// family fam, on node (expectedEndpoints: the ready ones its traffic policy
// selects, else the serving and terminating ones when that fallback is
// on); known is false when that is unknown, ok when no Service port
// matches. The sets that do not depend on the node are memoized.
func (b *behaviour) expectedSet(svc *Service, node, role string, port int, protocol, fam string) (set map[epAddr]bool, known, ok bool) {
	i, ok := servicePortIndex(svc, role, port, protocol)
	if !ok {
		return nil, true, false
	}
	sp := svc.Ports[i]
	build := func() (map[epAddr]bool, bool) {
		eps, known := b.expectedEndpoints(svc, node, role, fam)
		if !known {
			return nil, false
		}
		set := map[epAddr]bool{}
		for _, ep := range eps {
			for _, a := range endpointAddrs(ep, sp) {
				set[a] = true
			}
		}
		return set, true
	}
	if b.localPolicy(svc, role) {
		set, known = build() // the node's own endpoints: not memoized
	} else {
		set, known = b.memo(setKey{svc, i, fam}, build)
	}
	return set, known, true
}

// memoized is a memoized endpoint set, and whether it is known.
type memoized struct {
	set   map[epAddr]bool
	known bool
}

// memo returns the set of k and whether it is known, made once; the nodes
// are built in parallel.
func (b *behaviour) memo(k setKey, build func() (map[epAddr]bool, bool)) (map[epAddr]bool, bool) {
	b.mu.Lock()
	m, ok := b.sets[k]
	b.mu.Unlock()
	if !ok {
		m.set, m.known = build()
		b.mu.Lock()
		b.sets[k] = m
		b.mu.Unlock()
	}
	return m.set, m.known
}

// has reports whether a real server at ip:port stands for an epAddr of set.
func has(set map[epAddr]bool, ip string, port int) bool {
	return set[epAddr{ip, port}] || set[epAddr{ip, 0}]
}
