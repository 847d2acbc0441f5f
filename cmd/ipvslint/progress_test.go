package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestProgress draws the progress on a buffer: each line redrawn over the
// previous with "\r", padded to blank a longer one, blanked at the end.
func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, stop: make(chan struct{})}
	p.draw() // nothing read yet: nothing drawn
	for _, u := range []struct {
		arg         string
		done, total int64
	}{{"big.tar.gz", 12_345_678, 47_000_000}, {"big.tar.gz", 47_000_000, 47_000_000}, {"ticket-1234", 5_000_000, 0}} {
		p.update(u.arg, u.done, u.total)
		p.draw()
	}
	p.end()
	long := "reading big.tar.gz: 47.0 MB of 47.0 MB (100%)"
	short := "reading ticket-1234: 5.0 MB"
	want := "\rreading big.tar.gz: 12.3 MB of 47.0 MB (26%)" +
		"\r" + long +
		"\r" + short + strings.Repeat(" ", len(long)-len(short)) +
		"\r" + strings.Repeat(" ", len(short)) + "\r"
	if got := buf.String(); got != want {
		t.Errorf("drawn %q\n want %q", got, want)
	}
}

// TestProgressRedraw checks that the progress is redrawn on its own once
// its delay has passed, and that end stops it.
func TestProgressRedraw(t *testing.T) {
	var buf syncBuffer
	p := &progress{w: &buf, stop: make(chan struct{})}
	p.update("big.tar.gz", 1_000_000, 2_000_000)
	p.wg.Go(func() { p.redraw(0, time.Millisecond) })
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(buf.String(), "(50%)") && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	p.end()
	got := buf.String()
	if !strings.HasPrefix(got, "\rreading big.tar.gz: 1.0 MB of 2.0 MB (50%)") || !strings.HasSuffix(got, "\r") {
		t.Errorf("drawn %q", got)
	}
	if after := buf.String(); after != got {
		t.Errorf("drawn after end: %q", after[len(got):])
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
