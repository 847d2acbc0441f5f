package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/internal/examples"
	"github.com/open-policy-agent/opa/v1/bundle"
)

// examplePack is the worked example of docs/rules.md, relative to this
// package.
var examplePack = filepath.Join("..", "..", "examples", "portpolicy")

// ipvslint runs the built binary and returns its stdout, stderr and exit
// code.
func ipvslint(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(ipvslintBin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestRulePackFormats checks that the example pack's findings appear
// beside the built-in ones in every report format.
func TestRulePackFormats(t *testing.T) {
	healthy := filepath.Join(examples.Dir(t), "healthy")
	for _, format := range report.AnalysisFormats {
		t.Run(format, func(t *testing.T) {
			out, errs, code := ipvslint(t, "analyze", "--format", format, "--fail-on", "never", "--no-color", "--rules", examplePack, healthy)
			if code != 0 {
				t.Fatalf("exit code %d: %s", code, errs)
			}
			for _, id := range []string{"nodeport-reserved-range", "source-ip-lost"} {
				if !strings.Contains(out, id) {
					t.Errorf("no %s in the %s report:\n%s", id, format, out)
				}
			}
		})
	}
}

// TestRulePackBundle loads the example pack as an OPA bundle written by
// OPA's own bundle writer (names from the root, a .manifest, data.json).
func TestRulePackBundle(t *testing.T) {
	b := bundle.Bundle{
		Manifest: bundle.Manifest{Roots: &[]string{"ipvslint/rules"}},
		Data:     map[string]any{"unused": true},
	}
	files, err := filepath.Glob(filepath.Join(examplePack, "*.rego"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Rego files in %s: %v", examplePack, err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := "/portpolicy/" + filepath.Base(f)
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: name, Path: name, Raw: raw})
	}
	var buf bytes.Buffer
	if err := bundle.NewWriter(&buf).DisableFormat(true).Write(b); err != nil {
		t.Fatal(err)
	}
	pack := filepath.Join(t.TempDir(), "portpolicy.tar.gz")
	if err := os.WriteFile(pack, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	out, errs, code := ipvslint(t, "rules", "list", "--format", "json", "--no-builtin", "--rules", pack)
	if code != 0 {
		t.Fatalf("rules list: exit code %d: %s", code, errs)
	}
	if want := "ipvslint: --rules " + pack + ": ignored .manifest, data.json: rules read only .rego files and their input\n"; errs != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
	var rules []struct{ ID, Pack, File string }
	if err := json.Unmarshal([]byte(out), &rules); err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].ID != "nodeport-reserved-range" || rules[0].Pack != filepath.ToSlash(pack) ||
		rules[0].File != filepath.ToSlash(pack)+"/portpolicy/nodeport-reserved-range.rego" {
		t.Errorf("rules = %+v", rules)
	}

	out, errs, code = ipvslint(t, "rules", "test", pack)
	if code != 0 || !strings.HasSuffix(out, "\n8 passed, 0 failed\n") && out != "8 passed, 0 failed\n" {
		t.Errorf("rules test: exit code %d, stdout %q, stderr %q", code, out, errs)
	}
}
