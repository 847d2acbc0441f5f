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
#   for a destination from 3 unreplied connections that are a quarter of its
#   connections at least, or when every connection to it is unreplied, or when
#   one real server answered none of 2 or more
#   connections sent to it. Such a real server that is no ready endpoint of the
#   Service (no endpoint, not ready, terminating, or another port) is a dead
#   backend: a warning. One that is a ready endpoint, below the other two
#   thresholds, is an info: nothing else in the bundle says it is dead.
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
	telling(d) # the cheap test first: most destinations of a busy node have attempts in flight
	lib.capture_ok(node_name, "conntrack")
	some o in d.owners
	dead := [rs | some rs in silent(d); rs.state in corroborating]
	quiet := [rs | some rs in silent(d); not rs.state in corroborating]
	severity := severity_of(d, dead)
	f := lib.finding(
		{
			"node": node_name,
			"service": o.service,
			"target": lib.target(d.ip, d.port, d.protocol),
			"message": sprintf(
				"%d of %d TCP connections to %s%s on %s are unreplied (SYN_SENT [UNREPLIED], %d in SYN_SENT): no reply came back through this node.%s Top clients of this address: %s. Real servers they were sent to: %s. Asymmetric return (externalTrafficPolicy Local without a local endpoint), a dead backend or a firewall cause this.%s%s %s",
				[
					d.unreplied, d.flows, lib.addr_port(d.ip, d.port), owner_words(o), node_name,
					d.synSent, from_local_note(d), clients(d), backends(d),
					concat("", [dead_words(d, o, rs) | some rs in dead]),
					concat("", [quiet_words(o, rs) | some rs in quiet]),
					rule_words,
				],
			),
			"evidence": array.concat(
				array.concat(d.virtualServer, d.unrepliedSamples),
				[rs.entry | some rs in array.concat(dead, quiet); rs.entry != null],
			),
		},
		severity,
		[],
	)
}

# min_unreplied is the number of unreplied connections to one destination from which they are
# a signal, not attempts in flight when conntrack was read, even spread over real servers that
# answer others, when they are at least min_share percent of its connections.
min_unreplied := 3

min_share := 25

# min_silent is the number of unreplied connections sent to one real server that answered none
# from which that real server is suspect.
min_silent := 2

# significant(d) is true when the destination's unreplied connections say something: at least
# min_unreplied of them and min_share percent of its connections, or all of them. On a busy node
# a few percent of the connections to any address are always being opened.
significant(d) if {
	d.unreplied >= min_unreplied
	d.unreplied * 100 >= d.flows * min_share
}

significant(d) if {
	d.unreplied > 0
	d.unreplied == d.flows
}

# telling(d) is true when the destination's unreplied connections are significant or a real server
# answered none of min_silent or more.
telling(d) if significant(d)

telling(d) if {
	some rs in d.realServers
	rs.unreplied >= min_silent
	rs.replied == 0
}

# silent(d) are the real servers that answered none of the min_silent or more connections sent to
# them (the input counts the replied ones; null when it could not).
silent(d) := [rs | some rs in d.realServers; rs.unreplied >= min_silent; rs.replied == 0]

# corroborating are the states of a real server that say it should not get connections: no
# endpoint of the Service, an endpoint neither ready nor serving, terminating, or ready at
# another port.
corroborating := {"no-endpoint", "not-serving", "terminating", "other-port"}

# severity_of is "" (the rule's warning) for a dead backend or significant unreplied connections,
# "info" for a silent real server that is a ready endpoint; undefined otherwise.
severity_of(d, dead) := "" if count(dead) > 0

else := "" if significant(d)

else := "info" if {
	count(silent(d)) > 0
}

owner_words(o) := "" if o.service == ""

else := sprintf(" (%s of %s)", [lib.role_name(o.role), o.service])

from_local_note(d) := sprintf(" %d of them come from this node's own addresses.", [d.fromLocalUnreplied]) if {
	d.fromLocalUnreplied > 0
} else := ""

clients(d) := lib.top(d.topClients, 3) if count(d.topClients) > 0

else := "not recorded"

# backends lists the real servers of the unreplied flows; a reply tuple still addressed from the
# Service address itself does not show the real server.
backends(d) := lib.top(shown, 5) if {
	shown := {lib.addr_port(rs.ip, rs.port): rs.unreplied | some rs in d.realServers}
	count(shown) > 0
} else := "not shown by conntrack (the reply tuple still names the Service address)"

state_words := {
	"no-endpoint": "is no endpoint of %s",
	"not-serving": "is an endpoint of %s that is neither ready nor serving",
	"terminating": "is an endpoint of %s that is terminating, not ready",
	"other-port": "is a ready endpoint of %s at another port",
}

dead_words(d, o, rs) := sprintf(" Real server %s answered none of the %d connections sent to it and %s: a dead backend%s.", [
	lib.rs_name(rs), rs.unreplied, sprintf(state_words[rs.state], [o.service]), listed_words(d, rs),
])

# listed_words tells whether the virtual service still lists the real server; nothing when
# ipvsadm shows no virtual service for the destination.
listed_words(d, rs) := " that IPVS still sends new connections to (see stale-real-server)" if rs.entry != null

else := ", which the virtual service no longer lists (kube-proxy removed it since)" if {
	count(d.virtualServer) > 0
}

else := ""

quiet_words(o, rs) := sprintf(" Real server %s answered none of the %d connections sent to it, although it is a ready endpoint of %s: nothing else in the bundle says it is dead; a process that stopped answering behind a passing readiness probe, a firewall between this node and it, or replies that go back another way would explain it.", [lib.rs_name(rs), rs.unreplied, o.service]) if {
	rs.state == "ready"
} else := sprintf(" Real server %s answered none of the %d connections sent to it; the bundle does not say what it is to %s (its endpoints were not read).", [lib.rs_name(rs), rs.unreplied, o.service]) if {
	o.service != ""
} else := sprintf(" Real server %s answered none of the %d connections sent to it.", [lib.rs_name(rs), rs.unreplied])

rule_words := sprintf("This rule reports a destination when %d or more of its connections and %d %% of them are unreplied, when all of them are, or when a real server answered none of %d or more sent to it; fewer unreplied connections spread over real servers that answer others are taken for attempts in flight.", [min_unreplied, min_share, min_silent])
