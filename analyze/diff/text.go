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
// (changed), and the counts. Every list shows its first limit entries
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
	t.summary(d)
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

// maxPad is the widest field name that changes pads the others to: longer
// ones (annotations) are not aligned, lest they push every value far right.
const maxPad = 28

// changes writes changes, one a line: the field, padded to the widest
// (up to maxPad), and old → new.
func (t *textWriter) changes(indent string, changes []Change) {
	width := 0
	for _, c := range changes {
		if n := len([]rune(c.Field)); n <= maxPad {
			width = max(width, n)
		}
	}
	for _, c := range changes {
		pad := strings.Repeat(" ", max(0, width-len([]rune(c.Field))))
		t.line(indent, markChanged, c.Field+pad+"  "+value(c.Old)+" → "+value(c.New))
	}
}

// value writes a value of a Change.
func value(s string) string { return cmp.Or(s, none) }

// each writes the first entries of a list that the limit lets through,
// then how many it left out, indented under them.
func each[T any](t *textWriter, indent string, entries []T, write func(T)) {
	for _, e := range entries[:t.capped(len(entries))] {
		write(e)
	}
	t.more(indent, len(entries))
}

func (t *textWriter) services(s ServiceChanges) {
	if len(s.Added)+len(s.Removed)+len(s.Changed) == 0 {
		return
	}
	t.heading("services")
	entry := func(mark string) func(ServiceEntry) {
		return func(e ServiceEntry) {
			t.line("  ", mark, strings.Join([]string{e.Service, e.Type, value(list(e.ClusterIPs)), value(list(e.Ports))}, "  "))
		}
	}
	each(t, "    ", s.Added, entry(markAdded))
	each(t, "    ", s.Removed, entry(markRemoved))
	each(t, "    ", s.Changed, func(c ServiceChange) {
		t.line("  ", markChanged, c.Service)
		t.changes("      ", c.Changes)
	})
}

func (t *textWriter) endpoints(ecs []EndpointChange) {
	if len(ecs) == 0 {
		return
	}
	t.heading("endpoints (ready, by node)")
	each(t, "    ", ecs, func(e EndpointChange) {
		t.line("  ", markChanged, fmt.Sprintf("%s  %d → %d", e.Service, e.OldReady, e.NewReady))
		width := 0
		for _, n := range e.Nodes {
			width = max(width, len([]rune(nodeName(n.Node))))
		}
		each(t, "      ", e.Nodes, func(n NodeCount) {
			name := nodeName(n.Node)
			t.printf("      %s%s  %d → %d\n", name, strings.Repeat(" ", width-len([]rune(name))), n.Old, n.New)
		})
	})
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
	vip := func(mark string) func(VIP) {
		return func(v VIP) { t.line("  ", mark, strings.TrimRight("vip "+v.IP+"  "+list(v.Services), " ")) }
	}
	each(t, "    ", n.VIPs.Added, vip(markAdded))
	each(t, "    ", n.VIPs.Removed, vip(markRemoved))
	vs := func(mark string) func(VirtualServer) {
		return func(v VirtualServer) {
			t.line("  ", mark, vsText(v.Key, v.Services)+"  "+t.st.Faint.Render(plural(v.RealServers, "real server")))
		}
	}
	each(t, "    ", n.VirtualServers.Added, vs(markAdded))
	each(t, "    ", n.VirtualServers.Removed, vs(markRemoved))
	each(t, "    ", n.VirtualServers.Changed, func(v VirtualServerChange) {
		t.line("  ", markChanged, vsText(v.Key, v.Services))
		t.changes("      ", v.Changes)
		rs := func(mark string) func(RealServer) {
			return func(r RealServer) { t.line("      ", mark, fmt.Sprintf("%s  weight %d", r.Server, r.Weight)) }
		}
		each(t, "        ", v.Added, rs(markAdded))
		each(t, "        ", v.Removed, rs(markRemoved))
		each(t, "        ", v.Weights, func(w Weight) {
			t.line("      ", markChanged, fmt.Sprintf("%s  weight %d → %d", w.Server, w.Old, w.New))
		})
	})
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
	each(t, "    ", f.Appeared, func(x Finding) { t.finding(markAdded, x, "") })
	each(t, "    ", f.Resolved, func(x Finding) { t.finding(markRemoved, x, "") })
	each(t, "    ", changed, func(p Persisted) { t.finding(markChanged, p.Finding, "was "+strings.ToUpper(p.OldSeverity)) })
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

// summary writes the counts of the differences: one line when there are
// none, else a line per kind of thing that changed.
func (t *textWriter) summary(d *Diff) {
	s := d.Summary
	persisted := plural(s.FindingsPersisted, "finding") + " persisted"
	if s.Identical {
		t.printf("\n%s no differences; %s\n", t.st.Heading.Render("summary:"), persisted)
		return
	}
	vs := counts(count{s.VirtualServersAdded, "added"}, count{s.VirtualServersRemoved, "removed"}, count{s.VirtualServersChanged, "changed"})
	if rs := counts(count{s.RealServersAdded, "added"}, count{s.RealServersRemoved, "removed"}, count{s.WeightsChanged, "reweighted"}); rs != "" {
		vs += "; real servers " + rs
	}
	services := counts(count{s.ServicesAdded, "added"}, count{s.ServicesRemoved, "removed"}, count{s.ServicesChanged, "changed"})
	if s.EndpointsChanged > 0 {
		services = strings.TrimPrefix(services+"; ready endpoints of "+itoa(s.EndpointsChanged)+" changed", "; ")
	}
	rows := [][2]string{
		{"cluster", counts(count{s.Cluster, "changed"})},
		{"nodes", counts(count{s.NodesAdded, "added"}, count{s.NodesRemoved, "removed"}, count{s.NodesChanged, "changed"})},
		{"Services", services},
		{"VIPs", counts(count{s.VIPsAdded, "added"}, count{s.VIPsRemoved, "removed"})},
		{"virtual services", vs},
		{"findings", counts(count{s.FindingsAppeared, "appeared"}, count{s.FindingsResolved, "resolved"}, count{s.SeverityChanged, "changed severity"}, count{s.FindingsPersisted, "persisted"})},
	}
	t.heading("summary")
	for _, r := range rows {
		if r[1] != "" {
			t.printf("  %-16s  %s\n", r[0], r[1])
		}
	}
}

// count is a number of things that changed and the word for how.
type count struct {
	n    int
	what string
}

// counts writes the counts that are not zero, each with its word.
func counts(cs ...count) string {
	var parts []string
	for _, c := range cs {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return strings.Join(parts, ", ")
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
