package input

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// policySvc is a Service of namespace default for the tests of policy.go,
// with port http 80/TCP to 8080; its endpoints become one EndpointSlice.
type policySvc struct {
	name, typ, etp, itp string
	clusterIP           string
	nodePort, hcnp      int
	externalIPs         []string
	ingress             []string // "hostname:<name>" is an ingress without IP
	eps                 []policyEP
}

// policyEP is an endpoint of a policySvc at port 8080.
type policyEP struct {
	ip, node           string
	ready, terminating bool
	pod                string // the name of its Pod in default; "" for none
}

// yaml writes the Service as an item of services.yaml.
func (s policySvc) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: %s\n    namespace: default\n  spec:\n", s.name)
	fmt.Fprintf(&b, "    type: %s\n    clusterIP: %s\n    clusterIPs: [%s]\n    selector: {app: %s}\n", s.typ, s.clusterIP, s.clusterIP, s.name)
	if s.etp != "" {
		fmt.Fprintf(&b, "    externalTrafficPolicy: %s\n", s.etp)
	}
	if s.itp != "" {
		fmt.Fprintf(&b, "    internalTrafficPolicy: %s\n", s.itp)
	}
	if s.hcnp != 0 {
		fmt.Fprintf(&b, "    healthCheckNodePort: %d\n", s.hcnp)
	}
	if len(s.externalIPs) > 0 {
		fmt.Fprintf(&b, "    externalIPs: [%s]\n", strings.Join(s.externalIPs, ", "))
	}
	fmt.Fprintf(&b, "    ports:\n    - {name: http, port: 80, protocol: TCP, targetPort: 8080")
	if s.nodePort != 0 {
		fmt.Fprintf(&b, ", nodePort: %d", s.nodePort)
	}
	b.WriteString("}\n  status:\n    loadBalancer:\n")
	if len(s.ingress) > 0 {
		b.WriteString("      ingress:\n")
		for _, ing := range s.ingress {
			if name, ok := strings.CutPrefix(ing, "hostname:"); ok {
				fmt.Fprintf(&b, "      - {hostname: %s}\n", name)
			} else {
				fmt.Fprintf(&b, "      - {ip: %s}\n", ing)
			}
		}
	}
	return b.String()
}

// sliceYAML writes the Service's endpoints as an item of
// endpointslices.yaml.
func (s policySvc) sliceYAML() string {
	var b strings.Builder
	b.WriteString("- apiVersion: discovery.k8s.io/v1\n  kind: EndpointSlice\n  addressType: IPv4\n")
	fmt.Fprintf(&b, "  metadata:\n    name: %s-x\n    namespace: default\n    labels: {kubernetes.io/service-name: %s}\n", s.name, s.name)
	b.WriteString("  ports:\n  - {name: http, port: 8080, protocol: TCP}\n  endpoints:\n")
	for _, ep := range s.eps {
		fmt.Fprintf(&b, "  - addresses: [%s]\n    conditions: {ready: %t, serving: %t, terminating: %t}\n", ep.ip, ep.ready, ep.ready || ep.terminating, ep.terminating)
		if ep.node != "" {
			fmt.Fprintf(&b, "    nodeName: %s\n", ep.node)
		}
		if ep.pod != "" {
			fmt.Fprintf(&b, "    targetRef: {kind: Pod, name: %s, namespace: default}\n", ep.pod)
		}
	}
	return b.String()
}

// policyFiles returns the fixture with the cluster at version (a
// version.json gitVersion; "" for none), these Services and their
// endpoints, and node-a's ipvsadm listing (header added) and conntrack
// table.
func policyFiles(version string, svcs []policySvc, ipvsadm, conntrack string) map[string]string {
	services, slices := "apiVersion: v1\nkind: List\nitems:\n", "apiVersion: v1\nkind: List\nitems:\n"
	for _, s := range svcs {
		services += s.yaml()
		slices += s.sliceYAML()
	}
	files := map[string]string{
		"cluster/services.yaml":       services,
		"cluster/endpointslices.yaml": slices,
		"cluster/version.json":        "",
		"nodes/node-a/ipvsadm.txt":    "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" + ipvsadm,
		"nodes/node-a/conntrack.txt":  conntrack,
	}
	if version != "" {
		files["cluster/version.json"] = fmt.Sprintf(`{"serverVersion": {"major": "1", "minor": "0", "gitVersion": %q}}`, version)
	}
	if conntrack == "" {
		files["nodes/node-a/conntrack.txt"] = "ipv4     2 tcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=40000 dport=443 src=192.168.10.11 dst=10.244.1.5 sport=6443 dport=40000 [ASSURED] mark=0 use=1\n"
	}
	return withFiles(files)
}

// describeGaps writes node-a's localPolicy facts one line per gap and per
// virtual service: the Service and its remote ready endpoints, then the
// role, key, kube-ipvs0 line (or -) and the real servers as
// ip:port/local/node/hostNetwork.
func describeGaps(gaps []LocalPolicyGap) []string {
	out := []string{}
	for _, g := range gaps {
		out = append(out, fmt.Sprintf("%s readyRemote=%d", g.Service, g.ReadyRemote))
		for _, vs := range g.VirtualServers {
			bound := "-"
			if vs.Bound != nil {
				bound = fmt.Sprintf("%s:%d", vs.Bound.File, vs.Bound.Line)
			}
			rss := []string{}
			for _, rs := range vs.RealServers {
				s := fmt.Sprintf("%s:%d", rs.IP, rs.Port)
				if rs.Local {
					s += "/local"
				}
				if rs.NodeName != "" {
					s += "/" + rs.NodeName
				}
				if rs.HostNetwork {
					s += "/hostNetwork"
				}
				rss = append(rss, s)
			}
			out = append(out, fmt.Sprintf("  %s %s bound=%s rs=[%s]", vs.Role, vs.Key, bound, strings.Join(rss, " ")))
		}
	}
	return out
}

// web is the policy tests' LoadBalancer Service: eTP Local, load balancer
// IP 47.1.1.1 and external IP 192.0.2.10 (both on node-a's kube-ipvs0),
// NodePort 30080, health check node port 32000, ready endpoints on node-b.
func policyWeb(eps ...policyEP) policySvc {
	return policySvc{name: "web", typ: "LoadBalancer", etp: "Local", itp: "Cluster", clusterIP: "10.96.100.10",
		nodePort: 30080, hcnp: 32000, externalIPs: []string{"192.0.2.10"}, ingress: []string{"47.1.1.1"}, eps: eps}
}

// webIPVS is node-a's listing of web's virtual services, each with rss.
func webIPVS(rss string) string {
	return "TCP  192.168.10.11:30080 rr\n" + rss +
		"TCP  10.96.100.10:80 rr\n  -> 10.244.2.5:8080              Masq    1      0          0\n" +
		"TCP  47.1.1.1:80 rr\n" + rss +
		"TCP  192.0.2.10:80 rr\n" + rss
}

const remoteRS = "  -> 10.244.2.5:8080              Masq    1      0          0\n"

var (
	readyB       = policyEP{ip: "10.244.2.5", node: "node-b", ready: true, pod: "web-b"}
	readyA       = policyEP{ip: "10.244.1.5", node: "node-a", ready: true, pod: "web-1"}
	notReadyC    = policyEP{ip: "10.244.3.9", node: "node-c"}
	terminatingA = policyEP{ip: "10.244.1.5", node: "node-a", terminating: true, pod: "web-1"}
)

// TestLocalPolicyGaps checks which Services node-a lists as Local policies
// without a local ready endpoint, and which of their virtual services each
// policy governs there (B5, B6, B7, B9).
func TestLocalPolicyGaps(t *testing.T) {
	ipvs0 := "nodes/node-a/ip-addr.txt"
	etpGap := []string{
		"default/web readyRemote=1",
		"  externalIP TCP/192.0.2.10:80 bound=" + ipvs0 + ":21 rs=[10.244.2.5:8080/node-b]",
		"  nodePort TCP/192.168.10.11:30080 bound=- rs=[10.244.2.5:8080/node-b]",
		"  loadBalancer TCP/47.1.1.1:80 bound=" + ipvs0 + ":19 rs=[10.244.2.5:8080/node-b]",
	}
	itpOnly := func(itp string) policySvc {
		s := policyWeb(readyB)
		s.etp, s.itp = "Cluster", itp
		return s
	}
	clusterIPOnly := policySvc{name: "cache", typ: "ClusterIP", itp: "Local", clusterIP: "10.96.100.10", eps: []policyEP{readyB, notReadyC}}
	itpGap := []string{"default/cache readyRemote=1", "  clusterIP TCP/10.96.100.10:80 bound=" + ipvs0 + ":17 rs=[]"}
	tests := []struct {
		name    string
		version string
		svcs    []policySvc
		ipvsadm string
		drop    string // a file to delete
		want    []string
	}{
		{name: "eTP Local, endpoints elsewhere: the external roles", version: "v1.24.0",
			svcs: []policySvc{policyWeb(readyB, notReadyC)}, ipvsadm: webIPVS(remoteRS), want: etpGap},
		{name: "the gap does not depend on the version", version: "v1.23.17",
			svcs: []policySvc{policyWeb(readyB, notReadyC)}, ipvsadm: webIPVS(remoteRS), want: etpGap},
		{name: "a local ready endpoint: no gap", version: "v1.24.0",
			svcs: []policySvc{policyWeb(readyA, readyB)}, ipvsadm: webIPVS(remoteRS), want: []string{}},
		{name: "only a terminating endpoint here: a gap that lists it", version: "v1.26.0",
			svcs:    []policySvc{policyWeb(terminatingA, readyB)},
			ipvsadm: webIPVS("  -> 10.244.1.5:8080              Masq    1      0          0\n"),
			want: []string{
				"default/web readyRemote=1",
				"  externalIP TCP/192.0.2.10:80 bound=" + ipvs0 + ":21 rs=[10.244.1.5:8080/local/node-a]",
				"  nodePort TCP/192.168.10.11:30080 bound=- rs=[10.244.1.5:8080/local/node-a]",
				"  loadBalancer TCP/47.1.1.1:80 bound=" + ipvs0 + ":19 rs=[10.244.1.5:8080/local/node-a]",
			}},
		{name: "no ready endpoint anywhere: readyRemote 0", version: "v1.24.0",
			svcs: []policySvc{policyWeb(notReadyC)}, ipvsadm: webIPVS(""),
			want: []string{
				"default/web readyRemote=0",
				"  externalIP TCP/192.0.2.10:80 bound=" + ipvs0 + ":21 rs=[]",
				"  nodePort TCP/192.168.10.11:30080 bound=- rs=[]",
				"  loadBalancer TCP/47.1.1.1:80 bound=" + ipvs0 + ":19 rs=[]",
			}},
		{name: "an endpoint without node counts as remote", version: "v1.24.0",
			svcs: []policySvc{policyWeb(policyEP{ip: "10.244.2.5", ready: true})}, ipvsadm: webIPVS(remoteRS),
			want: []string{
				"default/web readyRemote=1",
				"  externalIP TCP/192.0.2.10:80 bound=" + ipvs0 + ":21 rs=[10.244.2.5:8080]",
				"  nodePort TCP/192.168.10.11:30080 bound=- rs=[10.244.2.5:8080]",
				"  loadBalancer TCP/47.1.1.1:80 bound=" + ipvs0 + ":19 rs=[10.244.2.5:8080]",
			}},
		{name: "hostNetwork backend: a node address", version: "v1.24.0",
			svcs:    []policySvc{policyWeb(policyEP{ip: "192.168.10.12", node: "node-b", ready: true})},
			ipvsadm: webIPVS("  -> 192.168.10.12:8080           Masq    1      0          0\n"),
			want: []string{
				"default/web readyRemote=1",
				"  externalIP TCP/192.0.2.10:80 bound=" + ipvs0 + ":21 rs=[192.168.10.12:8080/node-b/hostNetwork]",
				"  nodePort TCP/192.168.10.11:30080 bound=- rs=[192.168.10.12:8080/node-b/hostNetwork]",
				"  loadBalancer TCP/47.1.1.1:80 bound=" + ipvs0 + ":19 rs=[192.168.10.12:8080/node-b/hostNetwork]",
			}},
		{name: "endpoints not captured: no gap", version: "v1.24.0", drop: "cluster/endpointslices.yaml",
			svcs: []policySvc{policyWeb(readyB)}, ipvsadm: webIPVS(remoteRS), want: []string{}},
		{name: "eTP Cluster: not listed", version: "v1.24.0",
			svcs: []policySvc{itpOnly("Cluster")}, ipvsadm: webIPVS(remoteRS), want: []string{}},
		{name: "iTP Local of an externally accessible Service: the ClusterIP only", version: "v1.24.0",
			svcs: []policySvc{itpOnly("Local")}, ipvsadm: webIPVS(remoteRS),
			want: []string{"default/web readyRemote=1", "  clusterIP TCP/10.96.100.10:80 bound=" + ipvs0 + ":17 rs=[10.244.2.5:8080/node-b]"}},
		{name: "both Local: every role", version: "v1.23.0",
			svcs: []policySvc{func() policySvc { s := policyWeb(readyB); s.itp = "Local"; return s }()}, ipvsadm: webIPVS(remoteRS),
			want: []string{
				"default/web readyRemote=1",
				"  clusterIP TCP/10.96.100.10:80 bound=" + ipvs0 + ":17 rs=[10.244.2.5:8080/node-b]",
				"  externalIP TCP/192.0.2.10:80 bound=" + ipvs0 + ":21 rs=[10.244.2.5:8080/node-b]",
				"  nodePort TCP/192.168.10.11:30080 bound=- rs=[10.244.2.5:8080/node-b]",
				"  loadBalancer TCP/47.1.1.1:80 bound=" + ipvs0 + ":19 rs=[10.244.2.5:8080/node-b]",
			}},
		// internalTrafficPolicy is beta and on by default from 1.22; before,
		// kube-proxy does not apply it (B9).
		{name: "iTP Local at 1.22.0: governs the ClusterIP", version: "v1.22.0",
			svcs: []policySvc{clusterIPOnly}, ipvsadm: "TCP  10.96.100.10:80 rr\n", want: itpGap},
		{name: "iTP Local at 1.21.14: governs nothing", version: "v1.21.14",
			svcs: []policySvc{clusterIPOnly}, ipvsadm: "TCP  10.96.100.10:80 rr\n",
			want: []string{"default/cache readyRemote=1"}},
		{name: "iTP Local at an unknown version: governs the ClusterIP",
			svcs: []policySvc{clusterIPOnly}, ipvsadm: "TCP  10.96.100.10:80 rr\n", want: itpGap},
		{name: "no listing: the gap without virtual services", version: "v1.24.0", drop: "nodes/node-a/ipvsadm.txt",
			svcs: []policySvc{clusterIPOnly}, want: []string{"default/cache readyRemote=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := policyFiles(tt.version, tt.svcs, tt.ipvsadm, "")
			if tt.drop != "" {
				delete(files, tt.drop)
			}
			doc := build(t, files, Options{})
			if got := describeGaps(doc.Nodes["node-a"].LocalPolicy); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("node-a localPolicy:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestServiceSummaries checks which Services cluster.loadBalancers and
// cluster.localPolicies list, and the summaries' facts.
func TestServiceSummaries(t *testing.T) {
	type summary struct {
		lb, local, accessible, known, hostNetwork bool
		nodes                                     []string
	}
	tests := []struct {
		name string
		svc  policySvc
		drop string
		want summary
	}{
		{name: "LoadBalancer, eTP Local", svc: policyWeb(readyB, readyA, notReadyC),
			want: summary{lb: true, local: true, accessible: true, known: true, nodes: []string{"node-a", "node-b"}}},
		{name: "LoadBalancer, eTP Cluster", svc: func() policySvc { s := policyWeb(readyB); s.etp = "Cluster"; return s }(),
			want: summary{lb: true, accessible: true, known: true, nodes: []string{"node-b"}}},
		{name: "ClusterIP with an external IP",
			svc:  policySvc{name: "ext", typ: "ClusterIP", clusterIP: "10.96.7.7", externalIPs: []string{"192.0.2.10"}, eps: []policyEP{readyB}},
			want: summary{lb: true, accessible: true, known: true, nodes: []string{"node-b"}}},
		{name: "NodePort, eTP Local",
			svc:  policySvc{name: "np", typ: "NodePort", etp: "Local", clusterIP: "10.96.7.7", nodePort: 30999, eps: []policyEP{readyB}},
			want: summary{local: true, accessible: true, known: true, nodes: []string{"node-b"}}},
		{name: "ClusterIP, iTP Local",
			svc:  policySvc{name: "cache", typ: "ClusterIP", itp: "Local", clusterIP: "10.96.7.7", eps: []policyEP{readyB}},
			want: summary{local: true, known: true, nodes: []string{"node-b"}}},
		{name: "hostname-only ingress and no NodePort: not externally accessible",
			svc:  policySvc{name: "lb", typ: "LoadBalancer", etp: "Local", clusterIP: "10.96.7.7", ingress: []string{"hostname:lb.example.com"}, eps: []policyEP{readyB}},
			want: summary{lb: true, local: true, known: true, nodes: []string{"node-b"}}},
		{name: "ready endpoint without node, hostNetwork endpoint",
			svc: policySvc{name: "np", typ: "NodePort", etp: "Local", clusterIP: "10.96.7.7", nodePort: 30999,
				eps: []policyEP{{ip: "10.244.9.9", ready: true}, {ip: "192.168.10.12", node: "node-b", ready: true}}},
			want: summary{local: true, accessible: true, known: true, hostNetwork: true, nodes: []string{"", "node-b"}}},
		{name: "endpoints not captured", svc: policyWeb(readyB), drop: "cluster/endpointslices.yaml",
			want: summary{lb: true, local: true, accessible: true, nodes: []string{}}},
		{name: "ClusterIP, policies Cluster: neither",
			svc:  policySvc{name: "plain", typ: "ClusterIP", etp: "", itp: "Cluster", clusterIP: "10.96.7.7", eps: []policyEP{readyB}},
			want: summary{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := policyFiles("v1.28.0", []policySvc{tt.svc}, "", "")
			if tt.drop != "" {
				delete(files, tt.drop)
			}
			c := build(t, files, Options{}).Cluster
			key := "default/" + tt.svc.name
			lb, local := c.LoadBalancers[key], c.LocalPolicies[key]
			got := summary{lb: lb != nil, local: local != nil}
			s := lb
			if s == nil {
				s = local
			}
			if lb != nil && local != nil && lb != local {
				t.Errorf("loadBalancers and localPolicies hold different summaries of %s", key)
			}
			if s != nil {
				got.accessible, got.known, got.hostNetwork, got.nodes = s.ExternallyAccessible, s.EndpointsKnown, s.HostNetworkReady, s.ReadyEndpointNodes
				if s.HealthCheckNodePort != tt.svc.hcnp || s.Type != tt.svc.typ {
					t.Errorf("healthCheckNodePort %d, type %s; want %d, %s", s.HealthCheckNodePort, s.Type, tt.svc.hcnp, tt.svc.typ)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("summary = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// ctFlow is a conntrack line of a TCP flow from src to dst:dport, answered
// by rs (from 10.244.2.5:8080 when ""), unreplied or established.
func ctFlow(src, dst string, dport int, unreplied bool) string {
	if unreplied {
		return fmt.Sprintf("ipv4     2 tcp      6 118 SYN_SENT src=%s dst=%s sport=40000 dport=%d [UNREPLIED] src=10.244.2.5 dst=%s sport=8080 dport=40000 mark=0 use=1\n", src, dst, dport, src)
	}
	return fmt.Sprintf("ipv4     2 tcp      6 86399 ESTABLISHED src=%s dst=%s sport=40000 dport=%d src=10.244.2.5 dst=%s sport=8080 dport=40000 [ASSURED] mark=0 use=1\n", src, dst, dport, src)
}

// TestDestFlows checks the conntrack summary of a virtual service a Local
// policy governs: which clients are outside the cluster, from the 32 the
// summary keeps, and which are the address itself.
func TestDestFlows(t *testing.T) {
	type flows struct {
		flows, self, outside, unlisted int
		selfLines, outsideLines        []int
	}
	svc := policyWeb(readyB, policyEP{ip: "172.16.5.5", node: "node-c"})
	mixed := ctFlow("198.51.100.23", "192.168.10.11", 30080, true) + // outside
		ctFlow("10.244.2.7", "192.168.10.11", 30080, false) + // a pod of node-b's pod CIDR
		ctFlow("192.168.10.12", "192.168.10.11", 30080, false) + // node-b
		ctFlow("172.16.5.5", "192.168.10.11", 30080, false) + // an endpoint outside the CIDRs
		ctFlow("172.16.9.9", "192.168.10.11", 30080, false) + // a pod of pods.yaml outside the CIDRs
		ctFlow("198.51.100.24", "192.168.10.11", 30080, false) + // outside
		ctFlow("10.96.100.10", "192.168.10.11", 30080, false) + // an address of node-a (kube-ipvs0)
		ctFlow("47.1.1.1", "47.1.1.1", 80, true) // a host process of node-a to the load balancer IP
	many := ""
	for i := range 40 {
		many += ctFlow(fmt.Sprintf("198.51.100.%d", i+1), "192.168.10.11", 30080, false)
	}
	noClusterCIDR := strings.Replace(fixture["cluster/kube-proxy-config.yaml"], "clusterCIDR: 10.244.0.0/16", "clusterCIDR: \"\"", 1)
	tests := []struct {
		name      string
		conntrack string
		files     map[string]string // replaced (or deleted when "") after the policy files
		key       string
		want      flows
	}{
		{name: "outside clients among cluster ones", conntrack: mixed, key: "TCP/192.168.10.11:30080",
			want: flows{flows: 7, outside: 2, selfLines: []int{}, outsideLines: []int{1}}},
		{name: "a pod CIDR without clusterCIDR", conntrack: mixed, key: "TCP/192.168.10.11:30080",
			files: map[string]string{"cluster/kube-proxy-config.yaml": noClusterCIDR},
			want:  flows{flows: 7, outside: 2, selfLines: []int{}, outsideLines: []int{1}}},
		{name: "the load balancer IP's own host clients", conntrack: mixed, key: "TCP/47.1.1.1:80",
			want: flows{flows: 1, self: 1, selfLines: []int{8}, outsideLines: []int{}}},
		{name: "outside clients in XML", conntrack: conntrackXML(mixed), key: "TCP/192.168.10.11:30080",
			want: flows{flows: 7, outside: 2, selfLines: []int{}, outsideLines: []int{3}}},
		{name: "host clients in XML", conntrack: conntrackXML(mixed), key: "TCP/47.1.1.1:80",
			want: flows{flows: 1, self: 1, selfLines: []int{10}, outsideLines: []int{}}},
		{name: "no Node objects: nothing is known to be outside", conntrack: mixed, key: "TCP/192.168.10.11:30080",
			files: map[string]string{"cluster/nodes.yaml": ""},
			want:  flows{flows: 7, selfLines: []int{}, outsideLines: []int{}}},
		{name: "past 32 distinct clients the flows are unlisted", conntrack: many, key: "TCP/192.168.10.11:30080",
			want: flows{flows: 40, outside: 32, unlisted: 8, selfLines: []int{}, outsideLines: []int{1, 2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := policyFiles("v1.28.0", []policySvc{svc}, webIPVS(remoteRS), tt.conntrack)
			files["cluster/pods.yaml"] = strings.Replace(files["cluster/pods.yaml"], "podIP: 10.244.2.7", "podIP: 172.16.9.9", 1)
			for p, data := range tt.files {
				files[p] = data
				if data == "" {
					delete(files, p)
				}
			}
			doc := build(t, files, Options{})
			var got *DestFlows
			for _, g := range doc.Nodes["node-a"].LocalPolicy {
				for _, vs := range g.VirtualServers {
					if vs.Key == tt.key {
						got = vs.Conntrack
					}
				}
			}
			if got == nil {
				t.Fatalf("no conntrack summary of %s in node-a's localPolicy", tt.key)
			}
			lines := func(ev []Evidence) []int {
				out := []int{}
				for _, e := range ev {
					out = append(out, e.Line)
				}
				return out
			}
			g := flows{flows: got.Flows, self: got.FromSelf, outside: got.FromOutside, unlisted: got.FromUnlisted,
				selfLines: lines(got.SelfSamples), outsideLines: lines(got.OutsideSamples)}
			if !reflect.DeepEqual(g, tt.want) {
				t.Errorf("conntrack of %s = %+v, want %+v", tt.key, g, tt.want)
			}
		})
	}
}
