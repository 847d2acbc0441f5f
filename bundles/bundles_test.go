// Package bundles holds the example bundles: one directory per scenario, each
// a bundle of layout v1 with a want file listing the findings it should give.
package bundles

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/internal/examples"
	"github.com/ipvslint/ipvslint/internal/golden"
	"github.com/ipvslint/ipvslint/internal/schemacheck"
)

// dirs returns the example bundle directories: those holding manifest.json.
func dirs(t *testing.T) []string {
	t.Helper()
	return examples.Names(t)
}

// TestManifests checks that every manifest lists every capture of its bundle
// with the size and sha256 of the file as it is, so that a hand edit that
// forgets the manifest fails.
func TestManifests(t *testing.T) {
	for _, dir := range dirs(t) {
		t.Run(dir, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, bundle.ManifestName))
			if err != nil {
				t.Fatal(err)
			}
			var m bundle.Manifest
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			if m.Format != bundle.FormatV1 {
				t.Errorf("format %q, want %q", m.Format, bundle.FormatV1)
			}
			listed := map[string]bool{}
			for _, f := range m.Files {
				if f.Path == "" {
					continue
				}
				listed[f.Path] = true
				content, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
				if err != nil {
					t.Error(err)
					continue
				}
				sum := sha256.Sum256(content)
				if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
					t.Errorf("%s: sha256 %s, manifest says %s", f.Path, got, f.SHA256)
				}
				if int64(len(content)) != f.Bytes {
					t.Errorf("%s: %d bytes, manifest says %d", f.Path, len(content), f.Bytes)
				}
			}
			err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel := filepath.ToSlash(strings.TrimPrefix(path, dir+string(filepath.Separator)))
				if rel != bundle.ManifestName && rel != "want" && !listed[rel] {
					t.Errorf("%s is not listed in manifest.json", rel)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestReadClean checks that ipvslint reads every capture of every example
// bundle without a warning.
func TestReadClean(t *testing.T) {
	for _, dir := range dirs(t) {
		t.Run(dir, func(t *testing.T) {
			snap, err := snapshot.Build([]string{dir}, bundle.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range snap.Bundles {
				for _, w := range b.Warnings {
					t.Errorf("warning: %s", w)
				}
			}
			captures := snap.Cluster.Captures
			for _, n := range snap.Nodes {
				captures = append(captures, n.Captures...)
			}
			for _, c := range captures {
				if c.Status != snapshot.StatusOK {
					t.Errorf("%s: %s %s", c.Path, c.Status, c.Detail)
				}
				for _, w := range c.Warnings {
					t.Errorf("warning: %s", w)
				}
			}
			if len(snap.Nodes) < 2 {
				t.Errorf("%d nodes, want a failing node and a healthy one", len(snap.Nodes))
			}
		})
	}
}

// TestFindings analyses every example bundle with the built-in rules: the
// findings must be exactly those its want file lists (one per line: rule,
// node, service, target, "-" for empty; a finding not listed and a listed one
// that does not fire both fail), and the text and JSON reports must equal
// the golden files in testdata/ (go test -update rewrites them; read them).
func TestFindings(t *testing.T) {
	eng := builtinEngine(t)
	for _, dir := range dirs(t) {
		t.Run(dir, func(t *testing.T) {
			a := analyse(t, eng, dir)
			want := readWant(t, filepath.Join(dir, "want"))
			var got []string
			for _, f := range a.Findings {
				got = append(got, strings.Join([]string{f.Rule, dash(f.Node), dash(f.Service), dash(f.Target)}, " "))
			}
			for _, g := range got {
				if !slices.Contains(want, g) {
					t.Errorf("unexpected finding: %s", g)
				}
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("missing finding: %s", w)
				}
			}

			var text bytes.Buffer
			if err := report.AnalysisText(&text, a, report.Style{}); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", dir+".txt"), text.Bytes())
			golden.Check(t, filepath.Join("testdata", dir+".json"), reportJSON(t, a))
		})
	}
}

// TestOneNodeAtATime checks that the rules find the same in every example
// bundle whether they see its nodes one at a time, as analyze evaluates
// them, or all at once (docs/rules.md).
func TestOneNodeAtATime(t *testing.T) {
	eng := builtinEngine(t)
	for _, dir := range dirs(t) {
		t.Run(dir, func(t *testing.T) {
			doc := readDoc(t, dir)
			js, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			var whole map[string]any // not an engine.NodeSplitter: evaluated at once
			if err := json.Unmarshal(js, &whole); err != nil {
				t.Fatal(err)
			}
			split, err := eng.Evaluate(context.Background(), doc)
			if err != nil {
				t.Fatal(err)
			}
			all, err := eng.Evaluate(context.Background(), whole)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(split, all) {
				t.Errorf("one node at a time:\n%s\nall nodes at once:\n%s", mustJSON(t, split), mustJSON(t, all))
			}
		})
	}
}

// mustJSON is the indented JSON of v.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// builtinEngine is the engine with the built-in rule pack.
func builtinEngine(t *testing.T) *engine.Engine {
	t.Helper()
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// readDoc reads the bundle in dir afresh and builds its input document.
func readDoc(t *testing.T, dir string) *input.Document {
	t.Helper()
	snap, err := snapshot.Build([]string{dir}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := input.Build(snap, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// analyse reads the bundle in dir afresh and evaluates the rules over it.
func analyse(t *testing.T, eng *engine.Engine, dir string) *report.Analysis {
	t.Helper()
	a := examples.Analyse(t, eng, dir, input.Options{})
	return report.AnalysisOf(a.Document, a.Findings)
}

// reportJSON is the JSON report of a, as `ipvslint analyze --format json`
// writes it.
func reportJSON(t *testing.T, a *report.Analysis) []byte {
	t.Helper()
	var js bytes.Buffer
	if err := report.AnalysisJSON(&js, a); err != nil {
		t.Fatal(err)
	}
	return js.Bytes()
}

// TestReportContract checks the JSON report of every example bundle against
// the contract of rule-catalog.md: it validates against
// docs/report.schema.json, two fresh evaluations of the same bundle give
// the same bytes, the summary counts the findings of each severity, and the
// findings are sorted by severity, rule, node, service and target.
func TestReportContract(t *testing.T) {
	schema := reportSchema(t)
	eng := builtinEngine(t)
	for _, dir := range dirs(t) {
		t.Run(dir, func(t *testing.T) {
			js := reportJSON(t, analyse(t, eng, dir))
			if again := reportJSON(t, analyse(t, eng, dir)); !bytes.Equal(js, again) {
				t.Errorf("two evaluations differ:\n%s\n---\n%s", js, again)
			}
			violations, err := schema.Violations(js, "report")
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range violations {
				t.Error(v)
			}

			var got report.Analysis // what a script reads back
			if err := json.Unmarshal(js, &got); err != nil {
				t.Fatal(err)
			}
			n := map[engine.Severity]int{}
			for _, f := range got.Findings {
				n[f.Severity]++
			}
			count := report.Summary{Error: n[engine.SeverityError], Warning: n[engine.SeverityWarning], Info: n[engine.SeverityInfo]}
			if got.Summary != count {
				t.Errorf("summary %+v, the findings count %+v", got.Summary, count)
			}
			for i := 1; i < len(got.Findings); i++ {
				if a, b := got.Findings[i-1], got.Findings[i]; reportOrder(a, b) > 0 {
					t.Errorf("finding %d (%s %s %s %s %s) comes after (%s %s %s %s %s)", i,
						b.Severity, b.Rule, b.Node, b.Service, b.Target, a.Severity, a.Rule, a.Node, a.Service, a.Target)
				}
			}
		})
	}
}

// reportSchemaPath is the JSON Schema of the report.
var reportSchemaPath = filepath.Join("..", "docs", "report.schema.json")

// reportSchema compiles docs/report.schema.json.
func reportSchema(t *testing.T) *schemacheck.Schema {
	t.Helper()
	schema, err := schemacheck.Compile(reportSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// TestReportSchemaWaived validates a report that lists waived findings,
// which no example bundle gives, and checks that the schema's waived
// finding is a finding (same properties, described once) plus the waiver's
// fields.
func TestReportSchemaWaived(t *testing.T) {
	schema := reportSchema(t)
	eng := builtinEngine(t)
	a := analyse(t, eng, "etp-local-1-24-vpc")
	for _, f := range a.Findings {
		a.Waived = append(a.Waived, report.Waived{Finding: f, WaiverReason: "known, fixed by the next LB change", WaiverExpires: "2027-01-31"})
	}
	a.Waived[0].WaiverExpires = ""
	a.Summary.Waived = len(a.Waived)
	violations, err := schema.Violations(reportJSON(t, a), "report")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Error(v)
	}

	type object struct {
		Properties map[string]map[string]any
		Required   []string
	}
	var root struct {
		Defs map[string]object `json:"$defs"`
	}
	data, err := os.ReadFile(reportSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	finding, waived := root.Defs["finding"], root.Defs["waived"]
	for name, p := range finding.Properties {
		delete(p, "description")
		if !reflect.DeepEqual(waived.Properties[name], p) {
			t.Errorf("%s: $defs/waived has %s %v, $defs/finding %v", reportSchemaPath, name, waived.Properties[name], p)
		}
	}
	if extra := len(waived.Properties) - len(finding.Properties); extra != 2 || waived.Properties["waiverReason"] == nil || waived.Properties["waiverExpires"] == nil {
		t.Errorf("%s: $defs/waived has %d properties more than a finding, want waiverReason and waiverExpires", reportSchemaPath, extra)
	}
	if want := append(finding.Required, "waiverReason"); !reflect.DeepEqual(waived.Required, want) {
		t.Errorf("%s: $defs/waived requires %q, want %q", reportSchemaPath, waived.Required, want)
	}
}

// reportOrder is the order of findings in the report (rule-catalog.md):
// severity from the worst, then rule, node, service and target.
func reportOrder(a, b engine.Finding) int {
	return cmp.Or(cmp.Compare(a.Severity.Rank(), b.Severity.Rank()), cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Node, b.Node), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Target, b.Target))
}

// readWant reads a want file: one finding a line, blank lines and
// "#" comments skipped.
func readWant(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 4 {
			t.Errorf("%s:%d: %d fields, want 4 (rule node service target): %q", path, line, len(fields), text)
		}
		want = append(want, strings.Join(fields, " "))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return want
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// TestHostnameOnlyIngressLeftover checks ipmode-proxy-still-bound on a real
// document: etp-local-1-24-vpc with the ingress of default/nginx changed to a
// hostname, while both nodes still hold its former IP 203.0.113.40 on
// kube-ipvs0 and its virtual service, which then serves no Service and whose
// real servers carry no endpoint.
func TestHostnameOnlyIngressLeftover(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := os.CopyFS(dir, os.DirFS("etp-local-1-24-vpc")); err != nil {
		t.Fatal(err)
	}
	services := filepath.Join(dir, "cluster", "services.yaml")
	data, err := os.ReadFile(services)
	if err != nil {
		t.Fatal(err)
	}
	const ip, hostname = "      - ip: 203.0.113.40\n", "      - hostname: nginx.example.com\n"
	if !bytes.Contains(data, []byte(ip)) {
		t.Fatalf("%s has no %q", services, ip)
	}
	if err := os.WriteFile(services, bytes.Replace(data, []byte(ip), []byte(hostname), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	a := analyse(t, builtinEngine(t), dir)
	var got []string
	for _, f := range a.Findings {
		if f.Rule == "ipmode-proxy-still-bound" {
			got = append(got, f.Node+" "+f.Service+" "+f.Target)
		}
	}
	want := []string{
		"cn-hangzhou.10.0.0.11 default/nginx 203.0.113.40:80/TCP",
		"cn-hangzhou.10.0.0.12 default/nginx 203.0.113.40:80/TCP",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ipmode-proxy-still-bound findings:\n%q\nwant:\n%q", got, want)
	}
}
