package redact

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// seedReference adds every reference output of the real tools.
func seedReference(f *testing.F) {
	dir := testref.Dir(f)
	files, err := filepath.Glob(filepath.Join(dir, "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, ".md") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// fuzzKinds are the kinds of capture the rewriters tell apart.
var fuzzKinds = []bundle.Kind{bundle.KindKube, bundle.KindUname, bundle.KindIptables, bundle.KindIPVS, bundle.KindConntrack}

// skeleton is data without its runs: what the rewriters must leave alone.
func skeleton(data []byte) []byte {
	var out []byte
	for _, c := range data {
		if !isRun(c) {
			out = append(out, c)
		}
	}
	return out
}

// FuzzRewrite feeds any text to the rewriter of every kind of capture, with
// names known: nothing panics, and only runs of letters, digits and
// "._-:" change, so every line and every byte between runs (the layout of
// the capture) is kept.
func FuzzRewrite(f *testing.F) {
	seedReference(f)
	f.Add([]byte("TCP 0AF40105 A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED 895\nTCP  0A600001:01BB rr\n"))
	f.Add([]byte("Linux node-a 5.10 #1 SMP x86_64 GNU/Linux\n-A X -m comment --comment \"default/web:http\" -j Y\n"))
	f.Add([]byte("name: web\nnodeName: cn-hangzhou.10.0.0.12\npodCIDR: 10.244.1.0/24\nuid: 6c8174f1-f9f9-4859-a250-c68bdf81aee3\n"))
	f.Add([]byte("[::ffff:10.0.0.12]:80 fd00:0010:0244:0001:0000:0000:0000:0005 1.2.3.4.5 10.0.0.1. x:::80"))
	m := &Map{Format: MapFormat, Key: strings.Repeat("5a17c308", 8)}
	r, err := New(m)
	if err != nil {
		f.Fatal(err)
	}
	r.give(KindNode, "node-a", "node-1")
	r.give(KindService, "web", "svc-1")
	r.give(KindNode, "cn-hangzhou.10.0.0.12", "node-2")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range fuzzKinds {
			var out bytes.Buffer
			if err := r.rewrite(kind, bytes.NewReader(data), &out); err != nil {
				t.Fatal(err)
			}
			if got, want := skeleton(out.Bytes()), skeleton(data); !bytes.Equal(got, want) {
				t.Fatalf("%s: the bytes between runs changed:\n%q\nbecame\n%q", kind, data, out.Bytes())
			}
		}
	})
}

// FuzzUnredactJSON checks that a JSON document stays valid JSON, with the
// same structure, once unredacted, and that anything else is refused.
func FuzzUnredactJSON(f *testing.F) {
	f.Add([]byte(`{"node":"node-1","target":"10.12.7.3:443/TCP","evidence":[{"text":"svc-1 \"quoted\" \\ \u00e9"}]}`))
	f.Add([]byte(`["a", 1, null, true, {"": ""}]`))
	f.Add([]byte(`{"a":`))
	m := &Map{Format: MapFormat, Key: strings.Repeat("5a17c308", 8), Names: []Name{{KindNode, "cn-hangzhou.10.0.0.12", "node-1"}, {KindService, "web", "svc-1"}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		err := m.UnredactJSON(bytes.NewReader(data), &out)
		if !json.Valid(data) {
			if err == nil {
				t.Fatal("invalid JSON accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(out.Bytes()) {
			t.Fatalf("%q became invalid JSON %q", data, out.Bytes())
		}
		var before, after any
		_ = json.Unmarshal(data, &before)
		_ = json.Unmarshal(out.Bytes(), &after)
		if shape(before) != shape(after) {
			t.Fatalf("%q changed shape: %q", data, out.Bytes())
		}
	})
}

// shape is the structure of a JSON value with its strings blanked.
func shape(v any) string {
	switch x := v.(type) {
	case string:
		return `""`
	case []any:
		var b strings.Builder
		b.WriteString("[")
		for _, e := range x {
			b.WriteString(shape(e) + ",")
		}
		return b.String() + "]"
	case map[string]any:
		return "{" + strings.Repeat(".", len(x)) + "}"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
