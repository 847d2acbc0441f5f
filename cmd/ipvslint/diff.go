package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/diff"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/urfave/cli/v2"
)

// diffFailOn are the values of diff's --fail-on: a severity, change (any
// difference), or never.
var diffFailOn = []string{"error", "warning", "info", "change", "never"}

// diffLimit is how many entries of each list the text of diff shows
// without --all.
const diffLimit = 10

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "compare two bundles of one cluster: what changed, which findings appeared or were resolved",
		ArgsUsage: "OLD NEW | --old BUNDLE... --new BUNDLE...",
		Description: `diff reads two bundles of the same cluster, yesterday's and today's or from
before and after an upgrade, runs the same rules on both and lists what
changed from OLD to NEW:

- the Kubernetes version, the CNI, kube-proxy's configuration, and the
  captures that one side has and the other lacks;
- Services added, removed or changed (type, traffic policies, cluster,
  external and load balancer IPs with their ipMode, ports and NodePorts,
  healthCheckNodePort, selector, session affinity and its timeout, the
  service-proxy-name label, the load balancer and topology annotations),
  and the ready endpoints of each Service, counted per node;
- per node, the addresses that appeared on kube-ipvs0 or left it, and the
  IPVS virtual services added, removed or changed, with their real servers
  added, removed or reweighted;
- the findings that appeared, were resolved, or persisted (matched by rule,
  node, Service and target).

What only one side captured is not compared (a node, its ipvsadm or ip addr
capture, services.yaml, a Service's endpoints): the change of the capture's
state is listed instead.

Each side is one BUNDLE argument, or, for bundles made one per node, several:
give each bundle of the old side with --old and each of the new side with
--new (they are merged as analyze merges its arguments).

The text lists the first 10 entries of each list and says how many more
there are; --all lists everything. --format json writes the whole diff
(schema ipvslint.diff/v1, docs/diff.schema.json).

Examples:
   ipvslint diff monday.tar.gz tuesday.tar.gz
   ipvslint diff --old mon/node-a.tgz --old mon/node-b.tgz --new tue/node-a.tgz --new tue/node-b.tgz
   ipvslint diff $(printf -- '--old %s ' mon/*.tgz) $(printf -- '--new %s ' tue/*.tgz)
   ipvslint diff --format json before-upgrade/ after-upgrade/ | jq '.findings.appeared[].rule'
   ipvslint diff --fail-on warning baseline.tgz current.tgz    # a CI gate

Exit codes: 0 no finding at or above --fail-on appeared (default error;
change: no difference at all; never always gives 0); 1 a finding at or above
--fail-on appeared in NEW, or one of OLD rose to that severity (change: the
bundles differ); 2 bad flags, a bundle that could not be read or a capture
that could not be parsed (the diff is still printed, the errors follow it),
or an invalid rule pack.`,
		Flags: append([]cli.Flag{
			formatFlag("text", "json"),
			&cli.StringSliceFlag{Name: "old", Usage: "a `BUNDLE` of the old side (repeatable; instead of OLD)"},
			&cli.StringSliceFlag{Name: "new", Usage: "a `BUNDLE` of the new side (repeatable; instead of NEW)"},
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 when a finding at least this severe appeared: " + strings.Join(diffFailOn, "|")},
			&cli.BoolFlag{Name: "all", Usage: "list every entry in the text, not the first 10 of each list"},
			outputFlag(),
			noColorFlag(),
		}, slices.Concat(diagnosticFlags(), rulePackFlags(), bundleFlags())...),
		Action: runDiff,
	}
}

// diffSides returns the bundle arguments of each side: OLD and NEW, or the
// values of --old and --new.
func diffSides(c *cli.Context) (old, new []string, err error) {
	old, new = c.StringSlice("old"), c.StringSlice("new")
	switch {
	case len(old) == 0 && len(new) == 0 && c.NArg() == 2:
		return c.Args().Slice()[:1], c.Args().Slice()[1:], nil
	case len(old) == 0 && len(new) == 0:
		return nil, nil, cli.Exit(fmt.Sprintf("diff: give OLD and NEW (got %d argument(s)), or --old and --new; see --help", c.NArg()), exitUsage)
	case c.NArg() > 0:
		return nil, nil, cli.Exit("diff: give either OLD NEW or --old and --new, not both (arguments: "+strings.Join(c.Args().Slice(), " ")+")", exitUsage)
	case len(old) == 0 || len(new) == 0:
		return nil, nil, cli.Exit("diff: give --old and --new at least once each", exitUsage)
	}
	return old, new, nil
}

func runDiff(c *cli.Context) error {
	format, err := chosenFormat(c, "text", "json")
	if err != nil {
		return err
	}
	failOn := c.String("fail-on")
	if !slices.Contains(diffFailOn, failOn) {
		return cli.Exit(fmt.Sprintf("unknown --fail-on %q: want one of %s", failOn, strings.Join(diffFailOn, ", ")), exitUsage)
	}
	oldArgs, newArgs, err := diffSides(c)
	if err != nil {
		return err
	}
	ph, err := newPhases(c)
	if err != nil {
		return err
	}
	defer ph.finish()
	eng, err := compileEngine(c)
	if err != nil {
		return err
	}
	ph.done("compile")
	// One side after the other: the first side's document is dropped once
	// its State is taken, before the second is read.
	old, oldErr, err := readSide(c, eng, ph, "old", oldArgs)
	if err != nil {
		return err
	}
	new, newErr, err := readSide(c, eng, ph, "new", newArgs)
	if err != nil {
		return err
	}
	d := diff.Compare(old, new)
	ph.done("compare")
	limit := diffLimit
	if c.Bool("all") {
		limit = 0
	}
	err = writeOutput(c, format == "text", func(w io.Writer, st report.Style) error {
		if format == "json" {
			return report.WriteJSON(w, d)
		}
		return diff.Text(w, d, st, limit)
	})
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	ph.done("report")
	if len(d.Old.Nodes) > 0 && len(d.New.Nodes) > 0 && !slices.ContainsFunc(d.Old.Nodes, func(n string) bool { return slices.Contains(d.New.Nodes, n) }) {
		hint(c, "diff: OLD and NEW captured no node in common: are they bundles of the same cluster?")
	}
	if buildErr := joinSideErrors(oldErr, newErr); buildErr != "" {
		return cli.Exit(buildErr, exitUsage)
	}
	if failed := failOn == "change" && !d.Summary.Identical ||
		failOn != "change" && failOn != "never" && d.Regressed(engine.Severity(failOn)); failed {
		return cli.Exit("", exitFindings)
	}
	return nil
}

// readSide reads the bundles of one side, builds its document, runs the
// rules over it and returns its State, with the errors of captures that
// could not be read (the side is still compared). err is set when the side
// cannot be read at all.
func readSide(c *cli.Context, eng *engine.Engine, ph *phases, side string, args []string) (st *diff.State, captureErr, err error) {
	// The diff lists no read warnings.
	snap, buildErr, err := readBundles(c.Context, c, args, side+": ")
	if err != nil {
		return nil, nil, err
	}
	hintLeftOut(c, snap, side+": ")
	ph.done("read " + side)
	doc, err := input.Build(snap, input.Options{Reads: diff.Reads(eng.Reads())})
	if err != nil {
		return nil, nil, cli.Exit(side+": "+err.Error(), exitUsage)
	}
	ph.done("input " + side)
	findings, err := eng.Evaluate(c.Context, doc)
	if err != nil {
		return nil, nil, cli.Exit(side+": "+err.Error(), exitUsage)
	}
	ph.done("evaluate " + side)
	return diff.StateOf(args, doc, findings), buildErr, nil
}

// joinSideErrors writes the capture errors of both sides, each line led by
// its side; "" when there are none.
func joinSideErrors(old, new error) string {
	var lines []string
	for _, s := range []struct {
		name string
		err  error
	}{{"old", old}, {"new", new}} {
		if s.err != nil {
			for _, l := range strings.Split(s.err.Error(), "\n") {
				lines = append(lines, s.name+": "+l)
			}
		}
	}
	return strings.Join(lines, "\n")
}
