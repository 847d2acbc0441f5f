package input

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/conntrack"
	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/ipvs"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// replaced returns fixture file p with old replaced by new.
func replaced(p, old, new string) string {
	if !strings.Contains(fixture[p], old) {
		panic("fixture " + p + " lacks " + old)
	}
	return strings.ReplaceAll(fixture[p], old, new)
}

func TestVersion(t *testing.T) {
	noProxyVersion := replaced("cluster/nodes.yaml", "kubeProxyVersion: v1.2", "kubeProxyVersion: \"\"\n      x: v1.2")
	tests := []struct {
		name  string
		files map[string]string
		flag  string
		want  Version
	}{
		{name: "flag first", flag: "1.30", want: Version{Value: "v1.30.0", Major: 1, Minor: 30, Source: "--k8s-version", Known: true}},
		{name: "kubectl version", want: Version{Value: "v1.24.6-aliyun.1", Major: 1, Minor: 24, Patch: 6, Source: "cluster/version.json", Known: true}},
		{name: "kube-proxy of nodes", files: map[string]string{"cluster/version.json": ""},
			want: Version{Value: "v1.23.17", Major: 1, Minor: 23, Patch: 17, Source: "cluster/nodes.yaml (kube-proxy, lowest of 2)", Known: true}},
		{name: "kubelet of nodes", files: map[string]string{"cluster/version.json": "", "cluster/nodes.yaml": noProxyVersion},
			want: Version{Value: "v1.23.17", Major: 1, Minor: 23, Patch: 17, Source: "cluster/nodes.yaml (kubelet, lowest of 2)", Known: true}},
		{name: "one node", files: map[string]string{"cluster/version.json": "", "cluster/nodes.yaml": replaced("cluster/nodes.yaml", "v1.23.17", "x")},
			want: Version{Value: "v1.24.6", Major: 1, Minor: 24, Patch: 6, Source: "cluster/nodes.yaml (kube-proxy)", Known: true}},
		{name: "unknown", files: map[string]string{"cluster/version.json": "", "cluster/nodes.yaml": ""}, want: Version{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := build(t, withFiles(tt.files), Options{KubernetesVersion: tt.flag})
			if got := doc.Cluster.Version; got != tt.want {
				t.Errorf("version = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCNI(t *testing.T) {
	terwayPods := `apiVersion: v1
kind: Pod
metadata:
  name: terway-eniip-7xk2p
  namespace: kube-system
  ownerReferences:
  - apiVersion: apps/v1
    kind: DaemonSet
    name: terway-eniip
    uid: 1
spec:
  hostNetwork: true
  nodeName: node-a
`
	eniNode := `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
    link/ether 00:16:3e:0a:0b:0c brd ff:ff:ff:ff:ff:ff
    inet 192.168.10.11/24 brd 192.168.10.255 scope global eth0
       valid_lft forever preferred_lft forever
3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
    link/ether 00:16:3e:0a:0b:0e brd ff:ff:ff:ff:ff:ff
    inet 10.244.1.100/24 brd 10.244.1.255 scope global eth1
       valid_lft forever preferred_lft forever
`
	plainNode := strings.Join(strings.Split(eniNode, "\n")[:4], "\n") + "\n"
	noEvidence := map[string]string{"cluster/pods.yaml": "", "cluster/nodes.yaml": ""}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range noEvidence {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name  string
		files map[string]string
		flag  string
		want  CNI
	}{
		{name: "flag class", flag: "vpc", want: CNI{Class: "vpc", Source: "--cni"}},
		{name: "flag name", flag: "AWS-VPC-CNI", want: CNI{Name: "aws-vpc-cni", Class: "vpc", Source: "--cni"}},
		{name: "flag calico", flag: "calico", want: CNI{Name: "calico", Class: "unknown", Source: "--cni"}},
		{name: "flannel pod", want: CNI{Name: "flannel", Class: "overlay", Source: "cluster/pods.yaml: kube-flannel/kube-flannel-ds-x2k4p"}},
		{name: "terway pod names its mode", files: map[string]string{"cluster/pods.yaml": terwayPods},
			want: CNI{Name: "terway-eniip", Class: "vpc", Source: "cluster/pods.yaml: kube-system/terway-eniip-7xk2p"}},
		{name: "node annotation", files: map[string]string{"cluster/pods.yaml": ""},
			want: CNI{Name: "flannel", Class: "overlay", Source: "cluster/nodes.yaml: node-a annotation flannel.alpha.coreos.com/backend-type"}},
		{name: "cni0 bridge", files: noEvidence, want: CNI{Class: "overlay", Source: "nodes/node-a/ip-addr.txt: cni0"}},
		{name: "flannel device", files: with(map[string]string{"nodes/node-b/ip-addr.txt": replaced("nodes/node-b/ip-addr.txt", "5: kube-ipvs0", "6: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default\n    link/ether 0e:1c:2d:3e:4f:50 brd ff:ff:ff:ff:ff:ff\n5: kube-ipvs0")}),
			want: CNI{Name: "flannel", Class: "overlay", Source: "nodes/node-b/ip-addr.txt: flannel.1"}},
		{name: "ENI holds pod IPs", files: with(map[string]string{"nodes/node-a/ip-addr.txt": eniNode}),
			want: CNI{Class: "vpc", Source: "nodes/node-a/ip-addr.txt: eth1 10.244.1.0/24 holds pod IP 10.244.1.5"}},
		{name: "primary NIC does not count", files: with(map[string]string{"nodes/node-a/ip-addr.txt": strings.Replace(eniNode, "192.168.10.11/24", "10.244.1.200/24", 1)}),
			want: CNI{Class: "vpc", Source: "nodes/node-a/ip-addr.txt: eth1 10.244.1.0/24 holds pod IP 10.244.1.5"}},
		{name: "nothing", files: with(map[string]string{"nodes/node-a/ip-addr.txt": plainNode}), want: CNI{Class: "unknown"}},
	}
	for _, tt := range tests {
		for _, drop := range []bool{false, true} { // the interfaces are read before any node's are dropped
			t.Run(fmt.Sprintf("%s/drop=%v", tt.name, drop), func(t *testing.T) {
				doc := build(t, withFiles(tt.files), Options{CNI: tt.flag, DropParsed: drop})
				if got := doc.Cluster.CNI; got != tt.want {
					t.Errorf("cni = %+v, want %+v", got, tt.want)
				}
			})
		}
	}
}

// TestDropParsed checks that a document built while each node's tables are
// freed is the one built without, and that the tables are freed.
func TestDropParsed(t *testing.T) {
	keep, err := Build(snap(t, fixture), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := snap(t, fixture)
	dropped, err := Build(s, Options{DropParsed: true})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(keep)
	got, _ := json.Marshal(dropped)
	if !bytes.Equal(got, want) {
		t.Errorf("the document differs when the tables are dropped:\n got %.300s\nwant %.300s", got, want)
	}
	for _, n := range s.Nodes {
		if n.IPVS != nil || n.Addr != nil || n.Conntrack != nil {
			t.Errorf("node %s keeps its tables", n.Name)
		}
	}
	if s.Cluster.Objects != nil {
		t.Errorf("the Kubernetes objects are kept")
	}
}

func TestConntrackMax(t *testing.T) {
	noMaxPerCore := replaced("cluster/kube-proxy-config.yaml", "maxPerCore: 65536", "maxPerCore: 0")
	tests := []struct {
		name  string
		files map[string]string
		want  *ConntrackMax
	}{
		{name: "sysctl", want: &ConntrackMax{Value: 262144, Source: "sysctl", Detail: "net.netfilter.nf_conntrack_max", File: "nodes/node-a/sysctl.txt", Line: 3,
			Text: "net.netfilter.nf_conntrack_max = 262144"}},
		{name: "sysctl under the older name", files: map[string]string{"nodes/node-a/sysctl.txt": "net.ipv4.vs.conntrack = 1\nnet.nf_conntrack_max = 65536\n"},
			want: &ConntrackMax{Value: 65536, Source: "sysctl", Detail: "net.nf_conntrack_max", File: "nodes/node-a/sysctl.txt", Line: 2, Text: "net.nf_conntrack_max = 65536"}},
		{name: "kube-proxy config", files: map[string]string{"nodes/node-a/sysctl.txt": ""},
			want: &ConntrackMax{Value: 262144, Source: "kube-proxy", Detail: "max(65536 × 4 cores, 131072) with the conntrack settings of cluster/kube-proxy-config.yaml", File: "cluster/nodes.yaml", Line: 3}},
		{name: "kube-proxy defaults", files: map[string]string{"nodes/node-a/sysctl.txt": "", "cluster/kube-proxy-config.yaml": ""},
			want: &ConntrackMax{Value: 131072, Source: "kube-proxy", Detail: "max(32768 × 4 cores, 131072)", File: "cluster/nodes.yaml", Line: 3}},
		{name: "sysctl without the max", files: map[string]string{"nodes/node-a/sysctl.txt": "net.ipv4.vs.conntrack = 1\n", "cluster/kube-proxy-config.yaml": ""},
			want: &ConntrackMax{Value: 131072, Source: "kube-proxy", Detail: "max(32768 × 4 cores, 131072)", File: "cluster/nodes.yaml", Line: 3}},
		{name: "no core count", files: map[string]string{"nodes/node-a/sysctl.txt": "", "cluster/nodes.yaml": ""}},
		{name: "kube-proxy leaves it alone", files: map[string]string{"nodes/node-a/sysctl.txt": "", "cluster/kube-proxy-config.yaml": noMaxPerCore}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := build(t, withFiles(tt.files), Options{})
			ct := doc.Nodes["node-a"].Conntrack
			if ct == nil {
				t.Fatal("no conntrack")
			}
			switch {
			case tt.want == nil && ct.Max != nil:
				t.Errorf("max = %+v, want none", *ct.Max)
			case tt.want != nil && (ct.Max == nil || *ct.Max != *tt.want):
				t.Errorf("max = %+v, want %+v", ct.Max, *tt.want)
			}
		})
	}
}

func TestVirtualServerServices(t *testing.T) {
	doc := build(t, fixture, Options{})
	tests := []struct {
		node, key string
		want      []ServiceRef
	}{
		{"node-a", "TCP/10.96.0.1:443", []ServiceRef{{"default/kubernetes", RoleClusterIP, "https", 443}}},
		{"node-a", "TCP/10.96.100.10:80", []ServiceRef{{"default/web", RoleClusterIP, "http", 80}}},
		{"node-a", "TCP/192.0.2.10:80", []ServiceRef{{"default/web", RoleExternalIP, "http", 80}}},
		{"node-a", "TCP/47.1.1.1:80", []ServiceRef{{"default/web", RoleLoadBalancer, "http", 80}}},
		{"node-a", "TCP/192.168.10.11:30080", []ServiceRef{{"default/web", RoleNodePort, "http", 80}}},
		{"node-b", "TCP/192.168.10.12:30080", []ServiceRef{{"default/web", RoleNodePort, "http", 80}}},
		{"node-a", "TCP/10.96.50.50:80", []ServiceRef{}},
	}
	for _, tt := range tests {
		t.Run(tt.node+" "+tt.key, func(t *testing.T) {
			vs := doc.Nodes[tt.node].VirtualServers[tt.key]
			if vs == nil {
				t.Fatal("no virtual server")
			}
			if !equalRefs(vs.Services, tt.want) {
				t.Errorf("services = %+v, want %+v", vs.Services, tt.want)
			}
		})
	}
}

func equalRefs(a, b []ServiceRef) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRealServers(t *testing.T) {
	doc := build(t, fixture, Options{})
	tests := []struct {
		node, key string
		i         int
		local     bool
		endpoint  *EndpointRef
	}{
		{"node-a", "TCP/10.96.100.10:80", 0, true, &EndpointRef{Service: "default/web", NodeName: "node-a", Ready: true, Serving: true}},
		{"node-a", "TCP/10.96.100.10:80", 1, false, &EndpointRef{Service: "default/web", NodeName: "node-b", Serving: true, Terminating: true}},
		{"node-b", "TCP/10.96.100.10:80", 0, false, &EndpointRef{Service: "default/web", NodeName: "node-a", Ready: true, Serving: true}},
		{"node-b", "TCP/10.96.100.10:80", 1, true, &EndpointRef{Service: "default/web", NodeName: "node-b", Serving: true, Terminating: true}},
		// The API server's endpoint is the node's own address: local and on the host network.
		{"node-a", "TCP/10.96.0.1:443", 0, true, &EndpointRef{Service: "default/kubernetes", Ready: true, Serving: true, HostNetwork: true}},
		{"node-a", "TCP/10.96.50.50:80", 0, false, nil},
	}
	for _, tt := range tests {
		rs := doc.Nodes[tt.node].VirtualServers[tt.key].RealServers[tt.i]
		if rs.Local != tt.local {
			t.Errorf("%s %s #%d: local = %v, want %v", tt.node, tt.key, tt.i, rs.Local, tt.local)
		}
		if (rs.Endpoint == nil) != (tt.endpoint == nil) || rs.Endpoint != nil && *rs.Endpoint != *tt.endpoint {
			t.Errorf("%s %s #%d: endpoint = %+v, want %+v", tt.node, tt.key, tt.i, rs.Endpoint, tt.endpoint)
		}
	}
}

func TestLegacyEndpoints(t *testing.T) {
	endpoints := `apiVersion: v1
kind: Endpoints
metadata:
  name: web
  namespace: default
subsets:
- addresses:
  - ip: 10.244.1.5
    nodeName: node-a
  - ip: 192.168.10.12
    targetRef:
      kind: Pod
      name: web-host
  notReadyAddresses:
  - ip: 10.244.2.7
    targetRef:
      kind: Pod
      name: web-2
      namespace: default
  ports:
  - name: http
    port: 8080
    protocol: TCP
`
	pods := fixture["cluster/pods.yaml"] + `---
apiVersion: v1
kind: Pod
metadata:
  name: web-host
  namespace: default
spec:
  hostNetwork: true
  nodeName: node-b
`
	doc := build(t, withFiles(map[string]string{"cluster/endpointslices.yaml": "", "cluster/endpoints.yaml": endpoints, "cluster/pods.yaml": pods}), Options{})
	svc := doc.Cluster.Services["default/web"]
	port := []EndpointPort{{Name: "http", Protocol: "TCP", Port: 8080}}
	want := []Endpoint{
		{IP: "10.244.1.5", NodeName: "node-a", Ready: true, Serving: true, Ports: port},
		{IP: "10.244.2.7", NodeName: "node-b", Ports: port},
		{IP: "192.168.10.12", NodeName: "node-b", Ready: true, Serving: true, HostNetwork: true, Ports: port},
	}
	if svc.EndpointsSource != "endpoints" {
		t.Errorf("endpointsSource = %q", svc.EndpointsSource)
	}
	if len(svc.Endpoints) != len(want) {
		t.Fatalf("endpoints = %+v", svc.Endpoints)
	}
	for i := range want {
		got := svc.Endpoints[i]
		if got.IP != want[i].IP || got.NodeName != want[i].NodeName || got.Ready != want[i].Ready || got.Serving != want[i].Serving ||
			got.Terminating != want[i].Terminating || got.HostNetwork != want[i].HostNetwork || len(got.Ports) != 1 || got.Ports[0] != port[0] {
			t.Errorf("endpoint %d = %+v, want %+v", i, got, want[i])
		}
	}
	if got := doc.Cluster.Captures["endpoints"]; got.Status != "ok" || got.File != "cluster/endpoints.yaml" {
		t.Errorf("captures.endpoints = %+v", got)
	}
	if got := doc.Cluster.Captures["endpointslices"]; got.Status != "missing" {
		t.Errorf("captures.endpointslices = %+v", got)
	}
}

func TestNoEndpointCapture(t *testing.T) {
	doc := build(t, withFiles(map[string]string{"cluster/endpointslices.yaml": ""}), Options{})
	for key, svc := range doc.Cluster.Services {
		if svc.EndpointsSource != "" || len(svc.Endpoints) != 0 {
			t.Errorf("%s: endpointsSource %q, %d endpoints", key, svc.EndpointsSource, len(svc.Endpoints))
		}
	}
	if got := doc.Nodes["node-a"].LocalEndpoints; len(got) != 0 {
		t.Errorf("localEndpoints = %v", got)
	}
}

// TestLooseCaptures checks that one pasted file holding several kinds of
// object stands for each of them, and that a grep'd ipvsadm fragment is not
// complete.
func TestLooseCaptures(t *testing.T) {
	files := map[string]string{
		"objects.yaml": fixture["cluster/services.yaml"] + "---\n" + fixture["cluster/endpointslices.yaml"],
		"ipvs.txt":     "TCP  10.96.0.1:443 rr\n  -> 192.168.10.11:6443           Masq    1      4          0\n",
	}
	doc := build(t, files, Options{})
	for _, name := range []string{"services", "endpointslices"} {
		if got := doc.Cluster.Captures[name]; got.Status != "ok" || got.File != "objects.yaml" {
			t.Errorf("captures.%s = %+v", name, got)
		}
	}
	if got := doc.Cluster.Captures["nodes"]; got.Status != "missing" {
		t.Errorf("captures.nodes = %+v", got)
	}
	n := doc.Nodes["node"]
	if n == nil {
		t.Fatalf("nodes = %v", doc.Nodes)
	}
	if n.IPVSComplete {
		t.Error("ipvsComplete of a fragment")
	}
	if got := n.Captures["ip-addr"]; got.Status != "missing" || got.Detail != "no such capture was given" {
		t.Errorf("captures.ip-addr = %+v", got)
	}
	if got := n.VirtualServers["TCP/10.96.0.1:443"]; got == nil || len(got.Services) != 1 {
		t.Errorf("virtual server = %+v", got)
	}
}

// TestIPVSInputs checks the inputs the IPVS rules read from the
// captures: ipvs.excludeCIDRs of the kube-proxy configuration, the
// service-proxy-name label of a Service, and whether an ip addr capture
// is whole or grep'd fragments.
func TestIPVSInputs(t *testing.T) {
	files := withFiles(map[string]string{
		"cluster/kube-proxy-config.yaml": replaced("cluster/kube-proxy-config.yaml", "      strictARP: true", "      strictARP: true\n      excludeCIDRs:\n      - 10.200.0.0/16"),
		"cluster/services.yaml":          replaced("cluster/services.yaml", "    name: web\n", "    labels:\n      service.kubernetes.io/service-proxy-name: edge\n    name: web\n"),
		"nodes/node-b/ip-addr.txt":       "    inet 10.96.100.10/32 scope global kube-ipvs0\n",
	})
	doc := build(t, files, Options{})
	if got := doc.Cluster.KubeProxy.ExcludeCIDRs; !slices.Equal(got, []string{"10.200.0.0/16"}) {
		t.Errorf("excludeCIDRs = %q", got)
	}
	if got := doc.Cluster.Services["default/web"].ServiceProxyName; got == nil || *got != "edge" {
		t.Errorf("web serviceProxyName = %v", got)
	}
	if got := doc.Cluster.Services["default/kubernetes"].ServiceProxyName; got != nil {
		t.Errorf("kubernetes serviceProxyName = %q, want null", *got)
	}
	if a, b := doc.Nodes["node-a"], doc.Nodes["node-b"]; !a.AddressesComplete || !a.IPVS0Complete || b.AddressesComplete || b.IPVS0Complete {
		t.Errorf("addressesComplete, ipvs0Complete = %v, %v of node-a, %v, %v of node-b's fragment", a.AddressesComplete, a.IPVS0Complete, b.AddressesComplete, b.IPVS0Complete)
	}
	doc = build(t, withFiles(map[string]string{"cluster/kube-proxy-config.yaml": "", "nodes/node-a/ip-addr.txt": ""}), Options{})
	if got := doc.Cluster.KubeProxy.ExcludeCIDRs; got == nil || len(got) != 0 {
		t.Errorf("excludeCIDRs without a configuration = %#v, want []", got)
	}
	if doc.Nodes["node-a"].AddressesComplete || doc.Nodes["node-a"].IPVS0Complete {
		t.Error("addressesComplete or ipvs0Complete without ip addr")
	}
}

// TestReads checks how far Options.Reads builds a node's inventory: all of
// it without reads, none of it for rules that read none, else what they
// read.
func TestReads(t *testing.T) {
	tests := []struct {
		name          string
		reads         *docpath.Set
		vss, ipvs0    bool
		conntrackRead bool
	}{
		{name: "nil builds everything", reads: nil, vss: true, ipvs0: true, conntrackRead: true},
		{name: "empty builds nothing", reads: docpath.MustParse()},
		{name: "what the rules read", reads: docpath.MustParse("input.nodes[_].virtualServers"), vss: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := build(t, fixture, Options{Reads: tt.reads}).Nodes["node-a"]
			if got := n.VirtualServers != nil; got != tt.vss {
				t.Errorf("virtualServers built = %v, want %v", got, tt.vss)
			}
			if got := n.IPVS0 != nil; got != tt.ipvs0 {
				t.Errorf("ipvs0 built = %v, want %v", got, tt.ipvs0)
			}
			if got := n.Conntrack != nil; got != tt.conntrackRead {
				t.Errorf("conntrack built = %v, want %v", got, tt.conntrackRead)
			}
		})
	}
}

// TestLargestFirst checks the order in which Build builds the nodes: most
// virtual services and conntrack destinations first, ties in their order.
func TestLargestFirst(t *testing.T) {
	node := func(services, dests int) *snapshot.Node {
		n := &snapshot.Node{IPVS: &ipvs.Table{Services: make([]*ipvs.Service, services)}}
		if dests > 0 {
			n.Conntrack = &conntrack.Summary{Dests: map[string]*conntrack.Dest{}}
			for i := range dests {
				n.Conntrack.Dests[strconv.Itoa(i)] = nil
			}
		}
		return n
	}
	nodes := []*snapshot.Node{node(10, 0), node(10, 5), {}, node(3, 20), node(10, 0)}
	if got, want := largestFirst(nodes), []int{3, 1, 0, 4, 2}; !slices.Equal(got, want) {
		t.Errorf("largestFirst = %v, want %v", got, want)
	}
}

// TestSplitNodes checks that a node built on two goroutines (fewer nodes
// than cores: its expected state beside its other facts) gets the document
// it gets on one, and holds the golden one (the race stage of .ci/run runs
// it with the race detector).
func TestSplitNodes(t *testing.T) {
	docOn := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s := snap(t, fixture)
		if procs > 1 && len(s.Nodes) >= procs {
			t.Fatalf("the fixture has %d nodes: not fewer than %d cores", len(s.Nodes), procs)
		}
		doc, err := Build(s, Options{DropParsed: true})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(doc)
		return b
	}
	one, split := docOn(1), docOn(16)
	if !bytes.Equal(split, one) {
		t.Errorf("the document differs when nodes are built in two parts:\n got %.300s\nwant %.300s", split, one)
	}
}
