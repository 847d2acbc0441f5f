package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ipvslint/ipvslint/internal/golden"
)

// ipvslintRun runs ipvslint in process and returns its standard output;
// the exit code must be 0.
func ipvslintRun(t *testing.T, args ...string) []byte {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"ipvslint"}, args...), &out, &errb); code != 0 {
		t.Fatalf("ipvslint %q: exit code %d: %s", args, code, errb.String())
	}
	return out.Bytes()
}

// analyzeHTML runs `ipvslint analyze --format html` in process on an
// example bundle.
func analyzeHTML(t *testing.T, name string) []byte {
	t.Helper()
	return ipvslintRun(t, "analyze", "--format", "html", "--fail-on", "never", filepath.Join("..", "..", "bundles", name))
}

// TestAnalyzeHTMLGolden compares the HTML reports of two example bundles
// with their golden files (-update rewrites them; read them, and open
// them in a browser), and checks that a second run writes the same bytes.
func TestAnalyzeHTMLGolden(t *testing.T) {
	for _, name := range []string{"local-listener-before-1-26", "etp-local-1-24-vpc"} {
		t.Run(name, func(t *testing.T) {
			got := analyzeHTML(t, name)
			if again := analyzeHTML(t, name); !bytes.Equal(got, again) {
				t.Error("two runs wrote different reports")
			}
			golden.Check(t, filepath.Join("testdata", "html", name+".html"), got)
		})
	}
}

// TestAnalyzeHTMLUnredacts: the HTML report of a redacted bundle, run
// through unredact-report as text, is the report of the original bundle
// but for what tells the bundles apart (their paths, redacted or not):
// no element ID or link of the page is taken for a token.
func TestAnalyzeHTMLUnredacts(t *testing.T) {
	dir := t.TempDir()
	redacted, mapFile, html, real := filepath.Join(dir, "red.tar.gz"), filepath.Join(dir, "map.json"), filepath.Join(dir, "r.html"), filepath.Join(dir, "real.html")
	original := filepath.Join("..", "..", "bundles", "local-listener-before-1-26")
	ipvslintRun(t, "redact", "-o", redacted, "--map", mapFile, original)
	ipvslintRun(t, "analyze", "--format", "html", "--fail-on", "never", "-o", html, redacted)
	ipvslintRun(t, "unredact-report", "--map", mapFile, "-o", real, html)
	got, err := os.ReadFile(real)
	if err != nil {
		t.Fatal(err)
	}
	want := analyzeHTML(t, "local-listener-before-1-26")
	// The lines that name the bundle or say whether it was redacted.
	bundle := regexp.MustCompile(`(?m)^(<li><code>.*</code>: .*</li>|<dd>(yes|no): .*</dd>)\n`)
	got = bytes.ReplaceAll(bundle.ReplaceAll(got, nil), []byte(redacted), nil)
	want = bytes.ReplaceAll(bundle.ReplaceAll(want, nil), []byte(original), nil)
	if !bytes.Equal(got, want) {
		t.Errorf("the unredacted report differs from the original's:\n%s", got)
	}
}
