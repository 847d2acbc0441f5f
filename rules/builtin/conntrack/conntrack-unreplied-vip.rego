# METADATA
# title: unreplied tcp connections to a service address
# description: >-
#   conntrack holds TCP connections to a Service address (ClusterIP, external
#   IP, load balancer IP or NodePort) in SYN_SENT [UNREPLIED]: no reply came
#   back through this node. The usual causes are an asymmetric return path
#   (externalTrafficPolicy Local without a local endpoint, or a host client
#   whose source is the load balancer IP), a dead backend, or a firewall
#   between the node and the backend. Such entries live about 120 seconds. A
#   busy node always has a few connection attempts in flight, so the rule fires
#   only from 3 unreplied connections to one destination, or when every
#   connection to it is unreplied.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/issues/119131
#     description: replies to traffic routed to a node without a pod come from the pod IP
#   - ref: https://github.com/kubernetes/kubernetes/pull/97081
#     description: eTP=Local falls back to remote endpoints without SNAT from 1.24
# custom:
#   id: conntrack-unreplied-vip
#   severity: warning
#   behaviour: B14
#   remediation: >-
#     Check that the real servers the connections were sent to are alive and
#     reachable from the node (firewall, security groups, pod network), and that
#     their replies come back through this node (see the externalTrafficPolicy
#     findings). `conntrack -L -p tcp --orig-dst IP --state SYN_SENT` shows the
#     current ones.
package ipvslint.rules.conntrack_unreplied_vip

import data.ipvslint.lib

findings contains f if {
	some node_name
	some d in input.nodes[node_name].traffic.unreplied
	lib.capture_ok(node_name, "conntrack")
	significant(d)
	some o in d.owners
	f := {
		"node": node_name,
		"service": o.service,
		"target": lib.target(d.ip, d.port, d.protocol),
		"message": sprintf(
			"%d of %d TCP connections to %s%s on %s are unreplied (SYN_SENT [UNREPLIED], %d in SYN_SENT): no reply came back through this node.%s Top clients of this address: %s. Real servers they were sent to: %s. Asymmetric return (externalTrafficPolicy Local without a local endpoint), a dead backend or a firewall cause this.",
			[
				d.unreplied, d.flows, lib.addr_port(d.ip, d.port), owner_words(o), node_name,
				d.synSent, from_local_note(d), clients(d), backends(d),
			],
		),
		"evidence": array.concat(d.virtualServer, d.unrepliedSamples),
	}
}

# min_unreplied is the number of unreplied connections to one destination from which
# they are a signal, not attempts in flight when conntrack was read.
min_unreplied := 3

# significant(d) is true when the destination's unreplied connections say something:
# at least min_unreplied of them, or all of its connections.
significant(d) if d.unreplied >= min_unreplied

significant(d) if {
	d.unreplied > 0
	d.unreplied == d.flows
}

owner_words(o) := "" if o.service == ""

else := sprintf(" (%s of %s)", [lib.role_name(o.role), o.service])

from_local_note(d) := sprintf(" %d of them come from this node's own addresses.", [d.fromLocalUnreplied]) if {
	d.fromLocalUnreplied > 0
} else := ""

clients(d) := lib.top(d.clients, 3) if count(d.clients) > 0

else := "not recorded"

# backends lists the real servers of the unreplied flows; a reply tuple still addressed
# from the Service address itself does not show the real server.
backends(d) := lib.top(shown, 5) if {
	shown := {b: n | some b, n in d.unrepliedBackends; lib.hostport_ip(b) != d.ip}
	count(shown) > 0
} else := "not shown by conntrack (the reply tuple still names the Service address)"
