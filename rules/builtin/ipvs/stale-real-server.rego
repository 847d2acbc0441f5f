# METADATA
# title: real server that is no ready endpoint
# description: >-
#   A real server with weight above 0 is not a ready (or terminating but still
#   serving) endpoint of the Service its virtual service belongs to. kube-proxy
#   sets a departed endpoint's weight to 0 (TCP) or deletes it (UDP, SCTP) on
#   its next sync, so a weight-1 real server absent from the EndpointSlices
#   means kube-proxy on the node is not syncing: it is crash-looping, cannot
#   reach the API server, or runs with a wrong --hostname-override (or the
#   captures were taken at different moments during a rollout). New
#   connections are still sent to a backend that is gone or not ready.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/graceful_termination.go
#     description: kube-proxy's graceful termination of real servers
# custom:
#   id: stale-real-server
#   severity: warning
#   behaviour: B10
#   remediation: >-
#     Read kube-proxy's log on the node (sync errors, API server access, node
#     name) and restart it; it then removes the stale real servers. Until then
#     `ipvsadm -d -t VIP:PORT -r IP:PORT` removes one by hand.
package ipvslint.rules.stale_real_server

import data.ipvslint.lib
import data.ipvslint.lib.ipvs

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name, node in input.nodes
	lib.capture_ok(node, "ipvsadm")
	some svc_key, refs in node.virtualServersByService
	svc := input.cluster.services[svc_key]
	ipvs.endpoints_known(svc)
	stale := {[vs, rs] |
		some r in refs
		vs := node.virtualServers[r.key]
		eps := ipvs.usable_endpoints(svc, r.role, vs.port, vs.protocol)
		some rs in vs.realServers
		rs.weight > 0
		not [rs.ip, rs.port] in eps
		not [rs.ip, 0] in eps
	}
	some [ip, port, protocol] in {[rs.ip, rs.port, vs.protocol] | some [vs, rs] in stale}
	here := [[vs, rs] | some [vs, rs] in stale; rs.ip == ip; rs.port == port; vs.protocol == protocol]
	f := {
		"node": node_name,
		"service": svc_key,
		"target": lib.target(ip, port, protocol),
		"message": sprintf(
			"%s is a real server with weight above 0 of %s on %s, but %s. kube-proxy takes a departed endpoint out on its next sync, so kube-proxy on %s is not syncing (crash-looping, API server unreachable, or a wrong --hostname-override), or the captures were taken at different moments during a rollout (compare when the Service's endpoints and ipvsadm were captured); until it syncs, new connections are still sent to it.",
			[
				lib.addr_port(ip, port),
				ipvs.join_sorted({sprintf("%s (weight %d, %d active, %d inactive)", [ipvs.vs_name(vs), rs.weight, rs.activeConn, rs.inActConn]) | some [vs, rs] in here}),
				node_name, endpoint_state(svc, svc_key, ip), node_name,
			],
		),
		"evidence": array.concat(
			[lib.evidence(rs) | some [_, rs] in here],
			array.concat([lib.evidence(vs) | some [vs, _] in here], [lib.evidence(svc)]),
		),
	}
}

endpoint_state(svc, svc_key, ip) := sprintf("%s is no endpoint of %s", [ip, svc_key]) if {
	not ip in {ep.ip | some ep in svc.endpoints}
} else := sprintf("it is an endpoint of %s that is neither ready nor serving", [svc_key]) if {
	not ip in {ep.ip | some ep in svc.endpoints; ipvs.usable(ep)}
} else := sprintf("%s is an endpoint of %s at another port", [ip, svc_key])
