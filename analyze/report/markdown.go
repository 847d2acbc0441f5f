package report

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

// AnalysisMarkdown writes the report as Markdown (CommonMark with GitHub
// tables) to paste into a ticket: what the rules assumed about the cluster,
// a table of the severity counts, a table of the findings, then each
// finding with its message, its evidence in a code block, what to do,
// references as links and assumptions; a table of the read warnings; and
// the waived findings. Text from the bundle is escaped so that it shows as
// written.
func AnalysisMarkdown(w io.Writer, a *Analysis) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "# %s\n\n", a.heading())
	fmt.Fprintf(ew, "- Kubernetes: %s\n", mdText(versionText(a.KubernetesVersion)))
	fmt.Fprintf(ew, "- CNI: %s\n", mdText(cniText(a.CNI)))

	s := a.Summary
	fmt.Fprintf(ew, "\n## Summary\n\n| severity | findings |\n| --- | ---: |\n")
	fmt.Fprintf(ew, "| error | %d |\n| warning | %d |\n| info | %d |\n", s.Error, s.Warning, s.Info)
	if s.Waived > 0 {
		fmt.Fprintf(ew, "| waived | %d |\n", s.Waived)
	}

	fmt.Fprintf(ew, "\n## Findings\n\n")
	if len(a.Findings) == 0 {
		fmt.Fprintf(ew, "No findings.\n")
	} else {
		fmt.Fprintf(ew, "| # | severity | rule | node | service | target |\n| ---: | --- | --- | --- | --- | --- |\n")
		for i, f := range a.Findings {
			fmt.Fprintf(ew, "| %d | %s |\n", i+1, strings.Join(mdFindingCells(f), " | "))
		}
		for i, f := range a.Findings {
			writeMarkdownFinding(ew, i+1, f)
		}
	}

	if len(a.Warnings) > 0 {
		fmt.Fprintf(ew, "\n## Read warnings\n\nWhat the captures hold that ipvslint could not read, or read only in part; the rules did not see it.\n\n")
		fmt.Fprintf(ew, "| node | where | warning |\n| --- | --- | --- |\n")
		for _, rw := range a.Warnings {
			msg := rw.Msg
			if rw.Text != "" {
				msg += ": " + strconv.Quote(rw.Text)
			}
			fmt.Fprintf(ew, "| %s | %s | %s |\n", cmp.Or(mdCell(rw.Node), "-"), mdCode(rw.Pos.String()), mdCell(msg))
		}
	}

	if s.Waived > 0 || len(a.Waived) > 0 {
		fmt.Fprintf(ew, "\n## Waived\n\n%s suppressed by waivers", plural(max(s.Waived, len(a.Waived)), "finding"))
		if len(a.Waived) == 0 {
			fmt.Fprintf(ew, "; `--show-waived` lists them.\n")
		} else {
			fmt.Fprintf(ew, ":\n\n| severity | rule | node | service | target | waiver |\n| --- | --- | --- | --- | --- | --- |\n")
			for _, wf := range a.Waived {
				fmt.Fprintf(ew, "| %s | %s |\n", strings.Join(mdFindingCells(wf.Finding), " | "), mdCell(waiverText(wf)))
			}
		}
	}
	return ew.err
}

// mdFindingCells are the table cells of a finding: severity, rule, node
// (cluster for a cluster-wide finding), Service and target.
func mdFindingCells(f engine.Finding) []string {
	node := mdCell(f.Node)
	if f.Node == "" {
		node = "(cluster)"
	}
	return []string{string(f.Severity), "`" + f.Rule + "`", node, mdCell(f.Service), mdCell(f.Target)}
}

func writeMarkdownFinding(w io.Writer, n int, f engine.Finding) {
	fmt.Fprintf(w, "\n### %d. %s %s: %s\n\n", n, strings.ToUpper(string(f.Severity)), mdCode(f.Rule), mdText(f.Title))
	var what []string
	if f.Node == "" {
		what = append(what, "Cluster-wide")
	} else {
		what = append(what, "Node "+mdCode(f.Node))
	}
	if f.Service != "" {
		what = append(what, "Service "+mdCode(f.Service))
	}
	if f.Target != "" {
		what = append(what, "target "+mdCode(f.Target))
	}
	fmt.Fprintf(w, "%s\n\n%s\n", strings.Join(what, ", "), mdText(f.Message))
	if len(f.Evidence) > 0 {
		var b strings.Builder
		for _, ev := range f.Evidence {
			b.WriteString(strings.TrimRight(evidencePos(ev)+"  "+ev.Text, " ") + "\n")
		}
		fence := strings.Repeat("`", max(3, longestRun(b.String(), '`')+1))
		fmt.Fprintf(w, "\nEvidence:\n\n%s\n%s%s\n", fence, b.String(), fence)
	}
	if f.Remediation != "" {
		fmt.Fprintf(w, "\n**Fix:** %s\n", mdText(f.Remediation))
	}
	if len(f.References) > 0 {
		fmt.Fprintf(w, "\n**References:**\n\n")
		for _, ref := range f.References {
			fmt.Fprintf(w, "- %s\n", mdLink(ref))
		}
	}
	if len(f.Assumptions) > 0 {
		fmt.Fprintf(w, "\n**Assumed:**\n\n")
		for _, as := range f.Assumptions {
			fmt.Fprintf(w, "- %s\n", mdText(as))
		}
	}
}

// mdSpecial are the characters that mdText escapes with a backslash
// wherever they are: they start emphasis, code, links, HTML, entities
// and table cells.
const mdSpecial = "\\`*_[]<>|&"

// mdText escapes text for Markdown so that it shows as written: every
// character of mdSpecial, and at the start of a line whatever would make a
// heading, list, quote or rule of it. Line breaks are kept.
func mdText(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, line := range lines {
		var b strings.Builder
		line = strings.TrimSpace(line)
		// A leading number, "." or ")", and a space start an ordered list.
		digits := len(line) - len(strings.TrimLeft(line, "0123456789"))
		list := digits > 0 && (strings.HasPrefix(line[digits:], ".") || strings.HasPrefix(line[digits:], ")")) &&
			(len(line) == digits+1 || line[digits+1] == ' ')
		for j, r := range line {
			if strings.ContainsRune(mdSpecial, r) || (j == 0 && strings.ContainsRune("#+-=", r)) || (list && j == digits) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\n")
}

// mdCell escapes text for a table cell: on one line, escaped as by mdText.
func mdCell(s string) string {
	return mdText(strings.Join(strings.Fields(s), " "))
}

// mdCode writes s as a code span, on one line, with a fence of more
// backticks than s holds in a row.
func mdCode(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdLink writes a URL as an autolink, and anything else as text.
func mdLink(ref string) string {
	if isURL(ref) {
		return "<" + ref + ">"
	}
	return mdText(ref)
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c rune) int {
	longest, n := 0, 0
	for _, r := range s {
		if r == c {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}
