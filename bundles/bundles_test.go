// Package bundles holds the example bundles: one directory per scenario, each
// a bundle of layout v1 with a want file listing the findings it should give.
package bundles

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/internal/golden"
)

// dirs returns the example bundle directories: those holding manifest.json.
func dirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(e.Name(), bundle.ManifestName)); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		t.Fatal("no example bundles found")
	}
	return out
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

// TestWant checks the form of the want files: one finding a line, as
// "rule-id node namespace/service target" with "-" for an empty field.
// TestFindings analyses every example bundle with the built-in rules: the
// findings must be exactly those its want file lists (one per line: rule,
// node, service, target, "-" for empty; a finding not listed and a listed one
// that does not fire both fail), and the text and JSON reports must equal
// the golden files in testdata/ (go test -update rewrites them; read them).
func TestFindings(t *testing.T) {
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs(t) {
		t.Run(dir, func(t *testing.T) {
			snap, err := snapshot.Build([]string{dir}, bundle.Options{})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := input.Build(snap, input.Options{})
			if err != nil {
				t.Fatal(err)
			}
			findings, err := eng.Evaluate(context.Background(), doc)
			if err != nil {
				t.Fatal(err)
			}
			want := readWant(t, filepath.Join(dir, "want"))
			var got []string
			for _, f := range findings {
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

			a := report.AnalysisOf(doc, findings)
			var text, js bytes.Buffer
			if err := report.AnalysisText(&text, a, report.Style{}); err != nil {
				t.Fatal(err)
			}
			if err := report.AnalysisJSON(&js, a); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", dir+".txt"), text.Bytes())
			golden.Check(t, filepath.Join("testdata", dir+".json"), js.Bytes())
		})
	}
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
