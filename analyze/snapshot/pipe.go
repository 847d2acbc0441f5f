package snapshot

import (
	"io"
	"sync"
)

// chunkSize is the size of the pieces in which the archive reader hands a
// capture's bytes to its parser.
const chunkSize = 64 << 10

// maxChunks bounds the pieces read from archives and not yet parsed, over
// all captures: the archive reader runs at most 16 MiB ahead of the parsers.
const maxChunks = 256

// chunks recycles the pieces.
var chunks = sync.Pool{New: func() any { return new([chunkSize]byte) }}

// pipe hands the bytes of one capture from the goroutine reading the
// archive to the goroutine parsing the capture, through pieces whose number
// in flight is bounded by budget, shared by all pipes of a reading.
type pipe struct {
	ch     chan []byte
	budget chan struct{}
	cur    []byte // the piece being read, nil if none
	data   []byte // what is left of it
	err    error  // why the writer stopped early; set before ch is closed
}

func newPipe(budget chan struct{}) *pipe {
	return &pipe{ch: make(chan []byte, maxChunks), budget: budget}
}

// fill copies r into the pipe and closes it; it returns r's error.
func (p *pipe) fill(r io.Reader) error {
	defer close(p.ch)
	for {
		c := chunks.Get().(*[chunkSize]byte)
		n, err := io.ReadFull(r, c[:])
		if n > 0 {
			p.budget <- struct{}{}
			p.ch <- c[:n]
		} else {
			chunks.Put(c)
		}
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return nil
		default:
			p.err = err
			return err
		}
	}
}

// Read reads what the archive reader handed over.
func (p *pipe) Read(b []byte) (int, error) {
	for len(p.data) == 0 {
		p.release()
		c, ok := <-p.ch
		if !ok {
			if p.err != nil {
				return 0, p.err
			}
			return 0, io.EOF
		}
		p.cur, p.data = c, c
	}
	n := copy(b, p.data)
	p.data = p.data[n:]
	return n, nil
}

// release gives back the piece being read.
func (p *pipe) release() {
	if p.cur != nil {
		chunks.Put((*[chunkSize]byte)(p.cur[:chunkSize]))
		p.cur, p.data = nil, nil
		<-p.budget
	}
}

// drain reads and drops what the parser left.
func (p *pipe) drain() {
	p.release()
	for c := range p.ch {
		p.cur = c
		p.release()
	}
}
