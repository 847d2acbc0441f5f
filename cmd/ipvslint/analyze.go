package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/urfave/cli/v2"
)

// failOnValues are the values of --fail-on: a severity, or never.
var failOnValues = []string{"error", "warning", "info", "never"}

func analyzeCommand() *cli.Command {
	return &cli.Command{
		Name:      "analyze",
		Usage:     "explain what the captures show: run the rules and report their findings",
		ArgsUsage: "BUNDLE...",
		Description: `analyze reads each BUNDLE as inspect does (a collector archive, a bundle
directory, or loose files of pasted command output), builds the facts the
rules see (ipvslint analyze --dump-input prints them), runs the built-in rules
and reports every finding: per node, the worst first, each with the capture
lines that show it and what to do.

The Kubernetes version and the CNI decide what several rules conclude. They
are read from the bundle; --k8s-version and --cni say them when it does not
(or override it). A rule that had to assume one says so.

What the captures hold that could not be read (a line skipped, an address
replaced by a placeholder) is listed after the findings as read warnings,
with node and file:line, in every format but JUnit.

On a terminal, a long reading shows its progress on standard error; --quiet
prints neither that nor the count of warnings met while reading.

--format html writes one self-contained page (no script or style fetched
from anywhere) to send to people who do not read a terminal: the findings by
node and by Service, and for the first errors and warnings of each rule
about a connection a diagram of it, traced as ipvslint trace does.

--expect IP:PORT[/PROTO] tells the rules that clients use that destination (a
port of a load balancer that the Service itself does not declare, say); give
it once per destination.

Examples:
   ipvslint analyze ipvslint-node-c-20261125T101500Z.tar.gz
   ipvslint analyze --k8s-version 1.24 --cni terway-eniip --node node-c ticket-1234/
   ipvslint analyze --expect 47.100.1.10:443 --expect 47.100.1.10:8443/tcp bundle.tgz
   ipvslint analyze --format json --fail-on never bundle.tgz | jq '.findings[].rule'
   ipvslint analyze --format html -o report.html bundle.tgz
   ipvslint analyze --dump-input bundle.tgz > input.json

Exit codes: 0 no finding at or above --fail-on (default error; never always
gives 0); 1 findings at or above --fail-on; 2 bad flags, a bundle that could
not be read, a capture that could not be parsed (the report is still
printed, the errors follow it), or an invalid rule pack.`,
		Flags: append([]cli.Flag{
			formatFlag(report.AnalysisFormats...),
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 when a finding is at least this severe: " + strings.Join(failOnValues, "|")},
			&cli.StringFlag{Name: "k8s-version", Usage: "the cluster's Kubernetes `VERSION` (1.24, v1.28.2), over what the bundle says"},
			&cli.StringFlag{Name: "cni", Usage: "the CNI: a class (overlay, vpc, unknown) or a `NAME` (flannel, terway-eniip...), over what the bundle says"},
			&cli.StringSliceFlag{Name: "expect", Usage: "clients use this destination `IP:PORT[/PROTO]` (repeatable)"},
			&cli.BoolFlag{Name: "dump-input", Usage: "print the rules' input document as JSON (whatever --format says) instead of running them"},
			outputFlag(),
			noColorFlag(),
		}, slices.Concat(diagnosticFlags(), rulePackFlags(), waiverFlags(), bundleFlags())...),
		Action: runAnalyze,
	}
}

// analyzeFlags reads and checks the flags of analyze before any bundle is
// read, so that a typo costs nothing.
func analyzeFlags(c *cli.Context) (format, failOn string, opts input.Options, err error) {
	if format, err = chosenFormat(c, report.AnalysisFormats...); err != nil {
		return
	}
	failOn = c.String("fail-on")
	if !slices.Contains(failOnValues, failOn) {
		err = cli.Exit(fmt.Sprintf("unknown --fail-on %q: want one of %s", failOn, strings.Join(failOnValues, ", ")), exitUsage)
		return
	}
	opts = input.Options{KubernetesVersion: c.String("k8s-version"), CNI: c.String("cni")}
	for _, s := range c.StringSlice("expect") {
		e, perr := input.ParseExpect(s)
		if perr != nil {
			err = cli.Exit(perr.Error(), exitUsage)
			return
		}
		opts.Expect = append(opts.Expect, e)
	}
	if verr := opts.Validate(); verr != nil {
		err = cli.Exit(verr.Error(), exitUsage)
	}
	return
}

func runAnalyze(c *cli.Context) error {
	format, failOn, opts, err := analyzeFlags(c)
	if err != nil {
		return err
	}
	args, err := bundleArgs(c)
	if err != nil {
		return err
	}
	ph, err := newPhases(c)
	if err != nil {
		return err
	}
	defer ph.finish()
	// Compile the rules while the bundles are read: an invalid pack stops
	// the reading and the command at once. The reports list the read
	// warnings, except JUnit and the input document.
	dump := c.Bool("dump-input")
	eng, took, snap, buildErr, err := readCompiling(c, args, dump || format == "junit", func() (*engine.Engine, error) {
		if dump {
			return nil, nil
		}
		return compileEngine(c)
	})
	if err != nil {
		return err
	}
	ph.took("compile", took)
	ph.done("read")
	if eng != nil {
		opts.Reads = eng.Reads() // build of the inventory only what the rules read
	}
	opts.DropParsed = format != "html" // the diagrams are traced from the tables
	doc, err := input.Build(snap, opts)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	if opts.DropParsed {
		collectDead(1) // the tables are freed: collect them now, so that the rules' values reuse their memory
	}
	ph.done("input")

	var write func(io.Writer, report.Style) error
	failed := false
	if eng == nil {
		write = func(w io.Writer, _ report.Style) error { return report.WriteJSON(w, doc) }
	} else {
		// What the report takes of the document, taken now: nothing here
		// refers to the document after the evaluation starts, so that the
		// engine lets each node's facts be freed once converted.
		analysisOf := report.AnalysisFor(doc)
		findings, err := eng.Evaluate(c.Context, doc)
		if err != nil {
			return cli.Exit(err.Error(), exitUsage)
		}
		// The rules' values are garbage now: collect them, so that the
		// report reuses their memory. OPA's sync.Pools still point at some
		// of them through one collection (a pool's victim cache), in about
		// half the runs 100 MB of the big benchmark bundle: the second
		// collection frees those.
		collectDead(2)
		ph.done("evaluate")
		findings, waived, err := applyWaivers(c, findings)
		if err != nil {
			return err
		}
		a := analysisOf(findings)
		a.Rules, a.ToolVersion = eng.Rules(), versionString()
		a.Warnings = report.ReadWarnings(snap)
		a.Summary.Waived = len(waived)
		if c.Bool("show-waived") {
			a.Waived = waived
		}
		if format == "html" {
			a.Bundles = report.BundlesOf(snap)
			if a.Paths, err = tracePaths(c.Context, eng, snap, opts, a); err != nil {
				return cli.Exit(err.Error(), exitUsage)
			}
			snap.DropParsed() // the diagrams are traced from them
			ph.done("trace")
		}
		write = func(w io.Writer, st report.Style) error {
			return report.WriteAnalysis(w, format, a, st)
		}
		failed = failOn != "never" && anyAtLeast(findings, engine.Severity(failOn))
	}
	if err := writeOutput(c, format == "text" && eng != nil, write); err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	ph.done("report")
	switch {
	case buildErr != nil:
		return cli.Exit(buildErr.Error(), exitUsage)
	case failed:
		return cli.Exit("", exitFindings)
	}
	return nil
}

// anyAtLeast reports whether a finding is at least as severe as min.
func anyAtLeast(findings []engine.Finding, min engine.Severity) bool {
	for _, f := range findings {
		if f.Severity.AtLeast(min) {
			return true
		}
	}
	return false
}
