package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
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

// TestWriteJSON checks that WriteJSON writes what json.Encoder writes with
// a two-space indent and no HTML escaping, byte for byte.
func TestWriteJSON(t *testing.T) {
	values := []any{
		nil, 1, "a<b>&c", []int{}, map[string]any{}, map[string]any{"z": []any{1, "x"}, "a": map[string]any{}},
		NewAnalysis(ReportedVersion{Value: "v1.28.3", Source: "--k8s-version"}, ReportedCNI{Class: "overlay"}, nil),
	}
	for _, s := range indentSeeds {
		values = append(values, json.RawMessage(s))
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
			t.Errorf("WriteJSON(%v):\n%s\nwant\n%s", v, got.String(), want.String())
		}
	}
}

// FuzzIndent checks indent against json.Indent on the compact form of any
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
		indent(w, compact.Bytes())
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("indent(%q) = %q, want %q", compact.Bytes(), got.Bytes(), want.Bytes())
		}
	})
}
