package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/trace"
	"github.com/ipvslint/ipvslint/analyze/upgrade"
	"github.com/urfave/cli/v2"
)

func upgradeCheckCommand() *cli.Command {
	return &cli.Command{
		Name:      "upgrade-check",
		Usage:     "tell what changes for clients when the cluster moves to another Kubernetes version",
		ArgsUsage: "BUNDLE...",
		Description: `upgrade-check re-runs ipvslint's model of kube-proxy (IPVS mode) for the target
version on the captured Services, endpoints and nodes, and lists what changes
for clients: for each node and each Service port whose behaviour differs
between the two versions, it traces a pod on the node, a host process on the
node and a client outside the cluster entering through it (as ipvslint trace
does) at the current version and at --to, and reports the clients whose
verdict changes, as findings of the rule upgrade-behaviour-change: error when
clients that work today fail after, warning when they work differently (they
lose their source address, go to the real load balancer), info otherwise.

The changes it knows: eTP/iTP=Local nodes without a local endpoint (refused
before 1.24, forwarded without SNAT from 1.24, PR #97081); a port of a
kube-ipvs0 address without a virtual service that clients use (a local
listener answers before 1.26, KUBE-IPVS-FILTER refuses from 1.26); ipMode
Proxy load balancer IPs (bound before 1.29/1.30, not after); load balancer
and external IPs that are an address of the node (bound before 1.28, not
after); external IPs of eTP=Local Services (rejected from 1.26 to 1.29.0);
the terminating endpoints fallback (1.26, 1.28). Both versions are traced through the model: a node
that differs from what its own version should program is reported by analyze.

The current version is the bundle's; --k8s-version says it when the bundle
does not. A node whose captures cannot carry a trace (kube-proxy in another
mode, an ip addr capture that could not be read) is left out, with a line on
standard error (not with --quiet); the other nodes are checked.

Examples:
   ipvslint upgrade-check --to 1.24.0 bundle.tgz
   ipvslint upgrade-check --to 1.26 --format markdown node-a.tgz node-b.tgz > upgrade.md
   ipvslint upgrade-check --k8s-version 1.22.15 --to 1.24 --cni flannel ticket-1234/

Exit codes: 0 no change is an error (clients that work today keep working); 1
a change is an error; 2 bad flags, an unknown version, a bundle that could not
be read or does not say its version, or a capture that could not be parsed
(the report is still printed, the errors follow it).`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "the target Kubernetes `VERSION` (1.24, v1.28.2)", Required: true},
			formatFlag(report.AnalysisFormats...),
			&cli.StringFlag{Name: "k8s-version", Usage: "the cluster's current Kubernetes `VERSION`, over what the bundle says"},
			&cli.StringFlag{Name: "cni", Usage: "the CNI: a class (overlay, vpc, unknown) or a `NAME` (flannel, terway-eniip...), over what the bundle says"},
			outputFlag(),
			noColorFlag(),
		}, slices.Concat(userPackFlags(), bundleFlags())...),
		Action: runUpgradeCheck,
	}
}

// upgradeFlags reads and checks the flags of upgrade-check before any
// bundle is read.
func upgradeFlags(c *cli.Context) (to input.Version, format string, opts input.Options, err error) {
	if format, err = chosenFormat(c, report.AnalysisFormats...); err != nil {
		return
	}
	to, perr := input.ParseVersion(c.String("to"), "--to")
	switch {
	case perr != nil:
		err = cli.Exit(fmt.Sprintf("--to %q: %v", c.String("to"), perr), exitUsage)
		return
	case to.Major != 1:
		err = cli.Exit(fmt.Sprintf("--to %q: unknown Kubernetes version: ipvslint's model knows kube-proxy 1.x", c.String("to")), exitUsage)
		return
	}
	opts = input.Options{KubernetesVersion: c.String("k8s-version"), CNI: c.String("cni"), Reads: docpath.MustParse(upgrade.Reads...)}
	if verr := opts.Validate(); verr != nil {
		err = cli.Exit(verr.Error(), exitUsage)
	}
	return
}

func runUpgradeCheck(c *cli.Context) error {
	to, format, opts, err := upgradeFlags(c)
	if err != nil {
		return err
	}
	args, err := bundleArgs(c)
	if err != nil {
		return err
	}
	type prepared struct {
		eng    *engine.Engine
		tracer *trace.Tracer
	}
	p, _, snap, captureErr, err := readCompiling(c, args, format == "junit", func() (prepared, error) {
		eng, t, err := newTracer(c)
		return prepared{eng, t}, err
	})
	if err != nil {
		return err
	}
	eng, tracer := p.eng, p.tracer
	doc, err := input.Build(snap, opts)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	in, err := upgrade.Check(c.Context, tracer, doc, to)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	for _, u := range in.Upgrade.Unchecked {
		hint(c, "upgrade-check leaves out "+u.Node+": "+u.Reason)
	}
	findings, err := eng.EvaluateRule(c.Context, upgrade.RuleID, in)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	a := report.AnalysisOf(doc, findings)
	a.ToolVersion, a.Warnings, a.Bundles, a.Command = versionString(), report.ReadWarnings(snap), report.BundlesOf(snap), "upgrade-check"
	for _, r := range eng.Rules() {
		if r.ID == upgrade.RuleID {
			a.Rules = append(a.Rules, r)
		}
	}
	write := func(w io.Writer, st report.Style) error { return report.WriteAnalysis(w, format, a, st) }
	if err := writeOutput(c, format == "text", write); err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	if captureErr != nil {
		return cli.Exit(captureErr.Error(), exitUsage)
	}
	if anyAtLeast(findings, engine.SeverityError) {
		return cli.Exit("", exitFindings)
	}
	return nil
}
