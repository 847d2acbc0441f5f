package report

import (
	"fmt"
	"io"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

// AnalysisFormats are the formats of `ipvslint analyze`, in the order --help
// lists them; the first is the default.
var AnalysisFormats = []string{"text", "json", "markdown", "junit", "sarif", "html"}

// WriteAnalysis writes the analysis in the named format (one of
// [AnalysisFormats]); st styles the text format only.
func WriteAnalysis(w io.Writer, format string, a *Analysis, st Style) error {
	switch format {
	case "text":
		return AnalysisText(w, a, st)
	case "json":
		return AnalysisJSON(w, a)
	case "markdown":
		return AnalysisMarkdown(w, a)
	case "junit":
		return AnalysisJUnit(w, a)
	case "sarif":
		return AnalysisSARIF(w, a)
	case "html":
		return AnalysisHTML(w, a)
	}
	return fmt.Errorf("unknown format %q", format)
}

// reportRules returns the rules a report lists: a.Rules, then, in the order
// of the findings and the waived findings, a rule made of the metadata of
// each finding whose rule a.Rules lacks.
func reportRules(a *Analysis) []engine.Rule {
	rules := slices.Clone(a.Rules)
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	add := func(f engine.Finding) {
		if known[f.Rule] {
			return
		}
		known[f.Rule] = true
		behaviour := f.Behaviour
		if behaviour == "" {
			behaviour = "-"
		}
		rules = append(rules, engine.Rule{
			ID: f.Rule, Severity: f.Severity, Title: f.Title, Behaviour: behaviour,
			Remediation: f.Remediation, References: f.References,
		})
	}
	for _, f := range a.Findings {
		add(f)
	}
	for _, w := range a.Waived {
		add(w.Finding)
	}
	return rules
}

// waiverText tells a waiver: its reason, and until when it holds.
func waiverText(w Waived) string {
	if w.WaiverExpires == "" {
		return w.WaiverReason
	}
	return w.WaiverReason + " (until " + w.WaiverExpires + ")"
}
