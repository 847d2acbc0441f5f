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

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some s in input.nodes[node_name].diff.staleRealServers
	lib.capture_ok(node_name, "ipvsadm")
	f := {
		"node": node_name,
		"service": s.service,
		"target": lib.target(s.ip, s.port, s.protocol),
		"message": sprintf(
			"%s is a real server with weight above 0 of %s on %s, but %s. kube-proxy takes a departed endpoint out on its next sync, so kube-proxy on %s is not syncing (crash-looping, API server unreachable, or a wrong --hostname-override), or the captures were taken at different moments during a rollout (compare when the Service's endpoints and ipvsadm were captured); until it syncs, new connections are still sent to it.",
			[
				lib.addr_port(s.ip, s.port),
				lib.join_sorted({sprintf("%s (weight %d, %d active, %d inactive)", [lib.vs_name(e.vs), e.rs.weight, e.rs.activeConn, e.rs.inActConn]) | some e in s.entries}),
				node_name, endpoint_state(s), node_name,
			],
		),
		"evidence": array.concat(
			[e.rs.evidence | some e in s.entries],
			array.concat([e.vs.evidence | some e in s.entries], [s.serviceEvidence]),
		),
	}
}

endpoint_state(s) := sprintf("%s is no endpoint of %s", [s.ip, s.service]) if s.state == "no-endpoint"

else := sprintf("it is an endpoint of %s that is neither ready nor serving", [s.service]) if s.state == "not-serving"

else := sprintf("%s is an endpoint of %s at another port", [s.ip, s.service])
