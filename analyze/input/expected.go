package input

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"
	"strconv"

	"github.com/ipvslint/ipvslint/analyze/kube"
)

// Model is what kube-proxy in IPVS mode programs on the nodes of a
// document in one Kubernetes version, with the cluster's kube-proxy
// configuration, Services, endpoints and node addresses: the expected
// state of behaviours B1, B3-B10 and B12 (docs/rules.md), one virtual service at a time.
// It answers "what if the cluster ran this version" without reading any
// node's IPVS table. Build it with [NewModel]; it is not safe for
// concurrent use.
type Model struct {
	doc *Document
	kp  *behaviour
	// claims are the Services that name each address; index finds the
	// Service ports by address and NodePort; healthCheck holds the
	// Services' healthCheckNodePorts. All are built on first use
	// (indexServices).
	claims      map[string][]string
	index       *serviceIndex
	healthCheck map[int]bool
}

// NewModel returns the model of doc's cluster at version v; the zero
// Version stands for doc's own version. NodePort virtual services sit on
// the node addresses of doc's inventory: build doc with
// input.nodes[NODE].addresses among [Options.Reads] for the nodes asked
// about (a node without captures uses the addresses of its Node object).
func NewModel(doc *Document, v Version) *Model {
	if v == (Version{}) {
		v = doc.Cluster.Version
	}
	return &Model{doc: doc, kp: newBehaviour(v, doc.Cluster.KubeProxy, doc.Cluster.Nodes)}
}

// ParseVersion reads a Kubernetes version as --k8s-version takes it ("1.24",
// "v1.28.2-aliyun.1") into a known Version whose source is source.
func ParseVersion(s, source string) (Version, error) {
	v, err := kube.ParseGitVersion(s)
	if err != nil {
		return Version{}, err
	}
	return versionOf(v, source), nil
}

// Version returns the version the model is of.
func (m *Model) Version() Version { return m.kp.version }

// ExpectedVirtualServer is a virtual service that kube-proxy programs on a
// node for one port of a Service in one role, with the real servers it
// lists there.
type ExpectedVirtualServer struct {
	Key      string `json:"key"` // TCP/10.96.0.10:53, as the node's virtual services are keyed
	Service  string `json:"service"`
	Role     string `json:"role"`
	IP       string `json:"ip"`
	Port     int    `json:"port"` // the NodePort for role nodePort
	Protocol string `json:"protocol"`
	// ServicePort is the port of the Service it serves.
	ServicePort ServicePort `json:"servicePort"`
	// Bound is true when kube-proxy binds the address on kube-ipvs0: a
	// ClusterIP, an external IP or a load balancer IP (ipMode permitting,
	// B3) that is not, from 1.28, an address of the node's own interfaces
	// (B1). False for a NodePort.
	Bound bool `json:"bound"`
	// Known is false when the real servers depend on what the bundle does
	// not say (the version, the topology hints of the EndpointSlices);
	// RealServers is then nil.
	Known       bool                 `json:"known"`
	RealServers []ExpectedRealServer `json:"realServers"`
}

// ExpectedRealServer is an endpoint kube-proxy lists as a real server with
// weight 1.
type ExpectedRealServer struct {
	IP string `json:"ip"`
	// Port is the endpoint's port of the Service port's name, else the
	// Service's numeric targetPort; 0 when neither tells.
	Port        int    `json:"port"`
	NodeName    string `json:"nodeName"`
	Local       bool   `json:"local"` // on the node of the virtual service
	HostNetwork bool   `json:"hostNetwork"`
	Ready       bool   `json:"ready"`
	Serving     bool   `json:"serving"`
	Terminating bool   `json:"terminating"`
}

// VirtualServers returns the virtual services kube-proxy programs on node
// for the Service key, sorted by key and role: one per port on each address
// it binds for the Service, and for NodePort and LoadBalancer Services one
// per NodePort on each NodePort address of the node (B12). None for a
// Service kube-proxy does not program or that the document lacks.
func (m *Model) VirtualServers(node, key string) []ExpectedVirtualServer {
	svc := m.doc.Cluster.Services[key]
	if svc == nil || !proxied(svc) {
		return nil
	}
	var out []ExpectedVirtualServer
	m.kp.eachVirtualServer(svc, m.nodePortIPs(node), func(role, ip string, port int, sp ServicePort) {
		out = append(out, m.virtualServer(node, key, svc, role, ip, port, sp))
	})
	slices.SortFunc(out, func(a, b ExpectedVirtualServer) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Role, b.Role))
	})
	return out
}

// At returns the virtual services kube-proxy programs on node at
// ip:port/protocol, one per Service port and role that needs one there,
// sorted by Service and role.
func (m *Model) At(node, ip string, port int, protocol string) []ExpectedVirtualServer {
	m.indexServices()
	services := map[string]bool{}
	for _, r := range m.index.byAddr[servicePortKey{ip, protocol, port}] {
		services[r.Service] = true
	}
	for _, r := range m.index.byNodePort[servicePortKey{"", protocol, port}] {
		services[r.Service] = true
	}
	key := AddrKey(protocol, ip, port)
	var out []ExpectedVirtualServer
	for _, s := range slices.Sorted(maps.Keys(services)) {
		for _, vs := range m.VirtualServers(node, s) {
			if vs.Key == key {
				out = append(out, vs)
			}
		}
	}
	return out
}

// Binds returns the Services for which kube-proxy binds ip on node's
// kube-ipvs0, sorted; none when it leaves the address off (an ingress
// hostname or ipMode Proxy, B3; a node's own address from 1.28, B1).
func (m *Model) Binds(node, ip string) []string {
	m.indexServices()
	var out []string
	for _, key := range m.claims[ip] {
		svc := m.doc.Cluster.Services[key]
		if !proxied(svc) {
			continue
		}
		for _, v := range m.kp.vips(svc) {
			if v.ip == ip && m.binds(node, v.role, ip) {
				out = append(out, key)
				break
			}
		}
	}
	return out
}

// binds reports whether kube-proxy binds ip, an address of role, on
// node's kube-ipvs0 (behaviour.binds).
func (m *Model) binds(node, role, ip string) bool {
	return m.kp.binds(role, func() bool { return m.nodeHas(node, ip) })
}

// virtualServer returns the expected virtual service of svc (key) in role
// at ip:port for Service port sp on node.
func (m *Model) virtualServer(node, key string, svc *Service, role, ip string, port int, sp ServicePort) ExpectedVirtualServer {
	vs := ExpectedVirtualServer{
		Key: AddrKey(sp.Protocol, ip, port), Service: key, Role: role, IP: ip, Port: port, Protocol: sp.Protocol,
		ServicePort: sp, Bound: m.binds(node, role, ip),
	}
	eps, known := m.kp.expectedEndpoints(svc, node, role, family(ip))
	if !known {
		return vs
	}
	vs.Known = true
	vs.RealServers = []ExpectedRealServer{}
	for _, ep := range eps {
		for _, a := range endpointAddrs(ep, sp) {
			if a.port == 0 {
				a.port, _ = strconv.Atoi(sp.TargetPort)
			}
			vs.RealServers = append(vs.RealServers, ExpectedRealServer{
				IP: a.ip, Port: a.port, NodeName: ep.NodeName, Local: ep.NodeName == node || m.nodeHas(node, a.ip),
				HostNetwork: ep.HostNetwork, Ready: ep.Ready, Serving: ep.Serving, Terminating: ep.Terminating,
			})
		}
	}
	slices.SortFunc(vs.RealServers, func(a, b ExpectedRealServer) int {
		return cmp.Or(CompareIP(a.IP, b.IP), cmp.Compare(a.Port, b.Port))
	})
	vs.RealServers = slices.Compact(vs.RealServers)
	return vs
}

// nodeHas reports whether ip is an address of node's interfaces other than
// kube-ipvs0 and loopback.
func (m *Model) nodeHas(node, ip string) bool {
	return slices.Contains(m.nodeAddresses(node), ip)
}

// nodeAddresses returns node's addresses, sorted: those of its ip addr
// capture in the document's inventory, else those of its Node object.
func (m *Model) nodeAddresses(node string) []string {
	if n := m.doc.Nodes[node]; n != nil && n.Addresses != nil {
		return slices.SortedFunc(maps.Keys(n.Addresses), CompareIP)
	}
	var out []string
	if cn := m.doc.Cluster.Nodes[node]; cn != nil {
		for _, a := range cn.Addresses {
			if _, err := netip.ParseAddr(a.Address); err == nil && !slices.Contains(out, a.Address) {
				out = append(out, a.Address)
			}
		}
	}
	slices.SortFunc(out, CompareIP)
	return out
}

// NodePortIP returns the address at which a client reaches the NodePorts
// of node: its InternalIP when kube-proxy serves NodePorts there, else the
// first address where it does; "" when there is none.
func (m *Model) NodePortIP(node string) string {
	ips := m.nodePortIPs(node)
	if cn := m.doc.Cluster.Nodes[node]; cn != nil && slices.Contains(ips, cn.InternalIP) {
		return cn.InternalIP
	}
	if len(ips) > 0 {
		return ips[0]
	}
	return ""
}

// nodePortIPs returns the addresses of node that get NodePort virtual
// services, sorted.
func (m *Model) nodePortIPs(node string) []string {
	var out []string
	for _, s := range m.nodeAddresses(node) {
		if ip, err := netip.ParseAddr(s); err == nil && m.kp.nodePortAddress(node, ip) {
			out = append(out, s)
		}
	}
	return out
}

// expectedEndpoints returns the endpoints of svc (IP family fam) that
// kube-proxy lists with weight 1 on a virtual service of role on node: the
// ready ones its traffic policy selects (expectedReady), else, when none is
// left and the terminating fallback is on, the serving and terminating ones
// (B7, B10): the node's own for a Local policy, falling back from 1.24 to
// all of them when the Service uses cluster endpoints. known is false when
// that depends on what the bundle does not say.
func (b *behaviour) expectedEndpoints(svc *Service, node, role, fam string) (eps []*Endpoint, known bool) {
	ready, known := b.expectedReady(svc, node, role, fam)
	if !known {
		return nil, false
	}
	pick := func(keep func(*Endpoint) bool) []*Endpoint {
		var out []*Endpoint
		for i := range svc.Endpoints {
			if ep := &svc.Endpoints[i]; family(ep.IP) == fam && keep(ep) {
				out = append(out, ep)
			}
		}
		return out
	}
	if len(ready) > 0 {
		return pick(func(ep *Endpoint) bool { return ep.Ready && ready[ep.IP] }), true
	}
	serving := func(ep *Endpoint) bool { return !ep.Ready && ep.Serving && ep.Terminating }
	if !slices.ContainsFunc(svc.Endpoints, func(ep Endpoint) bool { return serving(&ep) }) {
		return nil, true
	}
	on, fknown := b.terminatingFallback()
	switch {
	case !fknown:
		return nil, false
	case !on:
		return nil, true
	case !b.localPolicy(svc, role):
		return pick(serving), true
	}
	if local := pick(func(ep *Endpoint) bool { return serving(ep) && ep.NodeName == node }); len(local) > 0 {
		return local, true
	}
	if usesClusterEndpoints(svc, role) && b.version.AtLeast(1, 24) && len(readyIPs(svc, fam, "")) == 0 {
		return pick(serving), true
	}
	return nil, true
}
