package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

// testFindings are sorted as the engine sorts them: severity, rule, node,
// Service, target.
var testFindings = []engine.Finding{
	{
		Rule: "etp-local-remote-backends", Severity: engine.SeverityError,
		Title:   "eTP=Local Service routed to remote backends",
		Message: "node-c has no ready endpoint of default/nginx, but its NodePort virtual service 10.0.5.168:30745 lists 2 real servers on other nodes (172.20.1.7, 172.20.2.9). With a VPC-routed CNI their replies bypass node-c, so external clients entering through node-c time out.",
		Node:    "node-c", Service: "default/nginx", Target: "10.0.5.168:30745/TCP",
		Evidence: []engine.Evidence{
			{File: "nodes/node-c/ipvsadm.txt", Line: 14, Text: "TCP  10.0.5.168:30745 rr"},
			{File: "nodes/node-c/ipvsadm.txt", Line: 15, Text: "  -> 172.20.1.7:80                Masq    1      0          0"},
		},
		Remediation: "Run a ready pod of the Service on every node that receives external traffic, or set externalTrafficPolicy: Cluster.",
		References:  []string{"https://github.com/kubernetes/kubernetes/pull/97081"},
		Assumptions: []string{"the CNI is VPC-routed (cluster/pods.yaml); on an overlay CNI clients would only lose their source IP"},
		Behaviour:   "B7",
	},
	{
		Rule: "vs-missing", Severity: engine.SeverityError, Title: "Service port without a virtual service",
		Message: "default/web port 80 has no virtual service on node-a for 10.96.0.10:80/TCP.",
		Node:    "node-a", Service: "default/web", Target: "10.96.0.10:80/TCP",
		Evidence:    []engine.Evidence{{File: "cluster/services.yaml", Line: 42, Text: "  clusterIP: 10.96.0.10"}},
		Remediation: "Check that kube-proxy runs on node-a and look at its logs.", References: []string{}, Behaviour: "B15",
	},
	{
		Rule: "source-ip-lost", Severity: engine.SeverityWarning, Title: "backends see the node's address",
		Message: "Traffic to default/nginx is masqueraded & the backends see 10.0.5.168 <the node> instead of the client.",
		Node:    "node-a", Service: "default/nginx", Target: "10.0.5.168:30745/TCP",
		Evidence:    []engine.Evidence{},
		Remediation: "Set externalTrafficPolicy: Local.", References: []string{},
	},
	{
		Rule: "bundle-incomplete", Severity: engine.SeverityInfo, Title: "bundle lacks a required capture",
		Message:     "cluster/endpointslices.yaml is missing: vs-no-real-servers and stale-real-server could not run.",
		Evidence:    []engine.Evidence{{File: "cluster/endpointslices.yaml"}},
		Remediation: "Collect the bundle again with the collector.", References: []string{},
	},
}

var (
	testVersion = ReportedVersion{Value: "v1.24.6", Source: "cluster/version.json"}
	testCNI     = ReportedCNI{Class: "vpc", Name: "terway-eniip", Source: "cluster/pods.yaml"}
)

func TestNewAnalysis(t *testing.T) {
	a := NewAnalysis(testVersion, testCNI, testFindings)
	if want := (Summary{Error: 2, Warning: 1, Info: 1}); a.Summary != want {
		t.Errorf("summary = %+v, want %+v", a.Summary, want)
	}
	if a := NewAnalysis(ReportedVersion{}, ReportedCNI{Class: "unknown"}, nil); a.Findings == nil {
		t.Error("findings of an empty analysis are nil, want []")
	}
}

// TestSummaryCounts checks that the summary of the reports and the counts
// of the HTML report's groups agree, a severity the engine does not give
// counting as info.
func TestSummaryCounts(t *testing.T) {
	tests := []struct {
		severities []engine.Severity
		want       Summary
	}{
		{nil, Summary{}},
		{[]engine.Severity{engine.SeverityError, engine.SeverityInfo, engine.SeverityWarning, engine.SeverityError}, Summary{Error: 2, Warning: 1, Info: 1}},
		{[]engine.Severity{"critical", engine.SeverityWarning, ""}, Summary{Warning: 1, Info: 2}},
	}
	for _, tt := range tests {
		var findings []engine.Finding
		for i, sev := range tt.severities {
			findings = append(findings, engine.Finding{Rule: "r", Severity: sev, Node: "node-" + strconv.Itoa(i%2), Message: "m"})
		}
		a := NewAnalysis(testVersion, testCNI, findings)
		if a.Summary != tt.want {
			t.Errorf("%q: summary %+v, want %+v", tt.severities, a.Summary, tt.want)
		}
		var groups Summary
		for _, n := range newHTMLReport(a).Nodes {
			groups.Error, groups.Warning, groups.Info = groups.Error+n.Error, groups.Warning+n.Warning, groups.Info+n.Info
		}
		if groups != tt.want {
			t.Errorf("%q: the HTML report's nodes count %+v, want %+v", tt.severities, groups, tt.want)
		}
	}
}

func TestAnalysisTextColor(t *testing.T) {
	var plain, color bytes.Buffer
	a := NewAnalysis(testVersion, testCNI, testFindings)
	if err := AnalysisText(&plain, a, NewStyle(&plain, false)); err != nil {
		t.Fatal(err)
	}
	if err := AnalysisText(&color, a, NewStyle(&color, true)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(color.String(), "\x1b[") {
		t.Error("want escape codes in the colour output only")
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  []string
	}{
		{"", 10, []string{""}},
		{"one two three", 7, []string{"one two", "three"}},
		{"a https://example.com/very/long b", 10, []string{"a", "https://example.com/very/long", "b"}},
		{"first\nsecond line", 20, []string{"first", "second line"}},
	}
	for _, tt := range tests {
		if got := wrap(tt.in, tt.width); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}
