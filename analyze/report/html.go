package report

import (
	"cmp"
	_ "embed"
	"html/template"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

//go:embed html.tmpl
var htmlTemplate string

//go:embed html.css
var htmlCSS string

// htmlPage is the page template; html/template escapes every value for
// where it goes, so text from the bundle never becomes markup.
var htmlPage = template.Must(template.New("page").Funcs(template.FuncMap{
	"upper":    func(s engine.Severity) string { return strings.ToUpper(string(s)) },
	"pos":      evidencePos,
	"isURL":    isURL,
	"plural":   plural,
	"waiver":   waiverText,
	"version":  versionText,
	"cni":      cniText,
	"join":     strings.Join,
	"position": func(w ReadWarning) string { return w.Pos.String() },
}).Parse(htmlTemplate))

// AnalysisHTML writes the report as one self-contained HTML page for
// people who do not read a terminal: what it is of (bundles, Kubernetes
// version, CNI, nodes, whether the bundle was redacted), the counts by
// severity, by node and by Service, then the findings by node and by
// Service, the worst first, each with its message, a diagram of its
// connection when [Analysis.Paths] has one, its evidence, the fix,
// references, assumptions and the rule's behaviour; the read warnings; the
// waived findings; and the rules that ran. It loads nothing from anywhere:
// the style is inline, the diagrams are inline SVG, and its only script
// opens every finding for printing. The same analysis gives the same bytes.
func AnalysisHTML(w io.Writer, a *Analysis) error {
	ew := &errWriter{w: w}
	if err := htmlPage.Execute(ew, newHTMLReport(a)); err != nil {
		return cmp.Or(ew.err, err)
	}
	return ew.err
}

// htmlReport is what the page template reads.
type htmlReport struct {
	*Analysis
	CSS      template.CSS
	Title    string
	Heading  string // the command: "ipvslint analyze"
	Counts   string // the summary in words
	Redacted string // yes, no, or "partly": some bundles were
	Nodes    []*htmlNode
	Services []*htmlGroup
	Rules    []htmlRule
	// Drawn counts the diagrams; PathsPerRule is how many a rule gets.
	Drawn, PathsPerRule int
}

// htmlNode is the findings of a node ("" for the cluster as a whole), by
// Service.
type htmlNode struct {
	htmlGroup
	Services []*htmlGroup
}

// htmlGroup is a group of findings (a node's, a Service's) and their
// counts by severity.
type htmlGroup struct {
	ID       string // its element ID
	Name     string
	Findings []*htmlFinding
	Summary
	Nodes int // in the summary by Service: the nodes it has findings on
}

func (g *htmlGroup) add(f *htmlFinding) {
	g.Findings = append(g.Findings, f)
	g.Summary.add(f.Severity)
}

// worse orders groups the worst first: by errors, warnings, then info.
func worse(x, y *htmlGroup) int {
	return cmp.Or(cmp.Compare(y.Error, x.Error), cmp.Compare(y.Warning, x.Warning), cmp.Compare(y.Info, x.Info))
}

// htmlFinding is a finding with its number in the report, its rule's
// anchor and its connection.
type htmlFinding struct {
	engine.Finding
	N       int    // 1-based, in the order of Analysis.Findings
	RuleID  string // the element ID of its rule
	Open    bool   // shown unfolded: errors and warnings
	Diagram *diagram
	Path    *Path
	// SameAs is the number of the first finding of its rule with a
	// diagram, for one past the cap; 0 for none.
	SameAs int
	// SameConnection is the number of the finding that traced the same
	// connection before it; 0 for none.
	SameConnection int
	// Trace is the ipvslint trace command that follows its connection; ""
	// when its rule is not about one.
	Trace string
}

// htmlRule is a rule that ran, with its number of findings.
type htmlRule struct {
	engine.Rule
	Anchor   string
	Findings int
}

func newHTMLReport(a *Analysis) *htmlReport {
	r := &htmlReport{Analysis: a, CSS: template.CSS(htmlCSS), PathsPerRule: pathsPerRule}
	r.Counts = summaryText(a)
	r.Heading = r.heading()
	r.Title = r.Heading + ": " + r.Counts
	r.Redacted = redactedWords(a.Bundles)

	anchors := map[string]string{}
	counts := map[string]int{}
	for _, f := range a.Findings {
		counts[f.Rule]++
	}
	for i, rule := range reportRules(a) {
		anchors[rule.ID] = "rule-" + strconv.Itoa(i+1)
		r.Rules = append(r.Rules, htmlRule{Rule: rule, Anchor: anchors[rule.ID], Findings: counts[rule.ID]})
	}

	paths := map[int]*Path{}
	for i := range a.Paths {
		paths[a.Paths[i].Finding] = &a.Paths[i]
	}
	firstDrawn := map[string]int{}
	traced := map[connection]int{} // the finding that traced a connection
	nodes := map[string]*htmlNode{}
	services := map[string]*htmlGroup{}
	serviceNodes := map[string]map[string]bool{}
	clients := pathClients(a)
	for i, f := range a.Findings {
		hf := &htmlFinding{Finding: f, N: i + 1, RuleID: anchors[f.Rule], Open: f.Severity.AtLeast(engine.SeverityWarning)}
		q, ok := pathQuery(i, f, clients)
		if ok {
			hf.Trace = traceCommand(a, q)
		}
		switch p := paths[i]; {
		case p != nil:
			hf.Path = p
			traced[q.connection()] = hf.N
			if p.Err == "" {
				hf.Diagram = newDiagram("path-"+strconv.Itoa(hf.N), p)
				r.Drawn++
				if firstDrawn[f.Rule] == 0 {
					firstDrawn[f.Rule] = hf.N
				}
			}
		case ok && hf.Open:
			hf.SameConnection = traced[q.connection()]
			if hf.SameConnection == 0 {
				hf.SameAs = firstDrawn[f.Rule]
			}
		}
		n := nodes[f.Node]
		if n == nil {
			n = &htmlNode{htmlGroup: htmlGroup{Name: f.Node}}
			nodes[f.Node] = n
		}
		n.add(hf)
		if f.Service != "" {
			s := services[f.Service]
			if s == nil {
				s = &htmlGroup{Name: f.Service}
				services[f.Service], serviceNodes[f.Service] = s, map[string]bool{}
			}
			s.add(hf)
			serviceNodes[f.Service][f.Node] = true
		}
	}

	for _, n := range nodes {
		r.Nodes = append(r.Nodes, n)
		byService := map[string]*htmlGroup{}
		for _, f := range n.Findings {
			s := byService[f.Service]
			if s == nil {
				s = &htmlGroup{Name: f.Service}
				byService[f.Service] = s
				n.Services = append(n.Services, s)
			}
			s.add(f)
		}
		// No Service last among equals: "" sorts first, so compare on a
		// name that sorts after every Service.
		slices.SortFunc(n.Services, func(x, y *htmlGroup) int {
			return cmp.Or(worse(x, y), cmp.Compare(serviceKey(x.Name), serviceKey(y.Name)))
		})
	}
	// The cluster as a whole first, then the nodes, the worst first.
	slices.SortFunc(r.Nodes, func(x, y *htmlNode) int {
		return cmp.Or(cmp.Compare(min(len(x.Name), 1), min(len(y.Name), 1)), worse(&x.htmlGroup, &y.htmlGroup), cmp.Compare(x.Name, y.Name))
	})
	for i, n := range r.Nodes {
		n.ID = "group-" + strconv.Itoa(i+1) // not node-N, the form of a redacted node name
		for j, s := range n.Services {
			s.ID = n.ID + "-service-" + strconv.Itoa(j+1)
		}
	}
	for name, s := range services {
		s.Nodes = len(serviceNodes[name])
		r.Services = append(r.Services, s)
	}
	slices.SortFunc(r.Services, func(x, y *htmlGroup) int { return cmp.Or(worse(x, y), cmp.Compare(x.Name, y.Name)) })
	return r
}

// serviceKey sorts findings of no Service after those of one.
func serviceKey(name string) string {
	if name == "" {
		return "\U0010FFFF"
	}
	return name
}

// redactedWords tells whether the bundles were redacted: yes, no, partly
// (some were), or "" when the report does not know its bundles.
func redactedWords(bundles []ReportedBundle) string {
	n := 0
	for _, b := range bundles {
		if b.Redacted {
			n++
		}
	}
	switch {
	case len(bundles) == 0:
		return ""
	case n == len(bundles):
		return "yes"
	case n == 0:
		return "no"
	}
	return "partly"
}

// traceCommand is the ipvslint trace command that follows the connection
// of q through a's bundles, with the version and CNI the analysis was
// told on the command line.
func traceCommand(a *Analysis, q PathQuery) string {
	args := []string{"ipvslint", "trace", "--from", q.From, "--to", q.To}
	if a.KubernetesVersion.Source == "--k8s-version" {
		args = append(args, "--k8s-version", a.KubernetesVersion.Value)
	}
	if a.CNI.Source == "--cni" {
		args = append(args, "--cni", cmp.Or(a.CNI.Name, a.CNI.Class))
	}
	if len(a.Bundles) == 0 {
		args = append(args, "BUNDLE")
	}
	for _, b := range a.Bundles {
		args = append(args, b.Arg)
	}
	for i, arg := range args {
		args[i] = shellQuote(arg)
	}
	return strings.Join(args, " ")
}

// shellWord matches what a POSIX shell takes as one word unquoted.
var shellWord = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isURL reports whether a reference is a web address that the HTML and
// Markdown reports link to and SARIF gives as a rule's helpUri: http or https, and nothing that would end the
// link early (a space, a quote, an angle bracket).
func isURL(ref string) bool {
	return (strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://")) && !strings.ContainsAny(ref, " <>\"")
}
