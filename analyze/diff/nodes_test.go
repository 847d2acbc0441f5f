package diff

import (
	"testing"

	"github.com/ipvslint/ipvslint/analyze/input"
)

func TestCompareNodes(t *testing.T) {
	noVIPs := VIPChanges{Added: []VIP{}, Removed: []VIP{}}
	noVSs := VirtualServerChanges{Added: []VirtualServer{}, Removed: []VirtualServer{}, Changed: []VirtualServerChange{}}
	vsChanged := func(changes ...VirtualServerChange) VirtualServerChanges {
		return VirtualServerChanges{Added: []VirtualServer{}, Removed: []VirtualServer{}, Changed: changes}
	}
	nodeA := func(nd NodeDiff) []NodeDiff {
		nd.Name, nd.Status = "node-a", NodeChanged
		if nd.Changes == nil {
			nd.Changes = []Change{}
		}
		if nd.VIPs.Added == nil {
			nd.VIPs = noVIPs
		}
		if nd.VirtualServers.Added == nil {
			nd.VirtualServers = noVSs
		}
		return []NodeDiff{nd}
	}
	capture := func(name, status string) edit {
		return withNodeEdit("node-a", func(n *input.Node) { n.Captures[name] = input.Capture{Status: status} })
	}
	tests := []struct {
		name     string
		old, new []edit
		want     []NodeDiff
	}{
		{name: "same", want: []NodeDiff{}},
		{
			name: "VIPs by address, with the Services of their side",
			old:  []edit{withService("a/gone", func(s *input.Service) { s.ClusterIPs = []string{"10.96.0.9"} }), withNode("node-a", "10.96.0.10", "203.0.113.10", "10.96.0.9")},
			new: []edit{
				withService("b/new", func(s *input.Service) { s.ExternalIPs = []string{"10.96.0.10"}; s.ClusterIPs = []string{"10.96.0.100"} }),
				withNode("node-a", "10.96.0.100", "10.96.0.10", "10.96.0.2", "fd00::1", "203.0.113.10"),
			},
			want: nodeA(NodeDiff{VIPs: VIPChanges{
				Added:   []VIP{{IP: "10.96.0.2", Services: []string{}}, {IP: "10.96.0.100", Services: []string{"b/new"}}, {IP: "fd00::1", Services: []string{}}},
				Removed: []VIP{{IP: "10.96.0.9", Services: []string{"a/gone"}}},
			}}),
		},
		{
			name: "virtual services added and removed, by address, port and protocol",
			old:  []edit{withVS("node-a", "UDP/10.96.0.10:80", "", "10.244.1.5:8080=1")},
			new: []edit{
				withVS("node-a", "TCP/10.96.0.9:53", "kube-system/dns clusterIP"),
				withVS("node-a", "TCP/[fd00::10]:80", "default/web clusterIP", "[fd00::5]:8080=1"),
				withVS("node-a", "TCP/10.0.0.11:30080", "default/web nodePort", "10.244.1.5:8080=1", "10.244.2.5:8080=1"),
			},
			want: nodeA(NodeDiff{VirtualServers: VirtualServerChanges{
				Added: []VirtualServer{
					{Key: "TCP/10.0.0.11:30080", Services: []string{"default/web nodePort"}, RealServers: 2},
					{Key: "TCP/10.96.0.9:53", Services: []string{"kube-system/dns clusterIP"}, RealServers: 0},
					{Key: "TCP/[fd00::10]:80", Services: []string{"default/web clusterIP"}, RealServers: 1},
				},
				Removed: []VirtualServer{{Key: "UDP/10.96.0.10:80", Services: []string{}, RealServers: 1}},
				Changed: []VirtualServerChange{},
			}}),
		},
		{
			name: "real servers added, removed and reweighted",
			new:  []edit{withVS("node-a", "TCP/10.96.0.10:80", "default/web clusterIP", "10.244.1.6:8080=0", "10.244.10.1:8080=1", "10.244.2.1:8080=1")},
			want: nodeA(NodeDiff{VirtualServers: vsChanged(VirtualServerChange{
				Key: "TCP/10.96.0.10:80", Services: []string{"default/web clusterIP"}, Changes: []Change{},
				Added:   []RealServer{{Server: "10.244.2.1:8080", Weight: 1}, {Server: "10.244.10.1:8080", Weight: 1}},
				Removed: []RealServer{{Server: "10.244.1.5:8080", Weight: 1}},
				Weights: []Weight{{Server: "10.244.1.6:8080", Old: 1, New: 0}},
			})}),
		},
		{
			name: "scheduler, flags, persistence and Services",
			new: []edit{
				withVS("node-a", "TCP/10.96.0.10:80", "default/other clusterIP", "10.244.1.5:8080=1", "10.244.1.6:8080=1"),
				withNodeEdit("node-a", func(n *input.Node) {
					vs := n.VirtualServers["TCP/10.96.0.10:80"]
					vs.Scheduler, vs.Flags, vs.Persistent = "sh", []string{"sh-fallback", "sh-port"}, 10800
				}),
			},
			want: nodeA(NodeDiff{VirtualServers: vsChanged(VirtualServerChange{
				Key: "TCP/10.96.0.10:80", Services: []string{"default/other clusterIP"},
				Changes: []Change{
					{Field: "scheduler", Old: "rr", New: "sh"},
					{Field: "flags", Old: "", New: "sh-fallback,sh-port"},
					{Field: "persistent", Old: "0", New: "10800"},
					{Field: "services", Old: "default/web clusterIP", New: "default/other clusterIP"},
				},
				Added: []RealServer{}, Removed: []RealServer{}, Weights: []Weight{},
			})}),
		},
		{
			name: "ipvsadm not read on one side: its state, no virtual services",
			new:  []edit{capture("ipvsadm", "missing"), withNodeEdit("node-a", func(n *input.Node) { n.VirtualServers = nil })},
			want: nodeA(NodeDiff{Changes: []Change{{Field: "captures[ipvsadm]", Old: "ok", New: "missing"}}}),
		},
		{
			name: "ip addr not read on one side: its state, no VIPs",
			old:  []edit{capture("ip-addr", "invalid"), withNode("node-a")},
			want: nodeA(NodeDiff{Changes: []Change{{Field: "captures[ip-addr]", Old: "invalid", New: "ok"}}}),
		},
		{
			name: "kernel and proxy mode",
			new:  []edit{withNodeEdit("node-a", func(n *input.Node) { n.Kernel, n.ProxyMode = &input.Kernel{Release: "6.6.0"}, "iptables" })},
			want: nodeA(NodeDiff{Changes: []Change{{Field: "kernel", Old: "6.1.0", New: "6.6.0"}, {Field: "proxyMode", Old: "ipvs", New: "iptables"}}}),
		},
		{
			name: "node versions from nodes.yaml, captured or not, added and removed",
			old: []edit{func(d *input.Document) {
				d.Cluster.Nodes["node-a"] = &input.ClusterNode{KubeletVersion: "v1.28.3", KubeProxyVersion: "v1.28.3"}
				d.Cluster.Nodes["node-old"] = &input.ClusterNode{KubeletVersion: "v1.28.3"}
			}},
			new: []edit{func(d *input.Document) {
				d.Cluster.Nodes["node-a"] = &input.ClusterNode{KubeletVersion: "v1.29.1"}
				d.Cluster.Nodes["node-new"] = &input.ClusterNode{KubeletVersion: "v1.29.1"}
			}},
			want: []NodeDiff{
				{Name: "node-a", Status: NodeChanged, Changes: []Change{
					{Field: "kubeletVersion", Old: "v1.28.3", New: "v1.29.1"},
					{Field: "kubeProxyVersion", Old: "v1.28.3", New: ""},
				}, VIPs: noVIPs, VirtualServers: noVSs},
				{Name: "node-new", Status: NodeAdded, Changes: []Change{{Field: "kubeletVersion", Old: "", New: "v1.29.1"}}, VIPs: noVIPs, VirtualServers: noVSs},
				{Name: "node-old", Status: NodeRemoved, Changes: []Change{{Field: "kubeletVersion", Old: "v1.28.3", New: ""}}, VIPs: noVIPs, VirtualServers: noVSs},
			},
		},
		{
			name: "a node captured on one side only: nothing of its captures compared",
			new: []edit{
				withNode("node-b", "10.96.0.10"),
				withVS("node-b", "TCP/10.96.0.10:80", "default/web clusterIP", "10.244.1.5:8080=1"),
			},
			want: []NodeDiff{{Name: "node-b", Status: NodeAdded, Changes: []Change{{Field: "captured", Old: "false", New: "true"}}, VIPs: noVIPs, VirtualServers: noVSs}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			same(t, Compare(state(tt.old...), state(tt.new...)).Nodes, tt.want)
		})
	}
}
