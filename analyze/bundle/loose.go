package bundle

import (
	"bufio"
	"bytes"
	"io"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// sniffSize is how much of a loose piece is read before it is classified;
// the rest is streamed to the callback.
const sniffSize = 64 << 10

var utf8BOM = []byte("\xef\xbb\xbf")

// loose returns the handler of a loose file: it splits the file at prompt
// lines and Markdown fences, classifies each piece and hands the captures to
// the callback, with the line numbers of the whole file.
//
// A prompt line's command belongs to the piece after it; when only blank
// lines separate it from a fence, the fenced block is its output. Blank
// pieces without a command are the gaps between fences and prompts; blank
// pieces with one, and empty files, are listed as ignored ("empty").
func (rd *reader) loose(rel string) func(io.Reader) error {
	return func(r io.Reader) error {
		br := bufio.NewReaderSize(r, 64<<10)
		if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
			br.Discard(len(utf8BOM))
		}
		if rd.sniff == nil {
			rd.sniff = make([]byte, sniffSize)
		}
		s := &splitter{br: br, next: 1}
		cmd, cmdLine := "", 0 // the current piece's prompt
		for {
			start := s.next
			p := &piece{s: s}
			n, err := readUpTo(p, rd.sniff)
			if err != nil {
				return err
			}
			head := rd.sniff[:n]
			carry := false
			if p.done && len(bytes.TrimSpace(head)) == 0 {
				switch {
				case cmd != "" && s.stop != nil && s.stop.fence:
					carry = true
				case cmd != "":
					rd.ignore(rel, cmdLine, "empty")
				case start == 1 && s.stop == nil:
					rd.ignore(rel, 1, "empty")
				}
			} else {
				if err := rd.piece(rel, start, cmd, cmdLine, head, !p.done, p); err != nil {
					return err
				}
				if _, err := io.Copy(io.Discard, p); err != nil {
					return err
				}
			}
			stop := s.stop
			s.stop = nil
			if stop == nil {
				return nil
			}
			if !carry {
				cmd, cmdLine = stop.command, stop.line
			}
		}
	}
}

// piece classifies one piece of a loose file (head is its start, rest the
// remainder when more) and hands it to the callback or lists it as ignored.
func (rd *reader) piece(rel string, line int, cmd string, cmdLine int, head []byte, more bool, rest io.Reader) error {
	sample := head
	if more {
		// Judge whole lines only.
		if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
			sample = head[:i+1]
		}
	}
	kind, reason := classify(cmd, sample)
	at := source.Pos{File: rel, Line: line}
	if cmdLine > 0 {
		at.Line = cmdLine
	}
	if kind == KindUnknown {
		rd.ignore(rel, at.Line, reason)
		return nil
	}
	if reason != "" {
		rd.warn(at, reason)
	}
	node := rd.node
	if kind == KindKube || kind == KindKubeVersion {
		node = ""
	} else {
		rd.nodes[node] = true
	}
	c := Capture{Bundle: rd.arg, Path: rel, Node: node, Kind: kind, Line: line, Command: cmd}
	return rd.fn(c, io.MultiReader(bytes.NewReader(head), rest))
}

// readUpTo reads from r until buf is full or r ends. Unlike io.ReadFull it
// tells a short piece (nil error) from a read error.
func readUpTo(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// splitter cuts a loose file into pieces at boundary lines: prompts and
// Markdown fences.
type splitter struct {
	br   *bufio.Reader
	next int       // number of the line the next chunk starts or continues
	mid  bool      // the next chunk continues a line longer than the buffer
	eof  bool      // the file is read
	stop *boundary // the line that ended the current piece; nil at the end of the file
}

// boundary is a line between two pieces.
type boundary struct {
	line    int
	fence   bool   // a Markdown code fence
	command string // the command echoed after a prompt; may be ""
}

// piece reads one piece of a loose file: the lines up to the next boundary
// line or the end of the file, with their line ends.
type piece struct {
	s    *splitter
	rest []byte
	done bool
}

func (p *piece) Read(b []byte) (int, error) {
	for len(p.rest) == 0 {
		if p.done {
			return 0, io.EOF
		}
		if err := p.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(b, p.rest)
	p.rest = p.rest[n:]
	return n, nil
}

// fill reads the next chunk of the file: a whole line, or the part of a
// line too long for the buffer (never a boundary). A boundary line ends the
// piece.
func (p *piece) fill() error {
	s := p.s
	if s.eof {
		p.done = true
		return nil
	}
	whole := !s.mid
	chunk, err := s.br.ReadSlice('\n')
	switch err {
	case nil:
		s.mid = false
	case bufio.ErrBufferFull:
		s.mid, whole = true, false
	case io.EOF:
		s.eof, s.mid = true, false
		if len(chunk) == 0 {
			p.done = true
			return nil
		}
	default:
		s.eof = true
		return err
	}
	line := s.next
	if chunk[len(chunk)-1] == '\n' {
		s.next++
	}
	if whole {
		if b, ok := boundaryLine(chunk); ok {
			b.line = line
			s.stop = &b
			p.done = true
			return nil
		}
	}
	p.rest = chunk
	return nil
}
