package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/urfave/cli/v2"
)

// progressDelay is how long a reading lasts before its progress is drawn:
// small bundles draw nothing. progressEvery is how often it is redrawn.
const (
	progressDelay = 500 * time.Millisecond
	progressEvery = 200 * time.Millisecond
)

// progress draws on standard error how far the reading of the bundles is,
// redrawn in place: "reading big.tar.gz: 12.3 MB of 47.0 MB (26%)".
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	arg   string
	done  int64
	tot   int64
	shown int // width of the line on screen, 0 if none
	stop  chan struct{}
	wg    sync.WaitGroup
}

// startProgress makes opts report the reading's progress on standard error
// when it is a terminal and --quiet is not given; stop the returned
// progress (nil-safe) when the reading is over.
func startProgress(c *cli.Context, opts *bundle.Options) *progress {
	if c.Bool("quiet") || !isTerminal(c.App.ErrWriter) {
		return nil
	}
	p := &progress{w: c.App.ErrWriter, stop: make(chan struct{})}
	opts.Progress = p.update
	p.wg.Go(func() { p.redraw(progressDelay, progressEvery) })
	return p
}

// update records how far the reading of arg is; bundle.Read calls it.
func (p *progress) update(arg string, done, total int64) {
	p.mu.Lock()
	p.arg, p.done, p.tot = arg, done, total
	p.mu.Unlock()
}

// redraw draws the progress every interval once delay has passed, until
// the progress is ended.
func (p *progress) redraw(delay, interval time.Duration) {
	select {
	case <-time.After(delay):
	case <-p.stop:
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		p.draw()
		select {
		case <-t.C:
		case <-p.stop:
			return
		}
	}
}

// draw draws the current progress over the previous line.
func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.arg == "" {
		return
	}
	line := "reading " + p.arg + ": " + megabytes(p.done)
	if p.tot > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", megabytes(p.tot), min(100, p.done*100/p.tot))
	}
	pad := max(0, p.shown-len(line))
	fmt.Fprint(p.w, "\r"+line+strings.Repeat(" ", pad))
	p.shown = len(line)
}

// end stops drawing and blanks the line drawn, so that what is written
// next starts on a clean line.
func (p *progress) end() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown > 0 {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.shown)+"\r")
		p.shown = 0
	}
}

// megabytes formats a byte count in MB, with one decimal.
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
