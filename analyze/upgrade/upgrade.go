package upgrade

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"

	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/trace"
)

// InputSchema is the schema version of the input document of the rule.
const InputSchema = "ipvslint.upgrade-input/v1"

// RuleID is the rule that turns the changes into findings.
const RuleID = "upgrade-behaviour-change"

// Input is what rule upgrade-behaviour-change reads as `input`: the two
// versions and every change of verdict.
type Input struct {
	SchemaVersion string  `json:"schemaVersion"`
	Upgrade       Upgrade `json:"upgrade"`
}

// Upgrade is the comparison of two versions.
type Upgrade struct {
	From input.Version `json:"from"`
	To   input.Version `json:"to"`
	CNI  input.CNI     `json:"cni"`
	// Candidates counts the Service ports traced on each node (those whose
	// behaviour may differ between the versions).
	Candidates int `json:"candidates"`
	// Changes are the traces whose verdict differs, sorted by node, target
	// and client.
	Changes []Change `json:"changes"`
	// Unchecked are the nodes whose captures cannot carry a trace (another
	// proxy mode, no usable ip addr capture), sorted by node: their Service
	// ports are not traced.
	Unchecked []Unchecked `json:"unchecked"`
}

// Unchecked is a node upgrade-check could not trace, and why.
type Unchecked struct {
	Node   string `json:"node"`
	Reason string `json:"reason"`
}

// Change is a client whose connection to a target ends differently at the
// two versions.
type Change struct {
	Node     string  `json:"node"`
	Service  string  `json:"service"`
	Role     string  `json:"role"`
	Target   string  `json:"target"` // IP:PORT/PROTO
	IP       string  `json:"ip"`
	Port     int     `json:"port"`
	Protocol string  `json:"protocol"`
	Client   string  `json:"client"` // trace.KindPod, KindHost or KindExternal
	Before   Outcome `json:"before"`
	After    Outcome `json:"after"`
}

// Outcome is the verdict of one trace and why.
type Outcome struct {
	Verdict    string   `json:"verdict"`
	Reason     string   `json:"reason"`
	Behaviours []string `json:"behaviours"`
	// Evidence is the evidence of the trace's steps, without repeats.
	Evidence []input.Evidence `json:"evidence"`
}

// Check compares the behaviour of the nodes of doc at its own version with
// their behaviour at version to. doc must hold the nodes' addresses and
// kube-ipvs0 inventory ([Reads]). An error means the current version is
// unknown or a trace failed.
func Check(ctx context.Context, t *trace.Tracer, doc *input.Document, to input.Version) (*Input, error) {
	from := doc.Cluster.Version
	if !from.Known {
		return nil, fmt.Errorf("the bundle does not say the cluster's Kubernetes version: give it with --k8s-version")
	}
	before, after := input.NewModel(doc, from), input.NewModel(doc, to)
	out := &Input{SchemaVersion: InputSchema, Upgrade: Upgrade{From: from, To: to, CNI: doc.Cluster.CNI, Changes: []Change{}, Unchecked: []Unchecked{}}}
	var nodes []string
	for _, node := range slices.Sorted(maps.Keys(doc.Nodes)) {
		if err := trace.Usable(doc.Nodes[node], trace.StateExpected); err != nil {
			out.Upgrade.Unchecked = append(out.Upgrade.Unchecked, Unchecked{Node: node, Reason: err.Error()})
			continue
		}
		nodes = append(nodes, node)
	}
	cands := candidates(doc, nodes, before, after)
	out.Upgrade.Candidates = len(cands)
	for _, c := range cands {
		for _, kind := range []string{trace.KindPod, trace.KindHost, trace.KindExternal} {
			if kind == trace.KindExternal && c.role == input.RoleClusterIP {
				continue // a ClusterIP is not reachable from outside the cluster
			}
			b, err := traceAt(ctx, t, doc, before, c, kind)
			if err != nil {
				return nil, err
			}
			a, err := traceAt(ctx, t, doc, after, c, kind)
			if err != nil {
				return nil, err
			}
			if a.Verdict == b.Verdict {
				continue
			}
			out.Upgrade.Changes = append(out.Upgrade.Changes, Change{
				Node: c.node, Service: c.service, Role: c.role, Target: c.target(), IP: c.ip, Port: c.port, Protocol: c.protocol,
				Client: kind, Before: outcome(b), After: outcome(a),
			})
		}
	}
	return out, nil
}

// Reads are the parts of the input document Check reads of every node.
var Reads = []string{"input.nodes[_].addresses", "input.nodes[_].ipvs0"}

// traceAt traces a client of kind on the candidate's node to the candidate
// through what kube-proxy of model's version programs.
func traceAt(ctx context.Context, t *trace.Tracer, doc *input.Document, model *input.Model, c candidate, kind string) (*trace.Result, error) {
	plan := &trace.Plan{
		From:       trace.From{Spec: kind + ":" + c.node, Kind: kind, Node: c.node},
		To:         trace.To{Spec: c.target(), Port: c.port, Protocol: c.protocol},
		ClientNode: c.node, Node: c.node, FromEvidence: []input.Evidence{},
	}
	plan.To.IP, _ = netip.ParseAddr(c.ip)
	in, _, err := trace.Gather(doc, plan, model, trace.StateExpected)
	if err != nil {
		return nil, fmt.Errorf("trace %s on %s at %s: %w", c.target(), c.node, model.Version().Value, err)
	}
	return t.Trace(ctx, in, nil)
}

// outcome sums up a trace.
func outcome(r *trace.Result) Outcome {
	o := Outcome{Verdict: r.Verdict, Reason: r.Reason, Behaviours: r.Behaviours, Evidence: []input.Evidence{}}
	for _, s := range r.Steps {
		for _, ev := range s.Evidence {
			if !slices.Contains(o.Evidence, ev) {
				o.Evidence = append(o.Evidence, ev)
			}
		}
	}
	return o
}

// candidate is a Service port on a node whose behaviour may differ between
// the versions.
type candidate struct {
	node, service, role string
	ip                  string
	port                int
	protocol            string
}

// target writes the candidate's address as IP:PORT/PROTO.
func (c candidate) target() string {
	return input.HostPort(c.ip, c.port) + "/" + c.protocol
}

// candidates returns the Service ports of each of nodes whose behaviour may
// differ between the models, sorted: those whose virtual service the two
// versions program differently (bound or not, known or not, its real
// servers), the external IPs of eTP=Local Services (whether
// KUBE-IPVS-FILTER rejects them depends on the version and patch, which
// the trace decides), and across 1.26 the unserved ports of kube-ipvs0
// addresses that clients use (KUBE-IPVS-FILTER). A NodePort counts once
// per node, at the address where the model says a client reaches it
// (Model.NodePortIP) when it is there.
func candidates(doc *input.Document, nodes []string, before, after *input.Model) []candidate {
	var out []candidate
	for _, node := range nodes {
		primary := cmp.Or(after.NodePortIP(node), before.NodePortIP(node))
		seen := map[string]bool{}
		add := func(c candidate) {
			k := c.service + " " + c.role + " " + c.target()
			if c.role == input.RoleNodePort {
				k = c.service + " " + c.role + " " + strconv.Itoa(c.port) + "/" + c.protocol
			}
			if !seen[k] {
				seen[k] = true
				out = append(out, c)
			}
		}
		for _, key := range slices.Sorted(maps.Keys(doc.Cluster.Services)) {
			svc := doc.Cluster.Services[key]
			b, a := index(before.VirtualServers(node, key)), index(after.VirtualServers(node, key))
			all := union(a, b)
			for _, k := range slices.SortedFunc(maps.Keys(all), func(x, y string) int {
				return cmp.Or(cmp.Compare(secondary(all[x], primary), secondary(all[y], primary)), cmp.Compare(x, y))
			}) {
				x, y := b[k], a[k]
				vs := cmp.Or(x, y)
				filtered := vs.Role == input.RoleExternalIP && svc.ExternalTrafficPolicy == "Local"
				if x == nil || y == nil || differ(x, y) || filtered {
					add(candidate{node: node, service: key, role: vs.Role, ip: vs.IP, port: vs.Port, protocol: vs.Protocol})
				}
			}
		}
		if before.Version().AtLeast(1, 26) == after.Version().AtLeast(1, 26) {
			continue
		}
		for _, p := range doc.Nodes[node].Traffic.UnservedPorts {
			for _, o := range p.Owners {
				add(candidate{node: node, service: o.Service, role: o.Role, ip: p.IP, port: p.Port, protocol: p.Protocol})
			}
		}
	}
	return out
}

// secondary is 1 for a NodePort virtual service on another address than
// the node's primary one, 0 otherwise: those come after it.
func secondary(vs *input.ExpectedVirtualServer, primary string) int {
	if vs.Role == input.RoleNodePort && vs.IP != primary {
		return 1
	}
	return 0
}

// index returns the virtual services by key and role.
func index(vss []input.ExpectedVirtualServer) map[string]*input.ExpectedVirtualServer {
	out := map[string]*input.ExpectedVirtualServer{}
	for i := range vss {
		out[vss[i].Key+" "+vss[i].Role] = &vss[i]
	}
	return out
}

func union(a, b map[string]*input.ExpectedVirtualServer) map[string]*input.ExpectedVirtualServer {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// differ reports whether two versions program a virtual service
// differently: bound or not, known or not, or other real servers.
func differ(x, y *input.ExpectedVirtualServer) bool {
	return x.Bound != y.Bound || x.Known != y.Known || !slices.Equal(x.RealServers, y.RealServers)
}
