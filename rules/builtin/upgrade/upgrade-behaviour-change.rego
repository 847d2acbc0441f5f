# METADATA
# title: connections end differently after a version change
# description: >-
#   Reported by `ipvslint upgrade-check --to VERSION`, never by `analyze`
#   (its input, ipvslint.upgrade-input/v1, lists the changes; an analysis has
#   none). For each node and each Service port whose behaviour differs
#   between the cluster's version and the target (eTP/iTP Local without a
#   local endpoint: refused before 1.24, forwarded without SNAT from 1.24 by
#   PR #97081; a port of a kube-ipvs0 address without a virtual service:
#   answered by a local listener before 1.26, refused by KUBE-IPVS-FILTER
#   from 1.26; ipMode Proxy honoured from 1.29/1.30; external IPs of eTP Local
#   Services rejected from 1.26 to 1.29.0), upgrade-check traces a pod on the
#   node, a host process on the node and a client outside the cluster entering
#   through it, at both versions, and reports the clients whose verdict
#   changes. Error when clients that work today fail after (refused, timeout,
#   a local listener instead of the Service); warning when they work
#   differently (they lose their source address, or go to the real load
#   balancer); info when clients that fail today fail differently or work.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/pull/97081
#     description: kube-proxy IPVS falls back to all endpoints for eTP=Local without local endpoints (v1.24.0)
#   - ref: https://github.com/kubernetes/kubernetes/pull/108460
#     description: KUBE-IPVS-FILTER rejects unserved ports of kube-ipvs0 addresses (v1.26.0)
#   - ref: https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/1860-kube-proxy-IP-node-binding
#     description: ipMode Proxy keeps the load balancer IP off the nodes (1.29 alpha, 1.30 beta)
#   - ref: https://github.com/kubernetes/kubernetes/pull/121919
#     description: KUBE-IPVS-FILTER lets external IPs of eTP=Local Services through again (v1.30.0)
# custom:
#   id: upgrade-behaviour-change
#   severity: error
#   behaviour: "-"
#   remediation: >-
#     Before upgrading, make the clients that will fail use another path: the
#     ClusterIP or the Service's DNS name in-cluster, external traffic only to
#     nodes with a backend (the load balancer's health check on
#     healthCheckNodePort), or externalTrafficPolicy Cluster; ipvslint trace
#     with --k8s-version tells the story of each client.
package ipvslint.rules.upgrade_behaviour_change

import data.ipvslint.lib

# One finding per node, Service and target, with every client whose verdict changes.
findings contains f if {
	some g in groups
	changes := [c | some c in input.upgrade.changes; [c.node, c.service, c.target] == g]
	c := changes[0]
	f := lib.finding(
		{
			"node": c.node,
			"service": c.service,
			"target": c.target,
			"message": sprintf(
				"On %s, connections to the %s %s of %s end differently with Kubernetes %s than with %s%s: %s. Behaviours: %s.",
				[
					c.node, lib.role_name(c.role), lib.addr_port(c.ip, c.port), c.service, input.upgrade.to.value,
					input.upgrade.from.value, common_before(changes), concat("; ", [client_words(x, changes) | some x in changes]),
					behaviour_words(changes),
				],
			),
			"evidence": evidence(changes),
			"remediation": sprintf(
				"%s For the whole story of a client: ipvslint trace --from pod:%s --to %s --k8s-version %s BUNDLE.",
				[remediation_lead(changes), c.node, c.target, input.upgrade.to.value],
			),
		},
		severity(changes),
		[],
	)
}

groups := {[c.node, c.service, c.target] | some c in input.upgrade.changes}

# clients are the words for each client class of a trace.
clients := {
	"pod": "a pod on the node",
	"host": "a host process on the node",
	"external": "a client outside the cluster entering through the node",
}

# client_words(c, changes) is one client's change; the reason of the verdict before is left out
# when every client shares it (common_before says it).
client_words(c, changes) := sprintf("%s: %s → %s (%s)", [clients[c.client], c.before.verdict, c.after.verdict, c.after.reason]) if {
	count(befores(changes)) == 1
} else := sprintf("%s: %s (%s) → %s (%s)", [clients[c.client], c.before.verdict, c.before.reason, c.after.verdict, c.after.reason])

befores(changes) := {[c.before.verdict, c.before.reason] | some c in changes}

common_before(changes) := sprintf(", where they are %s (%s)", [c.before.verdict, c.before.reason]) if {
	count(befores(changes)) == 1
	c := changes[0]
} else := ""

# fails are the verdicts of clients that do not reach the Service's backends.
fails := {"refused", "timeout", "served-by-local-listener"}

change_severity(c) := "error" if {
	not c.before.verdict in fails
	c.after.verdict in fails
} else := "warning" if {
	not c.before.verdict in fails
} else := "info"

severity(changes) := s if {
	ranks := {lib_rank[change_severity(c)] | some c in changes}
	s := ["error", "warning", "info"][min(ranks)]
}

lib_rank := {"error": 0, "warning": 1, "info": 2}

remediation_lead(changes) := "Before upgrading, make the clients that will fail use another path: the ClusterIP or the Service's DNS name in-cluster, external traffic only to nodes with a backend (the load balancer's health check on healthCheckNodePort), or externalTrafficPolicy Cluster." if {
	severity(changes) == "error"
} else := "Check that the clients accept the change: a backend that sees a node address instead of the client's, or a connection that goes to the real load balancer instead of the node." if {
	severity(changes) == "warning"
} else := "Nothing that works today breaks; clients that fail today fail differently or start to work."

# behaviour_words names the behaviours before and after, with the change that makes the difference.
behaviour_words(changes) := sprintf("%s with %s; %s with %s%s", [
	join_or_none({b | some c in changes; some b in c.before.behaviours}), input.upgrade.from.value,
	join_or_none({b | some c in changes; some b in c.after.behaviours}), input.upgrade.to.value,
	reference_words({b | some c in changes; some b in array.concat(c.before.behaviours, c.after.behaviours)}),
])

join_or_none(s) := concat(", ", sort(s)) if count(s) > 0

else := "none"

references := {
	"B2": "KUBE-IPVS-FILTER from 1.26, PR #108460",
	"B3": "ipMode Proxy from 1.29/1.30, KEP-1860",
	"B6": "only local endpoints before 1.24",
	"B7": "the fallback to every endpoint from 1.24, PR #97081",
}

reference_words(bs) := sprintf(" (%s)", [concat("; ", [references[b] | some b in sort(bs); references[b]])]) if {
	some b in bs
	references[b]
} else := ""

evidence(changes) := [e |
	some i, e in all_evidence(changes)
	not e in array.slice(all_evidence(changes), 0, i)
]

all_evidence(changes) := [e | some c in changes; some e in array.concat(c.before.evidence, c.after.evidence)]
