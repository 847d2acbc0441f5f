package rules_test

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/rules"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// parsePack parses every Rego file of the built-in pack, tests included,
// keyed by its path in rules.Builtin.
func parsePack(t *testing.T) map[string]*ast.Module {
	t.Helper()
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(rules.Builtin, "builtin", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".rego") {
			return err
		}
		src, err := fs.ReadFile(rules.Builtin, name)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return err
		}
		modules[name] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return modules
}

// TestRego runs every test_ rule of the built-in pack, with the builtins
// the engine allows, and lists those that fail.
func TestRego(t *testing.T) {
	results, err := engine.Test(context.Background(), engine.Options{NoBuiltin: true, Packs: []engine.Pack{engine.BuiltinPack()}})
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	passed := 0
	for _, r := range results {
		switch {
		case r.Err != nil:
			failed = append(failed, fmt.Sprintf("%s:%d: %s: error: %v", r.File, r.Line, r.Name, r.Err))
		case r.Fail:
			failed = append(failed, fmt.Sprintf("%s:%d: %s: FAIL", r.File, r.Line, r.Name))
		case r.Passed():
			passed++
		}
	}
	if len(failed) > 0 {
		t.Errorf("%d Rego tests fail:\n%s", len(failed), strings.Join(failed, "\n"))
	}
	t.Logf("%d Rego tests pass", passed)
}

// builtinRules loads the built-in pack as ipvslint does.
func builtinRules(t *testing.T) []engine.Rule {
	t.Helper()
	e, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatalf("the built-in pack does not load:\n%v", err)
	}
	return e.Rules()
}

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// TestMetadata checks each rule's METADATA and layout against
// docs/rules.md: title, description, kebab-case ID matching the package and
// file names, behaviour, remediation, and a test file with two tests at
// least.
func TestMetadata(t *testing.T) {
	modules := parsePack(t)
	for _, r := range builtinRules(t) {
		t.Run(r.ID, func(t *testing.T) {
			first, _ := utf8.DecodeRuneInString(r.Title)
			switch {
			case r.Title == "":
				t.Error("no title")
			case unicode.IsUpper(first):
				t.Errorf("title %q starts with an upper-case letter", r.Title)
			case strings.HasSuffix(r.Title, "."):
				t.Errorf("title %q ends with a period", r.Title)
			case utf8.RuneCountInString(r.Title) > 60:
				t.Errorf("title %q is longer than 60 characters", r.Title)
			}
			if r.Description == "" {
				t.Error("no description")
			}
			if !kebab.MatchString(r.ID) {
				t.Errorf("custom.id %q is not kebab-case", r.ID)
			}
			if want := "ipvslint.rules." + strings.ReplaceAll(r.ID, "-", "_"); r.Package != want {
				t.Errorf("package %s, want %s", r.Package, want)
			}
			if r.Behaviour == "" {
				t.Error("no custom.behaviour (B1..B15, or -)")
			}
			if !strings.HasSuffix(r.Remediation, ".") {
				t.Errorf("custom.remediation %q does not end with a period", r.Remediation)
			}
			file := strings.TrimPrefix(r.File, "rules/")
			if path.Base(file) != r.ID+".rego" {
				t.Errorf("the rule is in %s, want %s.rego", r.File, r.ID)
			}
			testFile := strings.TrimSuffix(file, ".rego") + "_test.rego"
			m := modules[testFile]
			if m == nil {
				t.Fatalf("no %s", testFile)
			}
			if got, want := strings.TrimPrefix(m.Package.Path.String(), "data."), r.Package+"_test"; got != want {
				t.Errorf("%s: package %s, want %s", testFile, got, want)
			}
			tests := map[string]bool{}
			for _, rule := range m.Rules {
				if name := rule.Head.Name.String(); strings.HasPrefix(name, tester.TestPrefix) {
					tests[name] = true
				}
			}
			if len(tests) < 2 {
				t.Errorf("%s has %d test_ rules, want 2 at least (one that fires, one that does not)", testFile, len(tests))
			}
		})
	}
}

// TestCatalog checks that the built-in pack holds every rule of the rule
// catalog (catalog.yaml) once, with the catalog's default severity and one
// of its behaviours, and that the engine marks exactly those rules.
func TestCatalog(t *testing.T) {
	catalog, err := rules.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(catalog) < 25 {
		t.Fatalf("the catalog lists %d rules, want the 25 of version 1 at least", len(catalog))
	}
	have := map[string]engine.Rule{}
	for _, r := range builtinRules(t) {
		have[r.ID] = r
	}
	listed := map[string]bool{}
	for _, c := range catalog {
		if listed[c.ID] {
			t.Errorf("catalog.yaml lists %s twice", c.ID)
		}
		listed[c.ID] = true
		r, ok := have[c.ID]
		switch {
		case !ok:
			t.Errorf("catalog rule %s (%s) is not in the built-in pack", c.ID, c.Section)
			continue
		case string(r.Severity) != c.Severity:
			t.Errorf("%s: severity %s, the catalog says %s", c.ID, r.Severity, c.Severity)
		case !slices.Contains(c.Behaviours, r.Behaviour):
			t.Errorf("%s: behaviour %s, the catalog says one of %v", c.ID, r.Behaviour, c.Behaviours)
		}
	}
	for id, r := range have {
		if r.Catalog != listed[id] {
			t.Errorf("%s: Catalog is %v, listed in catalog.yaml: %v", id, r.Catalog, listed[id])
		}
	}
}
