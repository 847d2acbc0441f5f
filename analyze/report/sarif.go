package report

import (
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

// The constants of the SARIF report.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// sarifRoot is the uriBaseId of every location: the bundle's root,
	// which only the person who has the bundle knows.
	sarifRoot = "BUNDLEROOT"
	// sarifFingerprint names the partial fingerprint of a result: what it
	// concerns, which stays the same when capture lines move.
	sarifFingerprint = "ipvslintFinding/v1"
	toolURI          = "https://github.com/ipvslint/ipvslint"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations,omitempty"` // only when there are read warnings
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	Results            []sarifResult                    `json:"results"` // never nil
	Properties         sarifRunProperties               `json:"properties"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level      string             `json:"level"`
	Message    sarifMessage       `json:"message"`
	Locations  []sarifLocation    `json:"locations"`
	Properties *sarifNodeProperty `json:"properties,omitempty"`
}

type sarifNodeProperty struct {
	Node string `json:"node"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"` // never nil
}

// sarifRule is a reportingDescriptor.
type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name"`
	ShortDescription     sarifMessage        `json:"shortDescription"`
	FullDescription      *sarifMessage       `json:"fullDescription,omitempty"`
	Help                 *sarifMessage       `json:"help,omitempty"`
	HelpURI              string              `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
	Properties           sarifRuleProperties `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProperties struct {
	Tags      []string `json:"tags,omitempty"`
	Precision string   `json:"precision"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string                `json:"ruleId"`
	RuleIndex           int                   `json:"ruleIndex"`
	Level               string                `json:"level"`
	Message             sarifMessage          `json:"message"`
	Locations           []sarifLocation       `json:"locations,omitempty"`
	PartialFingerprints map[string]string     `json:"partialFingerprints"`
	Suppressions        []sarifSuppression    `json:"suppressions,omitempty"`
	Properties          sarifResultProperties `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine int           `json:"startLine"`
	Snippet   *sarifMessage `json:"snippet,omitempty"`
}

type sarifSuppression struct {
	Kind          string                      `json:"kind"`
	Status        string                      `json:"status"`
	Justification string                      `json:"justification"`
	Properties    *sarifSuppressionProperties `json:"properties,omitempty"`
}

type sarifSuppressionProperties struct {
	Expires string `json:"expires"`
}

type sarifResultProperties struct {
	Node        string   `json:"node"`
	Service     string   `json:"service"`
	Target      string   `json:"target"`
	Remediation string   `json:"remediation,omitempty"`
	Assumptions []string `json:"assumptions,omitempty"`
}

type sarifRunProperties struct {
	KubernetesVersion ReportedVersion `json:"kubernetesVersion"`
	CNI               ReportedCNI     `json:"cni"`
	Waived            int             `json:"waived"`
}

// AnalysisSARIF writes the report as SARIF 2.1.0 for code-scanning tools:
// one run whose driver lists every rule of the report (title, description,
// remediation as help, the first reference that is a web address as helpUri, the behaviour as a
// tag, the severity as default level), and a result for each finding: its
// level (info is "note"), its message, a location for each evidence in the
// bundle (relative to BUNDLEROOT, with the line and its text when the
// evidence has a line), and the node, Service and target as properties and
// as a partial fingerprint. Waived findings are results too, with an
// external suppression whose justification is the waiver's reason. The
// read warnings are the toolExecutionNotifications of the run's invocation
// (level warning, the line as location, the node as a property). The run's
// properties tell the Kubernetes version, the CNI and how many findings were
// waived.
func AnalysisSARIF(w io.Writer, a *Analysis) error {
	rules := reportRules(a)
	index := make(map[string]int, len(rules))
	driver := sarifDriver{Name: "ipvslint", InformationURI: toolURI, Version: a.ToolVersion, Rules: []sarifRule{}}
	for i, r := range rules {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, newSARIFRule(r))
	}
	run := sarifRun{
		Tool: sarifTool{Driver: driver},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			sarifRoot: {Description: &sarifMessage{Text: "The root of the ipvslint bundle (archive or directory) the report was made from."}},
		},
		Invocations: newSARIFInvocations(a.Warnings),
		Results:     []sarifResult{},
		Properties:  sarifRunProperties{KubernetesVersion: a.KubernetesVersion, CNI: a.CNI, Waived: a.Summary.Waived},
	}
	for _, f := range a.Findings {
		run.Results = append(run.Results, newSARIFResult(f, index[f.Rule]))
	}
	for _, wf := range a.Waived {
		res := newSARIFResult(wf.Finding, index[wf.Rule])
		s := sarifSuppression{Kind: "external", Status: "accepted", Justification: wf.WaiverReason}
		if wf.WaiverExpires != "" {
			s.Properties = &sarifSuppressionProperties{Expires: wf.WaiverExpires}
		}
		res.Suppressions = []sarifSuppression{s}
		run.Results = append(run.Results, res)
	}
	return WriteJSON(w, sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func newSARIFRule(r engine.Rule) sarifRule {
	sr := sarifRule{
		ID: r.ID, Name: sarifRuleName(r.ID), ShortDescription: sarifMessage{Text: r.Title},
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
		Properties:           sarifRuleProperties{Precision: "high"},
	}
	if r.Description != "" {
		sr.FullDescription = &sarifMessage{Text: r.Description}
	}
	if r.Remediation != "" {
		sr.Help = &sarifMessage{Text: r.Remediation}
	}
	if i := slices.IndexFunc(r.References, isURL); i >= 0 {
		sr.HelpURI = r.References[i]
	}
	if r.Behaviour != "" && r.Behaviour != "-" {
		sr.Properties.Tags = []string{r.Behaviour}
	}
	return sr
}

func newSARIFResult(f engine.Finding, ruleIndex int) sarifResult {
	res := sarifResult{
		RuleID: f.Rule, RuleIndex: ruleIndex, Level: sarifLevel(f.Severity), Message: sarifMessage{Text: f.Message},
		PartialFingerprints: map[string]string{sarifFingerprint: strings.Join([]string{f.Rule, f.Node, f.Service, f.Target}, "|")},
		Properties: sarifResultProperties{
			Node: f.Node, Service: f.Service, Target: f.Target, Remediation: f.Remediation, Assumptions: f.Assumptions,
		},
	}
	for _, ev := range f.Evidence {
		res.Locations = append(res.Locations, newSARIFLocation(ev.File, ev.Line, ev.Text))
	}
	return res
}

// newSARIFLocation is the location of a line of a bundle file (the whole
// file when line is 0), with its text as the snippet.
func newSARIFLocation(file string, line int, text string) sarifLocation {
	loc := sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: (&url.URL{Path: file}).String(), URIBaseID: sarifRoot}}
	if line > 0 {
		loc.Region = &sarifRegion{StartLine: line}
		if text != "" {
			loc.Region.Snippet = &sarifMessage{Text: text}
		}
	}
	return sarifLocation{PhysicalLocation: loc}
}

// newSARIFInvocations are the read warnings as the notifications of one
// successful invocation, each with its place in the bundle and its node;
// nil when there are none.
func newSARIFInvocations(warnings []ReadWarning) []sarifInvocation {
	if len(warnings) == 0 {
		return nil
	}
	inv := sarifInvocation{ExecutionSuccessful: true, ToolExecutionNotifications: []sarifNotification{}}
	for _, rw := range warnings {
		n := sarifNotification{Level: "warning", Message: sarifMessage{Text: rw.Msg},
			Locations: []sarifLocation{newSARIFLocation(rw.File, rw.Line, rw.Text)}}
		if rw.Node != "" {
			n.Properties = &sarifNodeProperty{Node: rw.Node}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	return []sarifInvocation{inv}
}

// sarifLevel is the SARIF level of a severity: error, warning, or note
// for info.
func sarifLevel(s engine.Severity) string {
	switch s {
	case engine.SeverityError:
		return "error"
	case engine.SeverityWarning:
		return "warning"
	}
	return "note"
}

// sarifRuleName is the rule's name in SARIF: its ID in PascalCase
// ("vs-missing" is "VsMissing").
func sarifRuleName(id string) string {
	var b strings.Builder
	for _, word := range strings.Split(id, "-") {
		if word != "" {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}
