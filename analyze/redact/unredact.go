package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// ErrNotJSON is returned by [Map.UnredactJSON] for input that is not one
// JSON value.
var ErrNotJSON = errors.New("not a JSON document")

// unredacter returns the rewriter that turns tokens and mapped addresses
// back into the names and addresses of the map.
func (m *Map) unredacter() (*rewriter, error) {
	p, err := m.perm()
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(m.Names))
	for _, n := range m.Names {
		names[n.Token] = n.Name
	}
	return &rewriter{addrs: newAddrCache(p.Unmap, nil), names: names}, nil
}

// UnredactText copies a text or Markdown report from in to out with every
// token and mapped address replaced by the real one.
func (m *Map) UnredactText(in io.Reader, out io.Writer) error {
	w, err := m.unredacter()
	if err != nil {
		return err
	}
	return eachLine(in, out, w.append)
}

// UnredactJSON copies a JSON report from in to out with every string (keys
// included) unredacted as [Map.UnredactText] does, and everything else,
// layout and key order included, as it was.
func (m *Map) UnredactJSON(in io.Reader, out io.Writer) error {
	w, err := m.unredacter()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	if !json.Valid(data) {
		return ErrNotJSON
	}
	var dst []byte
	for i := 0; i < len(data); {
		if data[i] != '"' {
			dst = append(dst, data[i])
			i++
			continue
		}
		end := stringEnd(data, i)
		var s string
		if err := json.Unmarshal(data[i:end], &s); err != nil {
			return err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(w.string(s)); err != nil {
			return err
		}
		dst = append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		i = end
	}
	_, err = out.Write(dst)
	return err
}

// stringEnd returns the index after the JSON string literal starting at
// data[i], which json.Valid has checked.
func stringEnd(data []byte, i int) int {
	for k := i + 1; k < len(data); k++ {
		switch data[k] {
		case '\\':
			k++
		case '"':
			return k + 1
		}
	}
	return len(data)
}

// Unredact returns s with every token and mapped address replaced by the
// real one.
func (m *Map) Unredact(s string) (string, error) {
	var out strings.Builder
	err := m.UnredactText(strings.NewReader(s), &out)
	return out.String(), err
}
