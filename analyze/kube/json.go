package kube

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// jsonReader finds the objects in JSON input: one or more documents, as
// `kubectl get -o json` prints them (a watch concatenates documents with no
// separator). It only locates values and reads the members that choose a
// type; encoding/json decodes the objects themselves.
type jsonReader struct {
	data    []byte
	at      source.Pos
	line    int // the line number of offset lineOff
	lineOff int
}

// errJSONEnd is JSON input cut short.
var errJSONEnd = errors.New("unexpected end of JSON input")

// jsonSyntaxError is malformed JSON at an offset.
type jsonSyntaxError struct {
	off int
	msg string
}

func (e *jsonSyntaxError) Error() string { return e.msg }

// errorAt turns a JSON error into a ParseError.
func (r *jsonReader) errorAt(err error, start int) error {
	off := errOffset(err, start)
	return jsonError(err, r.data, off, r.pos(off))
}

// jsonError is the ParseError for err at offset off of data, whose line is
// at pos; it quotes that line.
func jsonError(err error, data []byte, off int, pos source.Pos) error {
	off = min(off, len(data))
	begin := bytes.LastIndexByte(data[:off], '\n') + 1
	return source.Errorf(pos, lineText(data[begin:], 1), "invalid JSON: %v", err)
}

// errOffset returns the offset an error names, else def.
func errOffset(err error, def int) int {
	var se *jsonSyntaxError
	if errors.As(err, &se) {
		return se.off
	}
	return def
}

// pos returns the place of offset off. Offsets are asked for in increasing
// order, so lines are counted once.
func (r *jsonReader) pos(off int) source.Pos {
	if off > len(r.data) {
		off = len(r.data)
	}
	if off < r.lineOff {
		r.lineOff, r.line = 0, r.at.Line
	}
	r.line += bytes.Count(r.data[r.lineOff:off], []byte{'\n'})
	r.lineOff = off
	return source.Pos{File: r.at.File, Line: r.line}
}

// value describes the JSON value at offset i and returns the offset after
// it. depth counts the lists around it. On an error inside a list's items,
// the complete items are returned with the error.
func (r *jsonReader) value(i, depth int) (rawObject, int, error) {
	o := rawObject{pos: r.pos(i)}
	switch r.data[i] {
	case '{':
		o.isMap = true
		end, err := r.object(&o, i, depth)
		if err != nil {
			return o, end, err
		}
		o.data = r.data[i:end]
		return o, end, nil
	case '[':
		if depth < 2 {
			o.hasItems = true
			end, err := r.items(&o, i, depth)
			return o, end, err
		}
	}
	end, err := skipValue(r.data, i)
	if err == nil {
		o.text = string(r.data[i:end])
	}
	return o, end, err
}

// object reads the members of the object at offset i into o.
func (r *jsonReader) object(o *rawObject, i, depth int) (int, error) {
	d := r.data
	i = skipSpace(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(d) {
			return i, errJSONEnd
		}
		if d[i] != '"' {
			return i, &jsonSyntaxError{i, fmt.Sprintf("expected a member name, found %q", d[i])}
		}
		kend, err := skipString(d, i)
		if err != nil {
			return kend, err
		}
		key := d[i+1 : kend-1]
		i = skipSpace(d, kend)
		if i >= len(d) {
			return i, errJSONEnd
		}
		if d[i] != ':' {
			return i, &jsonSyntaxError{i, fmt.Sprintf("expected ':' after a member name, found %q", d[i])}
		}
		i = skipSpace(d, i+1)
		if i >= len(d) {
			return i, errJSONEnd
		}
		var vend int
		if string(key) == "items" && d[i] == '[' && depth < 2 {
			o.hasItems = true
			vend, err = r.items(o, i, depth)
		} else {
			vend, err = skipValue(d, i)
			o.member(key, d[i:vend], err)
		}
		if err != nil {
			return vend, err
		}
		i = skipSpace(d, vend)
		if i >= len(d) {
			return i, errJSONEnd
		}
		switch d[i] {
		case ',':
			i = skipSpace(d, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, &jsonSyntaxError{i, fmt.Sprintf("expected ',' or '}' after a member, found %q", d[i])}
		}
	}
}

// items reads the elements of the array at offset i into o.items.
func (r *jsonReader) items(o *rawObject, i, depth int) (int, error) {
	d := r.data
	i = skipSpace(d, i+1)
	if i < len(d) && d[i] == ']' {
		return i + 1, nil
	}
	for {
		if i >= len(d) {
			return i, errJSONEnd
		}
		it, end, err := r.value(i, depth+1)
		if err != nil {
			return end, err
		}
		o.items = append(o.items, it)
		i = skipSpace(d, end)
		if i >= len(d) {
			return i, errJSONEnd
		}
		switch d[i] {
		case ',':
			i = skipSpace(d, i+1)
		case ']':
			return i + 1, nil
		default:
			return i, &jsonSyntaxError{i, fmt.Sprintf("expected ',' or ']' after an element, found %q", d[i])}
		}
	}
}

// member notes what the member key of a JSON object says about it, with
// the member's value v, read up to err: its kind, apiVersion, name and
// namespace, an empty List ("items": null), a kubectl version output.
func (o *rawObject) member(key, v []byte, err error) {
	switch string(key) {
	case "items":
		if err == nil && string(v) == "null" {
			o.hasItems = true
		}
	case "kind":
		o.kind = jsonString(v)
	case "apiVersion":
		o.apiVersion = jsonString(v)
	case "metadata":
		if err == nil {
			o.name, o.namespace = jsonMeta(v)
		}
	case "clientVersion", "serverVersion":
		o.versionInfo = true
	}
}

// jsonString decodes a JSON string value, "" for anything else.
func jsonString(v []byte) string {
	if len(v) < 2 || v[0] != '"' {
		return ""
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1])
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// jsonMeta returns the name and namespace of a metadata object.
func jsonMeta(v []byte) (name, namespace string) {
	var m struct{ Name, Namespace string }
	if json.Unmarshal(v, &m) != nil {
		return "", ""
	}
	return m.Name, m.Namespace
}

// skipSpace returns the offset of the first byte at or after i that is not
// JSON white space.
func skipSpace(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset after the JSON string starting at i.
func skipString(d []byte, i int) (int, error) {
	for j := i + 1; j < len(d); j++ {
		switch d[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return len(d), errJSONEnd
}

// skipValue returns the offset after the JSON value starting at i. It
// matches brackets and strings; encoding/json checks the rest later.
func skipValue(d []byte, i int) (int, error) {
	depth := 0
	for i < len(d) {
		switch c := d[i]; c {
		case '"':
			end, err := skipString(d, i)
			if err != nil {
				return end, err
			}
			i = end
		case '{', '[':
			depth++
			i++
		case '}', ']':
			if depth == 0 {
				return i, &jsonSyntaxError{i, fmt.Sprintf("unexpected %q", c)}
			}
			depth--
			i++
		default:
			if depth == 0 { // a number, true, false or null
				j := i
				for j < len(d) && !isDelim(d[j]) {
					j++
				}
				if j == i {
					return i, &jsonSyntaxError{i, fmt.Sprintf("unexpected %q", c)}
				}
				return j, nil
			}
			i++
		}
		if depth == 0 {
			return i, nil
		}
	}
	return i, errJSONEnd
}

// isDelim reports whether c ends a JSON number or literal.
func isDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ':', '[', ']', '{', '}', '"':
		return true
	}
	return false
}
