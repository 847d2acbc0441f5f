package input

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/internal/gen"
)

// largeSnapshot reads a generated bundle of 5 nodes and 10,000 Services
// (19,000 virtual services per node) with 100,000 flows on one node.
func largeSnapshot(b *testing.B) *snapshot.Snapshot {
	b.Helper()
	snap, err := gen.Snapshot(gen.Config{Nodes: 5, Services: 10000, Flows: 100000, OtherFlows: 20, Seed: 1}, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return snap
}

// BenchmarkBuild builds the document of a large cluster as analyze does for
// the built-in rules (the model, no inventory) and whole (--dump-input).
//
//	go test -run '^$' -bench Build -benchmem ./analyze/input
func BenchmarkBuild(b *testing.B) {
	snap := largeSnapshot(b)
	model := docpath.MustParse("input.cluster.version", "input.nodes[_].diff", "input.nodes[_].traffic")
	for _, bb := range []struct {
		name  string
		reads *docpath.Set
	}{{"model", model}, {"whole", nil}} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Build(snap, Options{Reads: bb.reads}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bigService returns the scene with default/web's two endpoints replaced
// by n ready ones on node-b, every one listed on the four virtual services
// of default/web on node-a.
func bigService(b *testing.B, n int) *snapshot.Snapshot {
	var eps, rss strings.Builder
	for i := range n {
		ip := fmt.Sprintf("10.%d.%d.%d", 100+i/65536, i/256%256, i%256)
		fmt.Fprintf(&eps, "  - addresses: [%s]\n    conditions: {ready: true}\n    nodeName: node-b\n", ip)
		fmt.Fprintf(&rss, "  -> %s:8080              Masq    1      0          0\n", ip)
	}
	listing := "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	for _, vs := range []string{"10.0.0.1:30080", "192.0.2.1:30080", "10.96.100.10:80", "192.0.2.10:80"} {
		listing += "TCP  " + vs + " rr\n" + rss.String()
	}
	return snap(b, sceneWith(b,
		edit{"cluster/endpointslices.yaml", "  - addresses: [10.244.2.5]\n    conditions: {ready: true}\n    nodeName: node-b\n  - addresses: [10.244.3.7]\n    conditions: {ready: true}\n    nodeName: node-c\n", eps.String()},
		edit{"nodes/node-a/ipvsadm.txt", "", listing}))
}

// BenchmarkBuildBigService builds the document of a node whose virtual
// services list a Service's many endpoints: the time grows with the
// endpoints, not with their square.
//
//	go test -run '^$' -bench BigService -benchmem ./analyze/input
func BenchmarkBuildBigService(b *testing.B) {
	for _, n := range []int{1000, 4000} {
		snap := bigService(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				doc, err := Build(snap, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if got := len(doc.Nodes["node-a"].VirtualServers["TCP/10.96.100.10:80"].RealServers); got != n {
					b.Fatalf("%d real servers, want %d", got, n)
				}
			}
		})
	}
}
