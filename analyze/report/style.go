package report

import (
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Style holds the terminal styles of the text writers. The zero Style
// writes plain text.
type Style struct {
	Heading, Good, Faint, Warn, Bad lipgloss.Style
}

// NewStyle returns the styles for w: coloured when color is true, plain
// otherwise (piped output, NO_COLOR, --no-color, tests).
func NewStyle(w io.Writer, color bool) Style {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return Style{
		Heading: r.NewStyle().Bold(true),
		Good:    r.NewStyle().Foreground(lipgloss.Color("2")),
		Faint:   r.NewStyle().Faint(true),
		Warn:    r.NewStyle().Foreground(lipgloss.Color("3")),
		Bad:     r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
	}
}

// cell is one table cell: its text and the style applied after padding, so
// that escape codes never upset the column widths.
type cell struct {
	text  string
	style lipgloss.Style
}

// writeTable writes rows as columns separated by two spaces, each row led by
// indent. The last column is not padded.
func writeTable(w io.Writer, indent string, rows [][]cell) {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c.text)))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range row {
			text := c.text
			if i < len(row)-1 {
				text += strings.Repeat(" ", widths[i]-len([]rune(c.text))) + "  "
			}
			b.WriteString(c.style.Render(text))
		}
		io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n")
	}
}
