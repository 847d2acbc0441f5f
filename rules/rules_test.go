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

// needs is what a rule needs to run: the names of captures that must have
// been read, and of what must hold of them ("ipvsadm-listing": a complete
// listing, "kube-ipvs0": every kube-ipvs0 address, "addresses": a whole ip
// addr).
type needs map[string]bool

// intersect is what all of sets need; nothing for no set.
func intersect(sets []needs) needs {
	out := needs{}
	if len(sets) == 0 {
		return out
	}
	for k := range sets[0] {
		all := true
		for _, s := range sets[1:] {
			all = all && s[k]
		}
		if all {
			out[k] = true
		}
	}
	return out
}

// constantNeed is the capture named by the string argument i of a call,
// nothing when it is not a constant.
func constantNeed(args []*ast.Term, i int) needs {
	if i < len(args) {
		if s, ok := args[i].Value.(ast.String); ok {
			return needs{string(s): true}
		}
	}
	return needs{}
}

// gates are the functions of data.ipvslint.lib that check captures, and
// what a call of each needs.
var gates = map[string]func(args []*ast.Term) needs{
	"data.ipvslint.lib.capture_ok":            func(a []*ast.Term) needs { return constantNeed(a, 1) },
	"data.ipvslint.lib.cluster_capture_ok":    func(a []*ast.Term) needs { return constantNeed(a, 0) },
	"data.ipvslint.lib.ipvs_listing_complete": func([]*ast.Term) needs { return needs{"ipvsadm": true, "ipvsadm-listing": true} },
	"data.ipvslint.lib.ipvs0_complete":        func([]*ast.Term) needs { return needs{"ip-addr": true, "kube-ipvs0": true} },
	"data.ipvslint.lib.addresses_complete":    func([]*ast.Term) needs { return needs{"ip-addr": true, "addresses": true} },
}

// diffFacts are the lists of input.nodes[_].diff that analyze/input fills
// only from the captures named (see input.Diff): a rule reading one needs
// them as if it checked them itself.
var diffFacts = map[string]needs{
	"missingVirtualServers": {"ipvsadm": true, "ipvsadm-listing": true, "services": true},
	"missingRealServers":    {"ipvsadm": true, "ipvsadm-listing": true, "services": true},
	"emptyVirtualServers":   {"ipvsadm": true, "ipvsadm-listing": true, "services": true},
	"unboundAddresses":      {"ipvsadm": true, "ip-addr": true, "kube-ipvs0": true},
}

// diffFactNeeds is what reading ref needs when ref is one of diffFacts:
// input.nodes[_].diff.<list>.
func diffFactNeeds(ref ast.Ref) needs {
	if len(ref) < 5 || !ref.HasPrefix(ast.InputRootRef.Append(ast.StringTerm("nodes"))) || !ref[3].Equal(ast.StringTerm("diff")) {
		return needs{}
	}
	if s, ok := ref[4].Value.(ast.String); ok {
		return diffFacts[string(s)]
	}
	return needs{}
}

// needsWalker works out from the compiled pack what rules need: what each
// expression of a body needs holds for the body, unless the expression is
// negated or the need is inside a comprehension or an every (they hold
// without it); a rule or function needs what all of its definitions need,
// each with its else branches, and nothing when it has a default.
type needsWalker struct {
	c    *ast.Compiler
	memo map[*ast.Rule]needs
}

func newNeedsWalker(c *ast.Compiler) *needsWalker {
	return &needsWalker{c: c, memo: map[*ast.Rule]needs{}}
}

// rule is what every finding of the rule package pkg needs.
func (w *needsWalker) rule(pkg ast.Ref) needs {
	return w.ofRules(w.c.GetRulesExact(pkg.Append(ast.StringTerm("findings"))))
}

func (w *needsWalker) ofRules(rules []*ast.Rule) needs {
	var sets []needs
	for _, r := range rules {
		if r.Default {
			return needs{}
		}
		sets = append(sets, w.ofDefinition(r))
	}
	return intersect(sets)
}

func (w *needsWalker) ofDefinition(r *ast.Rule) needs {
	if n, ok := w.memo[r]; ok {
		return n
	}
	w.memo[r] = needs{} // a recursive reference adds nothing
	var sets []needs
	for d := r; d != nil; d = d.Else {
		sets = append(sets, w.ofBody(d.Body))
	}
	w.memo[r] = intersect(sets)
	return w.memo[r]
}

func (w *needsWalker) ofBody(body ast.Body) needs {
	n := needs{}
	add := func(m needs) {
		for k := range m {
			n[k] = true
		}
	}
	for _, e := range body {
		if e.Negated {
			continue
		}
		ast.NewGenericVisitor(func(x any) bool {
			switch x := x.(type) {
			case *ast.ArrayComprehension, *ast.SetComprehension, *ast.ObjectComprehension, *ast.Every:
				return true
			case *ast.Expr:
				if gate, ok := gates[x.Operator().String()]; ok && x.IsCall() {
					add(gate(x.Operands()))
				}
			case ast.Call:
				if gate, ok := gates[x.Operator().String()]; ok {
					add(gate(x.Operands()))
				}
			case ast.Ref:
				if x.HasPrefix(ast.DefaultRootRef) {
					add(w.ofRules(w.c.GetRulesForVirtualDocument(x.GroundPrefix())))
				}
				add(diffFactNeeds(x))
			}
			return false
		}).Walk(e)
	}
	return n
}

// constantStrings is the set of strings of a rule whose value is a constant
// array of strings.
func constantStrings(t *testing.T, c *ast.Compiler, ref string) map[string]bool {
	t.Helper()
	rs := c.GetRulesExact(ast.MustParseRef(ref))
	if len(rs) != 1 {
		t.Fatalf("%s: %d definitions, want 1", ref, len(rs))
	}
	return stringsOf(t, ref, rs[0].Head.Value)
}

func stringsOf(t *testing.T, where string, v *ast.Term) map[string]bool {
	t.Helper()
	arr, ok := v.Value.(*ast.Array)
	if !ok {
		t.Fatalf("%s: %v is not a constant array", where, v)
	}
	out := map[string]bool{}
	arr.Foreach(func(e *ast.Term) {
		s, ok := e.Value.(ast.String)
		if !ok {
			t.Fatalf("%s: %v is not a string", where, e)
		}
		out[string(s)] = true
	})
	return out
}

// TestRulesNeeding checks the tables bundle-incomplete reports from against
// what the rules of the pack read: lib.rules_needing lists, for each REQUIRED
// capture, the rules every finding of which checks that capture was read; the
// absence rules of bundle-incomplete those that need a complete ipvsadm
// listing, its address absence rules those that need every kube-ipvs0 address.
func TestRulesNeeding(t *testing.T) {
	modules := map[string]*ast.Module{}
	for name, m := range parsePack(t) {
		if !strings.HasSuffix(name, "_test.rego") {
			modules[name] = m
		}
	}
	c := ast.NewCompiler()
	if c.Compile(modules); c.Failed() {
		t.Fatal(c.Errors)
	}
	want := map[string]map[string]bool{} // need → rule IDs
	w := newNeedsWalker(c)
	for _, r := range builtinRules(t) {
		for n := range w.rule(ast.MustParseRef("data." + r.Package)) {
			if want[n] == nil {
				want[n] = map[string]bool{}
			}
			want[n][r.ID] = true
		}
	}

	got := map[string]map[string]bool{
		"ipvsadm-listing": constantStrings(t, c, "data.ipvslint.rules.bundle_incomplete.absence_rules"),
		"kube-ipvs0":      constantStrings(t, c, "data.ipvslint.rules.bundle_incomplete.address_absence_rules"),
	}
	table := c.GetRulesExact(ast.MustParseRef("data.ipvslint.lib.rules_needing"))
	if len(table) != 1 {
		t.Fatalf("lib.rules_needing: %d definitions, want 1", len(table))
	}
	obj, ok := table[0].Head.Value.Value.(ast.Object)
	if !ok {
		t.Fatalf("lib.rules_needing is not a constant object")
	}
	obj.Foreach(func(k, v *ast.Term) {
		name, ok := k.Value.(ast.String)
		if !ok {
			t.Fatalf("lib.rules_needing: key %v is not a string", k)
		}
		got[string(name)] = stringsOf(t, "lib.rules_needing."+string(name), v)
	})
	for _, name := range []string{"ip-addr", "ipvsadm", "conntrack", "services"} {
		if got[name] == nil {
			t.Errorf("lib.rules_needing has no entry for the REQUIRED capture %s", name)
		}
	}

	for need, rules := range got {
		for id := range rules {
			if !want[need][id] {
				t.Errorf("%s: listed as needing %s, but some of its findings do not check it", id, need)
			}
		}
		for id := range want[need] {
			if !rules[id] {
				t.Errorf("%s: every finding needs %s, but the table for %s does not list it", id, need, need)
			}
		}
	}
}
