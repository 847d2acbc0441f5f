package kube

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The fast path reads the block YAML that kubectl and go-templates print
// (block mappings and sequences, one-line plain and quoted scalars, literal
// block scalars, {} and []) straight to JSON, an order of magnitude faster
// than the YAML library and its node trees. It writes exactly the JSON that
// the YAML library's nodes give through jsonWriter; whatever else it meets
// (anchors, tags, flow collections, multi-line plain or quoted scalars,
// folded scalars, scalars that may be numbers or timestamps in forms other
// than decimal integers...) makes it give up, and the object is read by the
// YAML library instead.

// fastLine is a line of the text: its bytes without the line end, and its
// indentation; blank lines and comment lines are marked as such.
type fastLine struct {
	b     []byte
	ind   int
	blank bool // only spaces, or a comment
}

// fastYAML is the state of one fast reading.
type fastYAML struct {
	lines []fastLine
	out   []byte
	// scratch holds the scalars the reading decoded (escapes, block
	// scalars), one after the other.
	scratch []byte
	mute    int // > 0 inside managedFields, which jsonWriter skips, and what a Pod's JSON leaves out
	depth   int
	o       rawObject // what the root mapping says, as yamlObject reads it
	// prune leaves out of a Pod's JSON what [Pod] does not read (see
	// podReads); pod is set once the root mapping said kind: Pod.
	prune, pod bool
}

// The roles of a mapping: what its keys tell about the object.
const (
	roleOther = iota
	roleRoot  // the object itself: kind, apiVersion, metadata...
	roleMeta  // the object's metadata: name, namespace
	roleSpec  // the object's spec
	roleState // the object's status
)

// podKeys are the JSON keys [Pod] reads of each of a Pod's mappings, by
// role, as its types name them.
var podKeys = map[int][]string{
	roleRoot:  jsonKeys(reflect.TypeFor[Pod]()),
	roleMeta:  jsonKeys(reflect.TypeFor[PodMeta]()),
	roleSpec:  jsonKeys(reflect.TypeFor[PodSpec]()),
	roleState: jsonKeys(reflect.TypeFor[PodStatus]()),
}

// jsonKeys returns the JSON keys of the fields of struct type t.
func jsonKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case name != "":
			keys = append(keys, name)
		case f.IsExported():
			keys = append(keys, f.Name)
		}
	}
	return keys
}

// podReads reports whether [Pod] reads key k of a Pod's mapping of the
// given role (podKeys), in any case (encoding/json matches keys so). The
// fast path leaves the other keys of a Pod's root, metadata, spec and
// status out of its JSON: their values (containers, volumes, conditions)
// are most of a Pod's text. It still reads them, so that it gives up where
// it would have.
func podReads(role int, k []byte) bool {
	keys, ok := podKeys[role]
	if !ok {
		return true
	}
	for _, key := range keys {
		if strings.EqualFold(string(k), key) {
			return true
		}
	}
	return false
}

// maxFastDepth bounds the nesting the fast path reads; deeper objects are
// left to the YAML library (and jsonWriter's limit).
const maxFastDepth = 100

// fastPool recycles the line lists and output buffers of the fast path.
var fastPool = sync.Pool{New: func() any { return new(fastYAML) }}

// read splits text into lines, for a new reading; ok is false when the text
// holds bytes the fast path leaves to the YAML library (tabs, control
// characters, characters YAML does not allow or reads as line breaks).
func (f *fastYAML) read(text []byte) bool {
	ascii := true
	for _, c := range text {
		switch {
		case c >= utf8.RuneSelf:
			ascii = false
		case c < 0x20 && c != '\n' || c == 0x7f:
			return false
		}
	}
	if !ascii && !fastRunesOK(text) {
		return false
	}
	*f = fastYAML{lines: f.lines[:0], out: f.out[:0], scratch: f.scratch[:0], prune: f.prune}
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		var b []byte
		if i < 0 {
			b, text = text, nil
		} else {
			b, text = text[:i], text[i+1:]
		}
		ind := skipSpaces(b, 0)
		f.lines = append(f.lines, fastLine{b: b, ind: ind, blank: ind == len(b) || b[ind] == '#'})
	}
	return true
}

// fastRunesOK reports whether text is valid UTF-8 without the characters
// YAML treats apart: C1 controls (NEL is a line break), the byte order mark,
// line and paragraph separators, non-characters.
func fastRunesOK(text []byte) bool {
	if !utf8.Valid(text) {
		return false
	}
	for _, r := range string(text) {
		if r >= 0x80 && r <= 0x9f || r == 0xfeff || r == 0x2028 || r == 0x2029 || r == 0xfffe || r == 0xffff {
			return false
		}
	}
	return true
}

// item reads a List item, the text of one block sequence entry, at pl. The
// object's JSON is valid until the next reading.
func (f *fastYAML) item(text []byte, pl *place) (rawObject, bool) {
	if !f.read(text) || len(f.lines) == 0 {
		return rawObject{}, false
	}
	col := f.lines[0].ind
	if !isEntry(f.lines[0].b, col) {
		return rawObject{}, false
	}
	li, c := 0, skipSpaces(f.lines[0].b, col+1)
	if c >= len(f.lines[0].b) {
		li = f.nextContent(1)
		if li >= len(f.lines) || f.lines[li].ind <= col {
			return rawObject{}, false
		}
		c = f.lines[li].ind
	}
	return f.root(li, c, pl)
}

// doc reads a document that is one object: a block mapping at column 0,
// after an optional "---" line. The object's JSON is valid until the next
// reading.
func (f *fastYAML) doc(text []byte, pl *place) (rawObject, bool) {
	if !f.read(text) {
		return rawObject{}, false
	}
	li := f.nextContent(0)
	if li < len(f.lines) && isMarker(f.lines[li].b, '-') && isBlankOrComment(f.lines[li].b[3:]) {
		li = f.nextContent(li + 1)
	}
	if li >= len(f.lines) || f.lines[li].ind != 0 {
		return rawObject{}, false
	}
	return f.root(li, 0, pl)
}

// fastDecode decodes an object (a List item, or a document with item
// false) by the fast path, or with raw gets it as JSON; ok is false when it
// leaves the object to the YAML library, as it does the last object of an
// input without a final newline (a block scalar there ends without one).
func fastDecode(text []byte, pl *place, item, raw bool) (e entry, ok bool) {
	if !bytes.HasSuffix(text, []byte{'\n'}) {
		return entry{}, false
	}
	f := fastPool.Get().(*fastYAML)
	defer fastPool.Put(f)
	f.prune = !raw // Each hands the whole object over
	var o rawObject
	if item {
		o, ok = f.item(text, pl)
	} else {
		o, ok = f.doc(text, pl)
	}
	if !ok {
		return entry{}, false
	}
	e = decodeItem(&o, !item, raw)
	if e.pending || raw {
		e.o.data = bytes.Clone(e.o.data) // used later, when f is reused
	}
	return e, true
}

// root reads the object: a block mapping whose first key is at column c of
// line li, with nothing after it but blank lines, comments and a "..."
// marker.
func (f *fastYAML) root(li, c int, pl *place) (rawObject, bool) {
	if _, _, ok := f.key(f.lines[li].b, c); !ok {
		return rawObject{}, false
	}
	next, ok := f.mapping(li, c, roleRoot)
	if !ok {
		return rawObject{}, false
	}
	for ; next < len(f.lines); next++ {
		if l := f.lines[next]; !l.blank && !(isMarker(l.b, '.') && isBlankOrComment(l.b[3:])) {
			return rawObject{}, false
		}
	}
	o := f.o
	o.pos, o.isMap, o.data = pl.pos(li+1), true, f.out
	return o, true
}

func skipSpaces(b []byte, i int) int {
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// nextContent returns the index of the first line at or after li that is
// not blank or a comment (len(lines) if none).
func (f *fastYAML) nextContent(li int) int {
	for li < len(f.lines) && f.lines[li].blank {
		li++
	}
	return li
}

// emit appends s to the output unless inside managedFields.
func (f *fastYAML) emit(s string) {
	if f.mute == 0 {
		f.out = append(f.out, s...)
	}
}

// emitBytes appends b to the output unless inside managedFields.
func (f *fastYAML) emitBytes(b []byte) {
	if f.mute == 0 {
		f.out = append(f.out, b...)
	}
}

// key reads the key at b[c]: a plain or quoted scalar followed by ':' and a
// blank or the end. It returns the key, valid until the next reading, and
// the offset after the ':'.
func (f *fastYAML) key(b []byte, c int) (key []byte, after int, ok bool) {
	if c >= len(b) {
		return nil, 0, false
	}
	switch b[c] {
	case '"', '\'':
		s, end, ok := f.quoted(b, c)
		if !ok || end >= len(b) || b[end] != ':' || !isSep(b, end+1) {
			return nil, 0, false
		}
		return s, end + 1, true
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		return nil, 0, false
	}
	for i := c; i < len(b); i++ {
		if b[i] == ':' && isSep(b, i+1) {
			k := bytes.TrimRight(b[c:i], " ")
			if bytes.Contains(k, []byte(" #")) || string(k) == "<<" {
				return nil, 0, false
			}
			return k, i + 1, true
		}
	}
	return nil, 0, false
}

// mapping reads a block mapping whose first key is at column c of line li
// (its other keys at the start of lines indented by c); it returns the
// index of the line after it. role tells what its keys say.
func (f *fastYAML) mapping(li, c, role int) (int, bool) {
	if f.depth++; f.depth > maxFastDepth {
		return 0, false
	}
	defer func() { f.depth-- }()
	f.emit("{")
	comma := false
	for {
		b := f.lines[li].b
		k, after, ok := f.key(b, c)
		if !ok {
			return 0, false
		}
		if role == roleRoot && string(k) == "items" {
			return 0, false // a List: the YAML library reads it
		}
		if role == roleRoot && string(k) == "kind" && f.pod {
			return 0, false // a second kind: what a Pod leaves out may be another kind's
		}
		child := roleOther
		switch {
		case role != roleRoot:
		case string(k) == "metadata":
			child = roleMeta
			f.o.name, f.o.namespace = "", ""
		case string(k) == "spec":
			child = roleSpec
		case string(k) == "status":
			child = roleState
		}
		skip := string(k) == "managedFields" || f.pod && !podReads(role, k)
		if skip {
			f.mute++
		} else {
			if comma {
				f.emit(",")
			}
			comma = true
			if f.mute == 0 {
				f.out = appendJSONString(f.out, k)
			}
			f.emit(":")
		}
		next, val, ok := f.value(li, b, after, c, child, false)
		if skip {
			f.mute--
		}
		if !ok {
			return 0, false
		}
		f.record(role, k, val)
		li = f.nextContent(next)
		if li >= len(f.lines) || f.lines[li].ind < c {
			break
		}
		if f.lines[li].ind > c {
			return 0, false
		}
	}
	f.emit("}")
	return li, true
}

// record notes what key k of a mapping of the given role says; v is its
// value as yamlString gives it.
func (f *fastYAML) record(role int, k, v []byte) {
	switch {
	case role == roleRoot && string(k) == "kind":
		f.o.kind = string(v)
		f.pod = f.prune && f.o.kind == "Pod"
	case role == roleRoot && string(k) == "apiVersion":
		f.o.apiVersion = string(v)
	case role == roleRoot && (string(k) == "clientVersion" || string(k) == "serverVersion"):
		f.o.versionInfo = true
	case role == roleMeta && string(k) == "name":
		f.o.name = string(v)
	case role == roleMeta && string(k) == "namespace":
		f.o.namespace = string(v)
	}
}

// value reads the value of a key (or of a sequence entry, with entry) that
// starts at b[i] of line li, whose node is at column c; it returns the
// index of the line after it and the value as yamlString gives it: a
// scalar's text, empty for null or anything else, valid until the next
// reading. A mapping it holds has the given role.
func (f *fastYAML) value(li int, b []byte, i, c, role int, entry bool) (int, []byte, bool) {
	i = skipSpaces(b, i)
	if i >= len(b) || b[i] == '#' {
		// The value is on the next lines, or null.
		nl := f.nextContent(li + 1)
		if nl < len(f.lines) {
			l := f.lines[nl]
			switch {
			case l.ind > c && isEntry(l.b, l.ind):
				next, ok := f.sequence(nl, l.ind)
				return next, nil, ok
			case l.ind > c:
				if _, _, ok := f.key(l.b, l.ind); !ok {
					return 0, nil, false
				}
				next, ok := f.mapping(nl, l.ind, role)
				return next, nil, ok
			case l.ind == c && isEntry(l.b, c) && !entry: // "key:" then "- item" below it
				next, ok := f.sequence(nl, c)
				return next, nil, ok
			}
		}
		f.emit("null")
		return li + 1, nil, true
	}
	switch b[i] {
	case '|':
		return f.literal(li, b, i, c)
	case '{', '[':
		if i+1 < len(b) && b[i+1] == b[i]+2 && isBlankOrComment(b[i+2:]) {
			f.emitBytes(b[i : i+2])
			return li + 1, nil, f.flat(li, c)
		}
		return 0, nil, false
	case '"', '\'':
		s, end, ok := f.quoted(b, i)
		if !ok || !isBlankOrComment(b[end:]) {
			return 0, nil, false
		}
		if f.mute == 0 {
			f.out = appendJSONString(f.out, s)
		}
		return li + 1, s, f.flat(li, c)
	case '>', '&', '*', '!', '%', '@', '`', '?', ',', ']', '}':
		return 0, nil, false
	case '-', ':':
		if isSep(b, i+1) {
			return 0, nil, false
		}
	}
	end := len(b)
	for j := i; j < len(b); j++ {
		if b[j] == '#' && (b[j-1] == ' ') {
			end = j
			break
		}
		if b[j] == ':' && isSep(b, j+1) {
			return 0, nil, false
		}
	}
	plain := bytes.TrimRight(b[i:end], " ")
	null, ok := f.plain(plain)
	if !ok {
		return 0, nil, false
	}
	if null {
		plain = nil
	}
	return li + 1, plain, f.flat(li, c)
}

// flat reports whether nothing continues the one-line value of line li, a
// node at column c: the next line with content is indented by c at most.
func (f *fastYAML) flat(li, c int) bool {
	nl := f.nextContent(li + 1)
	return nl >= len(f.lines) || f.lines[nl].ind <= c
}

// plain writes a plain scalar as jsonWriter writes it by its resolved tag;
// ok is false for the forms the fast path leaves to the YAML library.
func (f *fastYAML) plain(s []byte) (null, ok bool) {
	switch string(s) {
	case "null", "Null", "NULL", "~":
		f.emit("null")
		return true, true
	case "true", "True", "TRUE", "false", "False", "FALSE":
		f.emit(strconv.FormatBool(s[0] == 't' || s[0] == 'T'))
		return false, true
	case "<<":
		return false, false
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		if isDecimal(s) && len(s) <= 18 {
			f.emitBytes(s)
			return false, true
		}
		if maybeNumberOrTime(s) {
			return false, false
		}
	}
	if f.mute == 0 {
		f.out = appendJSONString(f.out, s)
	}
	return false, true
}

// maybeNumberOrTime reports whether the YAML library might read the plain
// scalar s (starting with a digit, a sign or a dot) as something other than
// a string: an integer in any base, a float, .inf or .nan, a timestamp. It
// may say yes to strings; it never says no to the others.
func maybeNumberOrTime(s []byte) bool {
	if len(s) >= 5 && s[4] == '-' && isDigits(s[:4]) {
		return true // a date
	}
	if bytes.Count(s, []byte(".")) >= 2 {
		return false // an IPv4 address, a version: no number has two dots
	}
	t := s
	if t[0] == '-' || t[0] == '+' {
		t = t[1:]
	}
	if len(t) >= 2 && t[0] == '0' && strings.IndexByte("xXoObB", t[1]) >= 0 {
		return true
	}
	if len(t) > 0 && t[0] == '.' && isLetters(t[1:]) {
		return true // .inf, .nan
	}
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9', c == '_', c == '.', c == 'e', c == 'E', c == '+', c == '-':
		default:
			return false
		}
	}
	return true
}

func isDigits(s []byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func isLetters(s []byte) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// sequence reads a block sequence whose entries start lines at column c,
// the first at line li; it returns the index of the line after it.
func (f *fastYAML) sequence(li, c int) (int, bool) {
	if f.depth++; f.depth > maxFastDepth {
		return 0, false
	}
	defer func() { f.depth-- }()
	f.emit("[")
	for n := 0; ; n++ {
		if n > 0 {
			f.emit(",")
		}
		b := f.lines[li].b
		i := skipSpaces(b, c+1)
		var next int
		var ok bool
		switch {
		case i < len(b) && b[i] == '-' && isSep(b, i+1):
			return 0, false // a sequence in a sequence
		case i < len(b) && b[i] != '#' && f.isKey(b, i):
			next, ok = f.mapping(li, i, roleOther)
		default:
			next, _, ok = f.value(li, b, i, c, roleOther, true)
		}
		if !ok {
			return 0, false
		}
		li = f.nextContent(next)
		if li >= len(f.lines) || f.lines[li].ind < c || !isEntry(f.lines[li].b, c) {
			break
		}
		if f.lines[li].ind > c {
			return 0, false
		}
	}
	f.emit("]")
	if li < len(f.lines) && f.lines[li].ind > c {
		return 0, false
	}
	return li, true
}

// isKey reports whether a key starts at b[i].
func (f *fastYAML) isKey(b []byte, i int) bool {
	_, _, ok := f.key(b, i)
	return ok
}

// literal reads a literal block scalar ("|", "|-", "|+") whose header is
// at b[i] of line li, the value of a node at column c.
func (f *fastYAML) literal(li int, b []byte, i, c int) (int, []byte, bool) {
	chomp, j := byte(0), i+1
	if j < len(b) && (b[j] == '-' || b[j] == '+') {
		chomp, j = b[j], j+1
	}
	if !isBlankOrComment(b[j:]) {
		return 0, nil, false
	}
	start := len(f.scratch)
	text := f.scratch
	indent, started, trailing := 0, false, 0 // trailing: empty lines after the last content line
	next := li + 1
	for ; next < len(f.lines); next++ {
		l := f.lines[next]
		if l.ind == len(l.b) { // only spaces
			if l.ind > 0 && (indent == 0 || l.ind > indent) {
				return 0, nil, false // spaces that may be content
			}
			trailing++
			continue
		}
		if indent == 0 {
			if l.ind <= c {
				break
			}
			indent = l.ind
		}
		if l.ind < indent {
			break
		}
		if started {
			text = append(text, '\n')
		}
		for range trailing {
			text = append(text, '\n')
		}
		text = append(text, l.b[indent:]...)
		started, trailing = true, 0
	}
	switch {
	case chomp == '-':
	case chomp == '+':
		if started {
			text = append(text, '\n')
		}
		for range trailing {
			text = append(text, '\n')
		}
	case started:
		text = append(text, '\n')
	}
	f.scratch = text
	s := text[start:len(text):len(text)]
	if f.mute == 0 {
		f.out = appendJSONString(f.out, s)
	}
	return next, s, true
}

// simpleEscapes are the escapes of double-quoted scalars the fast path
// reads that stand for one byte.
var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', 'n': '\n', 't': '\t', 'r': '\r', ' ': ' ', '0': 0}

// hexEscapes are the escapes of double-quoted scalars that give a code
// point in hex, with the number of its digits.
var hexEscapes = map[byte]int{'x': 2, 'u': 4, 'U': 8}

// quoted reads the quoted scalar at b[i], on one line: its value, valid
// until the next reading, and the offset after it. ok is false for one that
// goes on past the line or an escape the fast path does not read. A value
// without escapes is a part of b; another is decoded into f.scratch.
func (f *fastYAML) quoted(b []byte, i int) ([]byte, int, bool) {
	q := b[i]
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case q:
			if q == '\'' && j+1 < len(b) && b[j+1] == '\'' {
				return f.unescape(b, i)
			}
			return b[i+1 : j : j], j + 1, true
		case '\\':
			if q == '"' {
				return f.unescape(b, i)
			}
		}
	}
	return nil, 0, false
}

// unescape reads the quoted scalar at b[i] as quoted does, decoding its
// escapes into f.scratch.
func (f *fastYAML) unescape(b []byte, i int) ([]byte, int, bool) {
	q := b[i]
	start := len(f.scratch)
	s := f.scratch
	for j := i + 1; j < len(b); j++ {
		c := b[j]
		switch {
		case c == q && q == '\'':
			if j+1 < len(b) && b[j+1] == '\'' {
				s = append(s, '\'')
				j++
				continue
			}
			f.scratch = s
			return s[start:len(s):len(s)], j + 1, true
		case c == q:
			f.scratch = s
			return s[start:len(s):len(s)], j + 1, true
		case c == '\\' && q == '"':
			if j+1 >= len(b) {
				return nil, 0, false
			}
			j++
			if c, ok := simpleEscapes[b[j]]; ok {
				s = append(s, c)
				continue
			}
			n := hexEscapes[b[j]]
			if n == 0 || j+n >= len(b) {
				return nil, 0, false
			}
			v, err := strconv.ParseUint(string(b[j+1:j+1+n]), 16, 32)
			if err != nil || v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
				return nil, 0, false
			}
			r := rune(v)
			j += n
			s = utf8.AppendRune(s, r)
		default:
			s = append(s, c)
		}
	}
	return nil, 0, false
}
