// Package engine evaluates ipvslint's Rego rules over the input document of
// an analysis (docs/input.md) and returns their findings.
//
// The engine embeds OPA as a library. [New] loads the built-in rule pack and
// any extra packs, parses them as Rego v1, compiles them once, and reads the
// package-scoped METADATA of every rule package (docs/rules.md): a rule is a
// package ipvslint.rules.<rule_id> that defines a set named findings.
// [Engine.Evaluate] then runs every rule over one input document, joins each
// finding with its rule's METADATA, and sorts the findings.
//
// Rules see only their input: builtins whose results vary between runs or
// reach outside the process (http.send, net.lookup_ip_addr, time.now_ns,
// rand.intn, uuid.rfc4122, opa.runtime, ...) are not available, and a module
// that calls one fails to load.
package engine
