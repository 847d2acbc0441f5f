package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"
)

// timingsFlag is analyze's --timings: a diagnostic that prints how long
// each phase took to standard error (scripts/bench.sh reads it).
func timingsFlag() cli.Flag {
	return &cli.BoolFlag{Name: "timings", Usage: "diagnostic: print the duration of each phase (compile, read, input, evaluate, report; the rules compile while the bundles are read) to standard error"}
}

// phases measures the phases of one command, one after the other.
type phases struct {
	w     io.Writer // nil: measure nothing
	start time.Time
	last  time.Time
}

// newPhases starts measuring when --timings is set.
func newPhases(c *cli.Context) *phases {
	p := &phases{start: time.Now()}
	p.last = p.start
	if c.Bool("timings") {
		p.w = c.App.ErrWriter
	}
	return p
}

// done prints the time since the previous phase ended under name.
func (p *phases) done(name string) {
	if p.w == nil {
		return
	}
	now := time.Now()
	fmt.Fprintf(p.w, "timing %-8s %9.3fs\n", name, now.Sub(p.last).Seconds())
	p.last = now
}

// took prints d under name: a phase that ran beside the others, which
// leaves the start of the next phase where it was.
func (p *phases) took(name string, d time.Duration) {
	if p.w != nil {
		fmt.Fprintf(p.w, "timing %-8s %9.3fs\n", name, d.Seconds())
	}
}

// total prints the time since the command started.
func (p *phases) total() {
	if p.w != nil {
		fmt.Fprintf(p.w, "timing %-8s %9.3fs\n", "total", time.Since(p.start).Seconds())
	}
}
