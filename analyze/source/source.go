package source

import (
	"errors"
	"fmt"
	"strconv"
)

// Pos is a place in a bundle file: the file's path inside the bundle (or the
// loose file's name) and a 1-based line number. The zero Pos names no place.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// IsValid reports whether p names a file.
func (p Pos) IsValid() bool { return p.File != "" }

// String formats p as "file:line", or just "file" when the line is unknown.
func (p Pos) String() string {
	if p.Line <= 0 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// ErrLineTooLong is the cause of a [Warning] for a line longer than the
// scanner's limit; the line is skipped.
var ErrLineTooLong = errors.New("line too long")

// ParseError is an input a parser could not read at all. It names the file and
// line and quotes (a prefix of) the offending text.
type ParseError struct {
	Pos
	Text string // the offending text, cut to 80 bytes; may be empty
	Err  error
}

// Error formats the error as `file:line: cause: "text"`.
func (e *ParseError) Error() string {
	if e.Text == "" {
		return fmt.Sprintf("%s: %v", e.Pos, e.Err)
	}
	return fmt.Sprintf("%s: %v: %q", e.Pos, e.Err, e.Text)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Errorf returns a [ParseError] at p quoting text.
func Errorf(p Pos, text string, format string, args ...any) *ParseError {
	return &ParseError{Pos: p, Text: Clip(text), Err: fmt.Errorf(format, args...)}
}

// Warning is a line a parser understood only in part, or not at all: it is
// kept, reported with its place, and never fails the run.
type Warning struct {
	Pos
	Msg  string `json:"message"`
	Text string `json:"text,omitempty"` // the line, cut to 80 bytes
}

// String formats the warning as `file:line: message: "text"`.
func (w Warning) String() string {
	if w.Text == "" {
		return w.Pos.String() + ": " + w.Msg
	}
	return fmt.Sprintf("%s: %s: %q", w.Pos, w.Msg, w.Text)
}

// Warnf returns a [Warning] at p quoting text.
func Warnf(p Pos, text string, format string, args ...any) Warning {
	return Warning{Pos: p, Msg: fmt.Sprintf(format, args...), Text: Clip(text)}
}

// Clip cuts s to at most 80 bytes (on a rune boundary), marking the cut with "…".
func Clip(s string) string { return ClipN(s, 80) }

// ClipN cuts s to at most n bytes, backing up to a rune boundary, and marks
// the cut with "…" (which adds 3 bytes); s is returned as is when it fits. A
// negative n counts as 0.
func ClipN(s string, n int) string {
	n = max(n, 0)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
