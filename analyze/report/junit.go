package report

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

// junitSuites is the root of a JUnit XML report, in the form most CI
// systems read (Jenkins, GitLab, GitHub actions).
type junitSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	Name    string   `xml:"name,attr"`
	junitCounts
	Suites []junitSuite `xml:"testsuite"`
}

// junitCounts are the counts of test cases in a suite or in all; errors
// (a test that could not run) is always 0.
type junitCounts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
}

func (c *junitCounts) add(d junitCounts) {
	c.Tests, c.Failures, c.Errors, c.Skipped = c.Tests+d.Tests, c.Failures+d.Failures, c.Errors+d.Errors, c.Skipped+d.Skipped
}

// junitSuite holds the test cases of the cluster or of one node.
type junitSuite struct {
	Name string `xml:"name,attr"`
	junitCounts
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// junitCase is one rule on the cluster or one node.
type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut *junitText    `xml:"system-out"`
}

// counts are the counts of one case: a test, failed, skipped or passed.
func (c junitCase) counts() junitCounts {
	n := junitCounts{Tests: 1}
	if c.Failure != nil {
		n.Failures = 1
	}
	if c.Skipped != nil {
		n.Skipped = 1
	}
	return n
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

// AnalysisJUnit writes the report as JUnit XML for CI systems. There is a
// test suite for the cluster (the cluster-wide findings) and one for each
// node, and in each suite a test case "<rule> on <node>" (classname the
// rule) for every rule of the report. A case fails when the rule found an
// error there: the failure holds those findings as the text report shows
// them. Warnings and info findings do not fail a case: they are in its
// system-out, as are the waived findings. A case whose only findings were
// waived is skipped, with the waivers' reasons. The cluster suite's
// properties tell the Kubernetes version, the CNI, the ipvslint version and
// how many findings were waived. Counts are consistent: tests, failures
// and skipped of the root are the sums of those of the suites. The read
// warnings are left out: JUnit has no place for notes about the input that
// CI systems show, and `ipvslint analyze` says on stderr how many there
// were.
func AnalysisJUnit(w io.Writer, a *Analysis) error {
	rules := reportRules(a)
	type key struct{ node, rule string }
	found, waived := map[key][]engine.Finding{}, map[key][]Waived{}
	nodes := slices.Clone(a.Nodes)
	for _, f := range a.Findings {
		found[key{f.Node, f.Rule}] = append(found[key{f.Node, f.Rule}], f)
		nodes = append(nodes, f.Node)
	}
	for _, wf := range a.Waived {
		waived[key{wf.Node, wf.Rule}] = append(waived[key{wf.Node, wf.Rule}], wf)
		nodes = append(nodes, wf.Node)
	}
	slices.Sort(nodes)
	nodes = slices.Compact(nodes)
	if len(nodes) == 0 || nodes[0] != "" {
		nodes = slices.Insert(nodes, 0, "") // the cluster comes first, always
	}

	root := junitSuites{Name: "ipvslint"}
	for _, node := range nodes {
		suite := junitSuite{Name: cmp.Or(node, "cluster")}
		if node == "" {
			suite.Properties = &junitProperties{clusterProperties(a)}
		}
		for _, r := range rules {
			c := junitTestCase(r.ID+" on "+suite.Name, r, found[key{node, r.ID}], waived[key{node, r.ID}])
			suite.add(c.counts())
			suite.Cases = append(suite.Cases, c)
		}
		root.add(suite.junitCounts)
		root.Suites = append(root.Suites, suite)
	}

	b, err := xml.MarshalIndent(root, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, xml.Header+string(b)+"\n")
	return err
}

// junitTestCase is the case of one rule on the cluster or one node, with
// the findings and waived findings the rule gave there.
func junitTestCase(name string, r engine.Rule, findings []engine.Finding, waived []Waived) junitCase {
	c := junitCase{Name: name, Classname: r.ID}
	var failure, out strings.Builder
	nerrors := 0
	for _, f := range findings {
		if f.Severity.AtLeast(engine.SeverityError) {
			nerrors++
			writeFinding(&failure, f, Style{})
		} else {
			writeFinding(&out, f, Style{})
		}
	}
	var reasons []string
	for _, wf := range waived {
		fmt.Fprintf(&out, "waived: %s\n", waiverText(wf))
		writeFinding(&out, wf.Finding, Style{})
		reasons = append(reasons, waiverText(wf))
	}
	switch {
	case nerrors > 0:
		c.Failure = &junitFailure{
			Message: fmt.Sprintf("%s: %s", plural(nerrors, "error"), r.Title),
			Type:    string(engine.SeverityError),
			Text:    xmlText(failure.String()),
		}
	case len(findings) == 0 && len(waived) > 0:
		slices.Sort(reasons)
		c.Skipped = &junitSkipped{Message: "waived: " + strings.Join(slices.Compact(reasons), "; ")}
	}
	if out.Len() > 0 {
		c.SystemOut = &junitText{Text: xmlText(out.String())}
	}
	return c
}

// clusterProperties tell what the rules assumed about the cluster, the
// ipvslint version, and the number of waived findings when there are any.
func clusterProperties(a *Analysis) []junitProperty {
	props := []junitProperty{
		{"kubernetes.version", a.KubernetesVersion.Value},
		{"kubernetes.version.source", a.KubernetesVersion.Source},
		{"cni.class", a.CNI.Class},
		{"cni.name", a.CNI.Name},
		{"cni.source", a.CNI.Source},
	}
	if a.ToolVersion != "" {
		props = append(props, junitProperty{"ipvslint.version", a.ToolVersion})
	}
	if a.Summary.Waived > 0 {
		props = append(props, junitProperty{"waived", strconv.Itoa(a.Summary.Waived)})
	}
	return props
}

// xmlText replaces what XML 1.0 cannot hold (control characters but tab,
// newline and carriage return; invalid UTF-8) with U+FFFD, so that text
// from a hostile bundle still gives a well-formed report. encoding/xml does
// this for attributes and escaped text, but not for CDATA sections.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return utf8.RuneError
	}, s)
}
