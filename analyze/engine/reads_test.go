package engine

import (
	"context"
	"os"
	"path"
	"slices"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/internal/gen"
)

// TestPayForWhatYouRead checks that a pack reading the virtual services
// of the inventory sees every one of every node, and that a pack reading
// only the model gets no inventory built or converted.
func TestPayForWhatYouRead(t *testing.T) {
	snap, err := gen.Snapshot(gen.Config{Nodes: 3, Services: 120, Flows: 500, OtherFlows: 50, Seed: 3}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pack := func(name string) *Engine {
		dir := path.Join("testdata", "inventory", name)
		e, err := New(Options{NoBuiltin: true, Packs: []Pack{{Name: dir, FS: os.DirFS(dir)}}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	all := pack("all")
	doc, err := input.Build(snap, input.Options{Reads: all.Reads()})
	if err != nil {
		t.Fatal(err)
	}
	found, err := all.Evaluate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, n := range snap.Nodes {
		want += len(n.IPVS.Services)
		if doc.Nodes[n.Name].VirtualServers == nil || doc.Nodes[n.Name].Conntrack != nil {
			t.Errorf("%s: the document built the wrong parts of the inventory", n.Name)
		}
	}
	if want < 300 || len(found) != want {
		t.Errorf("the pack saw %d virtual services, the captures hold %d", len(found), want)
	}

	facts := pack("facts")
	doc, err = input.Build(snap, input.Options{Reads: facts.Reads()})
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range doc.Nodes {
		if n.VirtualServers != nil || n.IPVS0 != nil || n.Addresses != nil || n.Conntrack != nil || n.VirtualServersByService != nil {
			t.Errorf("%s: a pack that reads only the model got inventory built", name)
		}
	}
	found, err = facts.Evaluate(context.Background(), doc)
	if err != nil || len(found) != len(snap.Nodes) {
		t.Errorf("%d findings, %v; want one per node", len(found), err)
	}
}

// TestBuiltinReadsNoInventory checks that the built-in pack reads only the
// model and the small facts: no whole node, no Service inventory, no
// node inventory.
func TestBuiltinReadsNoInventory(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := e.Reads()
	if r.Whole() || r.Child("nodes").Whole() || r.Child("nodes").Child("node-a").Whole() || r.Child("cluster").Whole() {
		t.Fatalf("the built-in pack reads whole parts of the document: %q", r.Paths())
	}
	for _, p := range [][]string{
		{"cluster", "services"},
		{"nodes", "node-a", "virtualServers"}, {"nodes", "node-a", "ipvs0"}, {"nodes", "node-a", "addresses"},
		{"nodes", "node-a", "virtualServersByService"}, {"nodes", "node-a", "virtualServersByIP"},
		{"nodes", "node-a", "localEndpoints"}, {"nodes", "node-a", "conntrack", "dests"},
	} {
		if r.Has(p...) {
			t.Errorf("the built-in pack reads %v of the inventory: %q", p, r.Paths())
		}
	}
}

// BenchmarkEvaluateLarge runs the built-in pack over the document of a
// generated 5-node, 10,000-Service bundle with 100,000 flows on one node,
// built as analyze builds it (only what the pack reads).
//
//	go test -run '^$' -bench EvaluateLarge -benchmem ./analyze/engine
func BenchmarkEvaluateLarge(b *testing.B) {
	snap, err := gen.Snapshot(gen.Config{Nodes: 5, Services: 10000, Flows: 100000, OtherFlows: 20, Seed: 1}, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := input.Build(snap, input.Options{Reads: e.Reads()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		found, err := e.Evaluate(context.Background(), doc)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(found)), "findings")
	}
}

// TestCompact checks how a rule's reads are shown: a path read as a whole
// stands for the paths below it, which are left out.
func TestCompact(t *testing.T) {
	tests := []struct {
		all, want []string
	}{
		{nil, []string{}},
		{[]string{"input.nodes[_].name", "input.nodes[_].traffic"}, []string{"input.nodes[_].name", "input.nodes[_].traffic"}},
		{[]string{"input.cluster.nodeNames", "input.cluster.nodeNames[_]"}, []string{"input.cluster.nodeNames"}},
		{[]string{"input.nodes", "input.nodes[_].captures[_].status", "input.nodes[_].name"}, []string{"input.nodes"}},
		{[]string{"input.node", "input.nodes[_].name"}, []string{"input.node", "input.nodes[_].name"}},
	}
	for _, tt := range tests {
		if got := compact(tt.all); !slices.Equal(got, tt.want) {
			t.Errorf("compact(%q) = %q, want %q", tt.all, got, tt.want)
		}
	}
}
