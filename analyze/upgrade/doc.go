// Package upgrade tells what changes for clients when the cluster moves to
// another Kubernetes version: for the Service ports whose behaviour differs
// between the two versions on a node, it traces a pod on the node, a host
// process on the node and a client outside the cluster entering through it
// ([trace]) at both versions, each through what kube-proxy of that
// version programs (the model, [input.Model]), and lists the verdicts that
// differ. The rule upgrade-behaviour-change of the built-in pack turns them
// into findings.
//
// Both sides follow the model, the current version included: a node whose
// capture differs from what its own version should program is out of sync,
// which `ipvslint analyze` reports; what changes with the version is the
// difference between the two models.
package upgrade
