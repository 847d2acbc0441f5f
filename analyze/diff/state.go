package diff

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// inventory are the parts of the input document's inventory that [StateOf]
// reads besides the facts: each node's kube-ipvs0 addresses and virtual
// services.
var inventory = []string{"input.nodes[_].ipvs0", "input.nodes[_].virtualServers"}

// Reads returns the paths of the input document to build for a diff: those
// the rules read (the engine's Reads) and the inventory [StateOf] reads.
// Give it as [input.Options.Reads].
func Reads(rules *docpath.Set) *docpath.Set {
	return docpath.Union(rules, docpath.MustParse(inventory...))
}

// comparedPrefixes are the prefixes of the Service annotations a diff
// compares: those of the cloud load balancers
// (service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id, -hostname,
// -force-override-listeners and the other providers') and Kubernetes' own
// (service.kubernetes.io/topology-mode, topology-aware-hints). Others
// (deployment tools' bookkeeping) change without meaning to kube-proxy.
var comparedPrefixes = []string{"service.beta.kubernetes.io/", "service.kubernetes.io/"}

// State is what a diff compares of one side: the cluster facts, the
// Services, each captured node's addresses and virtual services, and the
// findings. Get one from [StateOf]; the zero State is an empty side.
type State struct {
	bundles   []string
	version   string // "" when unknown
	cni       input.CNI
	kubeProxy input.KubeProxy
	captures  map[string]string // cluster capture name → status
	// services are by namespace/name; nil when services.yaml is not ok.
	services map[string]*service
	// nodeNames are all nodes named (nodes.yaml and captures); objects the
	// Node objects; nodes the captured nodes.
	nodeNames []string
	objects   map[string]input.ClusterNode
	nodes     map[string]*node
	findings  []Finding // in the engine's order
}

// service is what a diff compares of one Service.
type service struct {
	typ                   string
	headless, selector    bool
	clusterIPs, extIPs    []string
	ingress               []input.Ingress
	externalTrafficPolicy string
	internalTrafficPolicy string
	healthCheckNodePort   int
	sessionAffinity       string
	affinityTimeout       int
	trafficDistribution   string
	// serviceProxyName is the label that hands the Service to another
	// proxy, as proxyNameText writes it.
	serviceProxyName string
	annotations      map[string]string // those with a compared prefix
	ports            []input.ServicePort
	// ready counts the ready endpoints by node name; nil when the bundle
	// does not hold the Service's endpoints.
	ready map[string]int
}

// node is what a diff compares of one captured node.
type node struct {
	kernel, proxyMode string
	captures          map[string]string // capture name → status
	// vips are the kube-ipvs0 addresses, nil when ip addr is not ok; vss
	// the virtual services by key, nil when ipvsadm is not ok.
	vips map[string]bool
	vss  map[string]*virtualServer
}

// virtualServer is what a diff compares of one IPVS virtual service.
type virtualServer struct {
	scheduler  string
	flags      string
	persistent int
	serves     []string       // "namespace/name role", sorted
	rs         map[string]int // real server IP:port → weight
}

// StateOf returns the State of one side: the bundle arguments it was read
// from, its input document (built with [Reads]) and the findings the rules
// gave over it. It keeps nothing of doc but what the diff compares, and of
// the findings what it lists (no evidence nor advice).
func StateOf(bundles []string, doc *input.Document, findings []engine.Finding) *State {
	c := &doc.Cluster
	s := &State{
		bundles:   slices.Clone(bundles),
		version:   c.Version.Value,
		cni:       c.CNI,
		kubeProxy: c.KubeProxy,
		captures:  captureStates(c.Captures),
		nodeNames: slices.Clone(c.NodeNames),
		objects:   make(map[string]input.ClusterNode, len(c.Nodes)),
		nodes:     make(map[string]*node, len(doc.Nodes)),
		findings:  make([]Finding, 0, len(findings)),
	}
	for _, f := range engine.SortFindings(slices.Clone(findings)) {
		s.findings = append(s.findings, findingOf(f))
	}
	for name, n := range c.Nodes {
		s.objects[name] = input.ClusterNode{KubeletVersion: n.KubeletVersion, KubeProxyVersion: n.KubeProxyVersion}
	}
	if c.ServicesKnown() {
		s.services = make(map[string]*service, len(c.Services))
		for key, svc := range c.Services {
			s.services[key] = serviceOf(svc, c)
		}
	}
	for name, n := range doc.Nodes {
		s.nodes[name] = nodeOf(n)
	}
	return s
}

// captureStates returns the status of each capture.
func captureStates(captures map[string]input.Capture) map[string]string {
	out := make(map[string]string, len(captures))
	for name, c := range captures {
		out[name] = c.Status
	}
	return out
}

func serviceOf(svc *input.Service, c *input.Cluster) *service {
	out := &service{
		typ:                   svc.Type,
		headless:              svc.Headless,
		selector:              svc.Selector,
		clusterIPs:            svc.ClusterIPs,
		extIPs:                svc.ExternalIPs,
		ingress:               svc.Ingress,
		externalTrafficPolicy: svc.ExternalTrafficPolicy,
		internalTrafficPolicy: svc.InternalTrafficPolicy,
		healthCheckNodePort:   svc.HealthCheckNodePort,
		sessionAffinity:       svc.SessionAffinity,
		affinityTimeout:       svc.AffinityTimeout,
		trafficDistribution:   svc.TrafficDistribution,
		serviceProxyName:      proxyNameText(svc.ServiceProxyName),
		ports:                 slices.SortedFunc(slices.Values(svc.Ports), comparePorts),
	}
	for k, v := range svc.Annotations {
		if compared(k) {
			if out.annotations == nil {
				out.annotations = map[string]string{}
			}
			out.annotations[k] = v
		}
	}
	if c.EndpointsKnown(svc) {
		out.ready = map[string]int{}
		for _, ep := range svc.Endpoints {
			if ep.Ready {
				out.ready[ep.NodeName]++
			}
		}
	}
	return out
}

// proxyNameText writes the service-proxy-name label: "" when absent, `""`
// when present but empty (it hands the Service to another proxy all the
// same), else its value.
func proxyNameText(name *string) string {
	switch {
	case name == nil:
		return ""
	case *name == "":
		return `""`
	}
	return *name
}

// compared reports whether a diff compares the annotation k.
func compared(k string) bool {
	return slices.ContainsFunc(comparedPrefixes, func(p string) bool { return strings.HasPrefix(k, p) })
}

// comparePorts orders Service ports by port number, then protocol.
func comparePorts(a, b input.ServicePort) int {
	return cmp.Or(cmp.Compare(a.Port, b.Port), cmp.Compare(a.Protocol, b.Protocol))
}

func nodeOf(n *input.Node) *node {
	const ok = string(snapshot.StatusOK)
	out := &node{proxyMode: n.ProxyMode, captures: captureStates(n.Captures)}
	if n.Kernel != nil {
		out.kernel = n.Kernel.Release
	}
	if out.captures["ip-addr"] == ok {
		out.vips = make(map[string]bool, len(n.IPVS0))
		for ip := range n.IPVS0 {
			out.vips[ip] = true
		}
	}
	if out.captures["ipvsadm"] == ok {
		out.vss = make(map[string]*virtualServer, len(n.VirtualServers))
		for key, vs := range n.VirtualServers {
			out.vss[key] = virtualServerOf(vs)
		}
	}
	return out
}

func virtualServerOf(vs *input.VirtualServer) *virtualServer {
	out := &virtualServer{
		scheduler:  vs.Scheduler,
		flags:      strings.Join(vs.Flags, ","),
		persistent: vs.Persistent,
		rs:         make(map[string]int, len(vs.RealServers)),
	}
	for _, ref := range vs.Services {
		if s := ref.Service + " " + ref.Role; !slices.Contains(out.serves, s) {
			out.serves = append(out.serves, s)
		}
	}
	slices.Sort(out.serves)
	for _, rs := range vs.RealServers {
		out.rs[input.HostPort(rs.IP, rs.Port)] = rs.Weight
	}
	return out
}
