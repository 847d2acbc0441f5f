package trace

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// Plan is where a trace goes, found from the snapshot before the input
// document is built: the client, the node it is on (or enters through),
// and the node whose state the packet goes through.
type Plan struct {
	From From // Kind and Node filled in
	To   To
	// ClientNode is the node of a pod or host client, or the node an
	// external client enters through.
	ClientNode string
	// Node is the node that handles the packet: ClientNode, or for a
	// destination that is another node's address, that node.
	Node string
	// FromEvidence tells how an IP given as --from was classified.
	FromEvidence []input.Evidence
}

// Remote reports whether the packet leaves the client's node for another.
func (p *Plan) Remote() bool { return p.ClientNode != p.Node }

// Reads returns the parts of the input document the trace reads: the
// inventory of the node that handles the packet, nothing of the others.
func (p *Plan) Reads() *docpath.Set {
	var paths []string
	for _, part := range []string{"ipvs0", "addresses", "virtualServers", "conntrack"} {
		paths = append(paths, fmt.Sprintf("input.nodes[%q].%s", p.Node, part))
	}
	return docpath.MustParse(paths...)
}

// NewPlan resolves the client and finds the nodes of the trace. An error
// says what is wrong with --from or --to (an unknown node, a node the
// bundle has no captures of, a client it cannot place).
func NewPlan(snap *snapshot.Snapshot, from From, to To) (*Plan, error) {
	p := &Plan{From: from, To: to, FromEvidence: []input.Evidence{}}
	captured := map[string]*snapshot.Node{}
	var names []string
	for _, n := range snap.Nodes {
		captured[n.Name] = n
		names = append(names, n.Name)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("the bundle has no node captures to trace through")
	}
	noCaptures := func(flag, spec, node string) error {
		return fmt.Errorf("%s %q: the bundle has no captures of node %s (captured: %s)", flag, spec, node, strings.Join(names, ", "))
	}
	if from.Kind == "" {
		if err := p.classify(snap, captured); err != nil {
			return nil, err
		}
	}
	if p.From.Node != "" && captured[p.From.Node] == nil && !nodeObject(snap, p.From.Node) {
		return nil, fmt.Errorf("--from %q: no node %s in the bundle (captured: %s)", from.Spec, p.From.Node, strings.Join(names, ", "))
	}
	p.ClientNode, p.Node = p.From.Node, p.From.Node
	owner := ""
	if to.IP.IsValid() {
		owner = addressOwner(snap, to.IP)
	}
	switch {
	case owner != "" && p.From.Kind == KindExternal && p.From.Node != "" && owner != p.From.Node:
		return nil, fmt.Errorf("--to %q is an address of node %s: a client outside the cluster reaching it enters through %s (--from external:%s)", to.Spec, owner, owner, owner)
	case owner != "":
		p.Node = owner
	case p.From.Kind == KindExternal && p.From.Node == "" && len(names) == 1:
		p.Node = names[0]
	case p.From.Kind == KindExternal && p.From.Node == "":
		return nil, fmt.Errorf("--from %q: say through which node the client enters: --from external:NODE (captured: %s)", from.Spec, strings.Join(names, ", "))
	}
	if p.From.Kind == KindExternal {
		p.ClientNode, p.From.Node = p.Node, p.Node
	}
	if captured[p.Node] == nil {
		flag, spec := "--from", from.Spec
		if owner != "" {
			flag, spec = "--to", to.Spec
		}
		return nil, noCaptures(flag, spec, p.Node)
	}
	return p, nil
}

// addressOwner returns the node whose interfaces (ip addr of a captured
// node, else the addresses of the Node objects) hold ip; "" for none.
func addressOwner(snap *snapshot.Snapshot, ip netip.Addr) string {
	for _, n := range snap.Nodes {
		if slices.Contains(n.NodeAddrs, ip) {
			return n.Name
		}
	}
	if objs := snap.Cluster.Objects; objs != nil {
		for _, n := range objs.Nodes {
			for _, a := range n.Status.Addresses {
				if x, err := netip.ParseAddr(a.Address); err == nil && x.Unmap() == ip {
					return n.Name
				}
			}
		}
	}
	return ""
}

// nodeObject reports whether nodes.yaml names the node.
func nodeObject(snap *snapshot.Snapshot, name string) bool {
	objs := snap.Cluster.Objects
	return objs != nil && slices.ContainsFunc(objs.Nodes, func(n kube.Node) bool { return n.Name == name })
}

// classify places a client given by its IP address: a node's address is a
// host process there, a pod's IP (pods.yaml) or an address in a node's pod
// CIDR a pod there, a hostNetwork pod's a host process; an address in the
// cluster CIDR that no pod or node has cannot be placed; anything else is a
// client outside the cluster.
func (p *Plan) classify(snap *snapshot.Snapshot, captured map[string]*snapshot.Node) error {
	ip := p.From.IP
	for _, n := range snap.Nodes {
		if ev, ok := interfaceEvidence(n, ip); ok {
			p.From.Kind, p.From.Node = KindHost, n.Name
			p.FromEvidence = append(p.FromEvidence, ev)
			return nil
		}
		if slices.Contains(n.IPVSAddrs, ip) {
			return fmt.Errorf("--from %q is a Service address on kube-ipvs0 of every node: say which node's host process connects, --from host:NODE", p.From.Spec)
		}
	}
	objs := snap.Cluster.Objects
	if objs == nil {
		objs = &kube.Objects{}
	}
	if owner := addressOwner(snap, ip); owner != "" {
		p.From.Kind, p.From.Node = KindHost, owner
		return nil
	}
	for _, pod := range objs.Pods {
		if !slices.ContainsFunc(podIPs(&pod), func(x netip.Addr) bool { return x == ip }) || pod.Spec.NodeName == "" {
			continue
		}
		p.From.Kind, p.From.Node = KindPod, pod.Spec.NodeName
		what := "pod"
		if pod.Spec.HostNetwork || pod.Status.HostIP == pod.Status.PodIP {
			p.From.Kind, what = KindHost, "hostNetwork pod"
		}
		p.FromEvidence = append(p.FromEvidence, input.Evidence{File: pod.Pos.File, Line: pod.Pos.Line,
			Text: fmt.Sprintf("%s %s/%s on %s", what, pod.Namespace, pod.Name, pod.Spec.NodeName)})
		return nil
	}
	for _, n := range objs.Nodes {
		cidrs := n.Spec.PodCIDRs
		if len(cidrs) == 0 && n.Spec.PodCIDR != "" {
			cidrs = []string{n.Spec.PodCIDR}
		}
		for _, c := range cidrs {
			if pfx, err := netip.ParsePrefix(c); err == nil && pfx.Contains(ip) {
				p.From.Kind, p.From.Node = KindPod, n.Name
				p.FromEvidence = append(p.FromEvidence, input.Evidence{File: n.Pos.File, Line: n.Pos.Line,
					Text: fmt.Sprintf("node %s podCIDR %s", n.Name, c)})
				return nil
			}
		}
	}
	if pc := objs.ProxyConfig; pc != nil {
		for _, c := range strings.Split(pc.ClusterCIDR, ",") {
			if pfx, err := netip.ParsePrefix(strings.TrimSpace(c)); err == nil && pfx.Contains(ip) {
				return fmt.Errorf("--from %q is in the cluster CIDR %s but no pod or node of the bundle has it: say where the client is, --from pod:NODE", p.From.Spec, pc.ClusterCIDR)
			}
		}
	}
	p.From.Kind = KindExternal
	return nil
}

// interfaceEvidence returns the ip addr line of ip on one of the node's
// interfaces other than kube-ipvs0.
func interfaceEvidence(n *snapshot.Node, ip netip.Addr) (input.Evidence, bool) {
	if n.Addr == nil {
		return input.Evidence{}, false
	}
	for _, ifc := range n.Addr.Interfaces {
		if ifc.Name == snapshot.IPVSInterface {
			continue
		}
		for _, a := range ifc.Addresses {
			if a.Prefix.Addr().Unmap() == ip && !ip.IsLoopback() {
				return input.Evidence{File: a.Pos.File, Line: a.Pos.Line, Text: fmt.Sprintf("%s on %s", a.Prefix, ifc.Name)}, true
			}
		}
	}
	return input.Evidence{}, false
}

// podIPs returns the addresses of a pod.
func podIPs(pod *kube.Pod) []netip.Addr {
	raw := []string{pod.Status.PodIP}
	for _, x := range pod.Status.PodIPs {
		raw = append(raw, x.IP)
	}
	var out []netip.Addr
	for _, s := range raw {
		if ip, err := netip.ParseAddr(s); err == nil {
			out = append(out, ip.Unmap())
		}
	}
	return out
}
