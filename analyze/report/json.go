package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding"
	"encoding/json"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/internal/jsonfields"
)

// AnalyzeSchema is the schemaVersion of `ipvslint analyze --format json`.
const AnalyzeSchema = "ipvslint.report/v1"

// Analysis is what `ipvslint analyze` reports: the cluster facts the rules
// depended on and every finding. Its JSON is the report of
// rule-catalog.md, a contract for scripts.
type Analysis struct {
	SchemaVersion     string           `json:"schemaVersion"`
	KubernetesVersion ReportedVersion  `json:"kubernetesVersion"`
	CNI               ReportedCNI      `json:"cni"`
	Summary           Summary          `json:"summary"`
	Findings          []engine.Finding `json:"findings"` // sorted by the engine; never nil
	// Waived are the findings waivers suppressed, listed only when asked
	// (--show-waived); Summary.Waived counts them always.
	Waived []Waived `json:"waived,omitempty"`
	// Warnings are what the bundle reader and the parsers could not read,
	// or read only in part (lines skipped, placeholders, missing link
	// lines), with file and line: evidence the rules did not see. Never
	// nil. The JUnit report leaves them out.
	Warnings []ReadWarning `json:"warnings"`

	// Nodes are the names of the bundle's nodes, sorted; Rules are the
	// rules the engine ran, sorted by ID; ToolVersion is the ipvslint
	// release. The JUnit and SARIF reports list them (every rule, passed or
	// not); nil and "" are allowed: those reports then list the rules and
	// nodes of the findings only. They are not part of the JSON report.
	Nodes       []string      `json:"-"`
	Rules       []engine.Rule `json:"-"`
	ToolVersion string        `json:"-"`

	// Bundles are the bundle arguments read, in order, and Paths the
	// traced connections of findings ([PathQueries]), in the order of the
	// findings: the HTML report shows them, the others do not. nil is
	// allowed.
	Bundles []ReportedBundle `json:"-"`
	Paths   []Path           `json:"-"`

	// Command is the ipvslint command that made the report, as the
	// headings of the text, Markdown and HTML reports name it; "" for
	// analyze.
	Command string `json:"-"`
}

// heading is the name of the report's command: "ipvslint analyze".
func (a *Analysis) heading() string {
	return "ipvslint " + cmp.Or(a.Command, "analyze")
}

// ReportedBundle is a bundle argument as read: where it came from.
type ReportedBundle struct {
	Arg       string    // as given on the command line
	Format    string    // dir, tar.gz, zip...
	Loose     bool      // pasted files: no manifest
	CreatedAt time.Time // from the manifest; zero when it does not say
	Collector string    // from the manifest: name and version; "" when it does not say
	Redacted  bool      // the manifest says ipvslint redact wrote it
}

// BundlesOf returns the bundles of a snapshot as the report shows them.
func BundlesOf(snap *snapshot.Snapshot) []ReportedBundle {
	var out []ReportedBundle
	for _, b := range snap.Bundles {
		out = append(out, ReportedBundle{Arg: b.Arg, Format: b.Format, Loose: b.Loose, CreatedAt: b.CreatedAt, Collector: b.Collector, Redacted: b.Redacted()})
	}
	return out
}

// Waived is a finding that a waiver suppressed, with the waiver's reason.
type Waived struct {
	engine.Finding
	WaiverReason  string `json:"waiverReason"`
	WaiverExpires string `json:"waiverExpires,omitempty"` // YYYY-MM-DD, "" when the waiver does not expire
}

// ReportedVersion is the Kubernetes version the rules assumed. Both fields
// are "" when the bundle did not say it and --k8s-version was not given.
type ReportedVersion struct {
	Value  string `json:"value"`  // "v1.24.6"
	Source string `json:"source"` // "cluster/version.json", "--k8s-version"...
}

// ReportedCNI is the CNI and its datapath class.
type ReportedCNI struct {
	Class  string `json:"class"`  // overlay, vpc or unknown
	Name   string `json:"name"`   // "" when not known
	Source string `json:"source"` // the evidence; "" when nothing told
}

// Summary counts the findings of each severity.
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
	Waived  int `json:"waived,omitempty"` // findings suppressed by waivers
}

// NewAnalysis builds the report of the findings the engine gave, with the
// version and CNI of the input document they were evaluated over.
func NewAnalysis(version ReportedVersion, cni ReportedCNI, findings []engine.Finding) *Analysis {
	a := &Analysis{SchemaVersion: AnalyzeSchema, KubernetesVersion: version, CNI: cni, Findings: nonNil(findings), Warnings: []ReadWarning{}}
	for _, f := range findings {
		a.Summary.add(f.Severity)
	}
	return a
}

// add counts a finding of severity s. A severity the engine does not give
// (it refuses any but error, warning and info) counts as info, the least,
// so that the counts add up to the findings.
func (s *Summary) add(sev engine.Severity) {
	switch sev {
	case engine.SeverityError:
		s.Error++
	case engine.SeverityWarning:
		s.Warning++
	default:
		s.Info++
	}
}

// AnalysisOf builds the report of the findings the engine gave over doc,
// with the names of its nodes.
func AnalysisOf(doc *input.Document, findings []engine.Finding) *Analysis {
	return AnalysisFor(doc)(findings)
}

// AnalysisFor returns what AnalysisOf does for findings still to come over
// doc, holding only what the report takes of doc (its version, CNI and
// node names), so that a caller can let doc be freed while the rules run.
func AnalysisFor(doc *input.Document) func([]engine.Finding) *Analysis {
	v, c := doc.Cluster.Version, doc.Cluster.CNI
	version := ReportedVersion{Value: v.Value, Source: v.Source}
	cni := ReportedCNI{Class: c.Class, Name: c.Name, Source: c.Source}
	nodes := slices.Sorted(maps.Keys(doc.Nodes))
	return func(findings []engine.Finding) *Analysis {
		a := NewAnalysis(version, cni, findings)
		a.Nodes = nodes
		return a
	}
}

// AnalysisJSON writes the report as indented JSON: the same analysis always
// gives the same bytes.
func AnalysisJSON(w io.Writer, a *Analysis) error {
	return WriteJSON(w, a)
}

// WriteJSON writes v as JSON indented by two spaces, without escaping
// <, > and &, and a newline: the form of every JSON document ipvslint
// prints. The document is written a part at a time (see [streamDepth]), so
// that a large one (the input document of a big bundle) is never held
// whole as text.
func WriteJSON(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	s := &streamer{ind: indenter{w: bw}}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	if err := s.value(reflect.ValueOf(v), streamDepth); err != nil {
		return err
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

// streamDepth is how many levels of objects and arrays WriteJSON writes
// member by member; below it each value is encoded whole. Four levels
// reach the members of a node's tables in the input document, and each
// finding of a report.
const streamDepth = 4

// streamer writes a value as WriteJSON does.
type streamer struct {
	ind indenter
	enc *json.Encoder // encodes into buf
	buf bytes.Buffer
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// value writes v, member by member for depth more levels.
func (s *streamer) value(v reflect.Value, depth int) error {
	if depth == 0 || !v.IsValid() || marshals(v) {
		return s.whole(v)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return s.whole(v)
		}
		return s.value(v.Elem(), depth)
	case reflect.Struct:
		return s.object(v, depth)
	case reflect.Map:
		if v.IsNil() || v.Len() == 0 || v.Type().Key().Kind() != reflect.String {
			return s.whole(v)
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		s.ind.write([]byte{'{'})
		for i, k := range keys {
			if err := s.member(i, k.String(), v.MapIndex(k), depth); err != nil {
				return err
			}
		}
		s.ind.write([]byte{'}'})
		return nil
	case reflect.Slice, reflect.Array:
		if v.Len() == 0 || v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return s.whole(v)
		}
		s.ind.write([]byte{'['})
		for i := range v.Len() {
			if i > 0 {
				s.ind.write([]byte{','})
			}
			if err := s.value(v.Index(i), depth-1); err != nil {
				return err
			}
		}
		s.ind.write([]byte{']'})
		return nil
	}
	return s.whole(v)
}

// object writes a struct field by field, as encoding/json does.
func (s *streamer) object(v reflect.Value, depth int) error {
	fields, ok := jsonfields.Of(v.Type())
	if !ok {
		return s.whole(v)
	}
	n := 0
	for _, f := range fields {
		fv := v.FieldByIndex(f.Index)
		if f.OmitEmpty && jsonfields.Empty(fv) {
			continue
		}
		if n == 0 {
			s.ind.write([]byte{'{'})
		}
		if err := s.member(n, f.Name, fv, depth); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		s.ind.write([]byte("{}"))
		return nil
	}
	s.ind.write([]byte{'}'})
	return nil
}

// member writes the i-th member of an object: its key, then its value.
func (s *streamer) member(i int, key string, v reflect.Value, depth int) error {
	if i > 0 {
		s.ind.write([]byte{','})
	}
	if err := s.encode(key); err != nil {
		return err
	}
	s.ind.write([]byte{':'})
	return s.value(v, depth-1)
}

// whole writes v encoded whole.
func (s *streamer) whole(v reflect.Value) error {
	if !v.IsValid() {
		s.ind.write([]byte("null"))
		return nil
	}
	if v.CanAddr() {
		// Through its pointer, v stays addressable: encoding/json then
		// calls the methods with pointer receivers of v and its fields.
		v = v.Addr()
	}
	return s.encode(v.Interface())
}

// encode writes x as encoding/json encodes it, without the newline
// json.Encoder ends with.
func (s *streamer) encode(x any) error {
	s.buf.Reset()
	if err := s.enc.Encode(x); err != nil {
		return err
	}
	s.ind.write(bytes.TrimSuffix(s.buf.Bytes(), []byte{'\n'}))
	return nil
}

// marshals reports whether v's type encodes itself (MarshalJSON or
// MarshalText, with a pointer receiver when v is addressable).
func marshals(v reflect.Value) bool {
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		return true
	}
	return v.CanAddr() && (reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler))
}

// indenter writes compact JSON, handed to it in pieces that each end
// between tokens, indented by two spaces as json.Indent would: an empty
// object or array stays {} or [] (within one piece), a key is followed by
// ": ". Errors are left to w's Flush.
type indenter struct {
	w     *bufio.Writer
	depth int
}

// newline starts a line at the current depth.
func (ind *indenter) newline() {
	ind.w.WriteByte('\n')
	for range ind.depth {
		ind.w.WriteString("  ")
	}
}

// write writes the next piece of the document.
func (ind *indenter) write(src []byte) {
	w := ind.w
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			// Copy the string whole: its quotes and escapes are its own.
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\\' {
					j++
				}
			}
			w.Write(src[i:min(j+1, len(src))])
			i = j
		case '{', '[':
			w.WriteByte(c)
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				w.WriteByte(src[i+1])
				i++
				continue
			}
			ind.depth++
			ind.newline()
		case '}', ']':
			ind.depth--
			ind.newline()
			w.WriteByte(c)
		case ',':
			w.WriteByte(c)
			ind.newline()
		case ':':
			w.WriteString(": ")
		default:
			w.WriteByte(c)
		}
	}
}
