package engine

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Severity is how bad a finding is: error (traffic fails or goes to the
// wrong place), warning (works, but not as intended) or info (a fact worth
// knowing).
type Severity string

// The severities, from the worst.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Severities lists the severities from the worst.
var Severities = []Severity{SeverityError, SeverityWarning, SeverityInfo}

// Rank is 0 for error, 1 for warning, 2 for info, and 3 for anything else,
// so that sorting by Rank puts the worst first.
func (s Severity) Rank() int {
	if i := slices.Index(Severities, s); i >= 0 {
		return i
	}
	return len(Severities)
}

// Valid reports whether s is error, warning or info.
func (s Severity) Valid() bool { return s.Rank() < len(Severities) }

// AtLeast reports whether s is as bad as min or worse.
func (s Severity) AtLeast(min Severity) bool { return s.Rank() <= min.Rank() }

// Evidence is one capture line that shows a finding.
type Evidence struct {
	File string `json:"file"` // the path inside the bundle
	Line int    `json:"line"` // 1-based; 0 when the evidence is the whole file
	Text string `json:"text"` // the line itself; "" when not given
}

// Finding is what a rule found about one node, Service and target, with its
// rule's METADATA joined on. Its JSON is that of a finding in the report
// (rule-catalog.md).
type Finding struct {
	Rule     string   `json:"rule"`     // the rule ID
	Severity Severity `json:"severity"` // the finding's own severity, else its rule's
	Title    string   `json:"title"`    // the rule's title
	Message  string   `json:"message"`  // the explanation in plain words
	// Node is the node name, "" for a cluster-wide finding; Service is
	// namespace/name, "" when no Service is concerned; Target is
	// IP:PORT/PROTO, an IP, or "".
	Node        string     `json:"node"`
	Service     string     `json:"service"`
	Target      string     `json:"target"`
	Evidence    []Evidence `json:"evidence"`              // never nil
	Remediation string     `json:"remediation"`           // the finding's own, else its rule's
	References  []string   `json:"references"`            // the rule's related resources; never nil
	Assumptions []string   `json:"assumptions,omitempty"` // what the rule assumed, and the other case
	Behaviour   string     `json:"behaviour,omitempty"`   // the rule's behaviour (B1..B15), "" for "-"
}

// findingKeys are the keys a finding object may have, and whether each is
// required (docs/rules.md).
var findingKeys = map[string]bool{
	"node": true, "service": true, "target": true, "message": true, "evidence": true,
	"severity": false, "assumptions": false, "remediation": false,
}

// newFinding checks one finding object of rule and joins the rule's
// METADATA onto it.
func newFinding(rule *Rule, v any) (Finding, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return Finding{}, fmt.Errorf("a finding is an object, not %s", clipJSON(v))
	}
	bad := func(format string, args ...any) (Finding, error) {
		return Finding{}, fmt.Errorf("finding %s: %s", clipJSON(v), fmt.Sprintf(format, args...))
	}
	for _, k := range slices.Sorted(maps.Keys(findingKeys)) {
		if _, ok := obj[k]; findingKeys[k] && !ok {
			return bad("no %q", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if _, ok := findingKeys[k]; !ok {
			return bad("unknown key %q (a finding has node, service, target, message, evidence, and may have severity, assumptions, remediation)", k)
		}
	}
	f := Finding{
		Rule: rule.ID, Severity: rule.Severity, Title: rule.Title, Remediation: rule.Remediation,
		References: rule.References, Evidence: []Evidence{},
	}
	if rule.Behaviour != "-" {
		f.Behaviour = rule.Behaviour
	}
	for k, dst := range map[string]*string{"node": &f.Node, "service": &f.Service, "target": &f.Target, "message": &f.Message} {
		s, ok := obj[k].(string)
		if !ok {
			return bad("%q is not a string", k)
		}
		*dst = s
	}
	if strings.TrimSpace(f.Message) == "" {
		return bad("empty message")
	}
	if s, ok := obj["severity"]; ok {
		sev, _ := s.(string)
		if !Severity(sev).Valid() {
			return bad("severity %s: want error, warning or info", clipJSON(s))
		}
		f.Severity = Severity(sev)
	}
	if s, ok := obj["remediation"]; ok {
		rem, ok := s.(string)
		if !ok {
			return bad("\"remediation\" is not a string")
		}
		f.Remediation = strings.TrimSpace(rem)
	}
	if a, ok := obj["assumptions"]; ok {
		list, ok := a.([]any)
		if !ok {
			return bad("\"assumptions\" is not a list of strings")
		}
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				return bad("\"assumptions\" is not a list of strings")
			}
			f.Assumptions = append(f.Assumptions, s)
		}
	}
	list, ok := obj["evidence"].([]any)
	if !ok {
		return bad("\"evidence\" is not a list")
	}
	for _, x := range list {
		ev, err := newEvidence(x)
		if err != nil {
			return bad("evidence %s: %v", clipJSON(x), err)
		}
		f.Evidence = append(f.Evidence, ev)
	}
	return f, nil
}

// newEvidence checks one evidence object {file, line, text}.
func newEvidence(v any) (Evidence, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return Evidence{}, fmt.Errorf("not an object")
	}
	for k := range obj {
		if k != "file" && k != "line" && k != "text" {
			return Evidence{}, fmt.Errorf("unknown key %q (evidence has file, line, text)", k)
		}
	}
	var ev Evidence
	if ev.File, ok = obj["file"].(string); !ok || ev.File == "" {
		return Evidence{}, fmt.Errorf("no file")
	}
	n, ok := obj["line"].(json.Number)
	line, err := n.Int64()
	if !ok || err != nil || line < 0 {
		return Evidence{}, fmt.Errorf("line is not a line number")
	}
	ev.Line = int(line)
	if t, ok := obj["text"]; ok {
		if ev.Text, ok = t.(string); !ok {
			return Evidence{}, fmt.Errorf("text is not a string")
		}
	}
	return ev, nil
}

// clipJSON shows a value in messages: compact JSON, cut to 120 bytes.
func clipJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// SortFindings sorts findings by severity, rule, node, Service, target
// and then by everything else, and drops exact duplicates, so that the
// same input always gives the same list.
func SortFindings(fs []Finding) []Finding {
	all := make([]sortable, len(fs))
	ks := make([]*sortable, len(fs))
	for i := range fs {
		all[i].f = &fs[i]
		ks[i] = &all[i]
	}
	slices.SortFunc(ks, func(a, b *sortable) int {
		if c := compareKeys(a.f, b.f); c != 0 {
			return c
		}
		return strings.Compare(a.whole(), b.whole())
	})
	ks = slices.CompactFunc(ks, func(a, b *sortable) bool {
		return compareKeys(a.f, b.f) == 0 && a.whole() == b.whole()
	})
	out := make([]Finding, len(ks))
	for i, k := range ks {
		out[i] = *k.f
	}
	return out
}

// compareKeys orders findings by severity, rule, node, Service and target.
func compareKeys(a, b *Finding) int {
	return cmp.Or(
		cmp.Compare(a.Severity.Rank(), b.Severity.Rank()),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Node, b.Node),
		cmp.Compare(a.Service, b.Service),
		cmp.Compare(a.Target, b.Target),
	)
}

// sortable is a finding being sorted, with its JSON, which breaks the ties
// of compareKeys and finds duplicates: written only for findings that tie,
// as most have a target of their own.
type sortable struct {
	f    *Finding
	json string // "" until whole writes it
}

// whole returns the JSON of the whole finding.
func (s *sortable) whole() string {
	if s.json == "" {
		b, _ := json.Marshal(s.f) // a Finding always marshals
		s.json = string(b)
	}
	return s.json
}
