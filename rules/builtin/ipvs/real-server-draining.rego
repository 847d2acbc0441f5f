# METADATA
# title: real server draining with weight 0
# description: >-
#   A TCP real server has weight 0 and still holds connections: kube-proxy is
#   gracefully removing an endpoint that left the ready set. It gets no new
#   connections and is deleted once its active and inactive connections reach 0
#   (checked every minute). kube-proxy deletes UDP and SCTP real servers at
#   once, so a weight-0 UDP or SCTP real server was not set by current
#   kube-proxy graceful termination: old kube-proxy UDP graceful termination
#   black-holed such traffic, and another agent may have set it.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/graceful_termination.go
#     description: kube-proxy's graceful termination of real servers
#   - ref: https://github.com/kubernetes/kubernetes/issues/76664
#     description: UDP graceful termination black-holed traffic
# custom:
#   id: real-server-draining
#   severity: info
#   behaviour: B10
#   remediation: >-
#     Nothing to do for TCP: the real server goes away when its connections end.
#     For a weight-0 UDP or SCTP real server, find what set it (another IPVS
#     agent, a manual ipvsadm -e, an old kube-proxy) and delete it with
#     `ipvsadm -d -u VIP:PORT -r IP:PORT`.
package ipvslint.rules.real_server_draining

import data.ipvslint.lib

findings contains f if {
	some node_name
	some d in input.nodes[node_name].diff.drainingRealServers
	lib.capture_ok(node_name, "ipvsadm")
	here := [e | some e in d.entries; counts_for(d.protocol, e.rs)]
	count(here) > 0
	f := object.union(
		{
			"node": node_name,
			"service": d.service,
			"target": lib.target(d.ip, d.port, d.protocol),
			"message": sprintf("%s has weight 0 in %s on %s. %s%s", [
				lib.addr_port(d.ip, d.port),
				lib.join_sorted({sprintf("%s (%d active, %d inactive connections)", [lib.vs_name(e.vs), e.rs.activeConn, e.rs.inActConn]) | some e in here}),
				node_name, explanation[kind(d.protocol)], endpoint_note(d, node_name),
			]),
			"evidence": array.concat([e.rs.evidence | some e in here], [e.vs.evidence | some e in here]),
		},
		severity[kind(d.protocol)],
	)
}

# counts_for: a TCP (or firewall-mark) real server counts while it holds connections; a
# UDP or SCTP one always, since kube-proxy never leaves those at weight 0.
counts_for(protocol, rs) if {
	not protocol in {"UDP", "SCTP"}
	rs.activeConn + rs.inActConn > 0
}

counts_for(protocol, _) if protocol in {"UDP", "SCTP"}

# kind(protocol) is "drops" for the protocols kube-proxy deletes at once, "drains" otherwise.
kind(protocol) := "drops" if protocol in {"UDP", "SCTP"}

else := "drains"

explanation := {
	"drains": "kube-proxy is gracefully removing it (graceful termination): its endpoint left the ready set, it gets no new connections, and kube-proxy deletes it once its connections reach 0 (checked every minute).",
	"drops": "kube-proxy deletes UDP and SCTP real servers at once and never leaves them at weight 0, so current kube-proxy did not set this: an old kube-proxy with UDP graceful termination (which black-holed traffic, kubernetes#76664) or another agent did, and flows still pointing to it get no answer.",
}

severity := {"drains": {}, "drops": {"severity": "warning"}}

# endpoint_note(d, node_name) tells whether a weight-0 real server that is still a ready endpoint
# should be back at weight 1: kube-proxy lists it again when the Service's traffic policy puts it
# on one of these virtual services; it drains it on purpose when the policy keeps it off all of
# them (eTP/iTP Local with a local endpoint); otherwise (topology hints, unknown version) it
# cannot be told.
endpoint_note(d, node_name) := " It is still a ready endpoint of the Service, and the Service's traffic policy puts it on this virtual service, so kube-proxy should have set weight 1 again: it has not synced, or the captures were taken at different moments (during a rollout, compare when they were taken)." if {
	d.policy == "listed"
} else := sprintf(" It is still a ready endpoint of the Service, but the Service's traffic policy keeps it off this virtual service on %s (only the node's own endpoints are listed there), so kube-proxy is draining it on purpose.", [node_name]) if {
	d.policy == "kept-off"
} else := " It is still a ready endpoint of the Service: unless its traffic policy or topology hints keep it off this node's virtual service (then the draining is on purpose), kube-proxy should have set weight 1 again." if {
	d.readyEndpoint
} else := ""
