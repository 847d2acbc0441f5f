package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/urfave/cli/v2"
)

// readBundles reads the BUNDLE arguments args into one snapshot, as every
// command that reads bundles does, and stops when ctx is done: on a
// terminal it draws the progress of the reading on standard error (not
// with --quiet). A bundle that cannot be read at all makes err, exit code
// 2, its message led by side ("old: "; "" for none). captureErr joins the
// errors of the captures that could not be parsed: the snapshot holds
// everything else, so the command still writes its output and exits 2
// after it, with captureErr.
func readBundles(ctx context.Context, c *cli.Context, args []string, side string) (snap *snapshot.Snapshot, captureErr, err error) {
	opts := bundleOptions(c)
	opts.Context = ctx
	pr := startProgress(c, &opts)
	snap, captureErr = snapshot.Build(args, opts)
	pr.end()
	if snap == nil {
		return nil, nil, cli.Exit(side+captureErr.Error(), exitUsage)
	}
	return snap, captureErr, nil
}

// hintLeftOut says on standard error how many read warnings snap holds,
// when it holds any, for a command whose output does not list them
// (report.ReadWarnings); side leads the line as in readBundles.
func hintLeftOut(c *cli.Context, snap *snapshot.Snapshot, side string) {
	if n := len(report.ReadWarnings(snap)); n > 0 {
		hint(c, fmt.Sprintf("%s%d warning(s) while reading the bundles, which this output leaves out; ipvslint inspect lists them", side, n))
	}
}

// hint writes a line that helps the user on standard error, unless --quiet.
func hint(c *cli.Context, line string) {
	if !c.Bool("quiet") {
		fmt.Fprintln(c.App.ErrWriter, "ipvslint: "+line)
	}
}

// readCompiling reads the BUNDLE arguments args as [readBundles] does while
// compile (the rule packs, and what a command prepares on them) runs on a
// goroutine of its own, and returns what compile made and how long it
// took. When compile fails, the reading stops and compile's error is the
// one returned, whichever failed first, alone. leftOut says that the
// command's output does not list the read warnings (hintLeftOut).
func readCompiling[T any](c *cli.Context, args []string, leftOut bool, compile func() (T, error)) (made T, took time.Duration, snap *snapshot.Snapshot, captureErr, err error) {
	ctx, stop := context.WithCancel(c.Context)
	defer stop()
	var compileErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		start := time.Now()
		if made, compileErr = compile(); compileErr != nil {
			stop()
		}
		took = time.Since(start)
	}()
	snap, captureErr, err = readBundles(ctx, c, args, "")
	<-done
	if compileErr != nil {
		return made, took, nil, nil, compileErr
	}
	if err == nil && leftOut {
		hintLeftOut(c, snap, "")
	}
	return made, took, snap, captureErr, err
}
