package trace

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// Schema is the schema version of a trace's result.
const Schema = "ipvslint.trace/v1"

// Query is the Rego query that decides a trace.
const Query = "data.ipvslint.trace.result"

// The verdicts of a trace.
const (
	Served                = "served"                   // a backend of the Service answers, and sees the client's address
	ServedWithoutSourceIP = "served-without-source-ip" // a backend answers, and sees a node address
	ServedByLocalListener = "served-by-local-listener" // a process on the node answers instead of a backend
	Refused               = "refused"                  // TCP reset or ICMP port unreachable
	Timeout               = "timeout"                  // the reply never comes back
	LeavesNode            = "leaves-node"              // the node does not intercept the packet
)

// Verdicts are the verdicts, the worst first: the list package
// ipvslint.trace chooses from.
var Verdicts = []string{Timeout, Refused, ServedByLocalListener, LeavesNode, ServedWithoutSourceIP, Served}

// Works reports whether a verdict means the Service's backends serve the
// connection: served, with or without the client's source address.
func Works(verdict string) bool { return verdict == Served || verdict == ServedWithoutSourceIP }

// Result is a trace: the verdict and the story that leads to it.
type Result struct {
	SchemaVersion string `json:"schemaVersion"`
	Verdict       string `json:"verdict"`
	// Reason says in a few words why.
	Reason string `json:"reason"`
	From   Client `json:"from"`
	To     Target `json:"to"`
	Node   string `json:"node"`  // the node the packet goes through
	State  string `json:"state"` // StateCaptured or StateExpected
	// KubernetesVersion and CNI are what the trace is of.
	KubernetesVersion input.Version `json:"kubernetesVersion"`
	CNI               input.CNI     `json:"cni"`
	Steps             []Step        `json:"steps"`
	Assumptions       []string      `json:"assumptions"`
	// Behaviours are the behaviours of kube-proxy in IPVS mode (B1..B15,
	// as the rules cite them in rules/README.md) the verdict relies on,
	// sorted.
	Behaviours []string `json:"behaviours"`
}

// Step is one step of the story, with the capture lines that show it.
type Step struct {
	What     string           `json:"what"`
	Evidence []input.Evidence `json:"evidence"`
}

// Tracer evaluates traces with the packs of an engine, the built-in
// package ipvslint.trace and what a user's pack adds to it.
type Tracer struct {
	q *engine.Query
}

// NewTracer prepares the trace query on e's packs.
func NewTracer(e *engine.Engine) (*Tracer, error) {
	q, err := e.Prepare(Query)
	if err != nil {
		return nil, err
	}
	return &Tracer{q: q}, nil
}

// Trace decides the trace of in; notes are put before its assumptions.
func (t *Tracer) Trace(ctx context.Context, in *Input, notes []string) (*Result, error) {
	v, err := t.q.Eval(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	r := &Result{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("trace: the result of %s: %w", Query, err)
	}
	if !slices.Contains(Verdicts, r.Verdict) {
		return nil, fmt.Errorf("trace: %s gave the verdict %q (want one of %v)", Query, r.Verdict, Verdicts)
	}
	r.SchemaVersion, r.From, r.To, r.Node, r.State = Schema, in.From, in.To, in.Node, in.State
	r.KubernetesVersion, r.CNI = in.Cluster.Version, in.Cluster.CNI
	r.Assumptions = append(append([]string{}, notes...), r.Assumptions...)
	for i := range r.Steps {
		if r.Steps[i].Evidence == nil {
			r.Steps[i].Evidence = []input.Evidence{}
		}
	}
	if r.Behaviours == nil {
		r.Behaviours = []string{}
	}
	return r, nil
}

// StateFor tells which state a trace at version v follows on doc: the
// captures when v is doc's version (same major and minor) or doc does not
// say its version, else the model's expected state (a what-if).
func StateFor(doc *input.Document, v input.Version) string {
	have := doc.Cluster.Version
	if !have.Known || !v.Known || have.Major == v.Major && have.Minor == v.Minor {
		return StateCaptured
	}
	return StateExpected
}

// Options are what a trace is asked besides its client and destination.
type Options struct {
	// KubernetesVersion is --k8s-version: the version to trace at; "" for
	// the bundle's. Another minor version than the bundle's makes a what-if
	// that follows the model ([StateFor]).
	KubernetesVersion string
	// CNI is --cni, over what the bundle says.
	CNI string
}

// Run traces the connection from from to to through the snapshot. Every
// error is about what was asked (an unknown node, a destination that does
// not resolve, a bad flag) or an evaluation that failed.
func (t *Tracer) Run(ctx context.Context, snap *snapshot.Snapshot, from From, to To, opts Options) (*Result, error) {
	plan, err := NewPlan(snap, from, to)
	if err != nil {
		return nil, err
	}
	var v input.Version
	if opts.KubernetesVersion != "" {
		if v, err = input.ParseVersion(opts.KubernetesVersion, "--k8s-version"); err != nil {
			return nil, fmt.Errorf("--k8s-version %q: %w", opts.KubernetesVersion, err)
		}
	}
	traced, err := t.RunPlans(ctx, snap, []*Plan{plan}, v, input.Options{CNI: opts.CNI})
	if err != nil {
		return nil, err
	}
	return traced[0].Result, traced[0].Err
}

// Traced is the trace of one plan of [Tracer.RunPlans]: its input
// document and result, or why it could not be traced.
type Traced struct {
	Input  *Input
	Result *Result
	Err    error
}

// RunPlans traces each plan through the snapshot at version v (the zero
// Version: the bundle's own; another minor version follows the model,
// [StateFor]), building the input document once, with opts and the
// inventory of the plans' nodes only. A nil plan is left untraced. An
// error means the document could not be built.
func (t *Tracer) RunPlans(ctx context.Context, snap *snapshot.Snapshot, plans []*Plan, v input.Version, opts input.Options) ([]Traced, error) {
	out := make([]Traced, len(plans))
	var reads []*docpath.Set
	for _, p := range plans {
		if p != nil {
			reads = append(reads, p.Reads())
		}
	}
	if len(reads) == 0 {
		return out, nil
	}
	opts.Reads = docpath.Union(reads...)
	doc, err := input.Build(snap, opts)
	if err != nil {
		return nil, err
	}
	if v == (input.Version{}) {
		v = doc.Cluster.Version
	}
	state := StateFor(doc, v)
	var notes []string
	if state == StateExpected {
		notes = append(notes, fmt.Sprintf("What-if: the bundle is of Kubernetes %s; the trace follows what kube-proxy %s would program (ipvslint's model of it), not the captured IPVS table.", doc.Cluster.Version.Value, v.Value))
	}
	model := input.NewModel(doc, v)
	for i, p := range plans {
		if p == nil {
			continue
		}
		in, more, err := Gather(doc, p, model, state)
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Input = in
		out[i].Result, out[i].Err = t.Trace(ctx, in, slices.Concat(notes, more))
	}
	return out, nil
}
