// Package diff compares two bundles of one cluster: yesterday's and
// today's, or before and after an upgrade.
//
// Each side is reduced by [StateOf] to a [State]: what the comparison needs
// of its input document (the Services, the nodes' kube-ipvs0 addresses and
// IPVS virtual services, the version, CNI and kube-proxy configuration,
// the captures' states) and the findings the rule packs gave over it, with
// no evidence, so that a side's document can be dropped before the other
// is read. [Compare] returns the [Diff] of two States: what was added,
// removed or changed, keyed by stable names (Service namespace/name, node
// name, address, virtual service key, real server IP:port, and rule, node,
// Service and target for findings), every list sorted, so that the same
// two bundles always give the same Diff. Its JSON form is the contract
// `ipvslint.diff/v1` (docs/diff.schema.json); [Text] writes it for a
// person.
//
// What one side did not capture is not compared: a node captured on one
// side only, a node's ipvsadm or ip addr capture that is not ok on both
// sides, the Services when services.yaml is not ok on both sides, the
// endpoints of a Service unless both sides hold them. The capture's change
// of state is reported instead, so that a capture that went missing never
// reads as thousands of removals.
package diff
