package input

import (
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
