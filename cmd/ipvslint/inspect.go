package main

import (
	"io"

	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/urfave/cli/v2"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show what ipvslint read from bundles or pasted captures",
		ArgsUsage: "BUNDLE...",
		Description: `inspect reads each BUNDLE (a .tar.gz/.tgz/.tar/.zip made by the collector, a
bundle directory, or loose files and directories of pasted command output) and
lists, per node, every capture it found, missing or failed, with what it
counted in each, and every warning with its file and line. Use it first when a
bundle arrives, to see that ipvslint reads what the customer sent.

Several BUNDLE arguments are merged into one view (one per node, typically).
Loose captures belong to the node named by --node. On a terminal, a long
reading shows its progress on standard error (--quiet: none).

Examples:
   ipvslint inspect ipvslint-node-a-20261125T101500Z.tar.gz
   ipvslint inspect --node node-c ticket-1234/
   ipvslint inspect --format json pasted.txt | jq '.nodes[].counts'

Exit codes: 0 read; 2 a bundle could not be read or a capture could not be
parsed (the report is still printed, the errors follow it).`,
		Flags: append([]cli.Flag{
			formatFlag("text", "json"),
			outputFlag(),
			noColorFlag(),
		}, bundleFlags()...),
		Action: runInspect,
	}
}

func runInspect(c *cli.Context) error {
	format, err := chosenFormat(c, "text", "json")
	if err != nil {
		return err
	}
	args, err := bundleArgs(c)
	if err != nil {
		return err
	}
	snap, buildErr, err := readBundles(c.Context, c, args, "")
	if err != nil {
		return err
	}
	var captureErrs []error
	if buildErr != nil {
		captureErrs = unjoin(buildErr)
	}
	in := report.Inspect(snap, captureErrs)
	err = writeOutput(c, format == "text", func(w io.Writer, st report.Style) error {
		if format == "json" {
			return report.InspectJSON(w, in)
		}
		return report.InspectText(w, in, snap, st)
	})
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	if buildErr != nil {
		return cli.Exit(buildErr.Error(), exitUsage)
	}
	return nil
}

// unjoin returns the errors an errors.Join holds, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
