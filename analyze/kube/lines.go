package kube

import (
	"bufio"
	"bytes"
	"io"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// maxMessageLine is the longest line looked at as a kubectl or shell
// message; longer lines (a one-line JSON List) are content, handed on in
// pieces.
const maxMessageLine = 64 << 10

// lineReader reads a capture line by line as the parsers see it: without a
// leading byte order mark, with CRLF line ends as LF, and with the lines that
// kubectl (or the shell running it) printed on stderr blanked out, so that
// line numbers stay; those lines are collected in msgs.
type lineReader struct {
	br      *bufio.Reader
	file    string
	line    int  // number of the line the next piece starts or continues
	midLine bool // the last piece did not end its line
	leading bool // no line with content was read yet
	msgs    messages
	replay  []byte // bytes read already (a fallback reads them again), handed out first, unclassified
	err     error  // the reader's error, io.EOF at the end
	bomDone bool
	held    []byte // a line's last '\r', held until the next piece shows whether '\n' follows
	piece   []byte
	long    []byte // a long line put together by nextLine
}

// newLineReader reads r, whose first line is at.
func newLineReader(r io.Reader, at source.Pos) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, maxMessageLine), file: at.File, line: at.Line, leading: true}
}

// next returns the next piece of the input: a whole line with its '\n' (none
// on a last line without one), or, for a line longer than maxMessageLine,
// part of it. lineNo is the number of the line the piece belongs to. The
// piece is valid until the next call. At the end it returns nil and the
// reader's error (io.EOF when it ended well).
func (lr *lineReader) next() (piece []byte, lineNo int, err error) {
	if lr.replay != nil {
		return lr.nextReplay()
	}
	if lr.err != nil && len(lr.held) == 0 {
		return nil, lr.line, lr.err
	}
	b, err := lr.br.ReadSlice('\n')
	if err != nil && err != bufio.ErrBufferFull {
		lr.err = err
	}
	if !lr.bomDone {
		lr.bomDone = true
		b = bytes.TrimPrefix(b, []byte("\ufeff"))
	}
	full := err == nil || (err != bufio.ErrBufferFull && !lr.midLine)
	lr.piece = append(append(lr.piece[:0], lr.held...), b...)
	lr.held = lr.held[:0]
	if err == bufio.ErrBufferFull && len(lr.piece) > 0 && lr.piece[len(lr.piece)-1] == '\r' {
		lr.held = append(lr.held, '\r')
		lr.piece = lr.piece[:len(lr.piece)-1]
	}
	if n := len(lr.piece); n >= 2 && lr.piece[n-2] == '\r' && lr.piece[n-1] == '\n' {
		lr.piece = append(lr.piece[:n-2], '\n')
	}
	lineNo = lr.line
	if full && !lr.midLine {
		lr.classify(lr.piece, lineNo)
	} else if len(bytes.TrimSpace(lr.piece)) > 0 {
		lr.leading = false
	}
	lr.midLine = !bytes.HasSuffix(lr.piece, []byte{'\n'})
	if !lr.midLine {
		lr.line++
	}
	if len(lr.piece) == 0 {
		return lr.next()
	}
	return lr.piece, lineNo, nil
}

// nextReplay hands out the next line of the replayed bytes.
func (lr *lineReader) nextReplay() ([]byte, int, error) {
	b := lr.replay
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		i = len(b) - 1
	}
	lr.replay = b[i+1:]
	if len(lr.replay) == 0 {
		lr.replay = nil
	}
	lineNo := lr.line
	if b[i] == '\n' {
		lr.line++
	}
	return b[:i+1], lineNo, nil
}

// again makes next hand out data, which starts at line lineNo, before
// reading on; the lines of data are not classified again.
func (lr *lineReader) again(data []byte, lineNo int) {
	if len(data) > 0 {
		lr.replay, lr.line = data, lineNo
	}
}

// classify blanks out line (in place, keeping its '\n') when it is a message
// of kubectl or, before any content, of the shell, and records it.
func (lr *lineReader) classify(line []byte, lineNo int) {
	text := bytes.TrimSuffix(line, []byte{'\n'})
	m := notMessage
	if len(text) > 0 && text[0] != ' ' && text[0] != '-' && text[0] != '{' && text[0] != '}' {
		m = kubectlMessage(string(text))
	}
	blank := len(bytes.TrimSpace(text)) == 0
	if m == notMessage && lr.leading && !blank && source.ShellFailure(string(text)) {
		m = msgFailure
	}
	if m == notMessage {
		if !blank {
			lr.leading = false
		}
		return
	}
	lr.msgs.add(m, source.Pos{File: lr.file, Line: lineNo}, string(text))
	for i := range text {
		text[i] = ' '
	}
}

// firstByte reads past the blank lines at the start and returns the first
// byte of the first line with content (0 when there is none); that line is
// read again by the next call of next.
func (lr *lineReader) firstByte() byte {
	for {
		b, lineNo, err := lr.next()
		if err != nil {
			return 0
		}
		if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 {
			lr.again(append([]byte(nil), b...), lineNo)
			return t[0]
		}
	}
}

// readAll reads the rest of the input into one buffer, up to limit bytes; it
// reports whether the input was longer.
func (lr *lineReader) readAll(limit int) (data []byte, tooLong bool, err error) {
	for {
		b, _, err := lr.next()
		if err == io.EOF {
			return data, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if len(data)+len(b) > limit {
			return nil, true, nil
		}
		data = append(data, b...)
	}
}

// drain reads the rest of the input, so that every message in it is found.
func (lr *lineReader) drain() error {
	for {
		if _, _, err := lr.next(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// nextLine returns the next whole line, with its '\n' (none on a last line
// without one), assembling the pieces of a long line up to limit bytes
// (tooLong then). The line is valid until the next call.
func (lr *lineReader) nextLine(limit int) (line []byte, lineNo int, tooLong bool, err error) {
	b, lineNo, err := lr.next()
	if err != nil || bytes.HasSuffix(b, []byte{'\n'}) || !lr.midLine {
		return b, lineNo, false, err
	}
	lr.long = append(lr.long[:0], b...)
	for lr.midLine {
		b, _, err := lr.next()
		if err != nil {
			break
		}
		if len(lr.long)+len(b) > limit {
			tooLong = true
			continue
		}
		lr.long = append(lr.long, b...)
	}
	if tooLong {
		return nil, lineNo, true, nil
	}
	return lr.long, lineNo, false, nil
}
