package snapshot

import "io"

// chunkSize is the size of the pieces in which the archive reader hands a
// capture's bytes to its parser.
const chunkSize = 64 << 10

// maxChunks bounds the pieces read from archives and not yet parsed, over
// all captures: the archive reader runs at most 4 MiB ahead of the parsers.
// The parsers, not the reader, are the slower side of a large bundle; more
// pieces ahead only hold more memory.
const maxChunks = 64

// pieces are the pieces of one reading: a budget of pieces in flight, and
// the pieces parsed, to use again. They belong to the reading, not to the
// process, so that they are freed with it, before the facts are built.
type pieces struct {
	budget chan struct{}
	free   chan *[chunkSize]byte
}

// newPieces returns pieces with a budget of n pieces in flight.
func newPieces(n int) *pieces {
	return &pieces{budget: make(chan struct{}, n), free: make(chan *[chunkSize]byte, n)}
}

// get returns a free piece, or a new one.
func (ps *pieces) get() *[chunkSize]byte {
	select {
	case c := <-ps.free:
		return c
	default:
		return new([chunkSize]byte)
	}
}

// put keeps c to use again, or drops it when as many are kept as can be in
// flight.
func (ps *pieces) put(c *[chunkSize]byte) {
	select {
	case ps.free <- c:
	default:
	}
}

// pipe hands the bytes of one capture from the goroutine reading the
// archive to the goroutine parsing the capture, through pieces whose number
// in flight is bounded by the budget shared by all pipes of a reading.
type pipe struct {
	ch   chan []byte
	ps   *pieces
	cur  []byte // the piece being read, nil if none
	data []byte // what is left of it
	err  error  // why the writer stopped early; set before ch is closed
}

func newPipe(ps *pieces) *pipe {
	return &pipe{ch: make(chan []byte, maxChunks), ps: ps}
}

// fill copies r into the pipe and closes it; it returns r's error.
func (p *pipe) fill(r io.Reader) error {
	defer close(p.ch)
	for {
		c := p.ps.get()
		n, err := io.ReadFull(r, c[:])
		if n > 0 {
			p.ps.budget <- struct{}{}
			p.ch <- c[:n]
		} else {
			p.ps.put(c)
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
		p.ps.put((*[chunkSize]byte)(p.cur[:chunkSize]))
		p.cur, p.data = nil, nil
		<-p.ps.budget
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
