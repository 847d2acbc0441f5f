// Package snapshot turns bundle arguments into one normalized [Snapshot]:
// every capture read with its status and counts, the cluster's objects, and
// per node the parsed interfaces, IPVS tables and conntrack summary.
//
// Captures are parsed as they stream out of the bundle. conntrack tables are
// folded into a per-destination summary while they stream, keyed only by the
// node's own addresses, so memory does not grow with the number of flows; a
// conntrack capture read before the node's addresses are known is held until
// the end of the run.
package snapshot
