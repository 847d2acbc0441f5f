package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/internal/examples"
)

// indentSeeds are JSON documents whose indentation indent must get right:
// empty and nested containers, strings holding brackets, commas, colons,
// quotes and escapes, numbers and literals.
var indentSeeds = []string{
	`{}`,
	`[]`,
	`{"a":[],"b":{},"c":[{}],"d":[[]]}`,
	`{"k":"v,w:x{y}[z]","e":"q\"uo\\te\\","u":"\u2028<>&"}`,
	`[1,-2.5e3,true,false,null,"",{"n":0}]`,
	`"top"`,
	`{"nested":{"deeper":{"deepest":[1,[2,[3]]]}}}`,
}

// pointerJSON encodes itself with a pointer receiver, as encoding/json
// calls it only for an addressable value.
type pointerJSON struct{ N int }

func (p *pointerJSON) MarshalJSON() ([]byte, error) {
	return []byte(`"p` + strconv.Itoa(p.N) + `"`), nil
}

// valueText encodes itself as text with a value receiver.
type valueText struct{ S string }

func (v valueText) MarshalText() ([]byte, error) { return []byte("t:" + v.S), nil }

// streamed holds what WriteJSON writes member by member and what it
// leaves to encoding/json.
type streamed struct {
	Embedded
	Ptr      *pointerJSON           `json:"ptr"`
	ByValue  pointerJSON            `json:"byValue"`
	InSlice  []pointerJSON          `json:"inSlice"`
	InMap    map[string]pointerJSON `json:"inMap"`
	Text     valueText              `json:"text"`
	TextKeys map[valueText]int      `json:"textKeys"`
	Nested   map[string][]streamedLeaf
	AllOmit  streamedLeaf      `json:"allOmit"`
	Bytes    []byte            `json:"bytes"`
	Array    [3]uint8          `json:"array"`
	Empty    [0]int            `json:"empty"`
	Any      any               `json:"any"`
	NilAny   any               `json:"nilAny"`
	Raw      json.RawMessage   `json:"raw"`
	HTML     map[string]string `json:"html"`
	Skip     int               `json:"-"`
	Dash     int               `json:"-,"`
	hidden   int
}

// quoted has a tag option WriteJSON leaves to encoding/json: the struct
// is encoded whole.
type quoted struct {
	N int          `json:"n,string"`
	P *pointerJSON `json:"p"`
}

// Embedded is promoted into streamed.
type Embedded struct {
	Promoted string `json:"promoted"`
}

// streamedLeaf has only fields omitempty leaves out when empty.
type streamedLeaf struct {
	A string   `json:"a,omitempty"`
	B []string `json:"b,omitempty"`
	C *int     `json:"c,omitempty"`
}

// TestWriteJSON checks that WriteJSON writes what json.Encoder writes with
// a two-space indent and no HTML escaping, byte for byte: for odd values,
// and for the input document of every example bundle.
func TestWriteJSON(t *testing.T) {
	one := 1
	values := []any{
		nil, 1, "a<b>&c", []int{}, map[string]any{}, map[string]any{"z": []any{1, "x"}, "a": map[string]any{}},
		NewAnalysis(ReportedVersion{Value: "v1.28.3", Source: "--k8s-version"}, ReportedCNI{Class: "overlay"}, nil),
		streamed{
			Embedded: Embedded{"e"}, Ptr: &pointerJSON{1}, ByValue: pointerJSON{2}, InSlice: []pointerJSON{{3}},
			InMap: map[string]pointerJSON{"k": {4}}, Text: valueText{"x"}, TextKeys: map[valueText]int{{"b"}: 2, {"a"}: 1},
			Nested: map[string][]streamedLeaf{"z": {{A: "a"}, {}, {C: &one}}, "a": nil, "m": {}},
			Bytes:  []byte("hi"), Array: [3]uint8{1, 2, 3}, Any: map[string]any{"q": []any{streamedLeaf{B: []string{"x"}}}},
			Raw: json.RawMessage(`{"r":[1,{}]}`), HTML: map[string]string{"<k>": "a&b"}, Skip: 1, Dash: 2, hidden: 3,
		},
		&streamed{},
		&quoted{N: 7, P: &pointerJSON{5}},
		[]quoted{{N: 1}},
		[]any{[]any{[]any{[]any{[]any{map[string]any{"deep": []int{1}}}}}}},
	}
	for _, s := range indentSeeds {
		values = append(values, json.RawMessage(s))
	}
	for _, name := range examples.Names(t) {
		_, doc := examples.Document(t, filepath.Join(examples.Dir(t), name), input.Options{})
		values = append(values, doc)
	}
	for _, v := range values {
		var got, want bytes.Buffer
		if err := WriteJSON(&got, v); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("WriteJSON(%T):\n%s\nwant\n%s", v, got.String(), want.String())
		}
	}
}

// FuzzIndent checks the indenter against json.Indent on the compact form of any
// valid JSON document.
func FuzzIndent(f *testing.F) {
	for _, s := range indentSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var compact bytes.Buffer
		if json.Compact(&compact, data) != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), "", "  "); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		w := bufio.NewWriter(&got)
		(&indenter{w: w}).write(compact.Bytes())
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("indent(%q) = %q, want %q", compact.Bytes(), got.Bytes(), want.Bytes())
		}
	})
}
