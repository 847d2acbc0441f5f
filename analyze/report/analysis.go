package report

import (
	"fmt"
	"io"
)

// AnalysisFormats are the formats of `ipvslint analyze`, in the order --help
// lists them; the first is the default.
var AnalysisFormats = []string{"text", "json"}

// WriteAnalysis writes the analysis in the named format (one of
// [AnalysisFormats]); st styles the text format only.
func WriteAnalysis(w io.Writer, format string, a *Analysis, st Style) error {
	switch format {
	case "text":
		return AnalysisText(w, a, st)
	case "json":
		return AnalysisJSON(w, a)
	}
	return fmt.Errorf("unknown format %q", format)
}
