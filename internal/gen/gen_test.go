package gen

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/ipvs"
	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// TestSnapshot reads a generated bundle back with the analyzer, as an
// archive and as a directory, and checks what it holds against what
// kube-proxy would program for the Services it reads.
func TestSnapshot(t *testing.T) {
	cfg := Config{Nodes: 3, Services: 50, Flows: 1000, OtherFlows: DefaultOtherFlows, Seed: 7}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{"bundle.tar.gz", "bundle"} {
		t.Run(out, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), out)
			if err := b.Write(out); err != nil {
				t.Fatal(err)
			}
			snap, err := snapshot.Build([]string{out}, bundle.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkSnapshot(t, snap, cfg, "node-1")
		})
	}
}

// TestFlowsNode puts the flows on another node and uses an older version.
func TestFlowsNode(t *testing.T) {
	cfg := Config{Nodes: 4, Services: 120, Flows: 300, FlowsNode: "node-3", OtherFlows: 1, Seed: 3, Version: "v1.23.17"}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "bundle.tar")
	if err := b.Write(out); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Build([]string{out}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, snap, cfg, "node-3")
}

func checkSnapshot(t *testing.T, snap *snapshot.Snapshot, cfg Config, flowsNode string) {
	t.Helper()
	minor, err := cfg.check() // fills in the default version
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Bundles) != 1 {
		t.Fatalf("%d bundles", len(snap.Bundles))
	}
	if bs := snap.Bundles[0]; len(bs.Warnings) > 0 || len(bs.Ignored) > 0 || bs.Loose {
		t.Errorf("bundle: loose %v, warnings %v, ignored %v", bs.Loose, bs.Warnings, bs.Ignored)
	}
	checkCaptures(t, "cluster", snap.Cluster.Captures, snap.Cluster.Missing)
	objs := snap.Cluster.Objects
	if len(objs.Services) != cfg.Services || len(objs.EndpointSlices) != cfg.Services || len(objs.Nodes) != cfg.Nodes {
		t.Errorf("objects: %d services, %d endpointslices, %d nodes", len(objs.Services), len(objs.EndpointSlices), len(objs.Nodes))
	}
	if v := snap.Cluster.Version; v == nil || v.Server != cfg.Version {
		t.Errorf("version: %+v", v)
	}
	if pc := objs.ProxyConfig; pc == nil || pc.Mode != "ipvs" {
		t.Errorf("kube-proxy config: %+v", pc)
	}
	if len(snap.Nodes) != cfg.Nodes {
		t.Fatalf("%d nodes", len(snap.Nodes))
	}
	for _, n := range snap.Nodes {
		checkCaptures(t, n.Name, n.Captures, n.Missing)
		if n.Addr == nil || n.IPVS == nil || n.Conntrack == nil {
			t.Errorf("%s: ip addr %v, ipvsadm %v, conntrack %v", n.Name, n.Addr != nil, n.IPVS != nil, n.Conntrack != nil)
			continue
		}
		var v4 []netip.Addr
		for _, a := range n.NodeAddrs {
			if a.Is4() {
				v4 = append(v4, a)
			}
		}
		if len(v4) != 3 {
			t.Errorf("%s: IPv4 node addresses %v, want eth0, flannel.1 and cni0", n.Name, v4)
		}
		want, vips := expectedTable(objs, n.Name, v4, minor < 24)
		if got := len(n.IPVS.Services); got != len(want) {
			t.Errorf("%s: %d virtual services, want %d", n.Name, got, len(want))
		}
		checkTable(t, n.Name, n.IPVS.Services, want)
		if len(n.IPVSAddrs) != vips {
			t.Errorf("%s: %d kube-ipvs0 addresses, want %d", n.Name, len(n.IPVSAddrs), vips)
		}

		ct := n.Conntrack
		wantFlows := cfg.OtherFlows
		if n.Name == flowsNode {
			wantFlows = cfg.Flows
			if ct.NonLocal == 0 || ct.Unreplied == 0 || ct.Dests["UDP/10.96.0.10:53"] == nil {
				t.Errorf("%s: %d non-local, %d unreplied, DNS %v: want some of each", n.Name, ct.NonLocal, ct.Unreplied, ct.Dests["UDP/10.96.0.10:53"])
			}
		}
		if ct.Flows != wantFlows || ct.Unkeyed != 0 {
			t.Errorf("%s: %d flows (%d unkeyed), want %d", n.Name, ct.Flows, ct.Unkeyed, wantFlows)
		}
		local := map[netip.Addr]bool{}
		for _, a := range append(n.IPVSAddrs, n.NodeAddrs...) {
			local[a] = true
		}
		keyed := 0
		for key, d := range ct.Dests {
			keyed += d.Flows
			if !local[d.Dst.Addr()] {
				t.Errorf("%s: conntrack key %s is not a local address", n.Name, key)
			}
		}
		if keyed+ct.NonLocal != ct.Flows {
			t.Errorf("%s: %d keyed + %d non-local flows, want %d", n.Name, keyed, ct.NonLocal, ct.Flows)
		}
	}
}

// checkCaptures checks that every capture was read without a problem and
// that no required capture is missing.
func checkCaptures(t *testing.T, where string, caps []*snapshot.Capture, missing []snapshot.Missing) {
	t.Helper()
	for _, c := range caps {
		if c.Status != snapshot.StatusOK || len(c.Warnings) > 0 || c.Unused != "" {
			t.Errorf("%s: %s: status %s %q, unused %q, warnings %v", where, c.Path, c.Status, c.Detail, c.Unused, c.Warnings)
		}
	}
	for _, m := range missing {
		if m.Required {
			t.Errorf("%s: required %s missing: %s", where, m.Name, m.Reason)
		}
	}
}

// expectedTable returns the virtual services kube-proxy programs on node
// for the Services and EndpointSlices read (a ClusterIP one per port, a
// NodePort one per port and node address, a LoadBalancer one per port), as
// "TCP 10.96.0.1:443" → sorted real servers, and the count of addresses it
// binds on kube-ipvs0.
func expectedTable(objs *kube.Objects, node string, nodeAddrs []netip.Addr, before124 bool) (map[string][]string, int) {
	bySvc := map[string]*kube.EndpointSlice{}
	for i, s := range objs.EndpointSlices {
		bySvc[s.Namespace+"/"+s.ServiceName] = &objs.EndpointSlices[i]
	}
	table := map[string][]string{}
	vips := 0
	for _, s := range objs.Services {
		sl := bySvc[s.Namespace+"/"+s.Name]
		var lbIPs []string
		for _, ing := range s.Status.LoadBalancer.Ingress {
			lbIPs = append(lbIPs, ing.IP)
		}
		vips += 1 + len(lbIPs)
		for _, p := range s.Spec.Ports {
			var port int32
			for _, sp := range sl.Ports {
				if *sp.Name == p.Name {
					port = *sp.Port
				}
			}
			var all, local []string
			for _, ep := range sl.Endpoints {
				rs := netip.AddrPortFrom(netip.MustParseAddr(ep.Addresses[0]), uint16(port)).String()
				all = append(all, rs)
				if ep.NodeName != nil && *ep.NodeName == node {
					local = append(local, rs)
				}
			}
			ext := all
			if s.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal && (len(local) > 0 || before124) {
				ext = local
			}
			add := func(addr string, port int32, rs []string) {
				key := fmt.Sprintf("%s %s", p.Protocol, netip.AddrPortFrom(netip.MustParseAddr(addr), uint16(port)))
				table[key] = sortedCopy(rs)
			}
			add(s.Spec.ClusterIP, p.Port, all)
			if p.NodePort != 0 {
				for _, a := range nodeAddrs {
					add(a.String(), p.NodePort, ext)
				}
			}
			for _, ip := range lbIPs {
				add(ip, p.Port, ext)
			}
		}
	}
	return table, vips
}

func checkTable(t *testing.T, node string, got []*ipvs.Service, want map[string][]string) {
	t.Helper()
	bad := 0
	for _, vs := range got {
		key := vs.Protocol + " " + vs.Addr.String()
		var rs []string
		for _, d := range vs.Dests {
			rs = append(rs, d.Addr.String())
		}
		if w, ok := want[key]; !ok || !slices.Equal(sortedCopy(rs), w) {
			if bad++; bad <= 5 {
				t.Errorf("%s: %s real servers %v, want %v (expected: %v)", node, key, rs, w, ok)
			}
		}
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestDeterministic checks that a seed gives the same bytes and another
// seed others.
func TestDeterministic(t *testing.T) {
	gen := func(seed uint64) []byte {
		b, err := New(Config{Nodes: 3, Services: 50, Flows: 1000, OtherFlows: 5, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := b.WriteTarGz(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b, c := gen(42), gen(42), gen(43)
	if !bytes.Equal(a, b) {
		t.Error("seed 42 gave different bytes twice")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 42 and 43 gave the same bytes")
	}
}

// TestWriteDir checks the directory form: the same bytes as the archive's
// entries, and a directory that is not empty refused.
func TestWriteDir(t *testing.T) {
	b, err := New(Config{Nodes: 1, Services: 2, Flows: 10})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := b.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range b.Manifest().Files {
		data, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil || int64(len(data)) != f.Bytes {
			t.Errorf("%s: %d bytes, want %d (%v)", f.Path, len(data), f.Bytes, err)
		}
	}
	if err := b.Write(dir); err == nil || !strings.HasSuffix(err.Error(), ": not empty") {
		t.Errorf("second write: %v, want not empty", err)
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"zero", Config{}, "nodes 0: want at least 1\nservices 0: want at least 2 (kubernetes and kube-dns)"},
		{"version", Config{Nodes: 1, Services: 2, Version: "1.28"}, `version "1.28": want v1.MINOR.PATCH`},
		{"flows node", Config{Nodes: 2, Services: 2, FlowsNode: "node-3"}, `flows node "node-3": not one of node-1 ... node-2`},
		{"negative flows", Config{Nodes: 1, Services: 2, Flows: -1}, "flows -1, other flows 0: want 0 or more"},
		{"too many services", Config{Nodes: 1, Services: 600_000}, "services 600000: want at most 524288, half the service CIDR 10.96.0.0/12"},
		{"too many nodes", Config{Nodes: 1100, Services: 2}, "1100 nodes of /24 pod CIDRs do not fit in the cluster CIDR 10.244.0.0/14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("New: %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestRealServers checks the real servers of the external virtual services
// of an eTP=Local Service, by version (B5, B6, B7).
func TestRealServers(t *testing.T) {
	a, b := &node{name: "node-1"}, &node{name: "node-2"}
	onA := &pod{name: "p", node: a}
	s := &service{typ: "NodePort", local: true, eps: []*pod{onA}}
	for _, tc := range []struct {
		minor int
		n     *node
		want  []*pod
	}{
		{23, a, []*pod{onA}}, {23, b, nil}, {24, a, []*pod{onA}}, {24, b, []*pod{onA}},
	} {
		c := &cluster{minor: tc.minor}
		if got := c.realServers(s, tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("1.%d on %s: %v, want %v", tc.minor, tc.n.name, got, tc.want)
		}
	}
}

// BenchmarkConntrack measures the generation of conntrack lines.
func BenchmarkConntrack(b *testing.B) {
	const flows = 100_000
	cfg := Config{Nodes: 3, Services: 500}
	minor, err := cfg.check()
	if err != nil {
		b.Fatal(err)
	}
	c, err := newCluster(cfg, minor)
	if err != nil {
		b.Fatal(err)
	}
	cw := &countWriter{w: io.Discard}
	if err := c.writeConntrack(cw, c.flowsNode, flows); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(cw.n)
	for b.Loop() {
		if err := c.writeConntrack(io.Discard, c.flowsNode, flows); err != nil {
			b.Fatal(err)
		}
	}
}
