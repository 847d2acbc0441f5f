package main

import (
	"io"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/trace"
	"github.com/urfave/cli/v2"
)

func traceCommand() *cli.Command {
	return &cli.Command{
		Name:      "trace",
		Usage:     "follow one connection through a node's captured state and tell whether it is served",
		ArgsUsage: "BUNDLE...",
		Description: `trace walks one connection, offline, through the state a node captured: which
address of kube-ipvs0 or of the node it hits, which IPVS virtual service takes
it, which real servers it may go to, whether the reply can come back (SNAT or
not, per CNI class), and a local process that answers instead (before 1.26).
Each step cites its evidence (file:line). The verdict is one of served,
served-without-source-ip, served-by-local-listener, refused, timeout, or
leaves-node (the node does not intercept it: it goes to the real load balancer).

--from is the client: pod:NODE (a pod on NODE), host:NODE (a host process or
hostNetwork pod on NODE), external or external:NODE (a client outside the
cluster entering through NODE's NodePort, or sent to NODE by the load
balancer), or an IP, placed by the nodes' addresses, the pods and the pod CIDRs.
--to is the destination: IP[:PORT][/PROTO] (a ClusterIP, load balancer or
external IP, a node address with a NodePort) or a Service
NAMESPACE/NAME[:PORT][/PROTO], PORT its number or name (a pod or host reaches
its ClusterIP; an external client its load balancer IP, external IP or
NodePort).

--k8s-version and --cni say what the bundle does not, or ask "what if": with
another minor version than the bundle's, the trace follows what kube-proxy of
that version would program (the model) instead of the captured IPVS table.

A rule pack given with --rules may refine the verdict (package ipvslint.trace,
refinements; see the README).

Examples:
   ipvslint trace --from pod:cn-hangzhou.10.0.0.12 --to 203.0.113.10:443 bundle.tgz
   ipvslint trace --from 10.0.16.37 --to default/nginx:80 bundle.tgz
   ipvslint trace --from external:node-b --to 192.168.0.12:30745 bundle.tgz
   ipvslint trace --from host:node-b --to default/web --k8s-version 1.24 --cni flannel bundle.tgz
   ipvslint trace --format json --from pod:node-b --to 10.96.0.10:53/udp bundle.tgz | jq .verdict

Exit codes: 0 served (served or served-without-source-ip: the Service's
backends answer); 1 any other verdict (refused, timeout,
served-by-local-listener: not the Service, leaves-node: not this node's to
serve); 2 bad flags, an unknown node, a destination that cannot be resolved,
a bundle that could not be read, or a capture that could not be parsed (the
trace is still printed, the errors follow it).`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "from", Usage: "the client: pod:NODE, host:NODE, external[:NODE] or an `IP`", Required: true},
			&cli.StringFlag{Name: "to", Usage: "the destination: `IP[:PORT][/PROTO]` or NAMESPACE/NAME[:PORT][/PROTO]", Required: true},
			formatFlag("text", "json"),
			&cli.StringFlag{Name: "k8s-version", Usage: "trace as Kubernetes `VERSION` (1.24, v1.28.2): the bundle's when it does not say, else a what-if"},
			&cli.StringFlag{Name: "cni", Usage: "the CNI: a class (overlay, vpc, unknown) or a `NAME` (flannel, terway-eniip...), over what the bundle says"},
			outputFlag(),
			noColorFlag(),
		}, slices.Concat(userPackFlags(), bundleFlags())...),
		Action: runTrace,
	}
}

// userPackFlags are the rule-pack flags of the commands that always load
// the built-in pack and let a user's pack add to it: --rules and
// --rules-timeout.
func userPackFlags() []cli.Flag {
	return slices.DeleteFunc(rulePackFlags(), func(f cli.Flag) bool { return slices.Contains(f.Names(), "no-builtin") })
}

// traceFlags reads and checks the flags of trace before any bundle is read.
func traceFlags(c *cli.Context) (from trace.From, to trace.To, format string, err error) {
	if format, err = chosenFormat(c, "text", "json"); err != nil {
		return
	}
	if from, err = trace.ParseFrom(c.String("from")); err != nil {
		err = cli.Exit(err.Error(), exitUsage)
		return
	}
	if to, err = trace.ParseTo(c.String("to")); err != nil {
		err = cli.Exit(err.Error(), exitUsage)
		return
	}
	if verr := (input.Options{KubernetesVersion: c.String("k8s-version"), CNI: c.String("cni")}).Validate(); verr != nil {
		err = cli.Exit(verr.Error(), exitUsage)
	}
	return
}

func runTrace(c *cli.Context) error {
	from, to, format, err := traceFlags(c)
	if err != nil {
		return err
	}
	args, err := bundleArgs(c)
	if err != nil {
		return err
	}
	tracer, _, snap, captureErr, err := readCompiling(c, args, true, func() (*trace.Tracer, error) {
		_, t, err := newTracer(c)
		return t, err
	})
	if err != nil {
		return err
	}
	r, err := tracer.Run(c.Context, snap, from, to, trace.Options{KubernetesVersion: c.String("k8s-version"), CNI: c.String("cni")})
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	write := func(w io.Writer, st report.Style) error {
		if format == "json" {
			return report.WriteJSON(w, r)
		}
		return trace.WriteText(w, r, st)
	}
	if err := writeOutput(c, format == "text", write); err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	if captureErr != nil {
		return cli.Exit(captureErr.Error(), exitUsage)
	}
	if !trace.Works(r.Verdict) {
		return cli.Exit("", exitFindings)
	}
	return nil
}

// newTracer compiles the built-in pack and the packs of --rules and
// prepares the trace query on them.
func newTracer(c *cli.Context) (*engine.Engine, *trace.Tracer, error) {
	eng, err := compileEngine(c)
	if err != nil {
		return nil, nil, err
	}
	t, err := trace.NewTracer(eng)
	if err != nil {
		return nil, nil, invalidPack(err)
	}
	return eng, t, nil
}
