package source

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// DefaultMaxLine is the longest line a [Scanner] returns unless told otherwise.
// conntrack lines stay under 4 KiB and kubectl JSON under a few hundred KiB.
const DefaultMaxLine = 4 << 20

// Scanner reads lines from a capture. It strips the line end ("\n" or "\r\n"),
// counts lines from a first line number (so a piece cut out of a pasted
// transcript keeps the line numbers of the whole file), and skips lines longer
// than MaxLine with a warning instead of stopping. Unlike [bufio.Scanner] it
// never fails on a long line; it fails only on a read error.
//
// The slice returned by [Scanner.Bytes] is valid until the next call to
// [Scanner.Scan].
type Scanner struct {
	r        *bufio.Reader
	file     string
	line     int
	buf      []byte
	long     []byte
	partial  bool
	err      error
	warnings []Warning

	// MaxLine is the longest line returned; longer ones are skipped with a
	// warning. Set it before the first Scan.
	MaxLine int
}

// NewScanner returns a Scanner over r for the named file whose first line is
// firstLine (1 for a whole file).
func NewScanner(r io.Reader, file string, firstLine int) *Scanner {
	return &Scanner{r: bufio.NewReaderSize(r, 64<<10), file: file, line: firstLine - 1, MaxLine: DefaultMaxLine}
}

// Scan advances to the next line. It returns false at the end of the input or
// on a read error (see [Scanner.Err]).
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	for {
		line, tooLong, err := s.readLine()
		if err != nil {
			if err != io.EOF {
				s.err = &ParseError{Pos: Pos{s.file, s.line + 1}, Err: err}
			}
			if line == nil {
				if err == io.EOF {
					s.err = io.EOF
				}
				return false
			}
		}
		s.line++
		if tooLong {
			text := Clip(string(line))
			if !strings.HasSuffix(text, "…") {
				text += "…"
			}
			s.warnings = append(s.warnings, Warning{Pos: s.Pos(), Msg: ErrLineTooLong.Error() + " (skipped)", Text: text})
			if s.err != nil {
				return false
			}
			continue
		}
		s.buf = line
		return true
	}
}

// readLine returns the next line without its end. tooLong reports a line over
// MaxLine, of which only a prefix is returned. err is io.EOF when the input
// ended, possibly after a final line without a newline.
func (s *Scanner) readLine() (line []byte, tooLong bool, err error) {
	s.long = s.long[:0]
	for {
		chunk, err := s.r.ReadSlice('\n')
		if len(s.long)+len(chunk) > s.MaxLine {
			tooLong = true
			if len(s.long) < 80 {
				s.long = append(s.long, chunk[:min(len(chunk), 80)]...)
			}
		} else if err == bufio.ErrBufferFull || len(s.long) > 0 {
			s.long = append(s.long, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		var out []byte
		if tooLong || len(s.long) > 0 {
			out = s.long
		} else {
			out = chunk
		}
		s.partial = err == io.EOF
		if err == io.EOF && len(out) == 0 {
			return nil, false, io.EOF
		}
		out = bytes.TrimSuffix(out, []byte{'\n'})
		out = bytes.TrimSuffix(out, []byte{'\r'})
		return out, tooLong, err
	}
}

// Bytes returns the current line without its line end.
func (s *Scanner) Bytes() []byte { return s.buf }

// Text returns the current line as a string.
func (s *Scanner) Text() string { return string(s.buf) }

// Pos returns the file and line number of the current line.
func (s *Scanner) Pos() Pos { return Pos{File: s.file, Line: s.line} }

// Partial reports whether the current line ended the input without a
// newline: the last line of a paste, or of a truncated capture.
func (s *Scanner) Partial() bool { return s.partial }

// Err returns the read error that stopped the scanner, or nil at a clean end.
func (s *Scanner) Err() error {
	if errors.Is(s.err, io.EOF) {
		return nil
	}
	return s.err
}

// Warnings returns the warnings about skipped over-long lines.
func (s *Scanner) Warnings() []Warning { return s.warnings }
