package input

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// scene is a small bundle of one node, node-a (eth0 10.0.0.1/24, eth1
// 192.0.2.1/24), at v1.28.3: default/web, type LoadBalancer, ClusterIP
// 10.96.100.10, load balancer IP 192.0.2.10, port http 80/TCP to 8080,
// NodePort 30080, ready endpoints 10.244.2.5 on node-b and 10.244.3.7 on
// node-c; kube-system/dns, ClusterIP 10.96.0.10, 53/UDP and 53/TCP, ready
// endpoints 10.244.1.3 on node-a and 10.244.2.3 on node-b. kube-ipvs0 holds
// the three Service addresses and ipvsadm a whole listing of their virtual
// services; conntrack shows one replied DNS flow, ss one sshd. Tests change
// it with edits.
var scene = map[string]string{
	"manifest.json":        `{"format":"ipvslint.bundle/v1","collector":{"name":"test","version":"0"},"createdAt":"2026-11-25T10:15:00Z","node":"node-a","files":[]}`,
	"cluster/version.json": `{"serverVersion": {"major": "1", "minor": "28", "gitVersion": "v1.28.3"}}`,
	"cluster/services.yaml": `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: default
  spec:
    type: LoadBalancer
    clusterIP: 10.96.100.10
    clusterIPs:
    - 10.96.100.10
    externalTrafficPolicy: Cluster
    ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: 8080
      nodePort: 30080
    selector:
      app: web
  status:
    loadBalancer:
      ingress:
      - ip: 192.0.2.10
- apiVersion: v1
  kind: Service
  metadata:
    name: dns
    namespace: kube-system
  spec:
    type: ClusterIP
    clusterIP: 10.96.0.10
    ports:
    - name: dns
      port: 53
      protocol: UDP
    - name: dns-tcp
      port: 53
      protocol: TCP
    selector:
      app: dns
`,
	"cluster/endpointslices.yaml": `apiVersion: v1
kind: List
items:
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata:
    name: web-1
    namespace: default
    labels:
      kubernetes.io/service-name: web
  addressType: IPv4
  endpoints:
  - addresses: [10.244.2.5]
    conditions: {ready: true}
    nodeName: node-b
  - addresses: [10.244.3.7]
    conditions: {ready: true}
    nodeName: node-c
  ports:
  - name: http
    port: 8080
    protocol: TCP
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata:
    name: dns-1
    namespace: kube-system
    labels:
      kubernetes.io/service-name: dns
  addressType: IPv4
  endpoints:
  - addresses: [10.244.1.3]
    conditions: {ready: true}
    nodeName: node-a
  - addresses: [10.244.2.3]
    conditions: {ready: true}
    nodeName: node-b
  ports:
  - name: dns
    port: 53
    protocol: UDP
  - name: dns-tcp
    port: 53
    protocol: TCP
`,
	"nodes/node-a/ip-addr.txt": `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    inet 127.0.0.1/8 scope host lo
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0
3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
    inet 192.0.2.1/24 brd 192.0.2.255 scope global eth1
5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
    inet 10.96.0.10/32 scope global kube-ipvs0
    inet 10.96.100.10/32 scope global kube-ipvs0
    inet 192.0.2.10/32 scope global kube-ipvs0
`,
	"nodes/node-a/ipvsadm.txt": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:30080 rr
  -> 10.244.2.5:8080              Masq    1      0          0
  -> 10.244.3.7:8080              Masq    1      0          0
TCP  10.96.0.10:53 rr
  -> 10.244.1.3:53                Masq    1      0          0
  -> 10.244.2.3:53                Masq    1      0          0
TCP  10.96.100.10:80 rr
  -> 10.244.2.5:8080              Masq    1      0          0
  -> 10.244.3.7:8080              Masq    1      0          0
TCP  192.0.2.10:80 rr
  -> 10.244.2.5:8080              Masq    1      0          0
  -> 10.244.3.7:8080              Masq    1      0          0
UDP  10.96.0.10:53 rr
  -> 10.244.1.3:53                Masq    1      0          0
  -> 10.244.2.3:53                Masq    1      0          0
`,
	"nodes/node-a/conntrack.txt": flow("udp", "", "10.244.1.8:5353", "10.96.0.10:53", "10.244.1.3:53", "10.244.1.8:5353", false),
	"nodes/node-a/ss-listen.txt": "tcp   LISTEN 0      128          0.0.0.0:22         0.0.0.0:*    users:((\"sshd\",pid=700,fd=3))\n",
}

// edit changes one file of a scene: it replaces old by new, or with old
// "" sets the whole file to new (deletes it when new is "" too).
type edit struct{ file, old, new string }

// sceneWith returns a copy of scene with the edits made; an old text that
// the file lacks fails the test.
func sceneWith(t testing.TB, edits ...edit) map[string]string {
	t.Helper()
	out := maps.Clone(scene)
	for _, e := range edits {
		switch {
		case e.old == "" && e.new == "":
			delete(out, e.file)
		case e.old == "":
			out[e.file] = e.new
		case !strings.Contains(out[e.file], e.old):
			t.Fatalf("%s lacks %q", e.file, e.old)
		default:
			out[e.file] = strings.Replace(out[e.file], e.old, e.new, 1)
		}
	}
	return out
}

// conntrack sets node-a's conntrack capture to lines.
func conntrackLines(lines ...string) edit {
	return edit{file: "nodes/node-a/conntrack.txt", new: strings.Join(lines, "")}
}

// flow returns a `conntrack -L` line of proto (tcp or udp) in state (""
// for UDP) from src to dst ("IP:PORT") whose reply tuple goes from rsrc to
// rdst.
func flow(proto, state, src, dst, rsrc, rdst string, unreplied bool) string {
	tuple := func(from, to string) string {
		f, t := netip.MustParseAddrPort(from), netip.MustParseAddrPort(to)
		return fmt.Sprintf("src=%s dst=%s sport=%d dport=%d", f.Addr(), t.Addr(), f.Port(), t.Port())
	}
	head := "ipv4     2 udp      17 25 "
	if proto == "tcp" {
		head = "ipv4     2 tcp      6 118 " + state + " "
	}
	mark := " "
	if unreplied {
		mark = " [UNREPLIED] "
	}
	return head + tuple(src, dst) + mark + tuple(rsrc, rdst) + " mark=0 use=1\n"
}

// conntrackXML returns the flows of `conntrack -L` lines as `conntrack -L
// -o xml` prints them: two header lines, then one flow a line (the flow of
// line i on line i+2).
func conntrackXML(lines string) string {
	var sb strings.Builder
	sb.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n")
	for line := range strings.Lines(lines) {
		fields := strings.Fields(line)
		proto, num := "udp", "17"
		if fields[2] == "tcp" {
			proto, num = "tcp", "6"
		}
		var tuples [][4]string // src, dst, sport, dport of each direction
		var state, flags string
		for _, f := range fields[5:] {
			k, v, ok := strings.Cut(f, "=")
			switch {
			case !ok && f == "[UNREPLIED]":
				flags += "<unreplied/>"
			case !ok && f == "[ASSURED]":
				flags += "<assured/>"
			case !ok:
				state = "<state>" + f + "</state>"
			case k == "src":
				tuples = append(tuples, [4]string{v})
			case k == "dst":
				tuples[len(tuples)-1][1] = v
			case k == "sport":
				tuples[len(tuples)-1][2] = v
			case k == "dport":
				tuples[len(tuples)-1][3] = v
			}
		}
		sb.WriteString("<flow>")
		for i, dir := range []string{"original", "reply"} {
			t := tuples[i]
			fmt.Fprintf(&sb, `<meta direction="%s"><layer3 protonum="2" protoname="ipv4"><src>%s</src><dst>%s</dst></layer3>`+
				`<layer4 protonum="%s" protoname="%s"><sport>%s</sport><dport>%s</dport></layer4></meta>`, dir, t[0], t[1], num, proto, t[2], t[3])
		}
		fmt.Fprintf(&sb, `<meta direction="independent">%s<timeout>%s</timeout>%s</meta></flow>`+"\n", state, fields[4], flags)
	}
	sb.WriteString("</conntrack>\n")
	return sb.String()
}

// syn is a TCP SYN from src to dst that IPVS sent to rs, unanswered.
func syn(src, dst, rs string) string { return flow("tcp", "SYN_SENT", src, dst, rs, src, true) }

// established is a TCP flow from src to dst answered by rs.
func established(src, dst, rs string) string {
	return flow("tcp", "ESTABLISHED", src, dst, rs, src, false)
}

// expectOpts returns the options with the --expect targets.
func expectOpts(t *testing.T, targets ...string) Options {
	t.Helper()
	var opts Options
	for _, s := range targets {
		e, err := ParseExpect(s)
		if err != nil {
			t.Fatal(err)
		}
		opts.Expect = append(opts.Expect, e)
	}
	return opts
}

// factCase is a case of the fact tables: edits of the scene, --expect
// targets, and node-a's facts it should give, each summed up in a line.
type factCase struct {
	name   string
	edits  []edit
	expect []string
	want   []string
}

// checkFacts builds the scene of each case and compares node-a's facts
// that list returns, summed up by describe, with the case's want.
func checkFacts[T any](t *testing.T, cases []factCase, list func(*Node) []T, describe func(T) string) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			doc := build(t, sceneWith(t, tt.edits...), expectOpts(t, tt.expect...))
			var got []string
			for _, x := range list(doc.Nodes["node-a"]) {
				got = append(got, describe(x))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("facts:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// unservedString sums up an unserved port: address, owners, served
// virtual services, uses and listener.
func unservedString(p UnservedPort) string {
	var owners, served, uses []string
	for _, o := range p.Owners {
		owners = append(owners, o.Service+" "+o.Role)
	}
	for _, v := range p.Served {
		served = append(served, v.Key)
	}
	for _, u := range p.Uses {
		s := fmt.Sprintf("%s %d", u.Source, u.Count)
		if u.ProvesStack {
			s += " proves-stack"
		}
		uses = append(uses, fmt.Sprintf("%s (%d samples)", s, len(u.Evidence)))
	}
	listener := "none"
	if l := p.Listener; l != nil {
		listener = fmt.Sprintf("%s %q %q :%d line %d", l.Protocol, l.IP, l.Wildcard, l.Port, l.Line)
	}
	return fmt.Sprintf("%s/%s:%d owners=%v bound=%d served=%v uses=%v listener=%s",
		p.Protocol, p.IP, p.Port, owners, p.Bound.Line, served, uses, listener)
}

// leftOutService puts before node-a's first virtual service one whose
// service line the parser leaves out (an address redacted to a
// placeholder): the listing then lacks a virtual service it may hold.
var leftOutService = edit{"nodes/node-a/ipvsadm.txt", "TCP  10.96.0.10:53 rr\n",
	"TCP  <LB-IP>:443 rr\n  -> 10.244.2.5:8443              Masq    1      0          0\nTCP  10.96.0.10:53 rr\n"}

func TestUnservedPorts(t *testing.T) {
	pod443 := established("10.244.1.8:41000", "192.0.2.10:443", "192.0.2.10:443")
	hostSyn443 := syn("192.0.2.10:41002", "192.0.2.10:443", "192.0.2.10:443")
	podSyn443 := syn("10.244.1.8:41004", "192.0.2.10:443", "192.0.2.10:443")
	healthCheck := func(port int) edit {
		return edit{"cluster/services.yaml", "    externalTrafficPolicy: Cluster\n", fmt.Sprintf("    externalTrafficPolicy: Local\n    healthCheckNodePort: %d\n", port)}
	}
	checkFacts(t, []factCase{
		{name: "no use", want: nil},
		{name: "replied flows from a pod prove the node's stack", edits: []edit{conntrackLines(pod443, pod443)},
			want: []string{"TCP/192.0.2.10:443 owners=[default/web loadBalancer] bound=10 served=[TCP/192.0.2.10:80] uses=[conntrack 2 proves-stack (2 samples)] listener=none"}},
		{name: "host SYNs alone prove nothing", edits: []edit{conntrackLines(hostSyn443, hostSyn443)},
			want: []string{"TCP/192.0.2.10:443 owners=[default/web loadBalancer] bound=10 served=[TCP/192.0.2.10:80] uses=[conntrack 2 (2 samples)] listener=none"}},
		{name: "an unreplied SYN from a pod proves the node's stack", edits: []edit{conntrackLines(podSyn443)},
			want: []string{"TCP/192.0.2.10:443 owners=[default/web loadBalancer] bound=10 served=[TCP/192.0.2.10:80] uses=[conntrack 1 proves-stack (1 samples)] listener=none"}},
		{name: "expect", expect: []string{"192.0.2.10:8443"},
			want: []string{"TCP/192.0.2.10:8443 owners=[default/web loadBalancer] bound=10 served=[TCP/192.0.2.10:80] uses=[expect 0 (0 samples)] listener=none"}},
		{name: "conntrack and expect make one port, conntrack first", edits: []edit{conntrackLines(pod443)}, expect: []string{"192.0.2.10:443"},
			want: []string{"TCP/192.0.2.10:443 owners=[default/web loadBalancer] bound=10 served=[TCP/192.0.2.10:80] uses=[conntrack 1 proves-stack (1 samples) expect 0 (0 samples)] listener=none"}},
		{name: "expect of a served port", expect: []string{"192.0.2.10:80"}},
		{name: "expect of an unbound address", expect: []string{"192.0.2.99:443"}},
		{name: "expect of a ClusterIP", expect: []string{"10.96.100.10:443"}},
		{name: "expect with a listing of one virtual service", expect: []string{"192.0.2.10:443"}, edits: []edit{
			{"nodes/node-a/ipvsadm.txt", "", "TCP  192.0.2.10:80 rr\n  -> 10.244.2.5:8080              Masq    1      0          0\n"}}},
		{name: "expect with a service line left out", expect: []string{"192.0.2.10:443"}, edits: []edit{leftOutService}},
		{name: "conntrack with a service line left out", edits: []edit{conntrackLines(pod443), leftOutService},
			want: []string{"TCP/192.0.2.10:443 owners=[default/web loadBalancer] bound=10 served=[TCP/192.0.2.10:80] uses=[conntrack 1 proves-stack (1 samples)] listener=none"}},
		{name: "conntrack with a listing of one virtual service", edits: []edit{conntrackLines(pod443),
			{"nodes/node-a/ipvsadm.txt", "", "TCP  192.0.2.10:80 rr\n  -> 10.244.2.5:8080              Masq    1      0          0\n"}},
			want: []string{"TCP/192.0.2.10:443 owners=[default/web loadBalancer] bound=10 served=[TCP/192.0.2.10:80] uses=[conntrack 1 proves-stack (1 samples)] listener=none"}},
		{name: "the Service's healthCheckNodePort", edits: []edit{conntrackLines(pod443), healthCheck(443)}},
		{name: "another Service's healthCheckNodePort", expect: []string{"10.96.100.10:8443", "192.0.2.10:8443"}, edits: []edit{
			{"cluster/services.yaml", "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: dns\n", "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: other\n    namespace: default\n  spec:\n    type: LoadBalancer\n    externalTrafficPolicy: Local\n    healthCheckNodePort: 8443\n    ports:\n    - port: 9\n      nodePort: 30009\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: dns\n"}}},
		{name: "the node's own address used as load balancer IP", edits: []edit{conntrackLines(pod443),
			{"nodes/node-a/ip-addr.txt", "    inet 192.0.2.1/24 brd", "    inet 192.0.2.10/24 brd"}}},
		{name: "an external IP", expect: []string{"198.51.100.7:443"}, edits: []edit{
			{"cluster/services.yaml", "    externalTrafficPolicy: Cluster\n", "    externalTrafficPolicy: Cluster\n    externalIPs: [198.51.100.7]\n"},
			{"nodes/node-a/ip-addr.txt", "    inet 192.0.2.10/32 scope global kube-ipvs0\n", "    inet 192.0.2.10/32 scope global kube-ipvs0\n    inet 198.51.100.7/32 scope global kube-ipvs0\n"}},
			want: []string{"TCP/198.51.100.7:443 owners=[default/web externalIP] bound=11 served=[] uses=[expect 0 (0 samples)] listener=none"}},
		{name: "a UDP port", edits: []edit{conntrackLines(flow("udp", "", "10.244.1.8:5000", "192.0.2.10:53", "192.0.2.10:53", "10.244.1.8:5000", true))},
			want: []string{"UDP/192.0.2.10:53 owners=[default/web loadBalancer] bound=10 served=[TCP/192.0.2.10:80] uses=[conntrack 1 proves-stack (1 samples)] listener=none"}},
		{name: "without the Services", edits: []edit{conntrackLines(pod443), {"cluster/services.yaml", "", ""}}},
		{name: "without ipvsadm", edits: []edit{conntrackLines(pod443), {"nodes/node-a/ipvsadm.txt", "", ""}}},
	}, func(n *Node) []UnservedPort { return n.Traffic.UnservedPorts }, unservedString)
}

func TestUnservedPortListener(t *testing.T) {
	sshd := "tcp   LISTEN 0      128          0.0.0.0:22         0.0.0.0:*    users:((\"sshd\",pid=700,fd=3))\n"
	tests := []struct {
		name string
		ss   string
		want string
	}{
		{name: "IPv4 wildcard", ss: sshd + "tcp   LISTEN 0      4096         0.0.0.0:443        0.0.0.0:*    users:((\"nginx\",pid=812,fd=6))\n", want: `TCP "" "v4" :443 line 2`},
		{name: "the address first", ss: sshd + "tcp   LISTEN 0      4096         0.0.0.0:443        0.0.0.0:*\ntcp   LISTEN 0      4096      192.0.2.10:443        0.0.0.0:*\n", want: `TCP "192.0.2.10" "" :443 line 3`},
		{name: "any family", ss: "tcp   LISTEN 0      4096               *:443              *:*\n", want: `TCP "" "any" :443 line 1`},
		{name: "an IPv6 wildcard does not take IPv4", ss: "tcp   LISTEN 0      4096            [::]:443           [::]:*\n", want: "none"},
		{name: "another port", ss: "tcp   LISTEN 0      4096               *:8443             *:*\n", want: "none"},
		{name: "another address", ss: "tcp   LISTEN 0      4096        10.0.0.1:443        0.0.0.0:*\n", want: "none"},
		{name: "UDP does not take TCP", ss: "udp   UNCONN 0      0            0.0.0.0:443        0.0.0.0:*\n", want: "none"},
		{name: "no ss capture", want: "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := sceneWith(t, edit{file: "nodes/node-a/ss-listen.txt", new: tt.ss})
			doc := build(t, files, expectOpts(t, "192.0.2.10:443"))
			ports := doc.Nodes["node-a"].Traffic.UnservedPorts
			if len(ports) != 1 {
				t.Fatalf("unserved ports %v, want one", ports)
			}
			got := unservedString(ports[0])
			if _, l, _ := strings.Cut(got, " listener="); l != tt.want {
				t.Errorf("listener %s, want %s", l, tt.want)
			}
		})
	}
}

// TestListenerFor picks among listeners of both families; the scene of
// TestUnservedPortListener drives it through the document.
func TestListenerFor(t *testing.T) {
	ls := []Listener{
		{Protocol: "UDP", Wildcard: "any", Port: 53, Line: 1},
		{Protocol: "TCP", Wildcard: "v6", Port: 443, Line: 2},
		{Protocol: "TCP", Wildcard: "v4", Port: 443, Line: 3},
		{Protocol: "TCP", IP: "fd00::10", Port: 443, Line: 4},
		{Protocol: "TCP", Wildcard: "any", Port: 443, Line: 5},
		{Protocol: "TCP", IP: "192.0.2.10", Port: 443, Line: 6},
	}
	tests := []struct {
		protocol, ip string
		port         int
		want         int // line, 0 for none
	}{
		{"TCP", "192.0.2.10", 443, 6},
		{"TCP", "192.0.2.11", 443, 3},
		{"TCP", "fd00::10", 443, 4},
		{"TCP", "fd00::11", 443, 2},
		{"UDP", "fd00::11", 53, 1},
		{"TCP", "192.0.2.10", 53, 0},
		{"UDP", "192.0.2.10", 443, 0},
	}
	for _, tt := range tests {
		got := 0
		if l := ListenerFor(ls, tt.protocol, tt.ip, tt.port); l != nil {
			got = l.Line
		}
		if got != tt.want {
			t.Errorf("ListenerFor(%s %s:%d) is on line %d, want %d", tt.protocol, tt.ip, tt.port, got, tt.want)
		}
	}
}

// unrepliedString sums up an unreplied destination: counts, owners, its
// virtual service's line and its real servers.
func unrepliedString(d UnrepliedDest) string {
	var owners, rss []string
	for _, o := range d.Owners {
		owners = append(owners, strings.TrimSpace(o.Service+" "+o.Role))
	}
	for _, rs := range d.RealServers {
		replied, entry := "null", "null"
		if rs.Replied != nil {
			replied = fmt.Sprint(*rs.Replied)
		}
		if rs.Entry != nil {
			entry = fmt.Sprintf("%d %q", rs.Entry.Line, rs.Entry.Text)
		}
		rss = append(rss, fmt.Sprintf("%s:%d unreplied=%d replied=%s state=%q node=%q entry=%s", rs.IP, rs.Port, rs.Unreplied, replied, rs.State, rs.NodeName, entry))
	}
	vs := "none"
	if len(d.VirtualServer) > 0 {
		vs = fmt.Sprint(d.VirtualServer[0].Line)
	}
	return fmt.Sprintf("%s flows=%d unreplied=%d synSent=%d fromLocal=%d owners=%q vs=%s samples=%d rs=%q",
		d.Key, d.Flows, d.Unreplied, d.SynSent, d.FromLocalUnreplied, owners, vs, len(d.UnrepliedSamples), rss)
}

func TestUnreplied(t *testing.T) {
	const (
		lb   = "192.0.2.10:80"
		pod  = "10.244.1.8:40000"
		web1 = "10.244.2.5:8080"
		web2 = "10.244.3.7:8080"
	)
	ready := func(ip string, conditions string) edit {
		return edit{"cluster/endpointslices.yaml", "  - addresses: [" + ip + "]\n    conditions: {ready: true}", "  - addresses: [" + ip + "]\n    conditions: " + conditions}
	}
	noListing := edit{file: "nodes/node-a/ipvsadm.txt"}
	many := []string{syn(pod, lb, "10.244.9.99:8080")}
	for i := range 32 {
		many = append([]string{established(pod, lb, fmt.Sprintf("10.244.9.%d:8080", i))}, many...)
	}
	checkFacts(t, []factCase{
		{name: "replied flows", edits: []edit{conntrackLines(established(pod, lb, web1))}},
		{name: "UDP", edits: []edit{conntrackLines(flow("udp", "", pod, "10.96.0.10:53", "10.244.2.3:53", pod, true))}},
		{name: "a real server that answers others", edits: []edit{conntrackLines(syn(pod, lb, web1), syn(pod, lb, web1), established(pod, lb, web1), established(pod, lb, web2))},
			want: []string{`TCP/192.0.2.10:80 flows=4 unreplied=2 synSent=2 fromLocal=0 owners=["default/web loadBalancer"] vs=13 samples=2 rs=["10.244.2.5:8080 unreplied=2 replied=1 state=\"ready\" node=\"node-b\" entry=14 \"  -> 10.244.2.5:8080              Masq    1      0          0\""]`}},
		{name: "a real server that answers none, spread", edits: []edit{conntrackLines(syn(pod, lb, web1), syn(pod, lb, web2), syn(pod, lb, web2), established(pod, lb, web1))},
			want: []string{`TCP/192.0.2.10:80 flows=4 unreplied=3 synSent=3 fromLocal=0 owners=["default/web loadBalancer"] vs=13 samples=3 rs=["10.244.2.5:8080 unreplied=1 replied=1 state=\"ready\" node=\"node-b\" entry=14 \"  -> 10.244.2.5:8080              Masq    1      0          0\"" "10.244.3.7:8080 unreplied=2 replied=0 state=\"ready\" node=\"node-c\" entry=15 \"  -> 10.244.3.7:8080              Masq    1      0          0\""]`}},
		{name: "no endpoint, not listed", edits: []edit{conntrackLines(syn(pod, lb, "10.244.9.9:8080"), syn(pod, lb, "10.244.9.9:8080"))},
			want: []string{`TCP/192.0.2.10:80 flows=2 unreplied=2 synSent=2 fromLocal=0 owners=["default/web loadBalancer"] vs=13 samples=2 rs=["10.244.9.9:8080 unreplied=2 replied=0 state=\"no-endpoint\" node=\"\" entry=null"]`}},
		{name: "neither ready nor serving", edits: []edit{conntrackLines(syn(pod, lb, web1)), ready("10.244.2.5", "{ready: false, serving: false}")},
			want: []string{`TCP/192.0.2.10:80 flows=1 unreplied=1 synSent=1 fromLocal=0 owners=["default/web loadBalancer"] vs=13 samples=1 rs=["10.244.2.5:8080 unreplied=1 replied=0 state=\"not-serving\" node=\"node-b\" entry=14 \"  -> 10.244.2.5:8080              Masq    1      0          0\""]`}},
		{name: "terminating", edits: []edit{conntrackLines(syn(pod, lb, web1)), ready("10.244.2.5", "{ready: false, serving: true, terminating: true}")},
			want: []string{`TCP/192.0.2.10:80 flows=1 unreplied=1 synSent=1 fromLocal=0 owners=["default/web loadBalancer"] vs=13 samples=1 rs=["10.244.2.5:8080 unreplied=1 replied=0 state=\"terminating\" node=\"node-b\" entry=14 \"  -> 10.244.2.5:8080              Masq    1      0          0\""]`}},
		{name: "a ready endpoint at another port", edits: []edit{conntrackLines(syn(pod, lb, "10.244.2.5:9090"))},
			want: []string{`TCP/192.0.2.10:80 flows=1 unreplied=1 synSent=1 fromLocal=0 owners=["default/web loadBalancer"] vs=13 samples=1 rs=["10.244.2.5:9090 unreplied=1 replied=0 state=\"other-port\" node=\"node-b\" entry=null"]`}},
		{name: "endpoints not read", edits: []edit{conntrackLines(syn(pod, lb, web1)), {file: "cluster/endpointslices.yaml"}},
			want: []string{`TCP/192.0.2.10:80 flows=1 unreplied=1 synSent=1 fromLocal=0 owners=["default/web loadBalancer"] vs=13 samples=1 rs=["10.244.2.5:8080 unreplied=1 replied=0 state=\"\" node=\"\" entry=14 \"  -> 10.244.2.5:8080              Masq    1      0          0\""]`}},
		{name: "a reply from the address itself names no real server", edits: []edit{conntrackLines(syn("192.0.2.10:41000", lb, lb))},
			want: []string{`TCP/192.0.2.10:80 flows=1 unreplied=1 synSent=1 fromLocal=1 owners=["default/web loadBalancer"] vs=13 samples=1 rs=[]`}},
		{name: "past the reply sources counted", edits: []edit{conntrackLines(many...)},
			want: []string{`TCP/192.0.2.10:80 flows=33 unreplied=1 synSent=1 fromLocal=0 owners=["default/web loadBalancer"] vs=13 samples=1 rs=["10.244.9.99:8080 unreplied=1 replied=null state=\"no-endpoint\" node=\"\" entry=null"]`}},
		{name: "a port of no Service", edits: []edit{conntrackLines(syn("10.0.0.9:50000", "10.0.0.1:22", "10.0.0.1:22"))},
			want: []string{`TCP/10.0.0.1:22 flows=1 unreplied=1 synSent=1 fromLocal=0 owners=[] vs=none samples=1 rs=[]`}},
		{name: "NodePort without ipvsadm", edits: []edit{conntrackLines(syn("198.51.100.23:40131", "10.0.0.1:30080", web1)), noListing},
			want: []string{`TCP/10.0.0.1:30080 flows=1 unreplied=1 synSent=1 fromLocal=0 owners=["default/web nodePort"] vs=none samples=1 rs=["10.244.2.5:8080 unreplied=1 replied=0 state=\"ready\" node=\"node-b\" entry=null"]`}},
		{name: "ClusterIP without ipvsadm", edits: []edit{conntrackLines(syn(pod, "10.96.0.10:53", "10.244.1.3:53")), noListing},
			want: []string{`TCP/10.96.0.10:53 flows=1 unreplied=1 synSent=1 fromLocal=0 owners=["kube-system/dns clusterIP"] vs=none samples=1 rs=["10.244.1.3:53 unreplied=1 replied=0 state=\"ready\" node=\"node-a\" entry=null"]`}},
		{name: "a virtual service of no Service", edits: []edit{conntrackLines(syn(pod, "10.96.50.50:80", "10.244.9.9:80")),
			{"nodes/node-a/ipvsadm.txt", "UDP  10.96.0.10:53 rr\n", "TCP  10.96.50.50:80 rr\n  -> 10.244.9.9:80                Masq    1      0          0\nUDP  10.96.0.10:53 rr\n"},
			{"nodes/node-a/ip-addr.txt", "    inet 192.0.2.10/32", "    inet 10.96.50.50/32 scope global kube-ipvs0\n    inet 192.0.2.10/32"}},
			want: []string{`TCP/10.96.50.50:80 flows=1 unreplied=1 synSent=1 fromLocal=0 owners=[""] vs=16 samples=1 rs=["10.244.9.9:80 unreplied=1 replied=0 state=\"\" node=\"\" entry=17 \"  -> 10.244.9.9:80                Masq    1      0          0\""]`}},
	}, func(n *Node) []UnrepliedDest { return n.Traffic.Unreplied }, unrepliedString)
}

// staleString sums up a stale UDP destination.
func staleString(d StaleUDPDest) string {
	var lines []int
	for _, s := range d.Samples {
		lines = append(lines, s.Line)
	}
	return fmt.Sprintf("%s owner=%s %s stale=%v vs=%d samples=%v", d.Key, d.Owner.Service, d.Owner.Role, d.Stale, len(d.VirtualServer), lines)
}

func TestStaleUDP(t *testing.T) {
	dns := func(sport int, rs string) string {
		client := fmt.Sprintf("10.244.1.8:%d", sport)
		return flow("udp", "", client, "10.96.0.10:53", rs, client, false)
	}
	current := []string{dns(5001, "10.244.1.3:53"), dns(5002, "10.244.2.3:53")}
	checkFacts(t, []factCase{
		{name: "current endpoints", edits: []edit{conntrackLines(current...)}},
		{name: "a former endpoint", edits: []edit{conntrackLines(append(current, dns(5003, "10.244.3.3:53"), dns(5004, "10.244.3.3:53"))...)},
			want: []string{"UDP/10.96.0.10:53 owner=kube-system/dns clusterIP stale=map[10.244.3.3:2] vs=1 samples=[3]"}},
		{name: "a former endpoint in XML", edits: []edit{{file: "nodes/node-a/conntrack.txt",
			new: conntrackXML(strings.Join(append(current, dns(5003, "10.244.3.3:53"), dns(5004, "10.244.3.3:53")), ""))}},
			want: []string{"UDP/10.96.0.10:53 owner=kube-system/dns clusterIP stale=map[10.244.3.3:2] vs=1 samples=[5]"}},
		{name: "samples of stale flows past the kept ones", edits: []edit{conntrackLines(append(current, dns(5003, "10.244.1.3:53"), dns(5004, "10.244.3.3:53"))...)},
			want: []string{"UDP/10.96.0.10:53 owner=kube-system/dns clusterIP stale=map[10.244.3.3:1] vs=1 samples=[1 2 3]"}},
		{name: "a not ready endpoint", edits: []edit{conntrackLines(current...),
			{"cluster/endpointslices.yaml", "  - addresses: [10.244.1.3]\n    conditions: {ready: true}", "  - addresses: [10.244.1.3]\n    conditions: {ready: false}"}},
			want: []string{"UDP/10.96.0.10:53 owner=kube-system/dns clusterIP stale=map[10.244.1.3:1] vs=1 samples=[1]"}},
		{name: "a terminating endpoint that serves", edits: []edit{conntrackLines(current...),
			{"cluster/endpointslices.yaml", "  - addresses: [10.244.1.3]\n    conditions: {ready: true}", "  - addresses: [10.244.1.3]\n    conditions: {ready: false, serving: true, terminating: true}"}}},
		{name: "flows the node answered itself", edits: []edit{conntrackLines(flow("udp", "", "10.244.1.8:5001", "10.96.0.10:53", "10.96.0.10:53", "10.244.1.8:5001", true))}},
		{name: "TCP", edits: []edit{conntrackLines(established("10.244.1.8:5001", "10.96.0.10:53", "10.244.3.3:53"))}},
		{name: "endpoints not read", edits: []edit{conntrackLines(dns(5003, "10.244.3.3:53")), {file: "cluster/endpointslices.yaml"}}},
		{name: "without ipvsadm", edits: []edit{conntrackLines(dns(5003, "10.244.3.3:53")), {file: "nodes/node-a/ipvsadm.txt"}},
			want: []string{"UDP/10.96.0.10:53 owner=kube-system/dns clusterIP stale=map[10.244.3.3:1] vs=0 samples=[1]"}},
	}, func(n *Node) []StaleUDPDest { return n.Traffic.StaleUDP }, staleString)
}
