package engine

import (
	"runtime"
	"slices"
	"testing"
	"weak"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/input"
)

// The analysis's nodes tell their size.
var _ Sizer = (*input.Node)(nil)

// handOver is a NodeSplitter that hands its nodes over: once split, only
// the engine refers to them.
type handOver struct{ nodes map[string]any }

func (h *handOver) SplitNodes() (any, map[string]any) {
	nodes := h.nodes
	h.nodes = nil
	return map[string]any{"cluster": map[string]any{}}, nodes
}

// nodeFacts stands for a node's facts.
type nodeFacts struct {
	Name string `json:"name"`
}

// TestPartsLetGo checks that a node's builder lets go of the node's facts
// once it has converted them, and holds the other nodes' facts until their
// turn.
func TestPartsLetGo(t *testing.T) {
	a, b := &nodeFacts{Name: "a"}, &nodeFacts{Name: "b"}
	wa, wb := weak.Make(a), weak.Make(b)
	ps, err := parts(&handOver{nodes: map[string]any{"a": a, "b": b}}, docpath.All())
	if err != nil {
		t.Fatal(err)
	}
	a, b = nil, nil
	if _, err := ps[0].value(); err != nil { // node a, the first by name
		t.Fatal(err)
	}
	runtime.GC()
	if wa.Value() != nil {
		t.Error("node a's facts are held after their conversion")
	}
	if wb.Value() == nil {
		t.Fatal("node b's facts are gone before their conversion")
	}
	if _, err := ps[1].value(); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	if wb.Value() != nil {
		t.Error("node b's facts are held after their conversion")
	}
	runtime.KeepAlive(ps)
}

// sized stands for a node's facts that tell their size.
type sized struct {
	Name string `json:"name"`
	size int
}

func (s *sized) Size() int { return s.size }

// TestLargestFirst checks that Evaluate takes the parts of the largest
// nodes first, the nodes of one size (or none told) by name.
func TestLargestFirst(t *testing.T) {
	nodes := map[string]any{"a": &sized{"a", 1}, "b": &sized{"b", 5}, "c": &nodeFacts{"c"}, "d": &sized{"d", 5}}
	ps, err := parts(&handOver{nodes: nodes}, docpath.All())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := largestFirst(ps), []int{1, 3, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("largestFirst = %v, want %v", got, want)
	}
}
