package waiver

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/source"
)

// ExpiredRule is the rule ID of the finding an expired waiver becomes.
const ExpiredRule = "waiver-expired"

// expiredRemediation is what to do about an expired waiver.
const expiredRemediation = "Renew the waiver with a new expiry date, or remove it and fix the finding."

// File is a parsed waiver file. The zero File waives nothing.
type File struct {
	Path    string   // the file's path, as given to Parse
	Waivers []Waiver // in the order of the file
}

// Waiver suppresses the findings its selectors match. An empty selector
// matches anything; one given never matches a finding whose field is
// empty; * in a selector matches any run of characters.
type Waiver struct {
	Rule    string     // the rule ID, or ""
	Node    string     // the node name, or ""
	Service string     // namespace/name, or ""
	Target  string     // IP:PORT/PROTO or IP as the report prints it, or ""
	Reason  string     // why the findings are accepted; never empty
	Expires time.Time  // midnight UTC of the last day the waiver applies; zero when it never expires
	Pos     source.Pos // the file and the line where the waiver starts
	Text    string     // the waiver's first line as written, without surrounding blanks
}

// waiverKeys are the keys a waiver may have, in the order of the docs.
var waiverKeys = []string{"rule", "node", "service", "target", "reason", "expires"}

// yamlLine finds the line number in a YAML decoder error.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parserProblems are the YAML decoder's parser errors (the others are its
// scanner's): their line counts from 0, and is that of the collection in
// which the problem is, or of the problem when it is on the first line.
var parserProblems = map[string]bool{
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected node content":     true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected <document start>": true,
}

// Parse reads a waiver file; file is its path, for messages and evidence.
// An empty file holds no waivers. Every error is a *source.ParseError
// naming the file and line.
func Parse(r io.Reader, file string) (f *File, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &source.ParseError{Pos: source.Pos{File: file}, Err: err}
	}
	defer func() {
		// The YAML decoder is third-party code; no input may crash the run.
		if r := recover(); r != nil {
			f, err = nil, &source.ParseError{Pos: source.Pos{File: file}, Err: fmt.Errorf("YAML decoder failed: %v", r)}
		}
	}()
	p := &parser{file: file, lines: strings.Split(string(data), "\n")}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, more yaml.Node
	switch err := dec.Decode(&doc); err {
	case nil:
	case io.EOF:
		return &File{Path: file}, nil
	default:
		return nil, p.yamlError(err)
	}
	if err := dec.Decode(&more); err != io.EOF {
		if err != nil {
			return nil, p.yamlError(err)
		}
		return nil, p.errorf(&more, "a waiver file holds one YAML document")
	}
	return p.root(doc.Content[0])
}

// parser turns the YAML nodes of one file into waivers.
type parser struct {
	file  string
	lines []string // of the file, for Waiver.Text
}

// errorf returns a ParseError at the line of n.
func (p *parser) errorf(n *yaml.Node, format string, args ...any) error {
	return source.Errorf(source.Pos{File: p.file, Line: n.Line}, "", format, args...)
}

// yamlError turns a YAML decoder error into a ParseError at the line it names.
func (p *parser) yamlError(err error) error {
	pos, msg := source.Pos{File: p.file}, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = err.Error()[len(m[0]):]
	}
	if parserProblems[msg] {
		pos.Line++
	}
	return source.Errorf(pos, "", "invalid YAML: %s", msg)
}

// file reads the document's root: a mapping whose only key is waivers.
func (p *parser) root(root *yaml.Node) (*File, error) {
	f := &File{Path: p.file}
	if isNull(root) {
		return f, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root, "want a mapping with the key \"waivers\"")
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case k.Value != "waivers":
			return nil, p.errorf(k, "unknown key %q (a waiver file has the key \"waivers\")", k.Value)
		case list != nil:
			return nil, p.errorf(k, "duplicate key \"waivers\"")
		}
		list = resolve(v)
	}
	if list == nil || isNull(list) {
		return f, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, p.errorf(list, "\"waivers\" is not a list")
	}
	for _, item := range list.Content {
		w, err := p.waiver(resolve(item))
		if err != nil {
			return nil, err
		}
		f.Waivers = append(f.Waivers, w)
	}
	return f, nil
}

// waiver reads one waiver of the list.
func (p *parser) waiver(m *yaml.Node) (Waiver, error) {
	if m.Kind != yaml.MappingNode {
		return Waiver{}, p.errorf(m, "a waiver is a mapping of %s", strings.Join(waiverKeys, ", "))
	}
	w := Waiver{Pos: source.Pos{File: p.file, Line: m.Line}}
	if m.Line >= 1 && m.Line <= len(p.lines) {
		w.Text = strings.TrimSpace(p.lines[m.Line-1])
	}
	values := map[string]string{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolve(m.Content[i+1])
		if !slices.Contains(waiverKeys, k.Value) {
			return Waiver{}, p.errorf(k, "unknown key %q (a waiver has %s)", k.Value, strings.Join(waiverKeys, ", "))
		}
		if _, dup := values[k.Value]; dup {
			return Waiver{}, p.errorf(k, "duplicate key %q", k.Value)
		}
		if v.Kind != yaml.ScalarNode {
			return Waiver{}, p.errorf(v, "%q is not a string", k.Value)
		}
		values[k.Value] = ""
		if !isNull(v) {
			values[k.Value] = strings.TrimSpace(v.Value)
		}
		if s := values[k.Value]; k.Value == "expires" && s != "" {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return Waiver{}, p.errorf(v, "bad expiry date %q: want YYYY-MM-DD", s)
			}
			w.Expires = t
		}
	}
	w.Rule, w.Node, w.Service, w.Target, w.Reason = values["rule"], values["node"], values["service"], values["target"], values["reason"]
	switch {
	case w.Rule == "" && w.Node == "" && w.Service == "" && w.Target == "":
		return Waiver{}, p.errorf(m, "a waiver needs at least one of rule, node, service, target")
	case w.Reason == "":
		return Waiver{}, p.errorf(m, "a waiver needs a reason")
	}
	return w, nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// isNull reports whether n is an empty value (nothing, ~ or null).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// Expired reports whether w no longer applies on the UTC day of today:
// it applies through its expiry day.
func (w *Waiver) Expired(today time.Time) bool {
	return !w.Expires.IsZero() && !today.Before(w.Expires.AddDate(0, 0, 1))
}

// Matches reports whether every selector of w matches f.
func (w *Waiver) Matches(f engine.Finding) bool {
	return match(w.Rule, f.Rule) && match(w.Node, f.Node) && match(w.Service, f.Service) && match(w.Target, f.Target)
}

// match reports whether s matches pattern, in which * matches any run of
// characters. The empty pattern matches anything; the empty s matches
// only the empty pattern (a finding without a node has no node "*").
func match(pattern, s string) bool {
	switch {
	case pattern == "":
		return true
	case s == "":
		return false
	}
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	first, last := parts[0], parts[len(parts)-1]
	if !strings.HasPrefix(s, first) {
		return false
	}
	s = s[len(first):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}

// expiresText is the expiry date as YYYY-MM-DD, or "" when w never expires.
func (w *Waiver) expiresText() string {
	if w.Expires.IsZero() {
		return ""
	}
	return w.Expires.Format(time.DateOnly)
}

// selectors describes what w selects: "rule x, service y".
func (w *Waiver) selectors() string {
	var s []string
	for _, kv := range [][2]string{{"rule", w.Rule}, {"node", w.Node}, {"service", w.Service}, {"target", w.Target}} {
		if kv[1] != "" {
			s = append(s, kv[0]+" "+kv[1])
		}
	}
	return strings.Join(s, ", ")
}

// expiredFinding is the warning that w has expired.
func (w *Waiver) expiredFinding() engine.Finding {
	return engine.Finding{
		Rule:     ExpiredRule,
		Severity: engine.SeverityWarning,
		Title:    "waiver expired",
		Message: fmt.Sprintf("The waiver at %s (%s) expired on %s, so it no longer suppresses the findings it matches. Its reason was: %s",
			w.Pos, w.selectors(), w.expiresText(), w.Reason),
		Node:        w.Node,
		Service:     w.Service,
		Target:      w.Target,
		Evidence:    []engine.Evidence{{File: w.Pos.File, Line: w.Pos.Line, Text: w.Text}},
		Remediation: expiredRemediation,
		References:  []string{},
	}
}

// Apply splits findings into those no waiver suppresses (kept) and those
// one does (waived, with the reason and expiry of the first waiver of the
// file that matches), as of the UTC day of today. Waivers expired by then
// suppress nothing; each becomes a waiver-expired warning (expired), in
// the order of the file. A nil File waives nothing.
func (f *File) Apply(findings []engine.Finding, today time.Time) (kept []engine.Finding, waived []report.Waived, expired []engine.Finding) {
	var live []*Waiver
	if f != nil {
		for i := range f.Waivers {
			w := &f.Waivers[i]
			if w.Expired(today) {
				expired = append(expired, w.expiredFinding())
			} else {
				live = append(live, w)
			}
		}
	}
	for _, fd := range findings {
		i := slices.IndexFunc(live, func(w *Waiver) bool { return w.Matches(fd) })
		if i < 0 {
			kept = append(kept, fd)
			continue
		}
		waived = append(waived, report.Waived{Finding: fd, WaiverReason: live[i].Reason, WaiverExpires: live[i].expiresText()})
	}
	return kept, waived, expired
}
