package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/internal/golden"
	"github.com/ipvslint/ipvslint/internal/testref"
	"github.com/open-policy-agent/opa/v1/ast"
)

// testPack returns the engine of one pack under testdata, without the
// built-in pack.
func testPack(t testing.TB, name string, timeout time.Duration) (*Engine, error) {
	t.Helper()
	dir := path.Join("testdata", name)
	return New(Options{NoBuiltin: true, Packs: []Pack{{Name: dir, FS: os.DirFS(dir)}}, Timeout: timeout})
}

// basicInput lists ports of two nodes; open-port finds each, and an error
// from port 1000 up.
var basicInput = map[string]any{
	"ports": []any{
		map[string]any{"node": "node-b", "port": 80, "line": 3},
		map[string]any{"node": "node-a", "port": 8080, "line": 7},
		map[string]any{"node": "node-a", "port": 443, "line": 5},
		map[string]any{"node": "node-a", "port": 80, "line": 4},
	},
}

func TestEvaluate(t *testing.T) {
	e, err := testPack(t, "basic", 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), basicInput)
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by severity, rule, node, Service, target; the duplicate
	// findings of open-port are gone.
	var keys []string
	for _, f := range got {
		keys = append(keys, strings.Join([]string{string(f.Severity), f.Rule, f.Node, f.Target}, " "))
	}
	want := []string{
		"error open-port node-a 10.0.0.1:8080/TCP",
		"warning open-port node-a 10.0.0.1:443/TCP",
		"warning open-port node-a 10.0.0.1:80/TCP",
		"warning open-port node-b 10.0.0.1:80/TCP",
		"info port-count  ",
	}
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	// The metadata join and the overrides, in full.
	golden.CheckJSON(t, "testdata/TestEvaluate/findings.golden", got)
}

func TestEvaluateStruct(t *testing.T) {
	// A Go value other than map[string]any is taken as its JSON.
	type port struct {
		Node string `json:"node"`
		Port int    `json:"port"`
		Line int    `json:"line"`
	}
	in := struct {
		Ports []port `json:"ports"`
	}{Ports: []port{{"node-a", 80, 4}}}
	e, err := testPack(t, "basic", 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Message != "port 80 is open" || got[1].Message != "1 ports" {
		t.Errorf("findings = %+v", got)
	}
}

func TestRules(t *testing.T) {
	e, err := testPack(t, "basic", 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(e.Rules(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/TestRules/rules.golden", append(b, '\n'))
}

// TestBuiltinChecked compiles the built-in pack with every stage, the
// checks New leaves out when it loads the pack alone included, and checks
// that none of its modules has a `with` modifier, the one part of the
// evaluation that reads what those checks compute.
func TestBuiltinChecked(t *testing.T) {
	modules, _, err := loadModules([]Pack{BuiltinPack()}, false)
	if err != nil {
		t.Fatal(err)
	}
	c := newCompiler(false)
	if c.Compile(modules); c.Failed() {
		t.Fatal(compileError(c.Errors))
	}
	for file, m := range modules {
		ast.WalkWiths(m, func(w *ast.With) bool {
			t.Errorf("%s:%d: with %v: New compiles the built-in pack without the type checker, which a with modifier may need", file, w.Location.Row, w.Target)
			return true
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		pack, wantErr string
	}{
		{"dupid", `testdata/dupid/second.rego:1: duplicate rule id "same-id": testdata/dupid/first.rego:1 has it too`},
		{"forbidden", "testdata/forbidden/fetch.rego:9: builtin http.send is not allowed in rules: results must not depend on the network, the environment, the clock or chance"},
		{"nometa", "testdata/nometa/bare.rego: package ipvslint.rules.bare has no package-scoped # METADATA block"},
		{"badclient", `testdata/badclient/lost.rego:1: package ipvslint.rules.bad_client: custom.client "laptop": want pod, host or external`},
	}
	for _, tt := range tests {
		t.Run(tt.pack, func(t *testing.T) {
			_, err := testPack(t, tt.pack, 0)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("New() error = %v\nwant %s", err, tt.wantErr)
			}
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	tests := []struct {
		pack    string
		timeout time.Duration
		wantErr string
	}{
		{"malformed", 0, `rule no-message (testdata/malformed/no-message.rego): finding {"evidence":[],"node":"a","service":"","target":""}: no "message"`},
		{"slow", 50 * time.Millisecond, "the rules did not finish within 50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.pack, func(t *testing.T) {
			e, err := testPack(t, tt.pack, tt.timeout)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = e.Evaluate(context.Background(), map[string]any{})
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Evaluate() error = %v\nwant %s", err, tt.wantErr)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Evaluate took %s", d)
			}
		})
	}
}

func BenchmarkNew(b *testing.B) {
	for _, bench := range []struct {
		name string
		opts Options
	}{
		{"builtin", Options{}},
		{"basic", Options{NoBuiltin: true, Packs: []Pack{{Name: "testdata/basic", FS: os.DirFS("testdata/basic")}}}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := New(bench.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEvaluate runs the basic pack over 1000 ports: 1001 findings.
func BenchmarkEvaluate(b *testing.B) {
	e, err := testPack(b, "basic", 0)
	if err != nil {
		b.Fatal(err)
	}
	var ports []any
	for i := range 1000 {
		ports = append(ports, map[string]any{"node": fmt.Sprintf("node-%d", i%7), "port": i, "line": i + 1})
	}
	in := map[string]any{"ports": ports}
	for b.Loop() {
		got, err := e.Evaluate(context.Background(), in)
		if err != nil || len(got) != 1001 {
			b.Fatalf("%d findings, %v", len(got), err)
		}
	}
}

// BenchmarkEvaluateBuiltin runs the built-in pack over the input document of
// loose reference captures of one node (ip addr, ipvsadm -Ln, conntrack -L
// -o extended), given as the *input.Document the command passes.
func BenchmarkEvaluateBuiltin(b *testing.B) {
	var args []string
	for _, name := range []string{"ip-addr.txt", "ipvsadm-Ln.raw.txt", "conntrack-L-o-extended.txt"} {
		args = append(args, testref.Path(b, name))
	}
	snap, err := snapshot.Build(args, bundle.Options{Node: "node-a"})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := input.Build(snap, input.Options{KubernetesVersion: "1.24.6", CNI: "terway-eniip"})
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.Evaluate(context.Background(), doc); err != nil {
			b.Fatal(err)
		}
	}
}

func TestNewFindingErrors(t *testing.T) {
	rule := &Rule{ID: "r", Severity: SeverityInfo, References: []string{}}
	ok := func() map[string]any {
		return map[string]any{"node": "a", "service": "", "target": "", "message": "m", "evidence": []any{}}
	}
	with := func(k string, v any) map[string]any {
		m := ok()
		m[k] = v
		return m
	}
	tests := []struct {
		name    string
		in      any
		wantErr string
	}{
		{"not an object", "x", `a finding is an object, not "x"`},
		{"unknown key", with("remedation", "x"), `finding {"evidence":[],"message":"m","node":"a","remedation":"x","service":"","target":""}: unknown key "remedation" (a finding has node, service, target, message, evidence, and may have severity, assumptions, remediation)`},
		{"node not a string", with("node", json.Number("1")), `finding {"evidence":[],"message":"m","node":1,"service":"","target":""}: "node" is not a string`},
		{"empty message", with("message", " "), `finding {"evidence":[],"message":" ","node":"a","service":"","target":""}: empty message`},
		{"bad severity", with("severity", "fatal"), `finding {"evidence":[],"message":"m","node":"a","service":"","severity":"fatal","target":""}: severity "fatal": want error, warning or info`},
		{"assumptions", with("assumptions", "x"), `finding {"assumptions":"x","evidence":[],"message":"m","node":"a","service":"","target":""}: "assumptions" is not a list of strings`},
		{"evidence line", with("evidence", []any{map[string]any{"file": "f", "line": "3"}}), `finding {"evidence":[{"file":"f","line":"3"}],"message":"m","node":"a","service":"","target":""}: evidence {"file":"f","line":"3"}: line is not a line number`},
		{"evidence file", with("evidence", []any{map[string]any{"line": json.Number("3")}}), `finding {"evidence":[{"line":3}],"message":"m","node":"a","service":"","target":""}: evidence {"line":3}: no file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newFinding(rule, tt.in)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error = %v\nwant %s", err, tt.wantErr)
			}
		})
	}
	if _, err := newFinding(rule, ok()); err != nil {
		t.Errorf("a valid finding: %v", err)
	}
}

// TestEvaluateFirstError checks that of the errors of several rule
// packages over several nodes, Evaluate returns that of the first node by
// name and, in it, of the first package by name, whichever finishes
// first.
func TestEvaluateFirstError(t *testing.T) {
	rule := func(id string) string {
		return "# METADATA\n# title: forgets its message\n# custom:\n#   id: " + id + "\n#   severity: info\n" +
			"package ipvslint.rules." + strings.ReplaceAll(id, "-", "_") + "\n\n" +
			"findings contains {\"node\": n, \"service\": \"\", \"target\": \"\", \"evidence\": []} if some n, _ in input.nodes\n"
	}
	pack := fstest.MapFS{
		"b.rego": {Data: []byte(rule("b-bad"))},
		"a.rego": {Data: []byte(rule("a-bad"))},
		"c.rego": {Data: []byte(rule("c-bad"))},
	}
	e, err := New(Options{NoBuiltin: true, Packs: []Pack{{Name: "pack", FS: pack}}})
	if err != nil {
		t.Fatal(err)
	}
	in := nodesDoc{"n3": &sized{"n3", 9}, "n1": &sized{"n1", 1}, "n2": &sized{"n2", 5}}
	_, err = e.Evaluate(context.Background(), in)
	want := `rule a-bad (pack/a.rego): finding {"evidence":[],"node":"n1","service":"","target":""}: no "message"`
	if err == nil || err.Error() != want {
		t.Errorf("Evaluate() error = %v\nwant %s", err, want)
	}
}

// nodesDoc is a NodeSplitter document that holds nodes alone.
type nodesDoc map[string]any

func (d nodesDoc) SplitNodes() (any, map[string]any) {
	return map[string]any{"nodes": map[string]any{}}, d
}
