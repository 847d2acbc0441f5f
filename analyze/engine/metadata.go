package engine

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Rule is what a rule package's METADATA says about the rule.
type Rule struct {
	ID          string   `json:"id"`          // custom.id, kebab-case, unique
	Severity    Severity `json:"severity"`    // custom.severity, the default of its findings
	Title       string   `json:"title"`       // title
	Description string   `json:"description"` // description
	Behaviour   string   `json:"behaviour"`   // custom.behaviour: B1..B15, or "-"
	Remediation string   `json:"remediation"` // custom.remediation, the default of its findings
	// Client is custom.client: whose connection to a finding's target the
	// HTML report traces and draws, as `ipvslint trace --from` names it:
	// "pod" (a pod on the finding's node), "host" (a host process there) or
	// "external" (a client outside the cluster entering through it); ""
	// when the findings are not about one connection.
	Client     string   `json:"client,omitempty"`
	References []string `json:"references"` // the refs of related_resources, in order
	Package    string   `json:"package"`    // ipvslint.rules.<rule_id>
	Pack       string   `json:"pack"`       // the name of its pack ([Pack].Name)
	File       string   `json:"file"`       // the file holding the METADATA, with its pack's name
	Line       int      `json:"line"`       // the line of the METADATA block
	// Catalog is true for a built-in rule listed in the rule catalog
	// (rules/catalog.yaml): its ID is stable.
	Catalog bool `json:"catalog"`
	// Reads are the paths of the input document the rule reads, itself or
	// through the rules and functions it calls, with [_] for a key that is
	// not a constant (input.cluster.services[_]); never nil.
	Reads []string `json:"reads"`
}

// Clients are the values of a rule's custom.client: the kinds of client
// `ipvslint trace --from` knows.
var Clients = []string{"pod", "host", "external"}

// rulePackage gathers what the modules of one package below ipvslint.rules
// hold: a package may be spread over several files.
type rulePackage struct {
	files    []string
	modules  []*ast.Module
	ann      *ast.Annotations
	findings []*ast.Rule
}

// readRules reads and checks the METADATA of every rule package of the
// compiled modules, packOf naming the pack of each file. It reports every
// problem found, a line each.
func readRules(c *ast.Compiler, packOf map[string]string) ([]Rule, error) {
	var errs []error
	pkgs := map[string]*rulePackage{}
	for _, file := range slices.Sorted(maps.Keys(c.Modules)) {
		m := c.Modules[file]
		name, isRule, err := rulePackageName(m.Package)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", file, m.Package.Location.Row, err))
			continue
		}
		if !isRule {
			continue
		}
		p := pkgs[name]
		if p == nil {
			p = &rulePackage{}
			pkgs[name] = p
		}
		p.files = append(p.files, file)
		p.modules = append(p.modules, m)
		if a := c.GetAnnotationSet().GetPackageScope(m.Package); a != nil {
			p.ann = a
		}
		for _, r := range m.Rules {
			if ref := r.Head.Ref(); len(ref) > 0 && ref[0].Value.Compare(ast.Var("findings")) == 0 {
				p.findings = append(p.findings, r)
			}
		}
	}

	var out []Rule
	byID := map[string]Rule{}
	for _, name := range slices.Sorted(maps.Keys(pkgs)) {
		r, err := newRule(RulesPackage+"."+name, pkgs[name])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.Pack = packOf[r.File]
		r.Reads = compact(inputPaths(c, pkgs[name].modules))
		if prev, dup := byID[r.ID]; dup {
			errs = append(errs, fmt.Errorf("%s:%d: duplicate rule id %q: %s:%d has it too", r.File, r.Line, r.ID, prev.File, prev.Line))
			continue
		}
		out = append(out, r)
		byID[r.ID] = r
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(out, func(a, b Rule) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// rulePackageName returns the name of a rule package below ipvslint.rules,
// or isRule false for another package (ipvslint.lib, a user's helpers).
func rulePackageName(pkg *ast.Package) (name string, isRule bool, err error) {
	path := pkg.Path // data.ipvslint.rules.<name>
	if len(path) < 3 || !path[1].Equal(ast.StringTerm("ipvslint")) || !path[2].Equal(ast.StringTerm("rules")) {
		return "", false, nil
	}
	if len(path) == 4 {
		if s, ok := path[3].Value.(ast.String); ok {
			return string(s), true, nil
		}
	}
	return "", false, fmt.Errorf("package %s: a rule is a package %s.<rule_id>, one level below %[2]s",
		strings.TrimPrefix(path.String(), "data."), RulesPackage)
}

// newRule reads and checks the METADATA of one rule package.
func newRule(pkg string, p *rulePackage) (Rule, error) {
	where := strings.Join(p.files, ", ")
	a := p.ann
	if a == nil {
		return Rule{}, fmt.Errorf("%s: package %s has no package-scoped # METADATA block", where, pkg)
	}
	r := Rule{
		Package: pkg, File: a.Location.File, Line: a.Location.Row, References: []string{},
		Title: a.Title, Description: strings.TrimSpace(a.Description),
		ID:          customString(a, "id"),
		Severity:    Severity(customString(a, "severity")),
		Behaviour:   customString(a, "behaviour"),
		Remediation: strings.TrimSpace(customString(a, "remediation")),
		Client:      customString(a, "client"),
	}
	for _, rr := range a.RelatedResources {
		if rr.Ref.String() != "" {
			r.References = append(r.References, rr.Ref.String())
		}
	}
	at := fmt.Sprintf("%s:%d: package %s", r.File, r.Line, pkg)
	switch {
	case r.ID == "":
		return Rule{}, fmt.Errorf("%s: METADATA has no custom.id", at)
	case !r.Severity.Valid():
		return Rule{}, fmt.Errorf("%s: custom.severity %q: want error, warning or info", at, r.Severity)
	case r.Client != "" && !slices.Contains(Clients, r.Client):
		return Rule{}, fmt.Errorf("%s: custom.client %q: want pod, host or external", at, r.Client)
	case len(p.findings) == 0:
		return Rule{}, fmt.Errorf("%s: defines no findings set (findings contains f if {...})", at)
	}
	for _, f := range p.findings {
		if f.Head.RuleKind() != ast.MultiValue || len(f.Head.Ref()) != 1 {
			return Rule{}, fmt.Errorf("%s:%d: findings of %s must be a set (findings contains f if {...})", f.Location.File, f.Location.Row, pkg)
		}
	}
	return r, nil
}

// customString returns the string value of a custom METADATA key, or "".
func customString(a *ast.Annotations, key string) string {
	s, _ := a.Custom[key].(string)
	return strings.TrimSpace(s)
}
