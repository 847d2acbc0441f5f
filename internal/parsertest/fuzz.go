package parsertest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// fuzzFile is the file name the fuzz target gives every input.
const fuzzFile = "capture.txt"

// Span is where a fuzz input lies: its file and the numbers of its first and
// last lines.
type Span struct {
	File        string
	First, Last int
}

// Contains reports whether p is a line of the span.
func (s Span) Contains(p source.Pos) bool {
	return p.File == s.File && p.Line >= s.First && p.Line <= s.Last
}

// Common is what every parser result holds, whatever its type.
type Common struct {
	// Warnings are the result's warnings.
	Warnings []source.Warning
	// Failure is the failure text the capture held, or nil.
	Failure *source.Failure
	// Records counts the data parsed (sockets, entries, interfaces...); 0
	// when there is none.
	Records int
}

// Fuzz is the fuzz target of a parser. Its zero value is not usable: Parse
// and Common are required.
type Fuzz[T any] struct {
	// Parse is the parser under test.
	Parse Parser[T]
	// First is the line number given for the input's first line; 0 means 1.
	// More than 1 catches a parser that counts lines from 1 regardless.
	First int
	// Common returns what every parser result holds.
	Common func(*T) Common
	// FailureAfterOutput allows a Failure in a result with records (ipvsadm
	// prints its error after what it listed); otherwise a result holds a
	// failure or data, never both.
	FailureAfterOutput bool
	// Err, when not nil, checks more about an error Parse returned.
	Err func(t *testing.T, err error)
	// Check, when not nil, checks the parser's own invariants on a result of
	// the input in.
	Check func(t *testing.T, res *T, in Span)
}

// Run fuzzes the parser from f's seed corpus (added by the caller). For
// every input it checks that Parse does not panic and that it returns either
// a nil result and a *source.ParseError placed in the input, or a result
// whose warnings and failure are placed in the input, that holds a failure
// or data (unless FailureAfterOutput) and that encodes as JSON; then it calls
// Err or Check.
func (z Fuzz[T]) Run(f *testing.F) {
	first := max(z.First, 1)
	f.Fuzz(func(t *testing.T, in string) {
		span := Span{File: fuzzFile, First: first, Last: first + strings.Count(in, "\n")}
		res, err := z.Parse(strings.NewReader(in), source.Pos{File: span.File, Line: span.First})
		if err != nil {
			var pe *source.ParseError
			if res != nil || !errors.As(err, &pe) || !span.Contains(pe.Pos) {
				t.Fatalf("Parse = %v, %v; want nil and a ParseError placed in the input", res, err)
			}
			if z.Err != nil {
				z.Err(t, err)
			}
			return
		}
		c := z.Common(res)
		for i, w := range c.Warnings {
			if !span.Contains(w.Pos) {
				t.Errorf("warning %d %v outside the input", i, w)
			}
		}
		if c.Failure != nil {
			if !span.Contains(c.Failure.Pos) {
				t.Errorf("failure at %v, outside the input", c.Failure.Pos)
			}
			if c.Records > 0 && !z.FailureAfterOutput {
				t.Errorf("failure %q with %d records", c.Failure.Message, c.Records)
			}
		}
		if _, err := json.Marshal(res); err != nil {
			t.Error(err)
		}
		if z.Check != nil {
			z.Check(t, res, span)
		}
	})
}
