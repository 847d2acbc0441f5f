package conntrack

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// maxWarnings bounds the warnings a [Reader] keeps; later ones are counted
// and reported as one closing warning, so that a million odd lines cannot
// exhaust memory.
const maxWarnings = 100

// errNotConntrack is the cause of the error for an input with no flow and no
// conntrack message at all.
var errNotConntrack = errors.New("not conntrack output")

// Reader reads flows one at a time from a capture of `conntrack -L` (any
// format), `conntrack -E` or /proc/net/nf_conntrack. Lines are numbered from
// the position given to [NewReader]. Lines that are not flows become
// warnings; a truncated last line is dropped with a warning.
type Reader struct {
	sc  *source.Scanner
	at  source.Pos
	err error // sticky: io.EOF or a read/format error

	format Format
	flow   Flow
	text   []byte // the text of the last flow
	flows  int

	// A line broken by the stderr summary: its first part and position.
	broken    []byte
	brokenPos source.Pos
	isBroken  bool
	joined    []byte

	xml xmlState

	stated     int
	hasStated  bool
	failure    *source.Failure
	warnings   []source.Warning
	suppressed int
	firstOdd   *source.ParseError // the first line that was not a flow
	tuples     bool               // a line that was not a flow held src= and dst= tuples
}

// NewReader returns a Reader over r. at.File names the capture in the
// bundle and at.Line is the number of its first line (1 for a whole file).
func NewReader(r io.Reader, at source.Pos) *Reader {
	if at.Line < 1 {
		at.Line = 1
	}
	return &Reader{sc: source.NewScanner(bufio.NewReaderSize(r, 64<<10), at.File, at.Line), at: at}
}

// Next returns the next flow. At the end of the input it returns io.EOF, or
// a [*source.ParseError] when the input held no flow, no flow line and
// nothing else conntrack prints (it is some other capture), or when reading
// failed. Flow lines that cannot be read (a placeholder such as "<clusterIp>"
// or "x.x.x.x" in place of an address) are skipped with a warning.
//
// The returned Flow is overwritten by the next call to Next. Copy the value
// (*f) to keep it; its slices are never reused, so a copy is independent.
func (r *Reader) Next() (*Flow, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		if r.format == FormatXML {
			if ok := r.nextXMLFlow(); ok {
				return r.emit()
			}
		}
		line, pos, partial, ok := r.line()
		if !ok {
			return nil, r.finish()
		}
		if r.format == "" && len(bytes.TrimSpace(line)) > 0 {
			if t := bytes.TrimLeft(line, " \t\ufeff"); t[0] == '<' {
				r.format = FormatXML
			}
		}
		if r.format == FormatXML {
			r.xml.add(line, pos)
			continue
		}
		if r.parseLine(line, pos, partial) {
			return r.emit()
		}
	}
}

// emit counts and returns the flow just parsed.
func (r *Reader) emit() (*Flow, error) {
	r.flows++
	return &r.flow, nil
}

// finish ends the input: it reports a flow left open at the end, a read
// error, or an input that is not conntrack output.
func (r *Reader) finish() error {
	if err := r.sc.Err(); err != nil {
		r.err = err
		return err
	}
	r.xml.finish(r)
	if r.suppressed > 0 {
		r.warnings = append(r.warnings, source.Warning{Pos: source.Pos{File: r.at.File}, Msg: fmt.Sprintf("%d more warnings not shown", r.suppressed)})
		r.suppressed = 0
	}
	r.err = io.EOF
	if r.flows == 0 && r.failure == nil && !r.hasStated && !r.tuples && r.firstOdd != nil {
		r.err = r.firstOdd
	}
	return r.err
}

// line returns the next line with the stderr summary removed: a line it
// broke in two is returned whole, at the position of its first part.
// partial reports a last line without a newline.
func (r *Reader) line() (line []byte, pos source.Pos, partial, ok bool) {
	for r.sc.Scan() {
		b, pos, partial := r.sc.Bytes(), r.sc.Pos(), r.sc.Partial()
		if i, n, ok := summaryAt(b); ok {
			r.stated, r.hasStated = n, true
			if i == 0 {
				continue
			}
			r.broken = append(r.broken[:0], b[:i]...)
			r.brokenPos, r.isBroken = pos, true
			continue
		}
		if r.isBroken {
			r.isBroken = false
			r.joined = append(append(r.joined[:0], r.broken...), b...)
			return r.joined, r.brokenPos, partial, true
		}
		return b, pos, partial, true
	}
	if r.isBroken {
		// The summary cut the last line and nothing followed.
		r.isBroken = false
		return r.broken, r.brokenPos, true, true
	}
	return nil, source.Pos{}, false, false
}

// summaryAt finds the conntrack summary that ends b ("conntrack v1.4.7
// (conntrack-tools): 403 flow entries have been shown."; `-E` says "flow
// events") and returns where it starts and the count it states.
func summaryAt(b []byte) (start, count int, ok bool) {
	if !bytes.HasSuffix(b, []byte(" have been shown.")) {
		return 0, 0, false
	}
	start = bytes.LastIndex(b, []byte("conntrack v"))
	if start < 0 {
		return 0, 0, false
	}
	msg, ok := toolMessage(b[start:])
	if !ok {
		return 0, 0, false
	}
	num, rest, _ := bytes.Cut(msg, []byte(" "))
	n, ok := parseUint(num, 31)
	if !ok || (string(rest) != "flow entries have been shown." && string(rest) != "flow events have been shown.") {
		return 0, 0, false
	}
	return start, int(n), true
}

// toolMessage returns the message of a line conntrack prints about itself,
// "conntrack v<version> (conntrack-tools): <message>".
func toolMessage(b []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(b, []byte("conntrack v"))
	if !ok {
		return nil, false
	}
	_, msg, ok := bytes.Cut(rest, []byte(" (conntrack-tools): "))
	return msg, ok
}

// odd records a line that is not a flow: a failure message, or a warning.
func (r *Reader) odd(line []byte, pos source.Pos, msg string) {
	if _, isTool := toolMessage(bytes.TrimSpace(line)); isTool || source.ShellFailure(string(line)) {
		if r.failure == nil {
			r.failure = &source.Failure{Pos: pos, Message: string(bytes.TrimSpace(line))}
		}
		return
	}
	if r.firstOdd == nil {
		r.firstOdd = source.Errorf(pos, string(line), "%w", errNotConntrack)
	}
	// A flow line that could not be read (a placeholder in place of an
	// address, a line cut short) still shows the capture is conntrack's.
	r.tuples = r.tuples || bytes.Contains(line, []byte("src=")) && bytes.Contains(line, []byte("dst="))
	r.warn(pos, line, msg)
}

// warn records a warning, or counts it once maxWarnings are kept.
func (r *Reader) warn(pos source.Pos, text []byte, msg string) {
	if len(r.warnings) >= maxWarnings {
		r.suppressed++
		return
	}
	r.warnings = append(r.warnings, source.Warning{Pos: pos, Msg: msg, Text: source.Clip(string(text))})
}

// Format returns the format of the flows read so far: that of the first
// flow, except that an extended table becomes [FormatProc] once a line shows
// a /proc trait (zone=0, an uncompressed IPv6 address, GRE timeouts, or no
// timeout). It is empty until a flow (or, for XML, the first line) is read.
func (r *Reader) Format() Format { return r.format }

// Warnings returns the warnings so far, in line order: lines that are not
// flows, flows dropped as truncated, over-long lines.
func (r *Reader) Warnings() []source.Warning {
	w := append(slices.Clone(r.sc.Warnings()), r.warnings...)
	slices.SortStableFunc(w, func(a, b source.Warning) int { return a.Line - b.Line })
	return w
}

// Failure returns the tool's failure message if the capture holds one
// ("Operation failed: sorry, you must be root...", "Permission denied",
// "command not found"), or nil.
func (r *Reader) Failure() *source.Failure { return r.failure }

// Stated returns the count stated by the summary line "N flow entries have
// been shown.", and whether that line was seen.
func (r *Reader) Stated() (n int, ok bool) { return r.stated, r.hasStated }

// Table is a whole parsed capture, for small inputs and for `ipvslint
// inspect`; large tables go through [Summarize] instead.
type Table struct {
	Format   Format           `json:"format"`
	Stated   *int             `json:"stated,omitempty"` // the count in the summary line, nil when absent
	Flows    []Flow           `json:"flows"`
	Warnings []source.Warning `json:"warnings,omitempty"`
	Failure  *source.Failure  `json:"failure,omitempty"`
}

// Parse reads a whole capture into a [Table]. It returns an error only when
// reading fails or the input is not conntrack output at all.
func Parse(r io.Reader, at source.Pos) (*Table, error) {
	cr := NewReader(r, at)
	t := &Table{Flows: []Flow{}}
	for {
		f, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		t.Flows = append(t.Flows, *f)
	}
	t.Format, t.Warnings, t.Failure = cr.Format(), cr.Warnings(), cr.Failure()
	if n, ok := cr.Stated(); ok {
		t.Stated = &n
	}
	return t, nil
}
