package main

import (
	"fmt"
	"io"
	"runtime/pprof"
	"time"

	"github.com/ipvslint/ipvslint/internal/atomicfile"
	"github.com/urfave/cli/v2"
)

// diagnosticFlags are the diagnostics of analyze and diff: --timings
// prints how long each phase took to standard error (scripts/bench.sh
// reads it), --cpu-profile writes a CPU profile of the command for go tool
// pprof (scripts/pgo.sh makes the build's profile with it).
func diagnosticFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "timings", Usage: "diagnostic: print the duration of each phase (compile, read, input, evaluate, report; the rules compile while the bundles are read) to standard error"},
		&cli.StringFlag{Name: "cpu-profile", Usage: "diagnostic: write a CPU profile of the command to `FILE` (atomically, when it ends), for go tool pprof"},
	}
}

// phases measures the phases of one command, one after the other.
type phases struct {
	w     io.Writer // nil: measure nothing
	errw  io.Writer
	prof  *atomicfile.File // nil: no CPU profile
	start time.Time
	last  time.Time
}

// newPhases starts measuring when --timings is set, and profiling when
// --cpu-profile is: an error when its file cannot be created. Call
// [phases.finish] when the command ends.
func newPhases(c *cli.Context) (*phases, error) {
	p := &phases{start: time.Now(), errw: c.App.ErrWriter}
	p.last = p.start
	if c.Bool("timings") {
		p.w = c.App.ErrWriter
	}
	if name := c.String("cpu-profile"); name != "" {
		f, err := atomicfile.Create(name, atomicfile.Mode)
		if err != nil {
			return nil, cli.Exit(fmt.Sprintf("--cpu-profile: %v", err), exitUsage)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Discard()
			return nil, cli.Exit(fmt.Sprintf("--cpu-profile: %v", err), exitUsage)
		}
		p.prof = f
	}
	return p, nil
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

// finish prints the time since the command started under --timings and
// puts the CPU profile in place; a profile that cannot be written is
// reported on standard error, and leaves the command's exit code as it is.
func (p *phases) finish() {
	if p.prof != nil {
		pprof.StopCPUProfile()
		if err := p.prof.Commit(); err != nil {
			fmt.Fprintln(p.errw, "ipvslint: --cpu-profile:", err)
		}
	}
	if p.w != nil {
		fmt.Fprintf(p.w, "timing %-8s %9.3fs\n", "total", time.Since(p.start).Seconds())
	}
}
