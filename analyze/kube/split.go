package kube

import (
	"bytes"
	"io"

	yaml "go.yaml.in/yaml/v3"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// batchBytes is the size past which the items cut from a List are handed to
// a worker as one job: large enough for a job to be worth its cost, small
// enough for all cores to share a List.
const batchBytes = 64 << 10

// yamlSplitter cuts YAML input into jobs: each document's items blocks (the
// block sequence under a top-level "items:" key, or a document that is a
// block sequence) into runs of items, and the rest of each document (its
// head: apiVersion, kind, metadata, or the whole of an object that is not a
// List) into one job filed after its items.
type yamlSplitter struct {
	p    *parser
	in   *lineReader
	at   source.Pos
	opts options
	docs int // documents cut so far
}

// yamlDoc is one YAML document being cut.
type yamlDoc struct {
	s        *yamlSplitter
	lx       yamlLexer
	head     []byte // the document less its items blocks
	headPl   place
	nHead    int         // lines in head
	blocks   map[int]int // head line of an "items:" key whose items were cut out → its block
	nBlocks  int
	items    []*[]entry // by block (from 1): the decoded items, filed by the parser
	seqBlock int        // the block of a document that is a sequence, once the lexer lost track in it
	noCut    bool       // "--- content": the document starts on its marker line
	rootMap  bool       // the document is a mapping at column 0
	rootSeq  bool       // the document is a block sequence
	seqPos   source.Pos
	rootLine int // the line of its first node; 0 until a line of the block structure is read
	await    int // head line of an "items:" key just read, whose value may be a block sequence; 0 if none

	col      int         // column of the entries of the block being cut; -1 outside blocks
	block    int         // its number
	unit     []byte      // items of the block not yet handed over
	unitLine int         // input line of unit's first line
	starts   []int       // offsets of the items in unit
	cutAt    *source.Pos // the item over MaxObject that cut the List short; nil if none
}

// split reads the input and hands the jobs to emit.
func (s *yamlSplitter) split(emit func(*job) bool) error {
	var d *yamlDoc
	var directives []byte // lines of directives ("%YAML 1.2") before a document
	dirLine := 0
	for {
		b, lineNo, tooLong, err := s.in.nextLine(MaxObject)
		if err == io.EOF {
			if d != nil {
				d.close(emit)
			}
			return nil
		}
		if err != nil {
			return &source.ParseError{Pos: s.at, Err: err}
		}
		if tooLong {
			if d == nil {
				d = s.newDoc(nil, 0)
			}
			d.tooLarge(emit, d.objectLine(lineNo))
			return nil
		}
		switch {
		case isMarker(b, '-'):
			if d != nil && !d.close(emit) {
				return nil
			}
			d = s.newDoc(directives, dirLine)
			directives = nil
			d.noCut = !isBlankOrComment(b[3:])
			d.addHead(b, lineNo)
			continue
		case isMarker(b, '.'):
			if d != nil {
				d.addHead(b, lineNo)
				if !d.close(emit) {
					return nil
				}
				d = nil
			}
			continue
		case d == nil && len(b) > 0 && b[0] == '%':
			if directives == nil {
				dirLine = lineNo
			}
			directives = append(directives, b...)
			continue
		case d == nil && isBlankOrComment(b):
			continue
		case d == nil:
			d = s.newDoc(directives, dirLine)
			directives = nil
		}
		if !d.line(b, lineNo, emit) {
			return nil
		}
	}
}

// newDoc starts a document whose head begins with directives (at line
// dirLine).
func (s *yamlSplitter) newDoc(directives []byte, dirLine int) *yamlDoc {
	d := &yamlDoc{s: s, col: -1, headPl: place{at: s.at}, noCut: !s.opts.split}
	if len(directives) > 0 {
		for _, l := range bytes.SplitAfter(directives, []byte{'\n'}) {
			if len(l) > 0 {
				d.addHead(l, dirLine)
				dirLine++
			}
		}
	}
	return d
}

// isMarker reports whether line is a document marker: "---" (c '-') or
// "..." (c '.') at column 0, alone or before a blank.
func isMarker(line []byte, c byte) bool {
	return len(line) >= 3 && line[0] == c && line[1] == c && line[2] == c && isSep(line, 3)
}

// isBlankOrComment reports whether b holds only blanks, or a comment after them.
func isBlankOrComment(b []byte) bool {
	i := skipBlanks(b, 0)
	return i == len(b) || b[i] == '\n' || b[i] == '\r' || b[i] == '#'
}

// isEntry reports whether the line has a block sequence entry ("- ") at
// column ind.
func isEntry(b []byte, ind int) bool {
	return ind < len(b) && b[ind] == '-' && isSep(b, ind+1)
}

// isItemsKey reports whether the line is the key "items:" at column 0 with
// nothing after it: its value is on the lines below.
func isItemsKey(b []byte) bool {
	rest, ok := bytes.CutPrefix(b, []byte("items:"))
	return ok && isBlankOrComment(rest)
}

// line cuts one line of the document; it reports false when the reading
// stops.
func (d *yamlDoc) line(b []byte, lineNo int, emit func(*job) bool) bool {
	wasLost := d.lx.lost
	structural := d.lx.scan(b)
	ind := skipSpaces(b, 0)
	entry := structural && isEntry(b, ind)
	first := structural && d.rootLine == 0
	if first {
		d.rootLine = lineNo
	}
	cut := !d.noCut && !d.lx.lost
	if d.col >= 0 {
		switch {
		case !wasLost && d.lx.lost:
			d.uncut(emit, b, lineNo)
			return true
		case entry && ind == d.col:
			if len(d.unit) >= batchBytes && !d.flush(emit) {
				return false
			}
			d.starts = append(d.starts, len(d.unit))
		case structural && ind == 0 && !entry && !d.rootSeq:
			// The block ended: the line is the next key of the document.
			if !d.flush(emit) {
				return false
			}
			d.col = -1
			d.addHead(b, lineNo)
			return true
		}
		return d.addUnit(b, lineNo, emit)
	}
	switch {
	case cut && first && entry:
		d.rootSeq, d.seqPos = true, source.Pos{File: d.s.at.File, Line: lineNo}
		d.startBlock(ind, b, lineNo)
		return true
	case first:
		d.rootMap = ind == 0 && !d.lx.lost
	case cut && d.await > 0 && entry && d.rootMap:
		d.nBlocks++
		if d.blocks == nil {
			d.blocks = map[int]int{}
		}
		d.blocks[d.await] = d.nBlocks
		d.await = 0
		d.startBlock(ind, b, lineNo)
		return true
	}
	if structural {
		d.await = 0
		if cut && d.rootMap && ind == 0 && isItemsKey(b) {
			d.await = d.nHead + 1
		}
	}
	d.addHead(b, lineNo)
	if len(d.head) > MaxObject {
		return d.tooLarge(emit, d.objectLine(lineNo))
	}
	return true
}

// startBlock starts cutting a block whose first entry, at column col, is
// line b.
func (d *yamlDoc) startBlock(col int, b []byte, lineNo int) {
	if d.rootSeq {
		d.nBlocks++
	}
	d.col, d.block = col, d.nBlocks
	for len(d.items) <= d.block {
		d.items = append(d.items, new([]entry))
	}
	d.unit, d.starts, d.unitLine = d.unit[:0], []int{0}, lineNo
	d.unit = append(d.unit, b...)
}

// addHead appends a line to the head.
func (d *yamlDoc) addHead(b []byte, lineNo int) {
	d.nHead++
	if n := len(d.headPl.runs); n == 0 || d.headPl.runs[n-1].input+d.nHead-d.headPl.runs[n-1].text != lineNo {
		d.headPl.runs = append(d.headPl.runs, lineRun{d.nHead, lineNo})
	}
	d.head = append(d.head, b...)
}

// addUnit appends a line to the items being cut.
func (d *yamlDoc) addUnit(b []byte, lineNo int, emit func(*job) bool) bool {
	d.unit = append(d.unit, b...)
	if len(d.unit)-d.starts[len(d.starts)-1] > MaxObject {
		return d.tooLarge(emit, d.objectLine(lineNo))
	}
	return true
}

// objectLine returns the first line of the object being read, when line
// is being read: the current item in a block, else the document's root.
func (d *yamlDoc) objectLine(line int) int {
	switch {
	case d.col >= 0:
		return d.unitLine + bytes.Count(d.unit[:d.starts[len(d.starts)-1]], []byte{'\n'})
	case d.rootLine > 0:
		return d.rootLine
	}
	return line
}

// tooLarge stops the reading at the object over MaxObject at line. An item
// of a List ends the List there: the document is handed over with the items
// before it, as a List cut short (an error when there are none; for Each,
// the items and an error). Any other object is an error.
func (d *yamlDoc) tooLarge(emit func(*job) bool, line int) bool {
	pos := source.Pos{File: d.s.at.File, Line: line}
	if d.col >= 0 {
		last := d.starts[len(d.starts)-1]
		d.unit, d.starts = d.unit[:last], d.starts[:len(d.starts)-1]
		if !d.s.opts.raw() {
			d.cutAt = &pos
			d.close(emit)
			return false
		}
		if !d.flush(emit) {
			return false
		}
	}
	err := &source.ParseError{Pos: pos, Err: ErrTooLarge}
	emit(&job{file: func() error { return err }})
	return false
}

// uncut ends the cutting of the block when the lexer lost track in its
// current item (line b is the line where it did): the items before go to a
// job, the current item and everything after stay in the head, which the
// YAML library reads whole.
func (d *yamlDoc) uncut(emit func(*job) bool, b []byte, lineNo int) {
	last := d.starts[len(d.starts)-1]
	cur := d.unit[last:]
	curLine := d.unitLine + bytes.Count(d.unit[:last], []byte{'\n'})
	d.unit, d.starts = d.unit[:last], d.starts[:len(d.starts)-1]
	if d.rootSeq {
		d.rootSeq, d.seqBlock = false, d.block
	}
	d.flush(emit)
	for len(cur) > 0 {
		i := bytes.IndexByte(cur, '\n')
		d.addHead(cur[:i+1], curLine)
		cur, curLine = cur[i+1:], curLine+1
	}
	d.addHead(b, lineNo)
	d.col = -1
}

// flush hands the items cut so far to a job.
func (d *yamlDoc) flush(emit func(*job) bool) bool {
	if len(d.starts) == 0 {
		return true
	}
	text := append([]byte(nil), d.unit...)
	starts := append([]int(nil), d.starts...)
	pl := placeAt(d.s.at, d.unitLine)
	opts, p, items := d.s.opts, d.s.p, d.items[d.block]
	d.unitLine += bytes.Count(d.unit, []byte{'\n'})
	d.unit, d.starts = d.unit[:0], d.starts[:0]
	var entries []entry
	var err error
	return emit(&job{
		run: func() { entries, err = decodeItems(text, starts, pl, opts) },
		file: func() error {
			if ferr := p.fileItems(items, entries); ferr != nil {
				return ferr
			}
			return err
		},
	})
}

// close hands over the document's last items and its head; it reports
// false when the reading stops.
func (d *yamlDoc) close(emit func(*job) bool) bool {
	if d.col >= 0 && !d.flush(emit) {
		return false
	}
	index, p, items := d.s.docs, d.s.p, d.items
	d.s.docs++
	// A List cut short by an item over MaxObject gets a warning after its
	// complete items; before any, it is an error: nothing of it was read.
	noItems, cutShort := func() error { return nil }, func() {}
	if d.cutAt != nil {
		pos, kept := *d.cutAt, items[d.block]
		noItems = func() error {
			if len(*kept) == 0 {
				return &source.ParseError{Pos: pos, Err: ErrTooLarge}
			}
			return nil
		}
		cutShort = func() { p.out.Warnings = append(p.out.Warnings, cutShortWarning(pos, ErrTooLarge, len(*kept))) }
	}
	if d.rootSeq {
		e := entry{o: rawObject{pos: d.seqPos, hasItems: true, block: d.block}}
		return emit(&job{file: func() error {
			if err := noItems(); err != nil {
				return err
			}
			err := fileDoc(p, items, &e, index == 0)
			cutShort()
			return err
		}})
	}
	head, pl, blocks, fast, raw := d.head, d.headPl, d.blocks, d.s.opts.fast && d.nBlocks == 0, d.s.opts.raw()
	seqBlock, seqPos := d.seqBlock, d.seqPos
	var roots []*entry
	var err error
	return emit(&job{
		run: func() {
			if fast {
				if e, ok := fastDecode(head, &pl, false, raw); ok {
					roots = append(roots, &e)
					return
				}
			}
			err = decodeYAML(head, &pl, func(root *yaml.Node) error {
				if root == nil {
					roots = append(roots, nil)
					return nil
				}
				o := yamlObject(root, &pl, 0, blocks)
				if seqBlock > 0 && !o.isMap && o.hasItems {
					o.block, o.pos = seqBlock, seqPos
				}
				e := decodeObject(&o, raw)
				roots = append(roots, &e)
				return nil
			})
		},
		file: func() error {
			if err := noItems(); err != nil {
				return err
			}
			for i, e := range roots {
				if e == nil {
					continue
				}
				if ferr := fileDoc(p, items, e, index == 0 && i == 0); ferr != nil {
					return ferr
				}
			}
			cutShort()
			return err
		},
	})
}

// fileDoc files a document's root e, with the items cut out of it (by
// block).
func fileDoc(p *parser, items []*[]entry, e *entry, first bool) error {
	if b := e.o.block; b > 0 {
		if e.o.isList() || !e.o.isMap {
			e.items = append(*items[b], e.items...)
		} else {
			p.approx = true
		}
	}
	return p.add(e, first)
}

// decodeItems decodes the items of a block sequence cut from the input:
// text at pl, the items starting at the offsets starts.
func decodeItems(text []byte, starts []int, pl place, opts options) ([]entry, error) {
	raw := opts.raw()
	var out []entry
	line := pl.runs[0].input
	for k, start := range starts {
		end := len(text)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		if k > 0 {
			line += bytes.Count(text[starts[k-1]:start], []byte{'\n'})
		}
		t, ipl := text[start:end], placeAt(pl.at, line)
		if opts.fast {
			if e, ok := fastDecode(t, &ipl, true, raw); ok {
				out = append(out, e)
				continue
			}
		}
		err := decodeYAML(t, &ipl, func(root *yaml.Node) error {
			if root == nil {
				return nil
			}
			if root.Kind != yaml.SequenceNode {
				o := yamlObject(root, &ipl, 1, nil)
				out = append(out, decodeItem(&o, false, raw))
				return nil
			}
			for _, n := range root.Content {
				o := yamlObject(n, &ipl, 1, nil)
				out = append(out, decodeItem(&o, false, raw))
			}
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
