// Package parsertest holds the test logic that every capture parser under
// analyze/ shares: running a table of inputs, parsing sample captures,
// comparing their parses with golden files, benchmarking, and a fuzz target
// that asserts the invariants every parser result keeps on any input.
// Each parser package still writes its own cases and checks its own values.
package parsertest

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/golden"
)

// Parser is the entry point of a parser package: it reads a capture whose
// first line is at.Line of the file at.File.
type Parser[T any] func(r io.Reader, at source.Pos) (*T, error)

// Reader returns the contents of a named capture, failing the test when it
// cannot: [Testdata] for the package's own sample captures, testref.Read for
// the reference outputs of the real tools.
type Reader func(t testing.TB, name string) []byte

// Testdata returns the contents of testdata/<name> in the test's package
// directory.
func Testdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Captures are named sample captures of one parser, read by Read and parsed
// by Parse as whole files (first line 1) called by their names.
type Captures[T any] struct {
	Parse Parser[T]
	Read  Reader
	// Names are the captures that Golden and Seed go over.
	Names []string
}

// Get parses the named capture, failing the test on an error.
func (c Captures[T]) Get(t testing.TB, name string) *T {
	t.Helper()
	res, err := c.Parse(bytes.NewReader(c.Read(t, name)), source.Pos{File: name, Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Golden runs one subtest per name in Names, comparing the JSON of the
// capture's parse with testdata/<TestName>/<name>.golden; -update rewrites
// the golden files (see package golden).
func (c Captures[T]) Golden(t *testing.T) {
	for _, name := range c.Names {
		t.Run(name, func(t *testing.T) {
			golden.CheckJSON(t, golden.Path(t, name), c.Get(t, name))
		})
	}
}

// Seed adds every capture in Names to f's seed corpus.
func (c Captures[T]) Seed(f *testing.F) {
	for _, name := range c.Names {
		f.Add(string(c.Read(f, name)))
	}
}

// Benchmark measures Parse on the named capture, reporting MB/s.
func (c Captures[T]) Benchmark(b *testing.B, name string) {
	data := c.Read(b, name)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := c.Parse(bytes.NewReader(data), source.Pos{File: name, Line: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// Case is one input of a parser's table test.
type Case[T any] struct {
	Name string
	In   string
	// First is the line number of the input's first line; 0 means 1.
	First int
	// Want is the result expected when WantErr is "".
	Want *T
	// WantErr is the exact text of the error expected; "" for none.
	WantErr string
}

// Table runs one subtest per case, parsing its input as a capture in file:
// with WantErr set, the error's text must be exactly WantErr (see [Err]);
// otherwise there must be no error and the result must deep-equal Want (see
// [Equal]).
func Table[T any](t *testing.T, parse Parser[T], file string, cases []Case[T]) {
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := parse(strings.NewReader(c.In), source.Pos{File: file, Line: max(c.First, 1)})
			if !Err(t, err, c.WantErr) {
				Equal(t, got, c.Want)
			}
		})
	}
}

// Err stops the test unless err's text is exactly wantErr, "" standing for
// no error. It reports whether there was an error, that is whether the
// caller has no result to look at (it may check more about the error).
func Err(t *testing.T, err error, wantErr string) bool {
	t.Helper()
	if wantErr == "" && err == nil {
		return false
	}
	if err == nil || err.Error() != wantErr {
		t.Fatalf("err = %v, want %q", err, wantErr)
	}
	return true
}

// Equal fails the test when got and want are not deeply equal, showing both
// as indented JSON.
func Equal[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", Dump(t, got), Dump(t, want))
	}
}

// Dump returns v as indented JSON with a final newline, failing the test
// when v cannot be encoded.
func Dump(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
