// Package input builds the document that Rego rules see as `input`
// (schema `ipvslint.input/v2`, described in docs/input.md and
// docs/input.schema.json) from a [snapshot.Snapshot].
//
// The document holds facts, never verdicts. Its model is computed here:
// what kube-proxy in IPVS mode of the cluster's version programs on each
// node (expect.go: the addresses it binds, the virtual services it makes,
// the endpoints each lists, by version and traffic policy) and how the node
// differs from it (diff.go), the Services' load balancer and external IPs
// and their Local traffic policies (policy.go), and what conntrack shows
// clients doing (traffic.go). Go computes all that scales with the
// cluster's size; the rules only judge the model's small facts. The
// inventory of everything a node shows (node.go) is built only as far as
// [Options.Reads] asks: for the rules that read it.
//
// Every fact a finding may cite carries the bundle file and line it comes
// from. [Build] returns a [Document]: plain structs with JSON tags, whose
// JSON form is the input document. Maps are keyed by stable names (JSON
// sorts them) and slices come in a fixed order, so one bundle always gives
// the same bytes.
package input
