package diff

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/ipvslint/ipvslint/analyze/report"
)

// Markers lead each line of the text: added, removed, changed.
const (
	markAdded   = "+"
	markRemoved = "-"
	markChanged = "~"
)

// none stands for an empty value in the text.
const none = "(none)"

// findingIndent leads the second line of a finding: the width of
// "  + " and of the widest badge, "WARNING", and two spaces.
const findingIndent = "             "

// Text writes d for a person: the two sides, then what changed in the
// cluster, the Services, their ready endpoints, each node (addresses of
// kube-ipvs0, virtual services and their real servers) and the findings,
// each line led by + (added, appeared), - (removed, resolved) or ~
// (changed), and a summary line. Every list shows its first limit entries
// and says how many more there are; limit 0 shows them all. Persisted
// findings are counted, and listed only when their severity changed.
func Text(w io.Writer, d *Diff, st report.Style, limit int) error {
	t := &textWriter{w: w, st: st, limit: limit}
	t.printf("%s\n", st.Heading.Render("ipvslint diff"))
	t.side("old", d.Old)
	t.side("new", d.New)

	if len(d.Cluster) > 0 {
		t.heading("cluster")
		t.changes("  ", d.Cluster)
	}
	t.services(d.Services)
	t.endpoints(d.Endpoints)
	for _, n := range d.Nodes {
		t.node(n)
	}
	t.findings(d.Findings)
	t.printf("\n%s %s\n", st.Heading.Render("summary:"), summaryText(d))
	return t.err
}

// textWriter writes the text of a Diff, remembering the first error.
type textWriter struct {
	w     io.Writer
	st    report.Style
	limit int
	err   error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// line writes one line: indent, the styled marker, the text, with
// trailing spaces trimmed.
func (t *textWriter) line(indent, mark, text string) {
	t.printf("%s\n", strings.TrimRight(indent+t.markStyle(mark).Render(mark)+" "+text, " "))
}

func (t *textWriter) markStyle(mark string) lipgloss.Style {
	switch mark {
	case markAdded:
		return t.st.Good
	case markRemoved:
		return t.st.Bad
	}
	return t.st.Warn
}

func (t *textWriter) heading(s string) {
	t.printf("\n%s\n", t.st.Heading.Render(s))
}

// capped returns how many of n entries to show.
func (t *textWriter) capped(n int) int {
	if t.limit > 0 && n > t.limit {
		return t.limit
	}
	return n
}

// more writes how many entries of n were not shown.
func (t *textWriter) more(indent string, n int) {
	if shown := t.capped(n); shown < n {
		t.printf("%s%s\n", indent, t.st.Faint.Render(fmt.Sprintf("… %d more (--all lists them)", n-shown)))
	}
}

func (t *textWriter) side(name string, s Side) {
	about := fmt.Sprintf("Kubernetes %s, %s captured, %s", cmp.Or(s.KubernetesVersion, "version unknown"),
		plural(len(s.Nodes), "node"), plural(s.Findings, "finding"))
	t.printf("  %s  %s  %s\n", t.st.Faint.Render(name), strings.Join(s.Bundles, " "), t.st.Faint.Render(about))
}

// changes writes changes, one a line: the field, padded to the widest,
// and old → new.
func (t *textWriter) changes(indent string, changes []Change) {
	width := 0
	for _, c := range changes {
		width = max(width, len([]rune(c.Field)))
	}
	for _, c := range changes {
		pad := strings.Repeat(" ", width-len([]rune(c.Field)))
		t.line(indent, markChanged, c.Field+pad+"  "+value(c.Old)+" → "+value(c.New))
	}
}

// value writes a value of a Change.
func value(s string) string { return cmp.Or(s, none) }

func (t *textWriter) services(s ServiceChanges) {
	if len(s.Added)+len(s.Removed)+len(s.Changed) == 0 {
		return
	}
	t.heading("services")
	entry := func(mark string, entries []ServiceEntry) {
		for _, e := range entries[:t.capped(len(entries))] {
			t.line("  ", mark, strings.Join([]string{e.Service, e.Type, value(list(e.ClusterIPs)), value(list(e.Ports))}, "  "))
		}
		t.more("    ", len(entries))
	}
	entry(markAdded, s.Added)
	entry(markRemoved, s.Removed)
	for _, c := range s.Changed[:t.capped(len(s.Changed))] {
		t.line("  ", markChanged, c.Service)
		t.changes("      ", c.Changes)
	}
	t.more("    ", len(s.Changed))
}

func (t *textWriter) endpoints(list []EndpointChange) {
	if len(list) == 0 {
		return
	}
	t.heading("endpoints (ready, by node)")
	for _, e := range list[:t.capped(len(list))] {
		t.line("  ", markChanged, fmt.Sprintf("%s  %d → %d", e.Service, e.OldReady, e.NewReady))
		width := 0
		for _, n := range e.Nodes {
			width = max(width, len([]rune(nodeName(n.Node))))
		}
		for _, n := range e.Nodes[:t.capped(len(e.Nodes))] {
			name := nodeName(n.Node)
			t.printf("      %s%s  %d → %d\n", name, strings.Repeat(" ", width-len([]rune(name))), n.Old, n.New)
		}
		t.more("      ", len(e.Nodes))
	}
	t.more("    ", len(list))
}

// nodeName writes the node of endpoints, which may name none.
func nodeName(n string) string { return cmp.Or(n, "(no node)") }

func (t *textWriter) node(n NodeDiff) {
	heading := "node " + n.Name
	if n.Status != NodeChanged {
		heading += " (" + n.Status + ")"
	}
	t.heading(heading)
	t.changes("  ", n.Changes)
	vips := func(mark string, list []VIP) {
		for _, v := range list[:t.capped(len(list))] {
			t.line("  ", mark, strings.TrimRight("vip "+v.IP+"  "+strings.Join(v.Services, ", "), " "))
		}
		t.more("    ", len(list))
	}
	vips(markAdded, n.VIPs.Added)
	vips(markRemoved, n.VIPs.Removed)
	vss := func(mark string, list []VirtualServer) {
		for _, v := range list[:t.capped(len(list))] {
			t.line("  ", mark, vsText(v.Key, v.Services)+"  "+t.st.Faint.Render(plural(v.RealServers, "real server")))
		}
		t.more("    ", len(list))
	}
	vss(markAdded, n.VirtualServers.Added)
	vss(markRemoved, n.VirtualServers.Removed)
	for _, v := range n.VirtualServers.Changed[:t.capped(len(n.VirtualServers.Changed))] {
		t.line("  ", markChanged, vsText(v.Key, v.Services))
		t.changes("      ", v.Changes)
		servers := func(mark string, list []RealServer) {
			for _, rs := range list[:t.capped(len(list))] {
				t.line("      ", mark, fmt.Sprintf("%s  weight %d", rs.Server, rs.Weight))
			}
			t.more("        ", len(list))
		}
		servers(markAdded, v.Added)
		servers(markRemoved, v.Removed)
		for _, wc := range v.Weights[:t.capped(len(v.Weights))] {
			t.line("      ", markChanged, fmt.Sprintf("%s  weight %d → %d", wc.Server, wc.Old, wc.New))
		}
		t.more("        ", len(v.Weights))
	}
	t.more("    ", len(n.VirtualServers.Changed))
}

// vsText names a virtual service and the Service ports it serves.
func vsText(key string, services []string) string {
	return strings.TrimRight("vs "+key+"  "+strings.Join(services, ", "), " ")
}

func (t *textWriter) findings(f FindingChanges) {
	var changed []Persisted
	for _, p := range f.Persisted {
		if p.Severity != p.OldSeverity {
			changed = append(changed, p)
		}
	}
	if len(f.Appeared)+len(f.Resolved)+len(changed) == 0 {
		return
	}
	t.heading("findings")
	list := func(mark string, list []Finding) {
		for _, x := range list[:t.capped(len(list))] {
			t.finding(mark, x, "")
		}
		t.more("    ", len(list))
	}
	list(markAdded, f.Appeared)
	list(markRemoved, f.Resolved)
	for _, p := range changed[:t.capped(len(changed))] {
		t.finding(markChanged, p.Finding, "was "+strings.ToUpper(p.OldSeverity))
	}
	t.more("    ", len(changed))
}

// finding writes a finding on two lines: the marker, severity, rule and
// title (and a note), then its node, Service and target.
func (t *textWriter) finding(mark string, f Finding, note string) {
	badge := fmt.Sprintf("%-7s", strings.ToUpper(f.Severity))
	head := t.severityStyle(f.Severity).Render(badge) + "  " + t.st.Heading.Render(f.Rule) + "  " + f.Title
	if note != "" {
		head += "  " + t.st.Faint.Render("("+note+")")
	}
	t.line("  ", mark, head)
	what := []string{cmp.Or(f.Node, "cluster")}
	for _, s := range []string{f.Service, f.Target} {
		if s != "" {
			what = append(what, s)
		}
	}
	t.printf("%s%s\n", findingIndent, strings.Join(what, "  "))
}

func (t *textWriter) severityStyle(s string) lipgloss.Style {
	switch s {
	case "error":
		return t.st.Bad
	case "warning":
		return t.st.Warn
	}
	return t.st.Faint
}

// summaryText counts the differences in words.
func summaryText(d *Diff) string {
	s := d.Summary
	persisted := plural(s.FindingsPersisted, "finding") + " persisted"
	if s.Identical {
		return "no differences; " + persisted
	}
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, what)
		}
	}
	add(s.Cluster, plural(s.Cluster, "cluster change"))
	add(s.NodesAdded, plural(s.NodesAdded, "node")+" added")
	add(s.NodesRemoved, plural(s.NodesRemoved, "node")+" removed")
	add(s.NodesChanged, plural(s.NodesChanged, "node")+" changed")
	add(s.ServicesAdded, plural(s.ServicesAdded, "Service")+" added")
	add(s.ServicesRemoved, plural(s.ServicesRemoved, "Service")+" removed")
	add(s.ServicesChanged, plural(s.ServicesChanged, "Service")+" changed")
	add(s.EndpointsChanged, fmt.Sprintf("ready endpoints of %s changed", plural(s.EndpointsChanged, "Service")))
	add(s.VIPsAdded, plural(s.VIPsAdded, "VIP")+" added")
	add(s.VIPsRemoved, plural(s.VIPsRemoved, "VIP")+" removed")
	add(s.VirtualServersAdded, plural(s.VirtualServersAdded, "virtual service")+" added")
	add(s.VirtualServersRemoved, plural(s.VirtualServersRemoved, "virtual service")+" removed")
	add(s.VirtualServersChanged, plural(s.VirtualServersChanged, "virtual service")+" changed")
	add(s.RealServersAdded, plural(s.RealServersAdded, "real server")+" added")
	add(s.RealServersRemoved, plural(s.RealServersRemoved, "real server")+" removed")
	add(s.WeightsChanged, plural(s.WeightsChanged, "weight")+" changed")
	add(s.FindingsAppeared, plural(s.FindingsAppeared, "finding")+" appeared")
	add(s.FindingsResolved, plural(s.FindingsResolved, "finding")+" resolved")
	add(s.SeverityChanged, plural(s.SeverityChanged, "severity")+" changed")
	return strings.Join(parts, ", ") + "; " + persisted
}

// plural writes n and noun, with an s when n is not 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
