package gen

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultVersion is the Kubernetes version of a [Config] that names none.
const DefaultVersion = "v1.28.3"

// DefaultOtherFlows is the number of flows the cmd/genbundle command puts
// in the conntrack table of every node but the flows node.
const DefaultOtherFlows = 20

// Config describes the synthetic cluster of a bundle. Equal Configs give
// equal bundles.
type Config struct {
	Nodes    int // nodes, named node-1 ... node-N; at least 1
	Services int // Services, kubernetes and kube-dns included; at least 2
	// Flows is the number of flows in the conntrack table of FlowsNode.
	Flows int
	// FlowsNode names the node that holds Flows flows; "" means node-1.
	FlowsNode string
	// OtherFlows is the number of flows in the conntrack table of every
	// other node; 0 leaves their conntrack.txt empty.
	OtherFlows int
	// Seed chooses the random streams; 0 is a seed like any other.
	Seed uint64
	// Version is the Kubernetes version ("v1.28.3") of kubectl, the API
	// server, kubelet and kube-proxy; "" means DefaultVersion. It decides
	// the real servers of eTP=Local Services on nodes without a local
	// endpoint (B6, B7) and whether LoadBalancer ingress has an ipMode.
	Version string
}

// The address plan. Pod CIDRs are carved out of clusterCIDR, at least a /24
// per node, more when a node holds more pods.
var (
	serviceCIDR = netip.MustParsePrefix("10.96.0.0/12")
	clusterCIDR = netip.MustParsePrefix("10.244.0.0/14")
	firstNodeIP = netip.MustParseAddr("192.168.10.11")
	nodeNet     = netip.MustParsePrefix("192.168.0.0/16")
	lbPools     = []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24")}
	kubeAPIVIP  = netip.MustParseAddr("10.96.0.1")
	kubeDNSVIP  = netip.MustParseAddr("10.96.0.10")
)

// The NodePort range of the API server's default --service-node-port-range.
const (
	nodePortMin = 30000
	nodePortMax = 32767
)

// cluster is the model every file is printed from.
type cluster struct {
	cfg       Config
	minor     int // Kubernetes minor version
	created   time.Time
	nodes     []*node
	services  []*service // sorted by namespace and name
	pods      []*pod     // sorted by namespace and name
	flowsNode *node
	podBits   int   // host bits of a node's pod CIDR
	perCore   int32 // conntrack.maxPerCore, 0 for kube-proxy's default
}

// cores is the CPU count of every node; kube-proxy sizes nf_conntrack_max
// from it.
const cores = 8

type node struct {
	idx     int
	name    string
	ip      netip.Addr // eth0
	podCIDR netip.Prefix
	flannel netip.Addr // flannel.1: the pod CIDR's first address
	cni     netip.Addr // cni0: the gateway of the pod CIDR
	macs    [4][6]byte // eth0, flannel.1, cni0, kube-ipvs0
	clients []*pod     // pods on the pod network, which open flows
	nextPod netip.Addr
}

// addrs returns the node's IPv4 addresses that get NodePort virtual
// services: every one but loopback and kube-ipvs0's, in ip addr order.
func (n *node) addrs() []netip.Addr { return []netip.Addr{n.ip, n.flannel, n.cni} }

type pod struct {
	ns, name    string
	labels      map[string]string
	ownerKind   string // ReplicaSet, DaemonSet or Node
	ownerName   string
	ownerUID    string
	uid         string
	node        *node
	ip          netip.Addr // the node's IP for hostNetwork pods
	hostNetwork bool
}

type service struct {
	ns, name   string
	uid        string
	created    time.Time
	labels     map[string]string
	selector   map[string]string
	typ        string // ClusterIP, NodePort or LoadBalancer
	clusterIP  netip.Addr
	lbIP       netip.Addr // the zero Addr when not a LoadBalancer
	local      bool       // externalTrafficPolicy: Local
	affinity   bool       // sessionAffinity: ClientIP
	hcNodePort int32      // healthCheckNodePort of an eTP=Local LoadBalancer
	ports      []svcPort
	eps        []*pod // endpoints, every one ready
	slice      string // EndpointSlice name
}

type svcPort struct {
	name     string
	proto    string // TCP or UDP
	port     int32
	target   int32
	nodePort int32 // 0 for ClusterIP Services
}

// external reports whether the Service has NodePort virtual services.
func (s *service) external() bool { return s.typ != "ClusterIP" }

// realServers returns the endpoints kube-proxy on n gives the external
// virtual services (NodePort, LoadBalancer IP) of s.
func (c *cluster) realServers(s *service, n *node) []*pod {
	if !s.local {
		return s.eps
	}
	var local []*pod
	for _, p := range s.eps {
		if p.node == n {
			local = append(local, p)
		}
	}
	if len(local) == 0 && c.minor >= 24 {
		return s.eps // B7: the fallback to every cluster endpoint
	}
	return local
}

var versionRE = regexp.MustCompile(`^v1\.(\d+)\.\d+$`)

// check validates the Config and fills in its defaults.
func (cfg *Config) check() (minor int, err error) {
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	m := versionRE.FindStringSubmatch(cfg.Version)
	var errs []error
	if m == nil {
		errs = append(errs, fmt.Errorf("version %q: want v1.MINOR.PATCH", cfg.Version))
	} else {
		minor, _ = strconv.Atoi(m[1])
	}
	if cfg.Nodes < 1 {
		errs = append(errs, fmt.Errorf("nodes %d: want at least 1", cfg.Nodes))
	}
	switch size := 1 << (32 - serviceCIDR.Bits()); {
	case cfg.Services < 2:
		errs = append(errs, fmt.Errorf("services %d: want at least 2 (kubernetes and kube-dns)", cfg.Services))
	case cfg.Services > size/2:
		errs = append(errs, fmt.Errorf("services %d: want at most %d, half the service CIDR %s", cfg.Services, size/2, serviceCIDR))
	}
	if cfg.Flows < 0 || cfg.OtherFlows < 0 {
		errs = append(errs, fmt.Errorf("flows %d, other flows %d: want 0 or more", cfg.Flows, cfg.OtherFlows))
	}
	if cfg.FlowsNode != "" && cfg.Nodes >= 1 && !slices.Contains(nodeNames(cfg.Nodes), cfg.FlowsNode) {
		errs = append(errs, fmt.Errorf("flows node %q: not one of node-1 ... node-%d", cfg.FlowsNode, cfg.Nodes))
	}
	return minor, errors.Join(errs...)
}

func nodeNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = "node-" + strconv.Itoa(i+1)
	}
	return names
}

// rng returns the random stream named name of the seed.
func rng(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// newCluster builds the model of cfg, which check has validated.
func newCluster(cfg Config, minor int) (*cluster, error) {
	r := rng(cfg.Seed, "cluster")
	c := &cluster{cfg: cfg, minor: minor}
	c.created = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(365*86400)) * time.Second)
	for i, name := range nodeNames(cfg.Nodes) {
		n := &node{idx: i, name: name, ip: addrAdd(firstNodeIP, uint32(i))}
		if !nodeNet.Contains(n.ip) || n.ip == netip.MustParseAddr("192.168.255.255") {
			return nil, fmt.Errorf("nodes %d: more than 192.168.0.0/16 holds", cfg.Nodes)
		}
		for j := range n.macs {
			n.macs[j] = mac(r)
		}
		n.macs[0][0], n.macs[0][1], n.macs[0][2] = 0x52, 0x54, 0x00 // eth0 is a virtio NIC
		c.nodes = append(c.nodes, n)
		if name == cfg.FlowsNode || cfg.FlowsNode == "" && i == 0 {
			c.flowsNode = n
		}
	}
	c.addServices(r)
	c.addDaemonPods(r)
	if err := c.placePods(); err != nil {
		return nil, err
	}
	sortByName(c.services, func(s *service) (string, string) { return s.ns, s.name })
	sortByName(c.pods, func(p *pod) (string, string) { return p.ns, p.name })
	// kube-proxy's nf_conntrack_max is max(maxPerCore × cores, 131072);
	// raise maxPerCore when the flows would fill more than half of it.
	if need := 2 * int64(cfg.Flows); need > 32768*cores {
		c.perCore = int32((need/cores + 32767) / 32768 * 32768)
	}
	return c, nil
}

// conntrackMax is nf_conntrack_max as kube-proxy sets it.
func (c *cluster) conntrackMax() int64 {
	perCore := int64(32768)
	if c.perCore != 0 {
		perCore = int64(c.perCore)
	}
	return max(perCore*cores, 131072)
}

var words = []string{"api", "web", "cart", "checkout", "search", "auth", "billing", "orders", "catalog", "users",
	"payments", "inventory", "gateway", "reports", "mailer", "ledger", "media", "profile", "queue", "session"}

// A Service port: number, name, target port.
var portChoices = []struct {
	name         string
	port, target int32
}{
	{"http", 80, 8080}, {"https", 443, 8443}, {"grpc", 50051, 50051}, {"metrics", 9090, 9090},
	{"postgres", 5432, 5432}, {"redis", 6379, 6379}, {"mysql", 3306, 3306}, {"http-alt", 8080, 8080},
	{"memcache", 11211, 11211}, {"admin", 8443, 8443},
}

// addServices creates the Services and their endpoint pods.
func (c *cluster) addServices(r *rand.Rand) {
	nodePorts := make([]int32, 0, nodePortMax-nodePortMin+1)
	for p := int32(nodePortMin); p <= nodePortMax; p++ {
		nodePorts = append(nodePorts, p)
	}
	r.Shuffle(len(nodePorts), func(i, j int) { nodePorts[i], nodePorts[j] = nodePorts[j], nodePorts[i] })
	var lbIPs []netip.Addr
	for _, p := range lbPools {
		for a := p.Addr().Next(); p.Contains(a) && a != lastAddr(p); a = a.Next() {
			lbIPs = append(lbIPs, a)
		}
	}
	r.Shuffle(len(lbIPs), func(i, j int) { lbIPs[i], lbIPs[j] = lbIPs[j], lbIPs[i] })
	usedIPs := map[netip.Addr]bool{kubeAPIVIP: true, kubeDNSVIP: true}
	clusterIP := func() netip.Addr {
		size := uint32(1) << (32 - serviceCIDR.Bits())
		for {
			a := addrAdd(serviceCIDR.Addr(), 11+r.Uint32N(size-12))
			if !usedIPs[a] {
				usedIPs[a] = true
				return a
			}
		}
	}
	svcDate := func() time.Time {
		return c.created.Add(-time.Duration(3600+r.IntN(180*86400)) * time.Second)
	}

	api := &service{ns: "default", name: "kubernetes", typ: "ClusterIP", clusterIP: kubeAPIVIP,
		labels: map[string]string{"component": "apiserver", "provider": "kubernetes"},
		ports:  []svcPort{{name: "https", proto: "TCP", port: 443, target: 6443}}, slice: "kubernetes"}
	api.created = c.created.Add(-200 * 24 * time.Hour)
	apiPod := &pod{ns: "kube-system", name: "kube-apiserver-" + c.nodes[0].name, node: c.nodes[0], hostNetwork: true,
		labels: map[string]string{"component": "kube-apiserver", "tier": "control-plane"}, ownerKind: "Node", ownerName: c.nodes[0].name}
	api.eps = []*pod{apiPod}

	dns := &service{ns: "kube-system", name: "kube-dns", typ: "ClusterIP", clusterIP: kubeDNSVIP,
		labels:   map[string]string{"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
		selector: map[string]string{"k8s-app": "kube-dns"},
		ports: []svcPort{{name: "dns", proto: "UDP", port: 53, target: 53}, {name: "dns-tcp", proto: "TCP", port: 53, target: 53},
			{name: "metrics", proto: "TCP", port: 9153, target: 9153}}}
	dns.created = api.created
	rs := "coredns-" + podHash(r, 10)
	for i := range 2 {
		dns.eps = append(dns.eps, &pod{ns: "kube-system", name: rs + "-" + podHash(r, 5), node: c.nodes[i%len(c.nodes)],
			labels: map[string]string{"k8s-app": "kube-dns", "pod-template-hash": rs[len("coredns-"):]}, ownerKind: "ReplicaSet", ownerName: rs})
	}
	dns.slice = "kube-dns-" + podHash(r, 5)
	c.services = append(c.services, api, dns)

	namespaces := 1 + (c.cfg.Services-2)/200
	for i := range c.cfg.Services - 2 {
		word := words[r.IntN(len(words))]
		s := &service{ns: fmt.Sprintf("team-%02d", 1+r.IntN(namespaces)), name: word + "-" + strconv.Itoa(i+1), typ: "ClusterIP",
			clusterIP: clusterIP(), created: svcDate(), affinity: r.IntN(50) == 0}
		s.labels = map[string]string{"app": s.name}
		s.selector = s.labels
		first := r.IntN(len(portChoices))
		nports := 1
		if r.IntN(10) < 3 {
			nports = 2
		}
		for j := range nports {
			// A second port is another of the choices: names and numbers differ.
			pc := portChoices[(first+j*(1+r.IntN(len(portChoices)-1)))%len(portChoices)]
			proto := "TCP"
			if r.IntN(20) == 0 {
				proto = "UDP"
			}
			s.ports = append(s.ports, svcPort{name: pc.name, proto: proto, port: pc.port, target: pc.target})
		}
		switch k := r.IntN(100); {
		case k < 5 && len(lbIPs) > 0:
			s.typ, s.lbIP, lbIPs = "LoadBalancer", lbIPs[0], lbIPs[1:]
		case k < 15:
			s.typ = "NodePort"
		}
		if s.external() {
			s.local = r.IntN(10) == 0
			need := len(s.ports)
			if s.local && s.typ == "LoadBalancer" {
				need++
			}
			if len(nodePorts) < need { // the NodePort range is used up
				s.typ, s.lbIP, s.local = "ClusterIP", netip.Addr{}, false
			} else {
				for j := range s.ports {
					s.ports[j].nodePort, nodePorts = nodePorts[0], nodePorts[1:]
				}
				if need > len(s.ports) {
					s.hcNodePort, nodePorts = nodePorts[0], nodePorts[1:]
				}
			}
		}
		hash := podHash(r, 10)
		start := r.IntN(len(c.nodes))
		for j := range 1 + r.IntN(3) {
			s.eps = append(s.eps, &pod{ns: s.ns, name: s.name + "-" + hash + "-" + podHash(r, 5), node: c.nodes[(start+j)%len(c.nodes)],
				labels: map[string]string{"app": s.name, "pod-template-hash": hash}, ownerKind: "ReplicaSet", ownerName: s.name + "-" + hash})
		}
		s.slice = s.name + "-" + podHash(r, 5)
		c.services = append(c.services, s)
	}
	for _, s := range c.services {
		s.uid = uid(r)
		c.pods = append(c.pods, s.eps...)
	}
}

// addDaemonPods adds the pods every node runs: kube-proxy and kube-flannel
// on the host network, and a log shipper on the pod network.
func (c *cluster) addDaemonPods(r *rand.Rand) {
	for _, ds := range []struct {
		ns, name    string
		hostNetwork bool
	}{{"kube-system", "kube-proxy", true}, {"kube-flannel", "kube-flannel-ds", true}, {"logging", "fluent-bit", false}} {
		dsUID := uid(r)
		for _, n := range c.nodes {
			c.pods = append(c.pods, &pod{ns: ds.ns, name: ds.name + "-" + podHash(r, 5), node: n, hostNetwork: ds.hostNetwork,
				labels: map[string]string{"app": ds.name}, ownerKind: "DaemonSet", ownerName: ds.name, ownerUID: dsUID})
		}
	}
}

// placePods sizes the nodes' pod CIDRs and gives every pod its address, in
// the order the pods were created.
func (c *cluster) placePods() error {
	perNode := make([]int, len(c.nodes))
	for _, p := range c.pods {
		if !p.hostNetwork {
			perNode[p.node.idx]++
		}
	}
	// .0 is flannel.1's, .1 cni0's, the last the broadcast address.
	c.podBits = max(8, bits.Len(uint(slices.Max(perNode)+2)))
	if hostBits := 32 - clusterCIDR.Bits(); len(c.nodes) > 1<<(hostBits-c.podBits) {
		return fmt.Errorf("%d nodes of /%d pod CIDRs do not fit in the cluster CIDR %s", len(c.nodes), 32-c.podBits, clusterCIDR)
	}
	for _, n := range c.nodes {
		base := addrAdd(clusterCIDR.Addr(), uint32(n.idx)<<c.podBits)
		n.podCIDR = netip.PrefixFrom(base, 32-c.podBits)
		n.flannel, n.cni, n.nextPod = base, base.Next(), base.Next().Next()
	}
	r := rng(c.cfg.Seed, "uids")
	for _, p := range c.pods {
		p.uid = uid(r)
		if p.ownerUID == "" {
			p.ownerUID = uid(r)
		}
		if p.hostNetwork {
			p.ip = p.node.ip
			continue
		}
		p.ip, p.node.nextPod = p.node.nextPod, p.node.nextPod.Next()
		p.node.clients = append(p.node.clients, p)
	}
	return nil
}

func sortByName[T any](list []T, key func(T) (string, string)) {
	slices.SortStableFunc(list, func(a, b T) int {
		ans, an := key(a)
		bns, bn := key(b)
		return strings.Compare(ans+"/"+an, bns+"/"+bn)
	})
}

// addrAdd returns the IPv4 address n after a.
func addrAdd(a netip.Addr, n uint32) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += n
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// lastAddr returns the broadcast address of an IPv4 prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	return addrAdd(p.Masked().Addr(), 1<<(32-p.Bits())-1)
}

func mac(r *rand.Rand) [6]byte {
	var m [6]byte
	for i := range m {
		m[i] = byte(r.IntN(256))
	}
	m[0] = m[0]&^1 | 2 // unicast, locally administered
	return m
}

// podHash returns n characters of the alphabet Kubernetes uses for
// generated names.
func podHash(r *rand.Rand, n int) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func uid(r *rand.Rand) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b = append(b, '-')
		}
		b = append(b, hex[r.IntN(16)])
	}
	return string(b)
}
