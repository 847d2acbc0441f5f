package kube

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// jsonSplitter cuts JSON input into jobs: every top-level value, or for a
// List (an object with "items", or an array) its elements in runs and the
// rest of the object after them. It reads through a window of the input
// that holds what is being cut; while the input might still turn out to be
// YAML (nothing was cut out of a List yet), the window keeps everything.
type jsonSplitter struct {
	p    *parser
	in   *lineReader
	at   source.Pos
	opts options

	buf      []byte // the window
	line     int    // input line of buf[0]
	started  bool
	eof      bool
	readErr  error
	keeping  bool   // buf holds the input from its start
	keep     []byte // after the splitting: the input read, when buf held all of it
	keepLine int
}

// fill reads one more piece into the window; it reports false at the end.
func (s *jsonSplitter) fill() bool {
	if s.eof {
		return false
	}
	b, lineNo, err := s.in.next()
	if err != nil {
		s.eof = true
		if err != io.EOF {
			s.readErr = &source.ParseError{Pos: s.at, Err: err}
		}
		return false
	}
	if !s.started {
		s.started, s.line, s.keepLine = true, lineNo, lineNo
	}
	s.buf = append(s.buf, b...)
	if s.keeping && len(s.buf) > MaxObject {
		s.keeping = false
	}
	return true
}

// has makes sure the window holds byte i; it reports false at the end.
func (s *jsonSplitter) has(i int) bool {
	for i >= len(s.buf) {
		if !s.fill() {
			return false
		}
	}
	return true
}

// space returns the offset of the first byte at or after i that is not
// JSON white space, reading on as needed (len(buf) at the end).
func (s *jsonSplitter) space(i int) int {
	for {
		i = skipSpace(s.buf, i)
		if i < len(s.buf) || !s.fill() {
			return i
		}
	}
}

// valueEnd returns the offset after the JSON value at i, reading on as
// needed; on an error, the offset skipValue gives with it.
func (s *jsonSplitter) valueEnd(i int, scan func([]byte, int) (int, error)) (int, error) {
	for {
		end, err := scan(s.buf, i)
		if end-i > MaxObject {
			return i, ErrTooLarge
		}
		if err != errJSONEnd {
			return end, err
		}
		if len(s.buf)-i > MaxObject {
			return i, ErrTooLarge
		}
		if s.eof {
			return end, err
		}
		// Read as much again, so that a long value is scanned a few times only.
		for want := 2 * len(s.buf); len(s.buf) < want && s.fill(); {
		}
	}
}

// drop removes the first n bytes of the window, unless it keeps everything;
// it returns how many it removed.
func (s *jsonSplitter) drop(n int) int {
	if s.keeping || n == 0 {
		return 0
	}
	s.line += bytes.Count(s.buf[:n], []byte{'\n'})
	s.buf = append(s.buf[:0], s.buf[n:]...)
	return n
}

// lineOf returns the input line of offset off of the window.
func (s *jsonSplitter) lineOf(off int) int {
	return s.line + bytes.Count(s.buf[:min(off, len(s.buf))], []byte{'\n'})
}

// reader returns a jsonReader of the window bytes [i, end) at their place.
func (s *jsonSplitter) reader(i, end int) *jsonReader {
	line := s.lineOf(i)
	return &jsonReader{data: append([]byte(nil), s.buf[i:end]...), at: source.Pos{File: s.at.File, Line: line}, line: line}
}

// errorAt returns the ParseError for err at offset off of the window.
func (s *jsonSplitter) errorAt(err error, off int) error {
	if err == ErrTooLarge {
		return &source.ParseError{Pos: source.Pos{File: s.at.File, Line: s.lineOf(off)}, Err: err}
	}
	// Read on to the end of the line (200 bytes at most): the error
	// quotes it.
	for i := off; s.has(i) && s.buf[i] != '\n' && i < off+200; i++ {
	}
	return jsonError(err, s.buf, off, source.Pos{File: s.at.File, Line: s.lineOf(off)})
}

// split reads the input and hands the jobs to emit.
func (s *jsonSplitter) split(emit func(*job) bool) error {
	s.keeping = true
	defer func() {
		if s.keeping {
			s.keep = s.buf
		}
	}()
	i := 0
	for first := true; ; first = false {
		i = s.space(i)
		if i >= len(s.buf) {
			return s.readErr
		}
		var end int
		var ok bool
		switch c := s.buf[i]; {
		case s.opts.split && (c == '{' || c == '['):
			end, ok = s.list(i, first, emit)
		default:
			end, ok = s.whole(i, first, emit)
		}
		if !ok {
			return nil
		}
		i = end - s.drop(end)
	}
}

// whole hands over the top-level value at i whole; it returns the offset
// after it and false when the reading stops.
func (s *jsonSplitter) whole(i int, first bool, emit func(*job) bool) (int, bool) {
	end, err := s.valueEnd(i, skipValue)
	if err == ErrTooLarge {
		err = s.errorAt(err, i)
		emit(&job{file: func() error { return err }})
		return 0, false
	}
	if err != nil {
		end = min(errOffset(err, end)+1, len(s.buf))
	}
	r := s.reader(i, end)
	p, raw := s.p, s.opts.raw()
	var e entry
	var ferr error
	ok := emit(&job{
		run: func() {
			o, end, err := r.value(0, 0)
			if err != nil && len(o.items) == 0 {
				ferr = r.errorAt(err, 0)
				return
			}
			if err != nil { // a list cut short: keep its complete items
				w := cutShortWarning(r.pos(errOffset(err, end)), err, len(o.items))
				o.itemsErr = &w
				ferr = errStop
			}
			e = decodeObject(&o, raw)
		},
		file: func() error {
			if ferr != nil && ferr != errStop {
				return ferr
			}
			if err := p.add(&e, first); err != nil {
				return err
			}
			return ferr
		},
	})
	return end, ok && err == nil
}

// jsonList is a top-level JSON List being cut.
type jsonList struct {
	o        rawObject // what its members before the current one said
	first    bool      // it is the first value of the input
	items    *[]entry  // its items, filed by the parser
	head     []byte    // its members, the items cut out of it left out, as a JSON object
	streamed bool      // items were cut out of it
	// kind and apiVersion are the List's when its items were cut out;
	// known tells that both came before the items, which were then decoded
	// with them.
	kind, apiVersion string
	known            bool
}

// list cuts the top-level object or array at i; it returns the offset after
// it and false when the reading stops.
func (s *jsonSplitter) list(i int, first bool, emit func(*job) bool) (int, bool) {
	l := &jsonList{o: rawObject{pos: source.Pos{File: s.at.File, Line: s.lineOf(i)}}, items: new([]entry), first: first}
	var end int
	var err error
	if s.buf[i] == '[' {
		l.o.hasItems = true
		end, err = s.elements(l, i, emit)
	} else {
		l.o.isMap = true
		l.head = append(l.head, '{')
		end, err = s.members(l, i, emit)
		l.head = append(l.head, '}')
	}
	if err == errStop {
		return 0, false
	}
	if err != nil {
		s.cutShort(l, err, end, emit)
		return 0, false
	}
	o, p, raw := l.o, s.p, s.opts.raw()
	if o.isMap {
		o.data = l.head
	}
	var e entry
	ok := emit(&job{
		run: func() { e = decodeObject(&o, raw) },
		file: func() error {
			switch {
			case o.isList() || !o.isMap:
				e.items = append(*l.items, e.items...)
				if l.known && (o.kind != l.kind || o.apiVersion != l.apiVersion) {
					p.approx = true // its items were decoded with what it said before them
				}
			case l.streamed:
				p.approx = true
			}
			return p.add(&e, first)
		},
	})
	return end, ok
}

// cutShort hands over a List whose reading failed at offset off with err:
// its complete items are kept (as JSON Lists cut short always were); with
// none (see fileCutShort), or for Each, the error. The reading stops.
func (s *jsonSplitter) cutShort(l *jsonList, err error, off int, emit func(*job) bool) {
	perr := s.errorAt(err, errOffset(err, off))
	if !l.o.hasItems || s.opts.raw() {
		emit(&job{file: func() error { return perr }})
		return
	}
	pos := source.Pos{File: s.at.File, Line: s.lineOf(errOffset(err, off))}
	emit(&job{file: func() error { return fileCutShort(s.p, l, pos, err, perr) }})
}

// fileCutShort files a List whose reading failed at pos with err: its
// complete items, then a warning; the reading stops. A List cut short
// before any complete item is the error perr: nothing of it was read.
func fileCutShort(p *parser, l *jsonList, pos source.Pos, err, perr error) error {
	if len(*l.items) == 0 {
		return perr
	}
	o := l.o
	w := cutShortWarning(pos, err, len(*l.items))
	o.itemsErr = &w
	e := decodeObject(&o, false)
	e.items = append(*l.items, e.items...)
	if err := p.add(&e, l.first); err != nil {
		return err
	}
	return errStop
}

// members reads the members of the object at i, cutting out the elements
// of its "items" arrays.
func (s *jsonSplitter) members(l *jsonList, i int, emit func(*job) bool) (int, error) {
	o := &l.o
	i = s.space(i + 1)
	if s.has(i) && s.buf[i] == '}' {
		return i + 1, nil
	}
	for {
		if !s.has(i) {
			return i, errJSONEnd
		}
		if s.buf[i] != '"' {
			return i, &jsonSyntaxError{i, fmt.Sprintf("expected a member name, found %q", s.buf[i])}
		}
		kstart := i
		kend, err := s.valueEnd(i, skipString)
		if err != nil {
			return kend, err
		}
		key := s.buf[i+1 : kend-1]
		i = s.space(kend)
		if !s.has(i) {
			return i, errJSONEnd
		}
		if s.buf[i] != ':' {
			return i, &jsonSyntaxError{i, fmt.Sprintf("expected ':' after a member name, found %q", s.buf[i])}
		}
		i = s.space(i + 1)
		if !s.has(i) {
			return i, errJSONEnd
		}
		var vend int
		var member []byte // as the head keeps it
		if string(key) == "items" && s.buf[i] == '[' {
			o.hasItems = true
			vend, err = s.elements(l, i, emit)
			member = []byte(`"items":[]`)
		} else {
			vend, err = s.valueEnd(i, skipValue)
			o.member(key, s.buf[i:max(vend, i)], err)
			member = s.buf[kstart:max(vend, kstart)]
		}
		if err != nil {
			return vend, err
		}
		if len(l.head) > 1 {
			l.head = append(l.head, ',')
		}
		l.head = append(l.head, member...)
		if len(l.head) > MaxObject {
			return kstart, ErrTooLarge
		}
		i = s.space(vend)
		if !s.has(i) {
			return i, errJSONEnd
		}
		switch s.buf[i] {
		case ',':
			i = s.space(i + 1)
		case '}':
			return i + 1, nil
		default:
			return i, &jsonSyntaxError{i, fmt.Sprintf("expected ',' or '}' after a member, found %q", s.buf[i])}
		}
	}
}

// elements cuts the elements of the array at i into jobs; it returns the
// offset after the array. An element that does not parse ends the List:
// its job files what came before and stops the reading (errStop).
func (s *jsonSplitter) elements(l *jsonList, i int, emit func(*job) bool) (int, error) {
	s.keeping = false
	l.streamed = true
	l.kind, l.apiVersion = l.o.kind, l.o.apiVersion
	l.known = l.kind != "" && l.apiVersion != ""
	batch := -1 // window offset of the first element not handed over
	var starts []int
	flush := func(end int) bool {
		if batch < 0 {
			return true
		}
		ok := s.emitElements(l, batch, end, starts, emit)
		batch, starts = -1, starts[:0]
		return ok
	}
	i = s.space(i + 1)
	if s.has(i) && s.buf[i] == ']' {
		return i + 1, nil
	}
	for {
		if !s.has(i) {
			if !flush(i) {
				return i, errStop
			}
			return i, errJSONEnd
		}
		end, err := s.valueEnd(i, skipValue)
		if err == ErrTooLarge {
			flush(i)
			return i, err
		}
		if batch < 0 {
			batch = i
		}
		starts = append(starts, i-batch)
		if err != nil { // the element's own reading reports it
			flush(min(errOffset(err, end)+1, len(s.buf)))
			return i, errStop
		}
		i = s.space(end)
		if !s.has(i) {
			if !flush(end) {
				return i, errStop
			}
			return i, errJSONEnd
		}
		switch s.buf[i] {
		case ',':
			if end-batch >= batchBytes {
				if !flush(end) {
					return i, errStop
				}
				i -= s.drop(end)
			}
			i = s.space(i + 1)
		case ']':
			if !flush(end) {
				return i, errStop
			}
			return i + 1, nil
		default:
			if !flush(end) {
				return i, errStop
			}
			return i, &jsonSyntaxError{i, fmt.Sprintf("expected ',' or ']' after an element, found %q", s.buf[i])}
		}
	}
}

// emitElements hands the elements in the window bytes [from, to) to a job;
// they start at the offsets starts (from from).
func (s *jsonSplitter) emitElements(l *jsonList, from, to int, starts []int, emit func(*job) bool) bool {
	o, p, known, first, raw := l.o, s.p, l.known, l.first, s.opts.raw()
	kind := strings.TrimSuffix(l.kind, "List")
	r := s.reader(from, to)
	starts = append([]int(nil), starts...)
	var entries []entry
	var fail error
	var failAt int
	return emit(&job{
		run: func() {
			for _, start := range starts {
				it, end, err := r.value(start, 1)
				if err != nil {
					fail, failAt = err, errOffset(err, end)
					return
				}
				if known {
					it.inherit(kind, l.apiVersion)
				}
				entries = append(entries, decodeItem(&it, known, raw))
			}
		},
		file: func() error {
			if err := p.fileItems(l.items, entries); err != nil || fail == nil {
				return err
			}
			perr := r.errorAt(fail, failAt)
			if raw {
				return perr
			}
			return fileCutShort(p, &jsonList{o: o, first: first, items: l.items}, r.pos(failAt), fail, perr)
		},
	})
}
