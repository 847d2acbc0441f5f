package kube

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// yamlLine finds the line number in a YAML error message.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// place maps the lines of a text cut out of the input (a document less
// the items of its Lists, or a run of List items) to the input's lines.
type place struct {
	at   source.Pos // the capture's first line: its file, and the place of a text of no lines
	runs []lineRun  // by text line; the first starts at text line 1
	// decoded maps the YAML decoder's line numbers to text lines when the
	// decoder also broke lines elsewhere than at '\n' (see decoderLines);
	// nil when they are the same.
	decoded []int
}

// lineRun says that text line text is input line input, and the lines after
// it too, up to the next run.
type lineRun struct{ text, input int }

// placeAt is the place of a text whose lines are the input's from line.
func placeAt(at source.Pos, line int) place {
	return place{at: at, runs: []lineRun{{1, line}}}
}

// pos returns the input position of text line n.
func (pl *place) pos(n int) source.Pos {
	if len(pl.runs) == 0 {
		return pl.at
	}
	i := len(pl.runs) - 1
	for i > 0 && pl.runs[i].text > n {
		i--
	}
	r := pl.runs[i]
	return source.Pos{File: pl.at.File, Line: r.input + n - r.text}
}

// decoderPos returns the input position of line n as the YAML decoder
// counts the lines of the text.
func (pl *place) decoderPos(n int) source.Pos {
	return pl.pos(pl.textLine(n))
}

// textLine returns the text line of the YAML decoder's line n.
func (pl *place) textLine(n int) int {
	if pl.decoded == nil {
		return n
	}
	return pl.decoded[min(n, len(pl.decoded)-1)]
}

// decoderLines returns, for a text in which the YAML decoder breaks lines
// where ipvslint does not (a '\r' alone, NEL, LS, PS), the text line of
// every decoder line (from index 1); nil for any other text.
func decoderLines(text []byte) []int {
	if bytes.IndexByte(text, '\r') < 0 && !bytes.Contains(text, []byte("\u0085")) &&
		!bytes.Contains(text, []byte("\u2028")) && !bytes.Contains(text, []byte("\u2029")) {
		return nil
	}
	lines := []int{0, 1}
	line := 1
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(text[i:])
		}
		switch {
		case r == '\r' && i+1 < len(text) && text[i+1] == '\n':
			size++
			fallthrough
		case r == '\n':
			line++
			lines = append(lines, line)
		case r == '\r', r == '\u0085', r == '\u2028', r == '\u2029':
			lines = append(lines, line)
		}
		i += size
	}
	return lines
}

// decodeYAML decodes the YAML documents of text (at pl): each root node is
// handed to fn. A nil root is an empty document.
func decodeYAML(text []byte, pl *place, fn func(root *yaml.Node) error) (err error) {
	defer func() {
		// The YAML decoder is third-party code; no input may crash the run.
		if r := recover(); r != nil {
			err = &source.ParseError{Pos: pl.pos(1), Err: fmt.Errorf("YAML decoder failed: %v", r)}
		}
	}()
	pl.decoded = decoderLines(text)
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if err == io.EOF {
				return nil
			}
			return yamlError(err, text, pl)
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
			root = nil // an empty document: "---" at the start or the end
		}
		if err := fn(root); err != nil {
			return err
		}
	}
}

// yamlError turns a YAML decoder error into a ParseError at the line it names.
func yamlError(err error, text []byte, pl *place) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		n, msg = pl.textLine(n), msg[len(m[0]):]
		return source.Errorf(pl.pos(n), lineText(text, n), "invalid YAML: %s", msg)
	}
	return &source.ParseError{Pos: pl.pos(1), Err: fmt.Errorf("invalid YAML: %s", bytes.TrimPrefix([]byte(msg), []byte("yaml: ")))}
}

// lineText returns line n (1-based) of data, or "".
func lineText(data []byte, n int) string {
	for ; n > 1; n-- {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return ""
		}
		data = data[i+1:]
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	return string(data)
}

// yamlObject describes the YAML node n of a text at pl. depth counts the
// lists around it: a list is read inside a list, no deeper. blocks names
// the text lines of the root's "items:" keys whose items were cut out of
// the text, with the number of their block.
func yamlObject(n *yaml.Node, pl *place, depth int, blocks map[int]int) rawObject {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	o := rawObject{pos: pl.decoderPos(n.Line)}
	switch n.Kind {
	case yaml.MappingNode:
		o.isMap = true
		o.node, o.place = n, pl
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "kind":
				o.kind = yamlString(v)
			case "apiVersion":
				o.apiVersion = yamlString(v)
			case "metadata":
				o.name, o.namespace = yamlMeta(v)
			case "items":
				if b, ok := blocks[pl.textLine(k.Line)]; ok && depth == 0 {
					o.hasItems, o.block, o.items = true, b, nil
					if v.Kind == yaml.SequenceNode {
						o.items = yamlItems(v, pl, depth)
					}
				} else if v.Kind == yaml.SequenceNode && depth < 2 {
					o.hasItems, o.block = true, 0
					o.items = yamlItems(v, pl, depth)
				} else if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
					o.hasItems = true // "items: null" is an empty list
				}
			case "clientVersion", "serverVersion":
				o.versionInfo = true
			}
		}
	case yaml.SequenceNode:
		if depth < 2 {
			o.hasItems = true
			o.items = yamlItems(n, pl, depth)
		}
	case yaml.ScalarNode:
		o.text = n.Value
	}
	return o
}

// yamlItems describes the items of the list node n.
func yamlItems(n *yaml.Node, pl *place, depth int) []rawObject {
	items := make([]rawObject, len(n.Content))
	for i, it := range n.Content {
		items[i] = yamlObject(it, pl, depth+1, nil)
	}
	return items
}

// yamlString returns the value of a scalar node, "" for anything else.
func yamlString(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return ""
	}
	return n.Value
}

// yamlMeta returns the name and namespace in a metadata node.
func yamlMeta(n *yaml.Node) (name, namespace string) {
	if n.Kind != yaml.MappingNode {
		return "", ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "name":
			name = yamlString(n.Content[i+1])
		case "namespace":
			namespace = yamlString(n.Content[i+1])
		}
	}
	return name, namespace
}

// errTooBig is a YAML object whose JSON form exceeds maxObjectJSON or nests
// deeper than maxDepth, which takes an alias bomb or an alias to itself.
var errTooBig = errors.New("object too large or too deep (YAML aliases expanded too far)")

// maxDepth bounds the nesting of a YAML object written as JSON.
const maxDepth = 1000

// yamlToJSON writes the YAML node n of a text at pl as JSON, skipping
// managedFields.
func yamlToJSON(n *yaml.Node, pl *place) ([]byte, error) {
	e := jsonWriter{buf: make([]byte, 0, 1024), pl: pl}
	if err := e.node(n); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// jsonWriter writes YAML nodes as JSON.
type jsonWriter struct {
	buf       []byte
	pl        *place // where the text of the nodes is in the input, for the errors' lines
	depth     int
	expanding map[*yaml.Node]bool // the alias targets being written
}

// node writes n.
func (e *jsonWriter) node(n *yaml.Node) error {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxDepth {
		return errTooBig
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.node(n.Content[0])
	case yaml.AliasNode:
		if len(e.buf) > maxObjectJSON {
			return errTooBig
		}
		if n.Alias == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.alias(n.Alias, e.node)
	case yaml.MappingNode:
		e.buf = append(e.buf, '{')
		comma := false
		if err := e.pairs(n, &comma); err != nil {
			return err
		}
		e.buf = append(e.buf, '}')
		return nil
	case yaml.SequenceNode:
		e.buf = append(e.buf, '[')
		for i, c := range n.Content {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.node(c); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
		return nil
	}
	e.scalar(n)
	return nil
}

// pairs writes the key-value pairs of the mapping n, following merge keys
// ("<<: *base").
func (e *jsonWriter) pairs(n *yaml.Node, comma *bool) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			if err := e.merge(v, comma); err != nil {
				return err
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: mapping key is not a string", e.pl.decoderPos(k.Line).Line)
		}
		if k.Value == "managedFields" {
			continue
		}
		if *comma {
			e.buf = append(e.buf, ',')
		}
		*comma = true
		e.buf = appendJSONString(e.buf, k.Value)
		e.buf = append(e.buf, ':')
		if err := e.node(v); err != nil {
			return err
		}
	}
	return nil
}

// merge writes the pairs of a merge key's value: a mapping, an alias to one,
// or a sequence of them.
func (e *jsonWriter) merge(v *yaml.Node, comma *bool) error {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		if len(e.buf) > maxObjectJSON {
			return errTooBig
		}
		return e.alias(v.Alias, func(a *yaml.Node) error { return e.merge(a, comma) })
	}
	switch v.Kind {
	case yaml.MappingNode:
		return e.pairs(v, comma)
	case yaml.SequenceNode:
		for _, c := range v.Content {
			if err := e.merge(c, comma); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: merge key value is not a mapping", e.pl.decoderPos(v.Line).Line)
}

// alias writes the target of an alias with write, refusing an alias inside
// its own target, which would never end.
func (e *jsonWriter) alias(target *yaml.Node, write func(*yaml.Node) error) error {
	if e.expanding[target] {
		return errAliasCycle
	}
	if e.expanding == nil {
		e.expanding = map[*yaml.Node]bool{}
	}
	e.expanding[target] = true
	err := write(target)
	delete(e.expanding, target)
	return err
}

// errAliasCycle is a YAML alias inside the node it refers to.
var errAliasCycle = errors.New("YAML alias refers to itself")

// scalar writes a scalar node by its resolved tag.
func (e *jsonWriter) scalar(n *yaml.Node) {
	switch n.ShortTag() {
	case "!!null":
		e.buf = append(e.buf, "null"...)
		return
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			e.buf = strconv.AppendBool(e.buf, b)
			return
		}
	case "!!int":
		if isDecimal(n.Value) {
			e.buf = append(e.buf, n.Value...)
			return
		}
		var i int64
		if n.Decode(&i) == nil {
			e.buf = strconv.AppendInt(e.buf, i, 10)
			return
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			e.buf = strconv.AppendFloat(e.buf, f, 'g', -1, 64)
			return
		}
	}
	e.buf = appendJSONString(e.buf, n.Value)
}

// isDecimal reports whether s is an optionally negative decimal integer
// without leading zeros, which JSON takes as it is.
func isDecimal[T string | []byte](s T) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendJSONString appends s to buf as a JSON string.
func appendJSONString[T string | []byte](buf []byte, s T) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune([]byte(s[i:min(i+utf8.UTFMax, len(s))]))
			if r == utf8.RuneError && size == 1 {
				buf = append(buf, s[start:i]...)
				buf = append(buf, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		i++
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
