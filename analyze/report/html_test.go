package report

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"golang.org/x/net/html"
)

// testBundles are the bundles of the test analysis "findings": a
// redacted archive and pasted files.
var testBundles = []ReportedBundle{
	{Arg: "ticket-1234/cluster-redacted.tar.gz", Format: "tar.gz", Collector: "ipvslint-collect-cluster 0.4.0",
		CreatedAt: time.Date(2026, 11, 25, 10, 15, 0, 0, time.UTC), Redacted: true},
	{Arg: "ticket-1234/pasted.txt", Format: "file", Loose: true},
}

// testPaths are the traced connections of the test analysis "findings":
// a timeout through remote real servers, a refusal without a virtual
// service, and a connection that could not be traced.
var testPaths = []Path{
	{
		PathQuery: PathQuery{Finding: 0, From: "external:node-c", To: "10.0.5.168:30745/TCP"},
		Client:    "external", ClientNode: "node-c", Node: "node-c", IP: "10.0.5.168", Port: 30745, Protocol: "TCP",
		Address: "node", Interface: "eth0", Served: []string{"30745/TCP"},
		VirtualService: "TCP 10.0.5.168:30745 rr", Service: "default/nginx", Role: input.RoleNodePort,
		RealServers: []PathRealServer{{Addr: "172.20.1.7:80", Weight: 1, NodeName: "node-a"}, {Addr: "172.20.2.9:80", Weight: 1, NodeName: "node-b"}},
		Verdict:     "timeout", Reason: "the backend replies straight to the client, around the node that translated it",
		Behaviours: []string{"B7", "B8"},
		Steps: []PathStep{
			{What: "A client outside the cluster entering through node-c connects to 10.0.5.168:30745/TCP."},
			{What: "IPVS virtual service TCP 10.0.5.168:30745 (rr) takes it.", Evidence: []engine.Evidence{{File: "nodes/node-c/ipvsadm.txt", Line: 14, Text: "TCP  10.0.5.168:30745 rr"}}},
		},
		Assumptions: []string{"The load balancer's health check keeps most clients away."},
	},
	{
		PathQuery: PathQuery{Finding: 1, From: "pod:node-a", To: "10.96.0.10:80/TCP"},
		Client:    "pod", ClientNode: "node-a", Node: "node-a", IP: "10.96.0.10", Port: 80, Protocol: "TCP",
		Address: "kube-ipvs0", Served: []string{},
		Verdict: "refused", Reason: "no virtual service serves 10.96.0.10:80",
		Behaviours: []string{"B15"},
		Steps:      []PathStep{{What: "No IPVS virtual service serves port 80/TCP of 10.96.0.10 on node-a."}},
	},
	{
		PathQuery: PathQuery{Finding: 2, From: "external:node-a", To: "10.0.5.168:30745/TCP"},
		Err:       "node-a has no usable ipvsadm capture (missing: not in the bundle): trace needs it",
	},
}

// parseHTML parses a report strictly enough to find what it shows.
func parseHTML(t *testing.T, report []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(report))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// walk calls f on every element under n.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

// text is the text under n, as a browser shows it.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	return slices.Contains(strings.Fields(v), class)
}

// TestAnalysisHTMLStructure checks every test report for what a reader
// needs: each finding with its rule ID and evidence (a row each, the line
// when there is one, never an empty one), the read warnings, the waived
// findings, unique IDs that every internal link points at, a link for
// every reference and no other external address.
func TestAnalysisHTMLStructure(t *testing.T) {
	for name, a := range testAnalyses() {
		t.Run(name, func(t *testing.T) {
			doc := parseHTML(t, writeAnalysis(t, "html", a))
			ids := map[string]bool{}
			var rules, lines, warnings, links, refs []string
			var scripts, evidence int
			walk(doc, func(n *html.Node) {
				if id, ok := attr(n, "id"); ok {
					if ids[id] {
						t.Errorf("id %q twice", id)
					}
					ids[id] = true
				}
				switch {
				case n.Data == "article" && hasClass(n, "finding"):
					walk(n, func(c *html.Node) {
						if c.Data == "code" && hasClass(c, "rule-id") {
							rules = append(rules, text(c))
						}
					})
				case n.Data == "table" && hasClass(n, "evidence"):
					walk(n, func(c *html.Node) {
						if c.Data == "tr" && c.Parent.Data == "tbody" {
							evidence++
						}
						if c.Data == "code" && hasClass(c, "line") {
							lines = append(lines, text(c))
						}
					})
				case n.Data == "table" && hasClass(n, "warnings"):
					walk(n, func(c *html.Node) {
						if c.Data == "tr" && c.Parent.Data == "tbody" {
							warnings = append(warnings, text(c))
						}
					})
				case n.Data == "script":
					scripts++
					if strings.Contains(text(n), "//") || strings.Contains(text(n), "src") {
						t.Errorf("the script loads something: %s", text(n))
					}
				}
				for _, at := range n.Attr {
					switch {
					case at.Key == "src" || at.Key == "srcset" || strings.HasPrefix(at.Key, "on"):
						t.Errorf("<%s %s=%q>: the report loads or runs nothing", n.Data, at.Key, at.Val)
					case at.Key == "href" && !strings.HasPrefix(at.Val, "#"):
						links = append(links, at.Val)
					case at.Key == "href" || at.Key == "marker-end":
						refs = append(refs, strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(at.Val, "url("), "#"), ")"))
					}
				}
			})
			for _, ref := range refs {
				if !ids[ref] {
					t.Errorf("a link to #%s, which is no element", ref)
				}
			}
			if scripts != 1 {
				t.Errorf("%d scripts, want the one that opens the findings for printing", scripts)
			}
			var wantRules, wantLines, wantLinks []string
			wantEvidence := 0
			for _, f := range a.Findings {
				wantRules = append(wantRules, f.Rule)
				for _, ev := range f.Evidence {
					wantEvidence++
					if ev.Text != "" { // no empty line cell
						wantLines = append(wantLines, ev.Text)
					}
				}
				for _, ref := range f.References {
					if isURL(ref) {
						wantLinks = append(wantLinks, ref)
					}
				}
			}
			for _, s := range [][]string{rules, wantRules, lines, wantLines} {
				slices.Sort(s)
			}
			if !slices.Equal(rules, wantRules) {
				t.Errorf("finding rules %q, want %q", rules, wantRules)
			}
			if evidence != wantEvidence {
				t.Errorf("%d evidence rows, want %d", evidence, wantEvidence)
			}
			if !slices.Equal(lines, wantLines) {
				t.Errorf("evidence lines %q, want %q", lines, wantLines)
			}
			if !slices.Equal(slices.Compact(slices.Sorted(slices.Values(links))), slices.Compact(slices.Sorted(slices.Values(wantLinks)))) {
				t.Errorf("external links %q, want the references %q", links, wantLinks)
			}
			if len(warnings) != len(a.Warnings) {
				t.Errorf("%d read warnings shown, want %d", len(warnings), len(a.Warnings))
			}
			for i, w := range a.Warnings {
				if i < len(warnings) && (!strings.Contains(warnings[i], w.Msg) || !strings.Contains(warnings[i], w.Text) || !strings.Contains(warnings[i], w.Pos.String())) {
					t.Errorf("read warning %d shows %q, want %v", i, warnings[i], w)
				}
			}
			body := text(doc)
			for _, wf := range a.Waived {
				if !strings.Contains(body, wf.WaiverReason) {
					t.Errorf("the waiver %q is not shown", wf.WaiverReason)
				}
			}
		})
	}
}

// TestAnalysisHTMLHostile checks that names and capture lines that look
// like markup show as text, in the page and in the diagrams, and never
// become elements, attributes or links.
func TestAnalysisHTMLHostile(t *testing.T) {
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`
	f := testFindings[1]
	f.Service, f.Node, f.Target = "default/"+evil, "node-"+evil, "10.96.0.10:80/TCP"
	f.Message = "message " + evil
	f.Evidence = []engine.Evidence{{File: "nodes/" + evil + "/ip-addr.txt", Line: 3, Text: "inet " + evil}}
	f.References = []string{"javascript:alert(3)", "https://example.com/\"><script>alert(4)</script>"}
	f.Assumptions = []string{"assumed " + evil}
	a := NewAnalysis(testVersion, testCNI, []engine.Finding{f})
	a.Nodes = []string{f.Node}
	a.Bundles = []ReportedBundle{{Arg: "bundle " + evil, Format: "dir"}}
	a.Warnings = []ReadWarning{{Node: f.Node, Warning: testWarnings[2].Warning}}
	a.Warnings[0].Text = evil
	p := testPaths[1]
	p.Finding, p.ClientNode, p.Node, p.Service, p.Reason = 0, f.Node, f.Node, f.Service, "reason "+evil
	p.Steps = []PathStep{{What: "step " + evil, Evidence: f.Evidence}}
	a.Paths = []Path{p}

	doc := parseHTML(t, writeAnalysis(t, "html", a))
	var scripts int
	walk(doc, func(n *html.Node) {
		switch n.Data {
		case "script":
			scripts++
		case "img":
			t.Error("an <img> element: a name became markup")
		case "a":
			if href, _ := attr(n, "href"); strings.HasPrefix(href, "javascript:") {
				t.Errorf("a link to %q", href)
			}
		}
		for _, at := range n.Attr {
			if strings.HasPrefix(at.Key, "on") {
				t.Errorf("<%s %s=%q>: a name became an attribute", n.Data, at.Key, at.Val)
			}
		}
	})
	if scripts != 1 {
		t.Errorf("%d scripts, want 1: a name became markup", scripts)
	}
	body := text(doc)
	for _, want := range []string{"default/" + evil, "message " + evil, "inet " + evil, "assumed " + evil, "bundle " + evil, "reason " + evil, "step " + evil} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not show %q as text", want)
		}
	}
	// In the diagram's boxes the node's name is cut to fit: its start
	// shows as text; its title and description have it whole.
	var svgText string
	walk(doc, func(n *html.Node) {
		if n.Data == "svg" {
			svgText += text(n)
		}
	})
	if !strings.Contains(svgText, "node-<script>alert(1)</s…") || !strings.Contains(svgText, "node-"+evil+" connects") {
		t.Errorf("the diagram does not show the names as text: %q", svgText)
	}
}

// BenchmarkAnalysisHTML writes the HTML report of 7,000 findings on 5
// nodes and 1,000 Services, about what the generated bundle of a million
// conntrack flows gives, with a diagram for the first findings of a rule:
//
//	go test ./analyze/report -run '^$' -bench AnalysisHTML -benchmem
func BenchmarkAnalysisHTML(b *testing.B) {
	var findings []engine.Finding
	for i := range 7000 {
		f := testFindings[i%3]
		f.Node = "node-" + strconv.Itoa(i%5+1)
		f.Service = "team-" + strconv.Itoa(i%50) + "/svc-" + strconv.Itoa(i%1000)
		f.Target = "10.0.5." + strconv.Itoa(i%250) + ":30745/TCP"
		findings = append(findings, f)
	}
	a := NewAnalysis(testVersion, testCNI, findings)
	a.Bundles = testBundles
	for _, q := range PathQueries(a) {
		p := testPaths[0]
		p.PathQuery = q
		a.Paths = append(a.Paths, p)
	}
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := AnalysisHTML(&buf, a); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/report")
	b.ReportMetric(float64(len(a.Paths)), "diagrams")
}
