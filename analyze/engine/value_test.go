package engine

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/open-policy-agent/opa/v1/ast"
)

// TestToValue checks that toValue gives what ast.InterfaceToValue gives:
// for the input document of every example bundle, and for the odd types.
func TestToValue(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2)) // long arrays on two cores at least
	type inner struct {
		A int `json:"a"`
	}
	type odd struct {
		Omitted    *inner         `json:"omitted,omitempty"`
		EmptyList  []string       `json:"emptyList,omitempty"`
		Kept       inner          `json:"kept,omitempty"`
		Null       *inner         `json:"null"`
		NilSlice   []int          `json:"nilSlice"`
		NilMap     map[string]int `json:"nilMap"`
		Untagged   string         // named by its Go name
		Skipped    string         `json:"-"`
		Quoted     int            `json:"quoted,string"`
		Bytes      []byte         `json:"bytes"`
		Addr       netip.Addr     `json:"addr"`
		Float      float64        `json:"float"`
		Any        any            `json:"any"`
		Uint       uint64         `json:"uint"`
		Array      [2]bool        `json:"array"`
		IntKeys    map[int]string `json:"intKeys"`
		unexported int
	}
	values := map[string]any{
		"odd": odd{Kept: inner{1}, Untagged: "u", Skipped: "s", Quoted: 7, Bytes: []byte("hi"),
			Addr: netip.MustParseAddr("fd00::1"), Float: 1.5e300, Any: map[string]any{"x": []any{1, "y"}},
			Uint: 1 << 63, IntKeys: map[int]string{2: "b"}, unexported: 1},
		"nil":   nil,
		"value": ast.String("already"),
		"long":  longArray(2*parallelElements + 3), // converted in runs, on all cores
	}
	dirs, err := filepath.Glob("../../bundles/*/manifest.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no example bundles: %v", err)
	}
	for _, m := range dirs {
		dir := filepath.Dir(m)
		snap, err := snapshot.Build([]string{dir}, bundle.Options{})
		if snap == nil {
			t.Fatal(err)
		}
		doc, err := input.Build(snap, input.Options{})
		if err != nil {
			t.Fatal(err)
		}
		values[filepath.Base(dir)] = doc
	}
	for name, x := range values {
		want, err := ast.InterfaceToValue(x)
		if err != nil {
			t.Fatal(err)
		}
		got, err := toValue(x, docpath.All())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Compare(want) != 0 {
			t.Errorf("%s: toValue = %v\nwant %v", name, got, want)
		}
	}
}

// TestToValueShares checks that toValue gives equal short strings one
// term within a value, keys and values alike, and a long string a term of
// its own.
func TestToValueShares(t *testing.T) {
	long := strings.Repeat("x", maxSharedString+1)
	x := map[string]any{
		"a": []string{"10.0.0.1", "10.0.0.1", long, long},
		"b": map[string]string{"10.0.0.1": "10.0.0.1"},
	}
	v, err := toValue(x, docpath.All())
	if err != nil {
		t.Fatal(err)
	}
	obj := v.(ast.Object)
	a := obj.Get(ast.StringTerm("a")).Value.(*ast.Array)
	b := obj.Get(ast.StringTerm("b")).Value.(ast.Object)
	short := a.Elem(0)
	key := b.Keys()[0]
	for _, tt := range []struct {
		name       string
		x, y       *ast.Term
		wantShared bool
	}{
		{"equal short strings", short, a.Elem(1), true},
		{"a key and a value", short, key, true},
		{"a value of the key", short, b.Get(key), true},
		{"long strings", a.Elem(2), a.Elem(3), false},
	} {
		if shared := tt.x == tt.y; shared != tt.wantShared {
			t.Errorf("%s: shared = %v, want %v", tt.name, shared, tt.wantShared)
		}
	}
}

// longArray returns n objects that hold short strings (shared within a
// run) and a nested array.
func longArray(n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{"ip": fmt.Sprintf("10.0.%d.%d", i%7, i%5), "n": i, "rs": []any{i, "x"}}
	}
	return out
}

// failing is a value whose JSON form cannot be had.
type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("no JSON") }

// TestToValueRunError checks that an element that cannot be converted, in
// any run of a long array, fails the conversion.
func TestToValueRunError(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	n := 2*parallelElements + 1
	for _, at := range []int{0, n / 2, n - 1} {
		x := make([]any, n)
		for i := range x {
			x[i] = i
		}
		x[at] = failing{}
		if _, err := toValue(x, docpath.All()); err == nil || !strings.Contains(err.Error(), "no JSON") {
			t.Errorf("failing element %d of %d: error %v", at, n, err)
		}
	}
}
