package input

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/kube"
)

// cniPods are the pod name prefixes of the CNI agents, in the order they
// are looked for: flannel first, as canal and calico+flannel clusters route
// pods through flannel.
var cniPods = []struct{ prefix, name, class string }{
	{"kube-flannel-", "flannel", ClassOverlay},
	{"canal-", "canal", ClassOverlay},
	{"terway", "terway", ClassVPC},
	{"aws-node-", "aws-vpc-cni", ClassVPC},
	{"calico-node-", "calico", ClassUnknown},
	{"cilium-", "cilium", ClassUnknown},
}

// cniNamespaces are the namespaces CNI agents run in.
var cniNamespaces = []string{"kube-system", "kube-flannel", "calico-system"}

// cniAnnotations are the prefixes of the node annotations CNIs write.
var cniAnnotations = []struct{ prefix, name, class string }{
	{"flannel.alpha.coreos.com/", "flannel", ClassOverlay},
	{"projectcalico.org/", "calico", ClassUnknown},
}

// cniInterfaces tell a CNI by the interfaces it makes on the node.
var cniInterfaces = []struct {
	match       func(string) bool
	name, class string
}{
	{func(s string) bool { return strings.HasPrefix(s, "flannel.") || strings.HasPrefix(s, "flannel-") }, "flannel", ClassOverlay},
	{func(s string) bool { return strings.HasPrefix(s, "cilium_") }, "cilium", ClassUnknown},
	{func(s string) bool { return s == "vxlan.calico" || strings.HasPrefix(s, "cali") }, "calico", ClassUnknown},
	{func(s string) bool { return s == "cni0" }, "", ClassOverlay},
}

// cni infers the cluster's CNI: from flag (--cni, validated by Build), the
// CNI agents' pods, the Node objects' annotations, then the bundle nodes'
// interfaces (flannel, cilium and calico devices, the cni0 bridge, and
// secondary NICs whose subnet holds pod IPs: ENIs of a VPC-routed CNI).
func (b *builder) cni(flag string, services map[string]*Service) CNI {
	if flag != "" {
		c, _ := ParseCNI(flag)
		return c
	}
	if c, ok := b.cniFromPods(); ok {
		return c
	}
	nodes := make([]*kube.Node, 0, len(b.objs.Nodes))
	for i := range b.objs.Nodes {
		nodes = append(nodes, &b.objs.Nodes[i])
	}
	slices.SortFunc(nodes, func(x, y *kube.Node) int { return cmp.Compare(x.Name, y.Name) })
	for _, a := range cniAnnotations {
		for _, n := range nodes {
			for _, k := range slices.Sorted(maps.Keys(n.Annotations)) {
				if strings.HasPrefix(k, a.prefix) {
					return CNI{Name: a.name, Class: a.class, Source: fmt.Sprintf("%s: %s annotation %s", n.Pos.File, n.Name, k)}
				}
			}
		}
	}
	for _, rule := range cniInterfaces {
		for _, n := range b.snap.Nodes {
			if n.Addr == nil {
				continue
			}
			for _, ifc := range n.Addr.Interfaces {
				if rule.match(ifc.Name) {
					return CNI{Name: rule.name, Class: rule.class, Source: ifc.Pos.File + ": " + ifc.Name}
				}
			}
		}
	}
	if c, ok := b.cniFromENIs(services); ok {
		return c
	}
	return CNI{Class: ClassUnknown}
}

// cniFromPods looks for a CNI agent's pod.
func (b *builder) cniFromPods() (CNI, bool) {
	pods := make([]*kube.Pod, 0, len(b.pods))
	for _, p := range b.pods {
		if slices.Contains(cniNamespaces, p.Namespace) {
			pods = append(pods, p)
		}
	}
	slices.SortFunc(pods, func(x, y *kube.Pod) int {
		return cmp.Or(cmp.Compare(x.Namespace, y.Namespace), cmp.Compare(x.Name, y.Name))
	})
	for _, rule := range cniPods {
		for _, p := range pods {
			if !strings.HasPrefix(p.Name, rule.prefix) {
				continue
			}
			name := rule.name
			for _, o := range p.OwnerReferences {
				// Terway's DaemonSet names its mode: terway-eniip, terway-eni.
				if o.Kind == "DaemonSet" && rule.name == "terway" && strings.HasPrefix(o.Name, "terway") {
					name = o.Name
				}
			}
			return CNI{Name: name, Class: rule.class, Source: fmt.Sprintf("%s: %s/%s", p.Pos.File, p.Namespace, p.Name)}, true
		}
	}
	return CNI{}, false
}

// cniFromENIs looks for a secondary NIC (eth1, ens6...: not the node's
// first eth/ens/enp interface) whose subnet holds the IP of a pod that is
// not on the host network: pods then get addresses of the VPC.
func (b *builder) cniFromENIs(services map[string]*Service) (CNI, bool) {
	var podIPs []netip.Addr
	addPod := func(s string, hostNetwork bool) {
		ip, err := netip.ParseAddr(s)
		if err == nil && !hostNetwork && !b.nodeAddrs[ip] {
			podIPs = append(podIPs, ip)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(services)) {
		for _, ep := range services[key].Endpoints {
			addPod(ep.IP, ep.HostNetwork)
		}
	}
	for i := range b.objs.Pods {
		p := &b.objs.Pods[i]
		for _, ip := range p.Status.PodIPs {
			addPod(ip.IP, p.Spec.HostNetwork)
		}
		addPod(p.Status.PodIP, p.Spec.HostNetwork)
	}
	for _, n := range b.snap.Nodes {
		if n.Addr == nil {
			continue
		}
		first := true
		for _, ifc := range n.Addr.Interfaces {
			if !isNIC(ifc.Name) {
				continue
			}
			if first {
				first = false
				continue
			}
			for _, a := range ifc.Addresses {
				subnet := a.Prefix.Masked()
				for _, ip := range podIPs {
					if a.Prefix.Bits() < ip.BitLen() && subnet.Contains(ip) {
						return CNI{Class: ClassVPC, Source: fmt.Sprintf("%s: %s %s holds pod IP %s", a.Pos.File, ifc.Name, subnet, ip)}, true
					}
				}
			}
		}
	}
	return CNI{}, false
}

// isNIC reports whether an interface name is a network card's: eth0,
// ens5, enp0s3.
func isNIC(name string) bool {
	for _, p := range []string{"eth", "ens", "enp"} {
		if rest, ok := strings.CutPrefix(name, p); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			return true
		}
	}
	return false
}
