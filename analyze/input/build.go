package input

import (
	"cmp"
	"errors"
	"maps"
	"net/netip"
	"path"
	"runtime"
	"slices"
	"sync"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// Build returns the input document of snap. It fails only on bad Options
// (see [Options.Validate]); what the snapshot lacks is left absent or empty
// and shows in the captures maps.
func Build(snap *snapshot.Snapshot, opts Options) (*Document, error) {
	if snap == nil || snap.Cluster == nil {
		return nil, errors.New("input: no snapshot")
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	objs := snap.Cluster.Objects
	if objs == nil {
		objs = &kube.Objects{}
	}
	b := &builder{snap: snap, objs: objs, pods: map[string]*kube.Pod{}, nodeAddrs: map[netip.Addr]bool{}, reads: opts.Reads}
	for i := range objs.Pods {
		p := &objs.Pods[i]
		b.pods[p.Namespace+"/"+p.Name] = p
	}
	for _, n := range snap.Nodes {
		for _, a := range n.NodeAddrs {
			b.nodeAddrs[a] = true
		}
	}
	doc := &Document{
		SchemaVersion: SchemaVersion,
		Options:       Asked{Expect: append([]Expect{}, opts.Expect...)},
		Nodes:         map[string]*Node{},
	}
	c := &doc.Cluster
	c.Captures = clusterCaptures(snap.Cluster)
	c.Nodes = b.clusterNodes()
	c.KubeProxy = kubeProxy(objs.ProxyConfig)
	c.Version = b.version(opts.KubernetesVersion)
	c.Services = b.services(c.Captures)
	own, other := splitByProxy(c.Services)
	b.serviceIndex, b.otherIndex = indexServices(own), indexServices(other)
	b.claims = claims(c.Services)
	b.serviceKeys = slices.Sorted(maps.Keys(c.Services))
	b.byKey = c.Services
	c.serviceSummaries()
	b.kp = newBehaviour(c.Version, c.KubeProxy, c.Nodes)
	c.CNI = b.cni(opts.CNI, c.Services) // before the nodes: it reads their interfaces
	if opts.DropParsed {
		// The Services' facts are built: the nodes read those, not the objects.
		objs.Services, objs.EndpointSlices, objs.Endpoints = nil, nil, nil
	}
	// The nodes are independent: build them on all cores, the largest
	// first, so that the phase does not end with one core building a busy
	// node alone.
	b.splitNodes = len(snap.Nodes) < runtime.GOMAXPROCS(0)
	built := make([]*Node, len(snap.Nodes))
	next := make(chan int, len(snap.Nodes))
	for _, i := range largestFirst(snap.Nodes) {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(len(snap.Nodes), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				n := snap.Nodes[i]
				built[i] = b.node(n, c, opts.Expect)
				if opts.DropParsed {
					n.DropParsed()
				}
			}
		})
	}
	wg.Wait()
	for _, n := range built {
		doc.Nodes[n.Name] = n
	}
	c.CapturedNodes = slices.AppendSeq([]string{}, maps.Keys(doc.Nodes))
	slices.Sort(c.CapturedNodes)
	c.NodeNames = slices.AppendSeq(slices.Clone(c.CapturedNodes), maps.Keys(c.Nodes))
	slices.Sort(c.NodeNames)
	c.NodeNames = slices.Compact(c.NodeNames)
	if opts.DropParsed {
		snap.DropParsed() // what is left: the other objects (Pods, Nodes, kube-proxy's configuration)
	}
	return doc, nil
}

// largestFirst returns the indexes of nodes, the node with the most
// virtual services and conntrack destinations (what building its facts
// takes time for) first.
func largestFirst(nodes []*snapshot.Node) []int {
	size := func(n *snapshot.Node) int {
		s := 0
		if n.IPVS != nil {
			s += len(n.IPVS.Services)
		}
		if n.Conntrack != nil {
			s += len(n.Conntrack.Dests)
		}
		return s
	}
	order := make([]int, len(nodes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(size(nodes[j]), size(nodes[i])) })
	return order
}

// builder holds the indexes Build shares between its parts.
type builder struct {
	snap                       *snapshot.Snapshot
	objs                       *kube.Objects
	pods                       map[string]*kube.Pod    // by namespace/name
	nodeAddrs                  map[netip.Addr]bool     // the addresses of every node: bundle nodes' interfaces and Node objects' status
	serviceIndex               *serviceIndex           // the Service ports by address and NodePort, once the Services are built
	otherIndex                 *serviceIndex           // the same for the Services handed to another proxy (see otherProxy)
	claims                     map[string][]string     // address → the Services that name it, sorted
	serviceKeys                []string                // the keys of the Services, sorted
	byKey                      map[string]*Service     // the Services, by key
	endpoints                  map[vsKey][]endpointRef // the endpoints by address (endpointIndex)
	endpointsOnce, sourcesOnce sync.Once               // the nodes are built in parallel
	kp                         *behaviour              // kube-proxy's behaviour in the cluster's version
	reads                      *docpath.Set            // the parts of the inventory to build; nil for all
	sources                    *clusterSources         // the addresses of clients inside the cluster, built on first use
	splitNodes                 bool                    // fewer nodes than cores: build each node's parts on two (see node)
}

// claims returns for every address a Service names (cluster, external or
// load balancer IP) the Services that name it, sorted.
func claims(services map[string]*Service) map[string][]string {
	out := map[string][]string{}
	for key, svc := range services {
		ips := slices.Concat(svc.ClusterIPs, svc.ExternalIPs)
		for _, ing := range svc.Ingress {
			if ing.IP != "" {
				ips = append(ips, ing.IP)
			}
		}
		for _, ip := range ips {
			if !slices.Contains(out[ip], key) {
				out[ip] = append(out[ip], key)
			}
		}
	}
	for _, keys := range out {
		slices.Sort(keys)
	}
	return out
}

// primaryIPs returns the InternalIP addresses of each Node object.
func primaryIPs(nodes map[string]*ClusterNode) map[string][]string {
	out := map[string][]string{}
	for name, n := range nodes {
		for _, a := range n.Addresses {
			if a.Type == "InternalIP" {
				out[name] = append(out[name], a.Address)
			}
		}
	}
	return out
}

// The capture names of cluster.captures, with the layout file and the
// snapshot count name that stand for each.
var clusterCaptureNames = []struct{ name, file, count string }{
	{"services", "services.yaml", "services"},
	{"endpointslices", "endpointslices.yaml", "endpointslices"},
	{"endpoints", "endpoints.yaml", "endpoints"},
	{"nodes", "nodes.yaml", "nodes"},
	{"pods", "pods.yaml", "pods"},
	{"version", "version.json", ""},
	{"kubeProxyConfig", "kube-proxy-config.yaml", "kube-proxy config"},
}

// clusterCaptures tells for each cluster capture name which capture holds
// it and its status. A layout file stands for its name; a loose capture for
// every kind of object it holds.
func clusterCaptures(c *snapshot.Cluster) map[string]Capture {
	out := map[string]Capture{}
	offer := func(name string, capt *snapshot.Capture) {
		if have, ok := out[name]; ok && have.Status == string(snapshot.StatusOK) {
			return
		}
		out[name] = captureOf(capt)
	}
	for _, capt := range c.Captures {
		base := path.Base(capt.Path)
		for _, n := range clusterCaptureNames {
			switch {
			case capt.Kind == bundle.KindKubeVersion && n.name == "version":
				offer(n.name, capt)
			case capt.Kind != bundle.KindKube:
			case base == n.file || hasCount(capt, n.count):
				offer(n.name, capt)
			}
		}
	}
	if _, ok := out["version"]; !ok && c.Version != nil {
		out["version"] = Capture{Status: string(snapshot.StatusOK), File: c.Version.Pos.File, Line: c.Version.Pos.Line}
	}
	for _, n := range clusterCaptureNames {
		if _, ok := out[n.name]; !ok {
			out[n.name] = missingCapture(c.Missing, n.file)
		}
	}
	return out
}

// hasCount reports whether the snapshot counted objects of the named kind
// in capt.
func hasCount(capt *snapshot.Capture, name string) bool {
	for _, c := range capt.Counts {
		if name != "" && c.Name == name && c.N > 0 {
			return true
		}
	}
	return false
}

// captureOf returns the state of a capture.
func captureOf(capt *snapshot.Capture) Capture {
	return Capture{Status: string(capt.Status), File: capt.Path, Line: capt.Line, Detail: capt.Detail}
}

// missingCapture returns the state of a capture the bundle lacks, with what
// the snapshot knows about why.
func missingCapture(missing []snapshot.Missing, file string) Capture {
	for _, m := range missing {
		if m.Name == file {
			return Capture{Status: "missing", Detail: m.Reason}
		}
	}
	return Capture{Status: "missing", Detail: "not captured"}
}

// clusterNodes returns the Node objects of nodes.yaml, and records their
// addresses as node addresses.
func (b *builder) clusterNodes() map[string]*ClusterNode {
	out := map[string]*ClusterNode{}
	for _, n := range b.objs.Nodes {
		cn := &ClusterNode{
			Addresses:        []NodeAddress{},
			PodCIDRs:         nonNil(n.Spec.PodCIDRs),
			KubeletVersion:   n.Status.NodeInfo.KubeletVersion,
			KubeProxyVersion: n.Status.NodeInfo.KubeProxyVersion, // deprecated in 1.31, empty since
			File:             n.Pos.File,
			Line:             n.Pos.Line,
		}
		if len(cn.PodCIDRs) == 0 && n.Spec.PodCIDR != "" {
			cn.PodCIDRs = []string{n.Spec.PodCIDR}
		}
		for _, a := range n.Status.Addresses {
			addr := canonical(a.Address)
			cn.Addresses = append(cn.Addresses, NodeAddress{Type: string(a.Type), Address: addr})
			if a.Type == "InternalIP" && cn.InternalIP == "" {
				cn.InternalIP = addr
			}
			if ip, err := netip.ParseAddr(addr); err == nil {
				b.nodeAddrs[ip] = true
			}
		}
		if q, ok := n.Status.Capacity["cpu"]; ok {
			cn.CPUs = int(q.Value())
		}
		out[n.Name] = cn
	}
	return out
}

// kube-proxy's defaults for the settings the document reports.
const (
	defaultScheduler           = "rr"
	defaultConntrackMaxPerCore = 32768
	defaultConntrackMin        = 131072
)

// kubeProxy returns the kube-proxy configuration, or its defaults when the
// bundle has none.
func kubeProxy(pc *kube.ProxyConfig) KubeProxy {
	kp := KubeProxy{
		Scheduler:           defaultScheduler,
		NodePortAddresses:   []string{},
		ExcludeCIDRs:        []string{},
		FeatureGates:        map[string]bool{},
		ConntrackMaxPerCore: defaultConntrackMaxPerCore,
		ConntrackMin:        defaultConntrackMin,
	}
	if pc == nil {
		return kp
	}
	kp.Present = true
	kp.Mode, kp.StrictARP, kp.ClusterCIDR = pc.Mode, pc.IPVS.StrictARP, pc.ClusterCIDR
	kp.MasqueradeAll = pc.IPTables.MasqueradeAll
	kp.File, kp.Line = pc.Pos.File, pc.Pos.Line
	if pc.IPVS.Scheduler != "" {
		kp.Scheduler = pc.IPVS.Scheduler
	}
	kp.NodePortAddresses = nonNil(pc.NodePortAddresses)
	kp.ExcludeCIDRs = nonNil(pc.IPVS.ExcludeCIDRs)
	maps.Copy(kp.FeatureGates, pc.FeatureGates)
	if p := pc.Conntrack.MaxPerCore; p != nil {
		kp.ConntrackMaxPerCore = int(*p)
	}
	if p := pc.Conntrack.Min; p != nil {
		kp.ConntrackMin = int(*p)
	}
	return kp
}

// canonical returns an address in canonical net/netip form, or s unchanged
// when it is not an address.
func canonical(s string) string {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return s
	}
	return ip.Unmap().String()
}

// canonicalAll applies canonical to every element; the result is never nil.
func canonicalAll(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, canonical(s))
	}
	return out
}

// nonNil returns a copy of s that is never nil, so that it marshals as [].
func nonNil[T any](s []T) []T {
	return append(make([]T, 0, len(s)), s...)
}
