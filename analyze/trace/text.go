package trace

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
)

// textWidth is where the story is wrapped.
const textWidth = 100

// stepIndent leads the lines of a step after its number.
const stepIndent = "     "

// WriteText writes the trace as a short story for a person: the client and
// destination, what the trace is of, the numbered steps with their
// evidence, the verdict with its reason and behaviours, and the
// assumptions. st styles it (plain when piped).
func WriteText(w io.Writer, r *Result, st report.Style) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s → %s\n", st.Heading.Render("ipvslint trace:"), r.From.Spec, r.To.Spec)
	fmt.Fprintf(&b, "  through %s, Kubernetes %s, CNI %s, %s\n\n", r.Node, versionText(r.KubernetesVersion), cniText(r.CNI), stateText(r))
	for i, s := range r.Steps {
		for j, line := range report.Wrap(s.What, textWidth-len(stepIndent)) {
			lead := stepIndent
			if j == 0 {
				lead = fmt.Sprintf("  %-3s", strconv.Itoa(i+1))
			}
			fmt.Fprintf(&b, "%s%s\n", lead, line)
		}
		for _, ev := range s.Evidence {
			fmt.Fprintf(&b, "%s%s\n", stepIndent, strings.TrimRight(st.Faint.Render(position(ev))+"  "+ev.Text, " "))
		}
	}
	fmt.Fprintf(&b, "\n%s %s  %s", st.Heading.Render("verdict:"), verdictStyle(r.Verdict, st).Render(r.Verdict), r.Reason)
	if len(r.Behaviours) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(r.Behaviours, ", "))
	}
	b.WriteString("\n")
	const label = "  assumed: "
	for _, a := range r.Assumptions {
		for j, line := range report.Wrap(a, textWidth-len(label)) {
			lead := strings.Repeat(" ", len(label))
			if j == 0 {
				lead = st.Faint.Render(label)
			}
			fmt.Fprintf(&b, "%s%s\n", lead, line)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// position is file:line of evidence, or the file for the whole file.
func position(ev input.Evidence) string {
	if ev.Line > 0 {
		return ev.File + ":" + strconv.Itoa(ev.Line)
	}
	return ev.File
}

func verdictStyle(v string, st report.Style) lipgloss.Style {
	switch v {
	case Served:
		return st.Good
	case ServedWithoutSourceIP, LeavesNode:
		return st.Warn
	}
	return st.Bad
}

func versionText(v input.Version) string {
	if !v.Known {
		return "version unknown"
	}
	return fmt.Sprintf("%s (%s)", v.Value, v.Source)
}

func cniText(c input.CNI) string {
	if c.Name != "" {
		return fmt.Sprintf("%s (class %s)", c.Name, cmp.Or(c.Class, "unknown"))
	}
	return "class " + cmp.Or(c.Class, "unknown")
}

func stateText(r *Result) string {
	if r.State == StateExpected {
		return "as kube-proxy of that version would program it (what-if)"
	}
	return "as captured"
}
