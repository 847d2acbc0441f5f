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
import data.ipvslint.lib.ipvs

findings contains f if {
	some node_name, node in input.nodes
	lib.capture_ok(node, "ipvsadm")
	draining := {[svc_key, vs, rs] |
		some vs in node.virtualServers
		some rs in vs.realServers
		rs.weight == 0
		counts_for(vs, rs)
		some svc_key in services_of(vs)
	}
	some [svc_key, ip, port, protocol] in {[k, rs.ip, rs.port, vs.protocol] | some [k, vs, rs] in draining}
	here := [[vs, rs] | some [k, vs, rs] in draining; k == svc_key; rs.ip == ip; rs.port == port; vs.protocol == protocol]
	f := object.union(
		{
			"node": node_name,
			"service": svc_key,
			"target": lib.target(ip, port, protocol),
			"message": sprintf("%s has weight 0 in %s on %s. %s%s", [
				lib.addr_port(ip, port),
				ipvs.join_sorted({sprintf("%s (%d active, %d inactive connections)", [ipvs.vs_name(vs), rs.activeConn, rs.inActConn]) | some [vs, rs] in here}),
				node_name, explanation[kind(protocol)], endpoint_note(svc_key, ip, node_name, here),
			]),
			"evidence": array.concat([lib.evidence(rs) | some [_, rs] in here], [lib.evidence(vs) | some [vs, _] in here]),
		},
		severity[kind(protocol)],
	)
}

# counts_for: a TCP (or firewall-mark) real server counts while it holds connections; a
# UDP or SCTP one always, since kube-proxy never leaves those at weight 0.
counts_for(vs, rs) if {
	not vs.protocol in {"UDP", "SCTP"}
	rs.activeConn + rs.inActConn > 0
}

counts_for(vs, _) if vs.protocol in {"UDP", "SCTP"}

services_of(vs) := {s.service | some s in vs.services} if count(vs.services) > 0

else := {""}

# kind(protocol) is "drops" for the protocols kube-proxy deletes at once, "drains" otherwise.
kind(protocol) := "drops" if protocol in {"UDP", "SCTP"}

else := "drains"

explanation := {
	"drains": "kube-proxy is gracefully removing it (graceful termination): its endpoint left the ready set, it gets no new connections, and kube-proxy deletes it once its connections reach 0 (checked every minute).",
	"drops": "kube-proxy deletes UDP and SCTP real servers at once and never leaves them at weight 0, so current kube-proxy did not set this: an old kube-proxy with UDP graceful termination (which black-holed traffic, kubernetes#76664) or another agent did, and flows still pointing to it get no answer.",
}

severity := {"drains": {}, "drops": {"severity": "warning"}}

# endpoint_note(svc_key, ip, node_name, here) tells whether a weight-0 real server that is still a
# ready endpoint should be back at weight 1: kube-proxy lists it again when the Service's traffic
# policy puts it on one of these virtual services (ipvs.expected_ready); it drains it on purpose
# when the policy keeps it off all of them (eTP/iTP Local with a local endpoint); otherwise
# (topology hints, unknown version) it cannot be told.
endpoint_note(svc_key, ip, node_name, here) := " It is still a ready endpoint of the Service, and the Service's traffic policy puts it on this virtual service, so kube-proxy should have set weight 1 again: it has not synced, or the captures were taken at different moments (during a rollout, compare when they were taken)." if {
	ready_endpoint(svc_key, ip)
	some ready in expected_by_role(svc_key, ip, node_name, here)
	ip in ready
} else := sprintf(" It is still a ready endpoint of the Service, but the Service's traffic policy keeps it off this virtual service on %s (only the node's own endpoints are listed there), so kube-proxy is draining it on purpose.", [node_name]) if {
	ready_endpoint(svc_key, ip)
	known := expected_by_role(svc_key, ip, node_name, here)
	count(known) == count(roles_here(svc_key, here))
	every ready in known {
		not ip in ready
	}
} else := " It is still a ready endpoint of the Service: unless its traffic policy or topology hints keep it off this node's virtual service (then the draining is on purpose), kube-proxy should have set weight 1 again." if {
	ready_endpoint(svc_key, ip)
} else := ""

ready_endpoint(svc_key, ip) if {
	some ep in input.cluster.services[svc_key].endpoints
	ep.ip == ip
	ep.ready
}

# roles_here(svc_key, here) are the roles in which the virtual services of here serve svc_key.
roles_here(svc_key, here) := {s.role | some pair in here; some s in pair[0].services; s.service == svc_key}

# expected_by_role is role -> the ready endpoints kube-proxy lists there, for the roles of here
# where that is known.
expected_by_role(svc_key, ip, node_name, here) := {role: ready |
	some role in roles_here(svc_key, here)
	ready := ipvs.expected_ready(input.cluster.services[svc_key], node_name, role, ipvs.family(ip))
}
