// Package input builds the document that Rego rules see as `input`
// (schema `ipvslint.input/v1`, described in docs/input.md and
// docs/input.schema.json) from a [snapshot.Snapshot].
//
// The document holds facts, never verdicts: which addresses sit on
// kube-ipvs0, which IPVS virtual service serves which Service port, which
// real server is an endpoint on the node, the cluster's version and CNI
// class. Every fact a finding may cite carries the bundle file and line it
// comes from.
//
// [Build] returns a [Document]: plain structs with JSON tags, whose JSON form
// is the input document. Maps are keyed by stable names (JSON sorts them) and
// slices come in a fixed order, so one bundle always gives the same bytes.
package input
