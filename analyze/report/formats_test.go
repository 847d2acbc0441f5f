package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/golden"
)

// testRules are the rules of the test analyses: those of testFindings but
// vs-missing, whose rule the reports make of its finding, and
// vip-not-bound, which found nothing.
var testRules = []engine.Rule{
	{
		ID: "bundle-incomplete", Severity: engine.SeverityInfo, Title: "bundle lacks a required capture",
		Description: "A required capture is missing or holds a command failure.", Behaviour: "-",
		Remediation: "Collect the bundle again with the collector.", References: []string{},
	},
	{
		ID: "etp-local-remote-backends", Severity: engine.SeverityError, Title: "eTP=Local Service routed to remote backends",
		Description: "A node without a local endpoint forwards eTP=Local traffic to other nodes.", Behaviour: "B7", Client: "external",
		Remediation: "Run a ready pod of the Service on every node that receives external traffic.",
		References:  []string{"https://github.com/kubernetes/kubernetes/pull/97081", "https://github.com/kubernetes/kubernetes/issues/119131"},
	},
	{
		ID: "source-ip-lost", Severity: engine.SeverityInfo, Title: "backends see the node's address",
		Description: "Traffic to the Service is masqueraded.", Behaviour: "B4", Remediation: "Set externalTrafficPolicy: Local.", Client: "external",
		References: []string{},
	},
	{
		ID: "vip-not-bound", Severity: engine.SeverityError, Title: "virtual IP not bound to kube-ipvs0",
		Description: "A ClusterIP, LB or external IP has a virtual service but is not on kube-ipvs0.", Behaviour: "B15", Client: "pod",
		Remediation: "Restart kube-proxy on the node.", References: []string{},
	},
}

// testClientRule is the rule of testFindings[1], as a report makes it of
// the finding, with the client whose connection the HTML report traces.
var testClientRule = engine.Rule{
	ID: "vs-missing", Severity: engine.SeverityError, Title: "Service port without a virtual service", Behaviour: "B15",
	Remediation: "Check that kube-proxy runs on node-a and look at its logs.", References: []string{}, Client: "pod",
}

// testWarnings are read warnings of a node, of a bundle as a whole (no
// node, no line), and one whose text Markdown must escape.
var testWarnings = []ReadWarning{
	{Node: "node-a", Warning: source.Warning{Pos: source.Pos{File: "ticket.txt", Line: 31},
		Msg: "no link line, label or command names the interface: kept on an unnamed interface", Text: "    inet6 fd00:10:96::1/128 scope global"}},
	{Warning: source.Warning{Pos: source.Pos{File: "nodes/node-b/ipvsadm.txt"}, Msg: "listed in manifest.json but not in the bundle"}},
	{Node: "node-c", Warning: source.Warning{Pos: source.Pos{File: "ticket.txt", Line: 8},
		Msg: `placeholder "<LB-IP>" in place of the service address: left out`, Text: "TCP  <LB-IP>:443 rr | `x`"}},
}

// testAnalyses are the analyses every format has golden files of.
func testAnalyses() map[string]*Analysis {
	findings := NewAnalysis(testVersion, testCNI, testFindings)
	findings.Nodes = []string{"node-a", "node-b", "node-c"}
	findings.Rules, findings.ToolVersion = append(slices.Clone(testRules), testClientRule), "v0.9.0"
	findings.Warnings = testWarnings
	findings.Bundles, findings.Paths = testBundles, testPaths

	empty := NewAnalysis(ReportedVersion{}, ReportedCNI{Class: "unknown"}, nil)
	empty.Rules = testRules

	waived := NewAnalysis(testVersion, testCNI, testFindings[1:2])
	waived.Nodes = []string{"node-a", "node-c"}
	waived.Rules = append(slices.Clone(testRules), testClientRule)
	waived.Waived = []Waived{
		{Finding: testFindings[0], WaiverReason: "node-c takes no external traffic (TICKET-1234)", WaiverExpires: "2026-12-31"},
		{Finding: testFindings[2], WaiverReason: "the client IP is not needed | by design"},
		{Finding: testFindings[3], WaiverReason: "endpoint slices are collected separately"},
	}
	waived.Summary.Waived = len(waived.Waived)

	// What analyze prints without --show-waived: the count only.
	waivedCount := NewAnalysis(testVersion, testCNI, testFindings[1:2])
	waivedCount.Summary.Waived = 2
	waivedCount.Rules = []engine.Rule{testClientRule}

	return map[string]*Analysis{"findings": findings, "empty": empty, "waived": waived, "waived-count": waivedCount}
}

func TestWriteAnalysis(t *testing.T) {
	for _, format := range AnalysisFormats {
		for name, a := range testAnalyses() {
			t.Run(format+"/"+name, func(t *testing.T) {
				got := writeAnalysis(t, format, a)
				if again := writeAnalysis(t, format, a); !bytes.Equal(got, again) {
					t.Error("two runs gave different bytes")
				}
				golden.Check(t, golden.Path(t, format+"/"+name), got)
			})
		}
	}
}

func TestWriteAnalysisUnknownFormat(t *testing.T) {
	err := WriteAnalysis(io.Discard, "pdf", testAnalyses()["empty"], Style{})
	if err == nil || err.Error() != `unknown format "pdf"` {
		t.Errorf("err = %v, want unknown format", err)
	}
}

func TestWriteAnalysisError(t *testing.T) {
	for _, format := range AnalysisFormats {
		if err := WriteAnalysis(failWriter{}, format, testAnalyses()["findings"], Style{}); !errors.Is(err, errFail) {
			t.Errorf("%s: err = %v, want the writer's", format, err)
		}
	}
}

var errFail = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

func writeAnalysis(t *testing.T, format string, a *Analysis) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteAnalysis(&buf, format, a, NewStyle(&buf, false)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAnalysisJUnitStructure checks that every JUnit report is well-formed
// XML that reads back to the same bytes, has a case per rule in each suite,
// and counts that add up.
func TestAnalysisJUnitStructure(t *testing.T) {
	for name, a := range testAnalyses() {
		t.Run(name, func(t *testing.T) {
			got := writeAnalysis(t, "junit", a)
			root := checkJUnit(t, got)
			rules := reportRules(a)
			var failures, skipped []string
			for _, s := range root.Suites {
				if len(s.Cases) != len(rules) {
					t.Errorf("suite %s has %d cases, want one per rule (%d)", s.Name, len(s.Cases), len(rules))
				}
				for _, c := range s.Cases {
					if c.Failure != nil {
						failures = append(failures, c.Name)
					}
					if c.Skipped != nil {
						skipped = append(skipped, c.Name)
					}
				}
			}
			if root.Suites[0].Name != "cluster" {
				t.Errorf("first suite %q, want cluster", root.Suites[0].Name)
			}
			want := map[string][2][]string{
				"findings":     {{"etp-local-remote-backends on node-c", "vs-missing on node-a"}, nil},
				"empty":        {nil, nil},
				"waived":       {{"vs-missing on node-a"}, {"bundle-incomplete on cluster", "etp-local-remote-backends on node-c", "source-ip-lost on node-a"}},
				"waived-count": {{"vs-missing on node-a"}, nil},
			}[name]
			slices.Sort(failures)
			slices.Sort(skipped)
			if !slices.Equal(failures, want[0]) || !slices.Equal(skipped, want[1]) {
				t.Errorf("failed %q, skipped %q; want %q, %q", failures, skipped, want[0], want[1])
			}
		})
	}
}

// checkJUnit parses a JUnit report strictly, checks that it marshals back
// to the same bytes and that its counts add up, and returns it.
func checkJUnit(t *testing.T, report []byte) junitSuites {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(report))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
	}
	var root junitSuites
	if err := xml.Unmarshal(report, &root); err != nil {
		t.Fatal(err)
	}
	again, err := xml.MarshalIndent(root, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if string(report) != xml.Header+string(again)+"\n" {
		t.Errorf("the report does not read back to the same bytes:\n%s", again)
	}
	// Count by hand, not with the writer's own helpers.
	var tests, failures, skipped int
	for _, s := range root.Suites {
		var f, sk int
		for _, c := range s.Cases {
			if c.Failure != nil && c.Skipped != nil {
				t.Errorf("%s: failed and skipped", c.Name)
			}
			if c.Failure != nil {
				f++
			}
			if c.Skipped != nil {
				sk++
			}
		}
		if want := (junitCounts{Tests: len(s.Cases), Failures: f, Skipped: sk}); s.junitCounts != want {
			t.Errorf("suite %s counts %+v, has %+v", s.Name, s.junitCounts, want)
		}
		tests, failures, skipped = tests+s.Tests, failures+s.Failures, skipped+s.Skipped
	}
	if want := (junitCounts{Tests: tests, Failures: failures, Skipped: skipped}); root.junitCounts != want {
		t.Errorf("testsuites counts %+v, the suites add up to %+v", root.junitCounts, want)
	}
	return root
}

// TestAnalysisJUnitHostile checks that text no XML can hold, and text that
// ends a CDATA section, still give a well-formed report that keeps the
// rest of the text.
func TestAnalysisJUnitHostile(t *testing.T) {
	f := testFindings[1]
	f.Evidence = []engine.Evidence{{File: "cluster/services.yaml", Line: 3, Text: "a]]>b\x01c\xffd <x> & \"q\""}}
	a := NewAnalysis(testVersion, testCNI, []engine.Finding{f})
	root := checkJUnit(t, writeAnalysis(t, "junit", a))
	for _, s := range root.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil && !strings.Contains(c.Failure.Text, "a]]>b\uFFFDc\uFFFDd <x> & \"q\"") {
				t.Errorf("failure text %q lost the evidence", c.Failure.Text)
			}
		}
	}
}

// TestAnalysisSARIFStructure checks what SARIF 2.1.0 requires and what
// code-scanning tools rely on, over the generic JSON of each report.
func TestAnalysisSARIFStructure(t *testing.T) {
	for name, a := range testAnalyses() {
		t.Run(name, func(t *testing.T) {
			var log struct {
				Schema  string `json:"$schema"`
				Version string `json:"version"`
				Runs    []struct {
					Tool struct {
						Driver struct {
							Name  string `json:"name"`
							Rules []struct {
								ID                   string            `json:"id"`
								ShortDescription     map[string]string `json:"shortDescription"`
								DefaultConfiguration map[string]string `json:"defaultConfiguration"`
							} `json:"rules"`
						} `json:"driver"`
					} `json:"tool"`
					Invocations []struct {
						ExecutionSuccessful bool `json:"executionSuccessful"`
						Notifications       []struct {
							Level     string            `json:"level"`
							Message   map[string]string `json:"message"`
							Locations []struct {
								PhysicalLocation struct {
									ArtifactLocation map[string]string `json:"artifactLocation"`
								} `json:"physicalLocation"`
							} `json:"locations"`
						} `json:"toolExecutionNotifications"`
					} `json:"invocations"`
					OriginalURIBaseIDs map[string]any `json:"originalUriBaseIds"`
					Results            []struct {
						RuleID    string            `json:"ruleId"`
						RuleIndex int               `json:"ruleIndex"`
						Level     string            `json:"level"`
						Message   map[string]string `json:"message"`
						Locations []struct {
							PhysicalLocation struct {
								ArtifactLocation map[string]string `json:"artifactLocation"`
								Region           *struct {
									StartLine int `json:"startLine"`
								} `json:"region"`
							} `json:"physicalLocation"`
						} `json:"locations"`
						Suppressions []map[string]any `json:"suppressions"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(writeAnalysis(t, "sarif", a), &log); err != nil {
				t.Fatal(err)
			}
			if log.Version != "2.1.0" || log.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || len(log.Runs) != 1 {
				t.Fatalf("version %q, $schema %q, %d runs; want 2.1.0, the schema, 1 run", log.Version, log.Schema, len(log.Runs))
			}
			run := log.Runs[0]
			if run.Tool.Driver.Name != "ipvslint" {
				t.Errorf("driver name %q", run.Tool.Driver.Name)
			}
			if _, ok := run.OriginalURIBaseIDs["BUNDLEROOT"]; !ok {
				t.Error("no originalUriBaseIds.BUNDLEROOT")
			}
			// Read warnings are the notifications of one invocation.
			switch {
			case len(a.Warnings) == 0 && len(run.Invocations) != 0:
				t.Errorf("%d invocations without read warnings", len(run.Invocations))
			case len(a.Warnings) > 0 && (len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful ||
				len(run.Invocations[0].Notifications) != len(a.Warnings)):
				t.Errorf("invocations %+v, want one successful with %d notifications", run.Invocations, len(a.Warnings))
			case len(a.Warnings) > 0:
				for i, n := range run.Invocations[0].Notifications {
					if n.Level != "warning" || n.Message["text"] != a.Warnings[i].Msg || len(n.Locations) != 1 ||
						n.Locations[0].PhysicalLocation.ArtifactLocation["uri"] != a.Warnings[i].File {
						t.Errorf("notification %d: %+v, want read warning %v", i, n, a.Warnings[i])
					}
				}
			}
			levels := []string{"error", "warning", "note"}
			ids := map[string]bool{}
			for _, r := range run.Tool.Driver.Rules {
				if r.ID == "" || ids[r.ID] || r.ShortDescription["text"] == "" || !slices.Contains(levels, r.DefaultConfiguration["level"]) {
					t.Errorf("rule %+v: want a unique id, a short description and a level", r)
				}
				ids[r.ID] = true
			}
			if want := len(a.Findings) + len(a.Waived); len(run.Results) != want {
				t.Errorf("%d results, want %d", len(run.Results), want)
			}
			for i, res := range run.Results {
				rules := run.Tool.Driver.Rules
				if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
					t.Errorf("result %d: ruleIndex %d does not point at rule %q", i, res.RuleIndex, res.RuleID)
				}
				if !slices.Contains(levels, res.Level) || res.Message["text"] == "" {
					t.Errorf("result %d: level %q, message %q", i, res.Level, res.Message["text"])
				}
				for _, loc := range res.Locations {
					al := loc.PhysicalLocation.ArtifactLocation
					if al["uri"] == "" || al["uriBaseId"] != "BUNDLEROOT" || (loc.PhysicalLocation.Region != nil && loc.PhysicalLocation.Region.StartLine < 1) {
						t.Errorf("result %d: location %+v", i, loc)
					}
				}
				waived := i >= len(a.Findings)
				if waived != (len(res.Suppressions) == 1) {
					t.Errorf("result %d: suppressions %v, waived %v", i, res.Suppressions, waived)
				}
				if waived && (res.Suppressions[0]["kind"] != "external" || res.Suppressions[0]["justification"] != a.Waived[i-len(a.Findings)].WaiverReason) {
					t.Errorf("result %d: suppression %v", i, res.Suppressions[0])
				}
			}
		})
	}
}

func TestMdText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words, 10.0.0.1:80/TCP", "plain words, 10.0.0.1:80/TCP"},
		{"a|b `c` *d* _e_ [f](g) <h> & i\\", `a\|b \` + "`c\\`" + ` \*d\* \_e\_ \[f\](g) \<h\> \& i\\`},
		{"# not a heading", `\# not a heading`},
		{"- not a list\n+ nor this\n12. nor this\n3) nor this", "\\- not a list\n\\+ nor this\n12\\. nor this\n3\\) nor this"},
		{"1.24 is a version", "1.24 is a version"},
	}
	for _, tt := range tests {
		if got := mdText(tt.in); got != tt.want {
			t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := mdCell("a |\n b"), `a \| b`; got != want {
		t.Errorf("mdCell = %q, want %q", got, want)
	}
	if got, want := mdCode("a`b"), "``a`b``"; got != want {
		t.Errorf("mdCode = %q, want %q", got, want)
	}
	if got, want := mdCode("`x"), "`` `x ``"; got != want {
		t.Errorf("mdCode = %q, want %q", got, want)
	}
}

// TestReferenceLinks checks which references the HTML and Markdown
// reports link to, and SARIF gives as a rule's helpUri: the same ones.
func TestReferenceLinks(t *testing.T) {
	tests := []struct {
		ref  string
		link bool
	}{
		{"https://github.com/kubernetes/kubernetes/issues/72236", true},
		{"http://example.com/a?b=c", true},
		{"KEP-1860", false},
		{"javascript:alert(1)", false},
		{"ftp://example.com/x", false},
		{"https://example.com/a b", false},
		{`https://example.com/"x`, false},
		{"https://example.com/<x>", false},
	}
	for _, tt := range tests {
		if got := isURL(tt.ref); got != tt.link {
			t.Errorf("isURL(%q) = %v, want %v", tt.ref, got, tt.link)
		}
		if got := strings.HasPrefix(mdLink(tt.ref), "<"); got != tt.link {
			t.Errorf("mdLink(%q) = %q: a link %v, want %v", tt.ref, mdLink(tt.ref), got, tt.link)
		}
		// The reference is the second: the first is never a web address.
		rule := newSARIFRule(engine.Rule{ID: "x", References: []string{"KEP-1860", tt.ref}})
		if got := rule.HelpURI != ""; got != tt.link {
			t.Errorf("SARIF rule with references %q: helpUri %q, want one %v", []string{"KEP-1860", tt.ref}, rule.HelpURI, tt.link)
		}
	}
}

func TestSARIFRuleName(t *testing.T) {
	if got := sarifRuleName("etp-local-remote-backends"); got != "EtpLocalRemoteBackends" {
		t.Errorf("sarifRuleName = %q", got)
	}
}
