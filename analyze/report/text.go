package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/ipvslint/ipvslint/analyze/engine"
)

// textWidth is where AnalysisText wraps messages and remediations.
const textWidth = 100

// findingIndent leads every line of a finding after its first: the width
// of "  " and of the widest badge, "WARNING", and two spaces.
const findingIndent = "           "

// AnalysisText writes the report for a person: what the rules assumed about
// the cluster, then the findings of the cluster as a whole and of each node,
// worst first, each with its rule, title, what it concerns, the message,
// the evidence as file:line and text, what to do, references and
// assumptions; the waived findings; the read warnings, each with its node,
// file:line and text; and a summary line.
func AnalysisText(w io.Writer, a *Analysis, st Style) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%s Kubernetes %s, CNI %s\n", st.Heading.Render(a.heading()+":"), versionText(a.KubernetesVersion), cniText(a.CNI))

	// Group by node, the cluster first; the engine's order within a node.
	findings := slices.Clone(a.Findings)
	slices.SortStableFunc(findings, func(x, y engine.Finding) int { return cmp.Compare(x.Node, y.Node) })
	for i, f := range findings {
		if i == 0 || f.Node != findings[i-1].Node {
			heading := "cluster"
			if f.Node != "" {
				heading = "node " + f.Node
			}
			fmt.Fprintf(ew, "\n%s\n", st.Heading.Render(heading))
		}
		writeFinding(ew, f, st)
	}

	if len(a.Waived) > 0 {
		fmt.Fprintf(ew, "\n%s\n", st.Heading.Render("waived"))
		for _, wf := range a.Waived {
			writeWaived(ew, wf, st)
		}
	}

	if len(a.Warnings) > 0 {
		fmt.Fprintf(ew, "\n%s\n", st.Heading.Render("read warnings"))
		for _, rw := range a.Warnings {
			fmt.Fprintf(ew, "  %s\n", strings.TrimLeft(st.Faint.Render(rw.Node)+"  "+st.Warn.Render(rw.String()), " "))
		}
	}

	fmt.Fprintf(ew, "\n%s %s\n", st.Heading.Render("summary:"), summaryText(a))
	return ew.err
}

// summaryText counts the findings by severity, the waived ones and the
// read warnings: "1 error, 2 warnings, 0 info, 1 waived; 3 read warnings".
func summaryText(a *Analysis) string {
	s := a.Summary
	summary := fmt.Sprintf("%s, %s, %d info", plural(s.Error, "error"), plural(s.Warning, "warning"), s.Info)
	if len(a.Findings) == 0 {
		summary = "no findings"
	}
	if s.Waived > 0 {
		summary += fmt.Sprintf(", %d waived", s.Waived)
	}
	if n := len(a.Warnings); n > 0 {
		summary += "; " + plural(n, "read warning")
	}
	return summary
}

func writeFinding(w io.Writer, f engine.Finding, st Style) {
	badge := fmt.Sprintf("%-7s", strings.ToUpper(string(f.Severity)))
	fmt.Fprintf(w, "  %s  %s  %s\n", severityStyle(f.Severity, st).Render(badge), st.Heading.Render(f.Rule), f.Title)
	if what := strings.TrimSpace(f.Service + "  " + f.Target); what != "" {
		fmt.Fprintf(w, "%s%s\n", findingIndent, what)
	}
	for _, line := range wrap(f.Message, textWidth-len(findingIndent)) {
		fmt.Fprintf(w, "%s%s\n", findingIndent, line)
	}
	for _, ev := range f.Evidence {
		fmt.Fprintf(w, "%s%s\n", findingIndent, strings.TrimRight(st.Faint.Render(evidencePos(ev))+"  "+ev.Text, " "))
	}
	writeLabelled(w, "fix:", f.Remediation, st)
	for _, ref := range f.References {
		writeLabelled(w, "see:", ref, st)
	}
	for _, as := range f.Assumptions {
		writeLabelled(w, "assumed:", as, st)
	}
}

// writeWaived writes a waived finding on two lines: its severity, rule,
// node, Service and target, then the waiver.
func writeWaived(w io.Writer, wf Waived, st Style) {
	badge := fmt.Sprintf("%-7s", strings.ToUpper(string(wf.Severity)))
	what := strings.Join(slices.DeleteFunc([]string{cmp.Or(wf.Node, "cluster"), wf.Service, wf.Target}, func(s string) bool { return s == "" }), "  ")
	fmt.Fprintf(w, "%s\n", strings.TrimRight(fmt.Sprintf("  %s  %s  %s", st.Faint.Render(badge), wf.Rule, what), " "))
	writeLabelled(w, "waiver:", waiverText(wf), st)
}

// evidencePos is file:line of evidence, or the file when the evidence is
// the whole file.
func evidencePos(ev engine.Evidence) string {
	if ev.Line > 0 {
		return ev.File + ":" + strconv.Itoa(ev.Line)
	}
	return ev.File
}

// writeLabelled writes text after a label, wrapped, the label faint.
func writeLabelled(w io.Writer, label, text string, st Style) {
	if text == "" {
		return
	}
	cont := strings.Repeat(" ", len(label)+1)
	for i, line := range wrap(text, textWidth-len(findingIndent)-len(cont)) {
		if i == 0 {
			fmt.Fprintf(w, "%s%s %s\n", findingIndent, st.Faint.Render(label), line)
		} else {
			fmt.Fprintf(w, "%s%s%s\n", findingIndent, cont, line)
		}
	}
}

func severityStyle(s engine.Severity, st Style) lipgloss.Style {
	switch s {
	case engine.SeverityError:
		return st.Bad
	case engine.SeverityWarning:
		return st.Warn
	}
	return st.Faint
}

func versionText(v ReportedVersion) string {
	if v.Value == "" {
		return "version unknown"
	}
	return fmt.Sprintf("%s (%s)", v.Value, v.Source)
}

func cniText(c ReportedCNI) string {
	class := cmp.Or(c.Class, "unknown")
	var s string
	switch {
	case c.Name != "":
		s = c.Name + ", class " + class
	case class == "unknown" && c.Source == "":
		return "unknown"
	default:
		s = "class " + class
	}
	if c.Source != "" {
		s += " (" + c.Source + ")"
	}
	return s
}

// wrap splits text into lines of at most width runes at spaces; a word
// longer than width (a URL) gets a line of its own. Line breaks in text
// are kept.
func wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(strings.TrimSpace(text), "\n") {
		var line strings.Builder
		n := 0
		for _, word := range strings.Fields(para) {
			wl := len([]rune(word))
			if n > 0 && n+1+wl > width {
				lines = append(lines, line.String())
				line.Reset()
				n = 0
			}
			if n > 0 {
				line.WriteByte(' ')
				n++
			}
			line.WriteString(word)
			n += wl
		}
		lines = append(lines, line.String())
	}
	return lines
}
