// Package trace follows one connection through one node's captured state
// (or, for a what-if, through the state kube-proxy of another version
// would program): from a client (a pod or a host process on a node, or a
// client outside the cluster entering through a node) to a destination (a
// Service address, a load balancer IP, a NodePort address, or a Service by
// name). Go resolves the client and the destination against the bundle and
// gathers the facts of that one path into a small trace input document
// ([Input], ipvslint.trace-input/v1); the Rego package ipvslint.trace of
// the built-in rule pack decides the verdict and tells the story, step by
// step with its evidence ([Result], ipvslint.trace/v1).
//
// A trace reads the inventory of the nodes on its path only: [NewPlan]
// finds them from the snapshot and [Plan.Reads] names what the input
// document must hold, so that a trace of a 10,000-Service bundle builds
// none of the other nodes' virtual services.
package trace
