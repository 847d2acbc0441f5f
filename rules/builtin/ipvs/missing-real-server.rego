# METADATA
# title: endpoint missing from a virtual service
# description: >-
#   An endpoint that kube-proxy lists on a virtual service is not one of its
#   real servers with weight above 0: a ready endpoint that the Service's
#   traffic policy puts there (all ready endpoints for Cluster, the node's own
#   for Local, all cluster endpoints for Local without a local one from 1.24),
#   or, when none is ready, a serving and terminating one
#   (ProxyTerminatingEndpoints). kube-proxy adds such endpoints on its next
#   sync, so it is not syncing on the node (or the captures were taken at
#   different moments during a rollout), and that backend gets no traffic
#   from it. Services with topology hints or trafficDistribution are left
#   out: the hints may keep endpoints away from a node on purpose. Only a
#   complete `ipvsadm -Ln` listing is trusted for this.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L1844-L1895
#     description: kube-proxy's choice of real servers per virtual service
#   - ref: https://github.com/kubernetes/kubernetes/pull/97081
#     description: eTP=Local falls back to all cluster endpoints from 1.24
# custom:
#   id: missing-real-server
#   severity: warning
#   behaviour: B10
#   remediation: >-
#     Read kube-proxy's log on the node for sync errors and restart it. If the
#     Service uses topology hints or trafficDistribution, check the hints of its
#     EndpointSlices, which may keep endpoints away from this node on purpose.
package ipvslint.rules.missing_real_server

import data.ipvslint.lib

# diff.missingRealServers is listed only from a complete IPVS listing, with the Services and
# their endpoints read.
findings contains f if {
	some node_name
	some m in input.nodes[node_name].diff.missingRealServers
	f := {
		"node": node_name,
		"service": m.service,
		"target": endpoint_target(m.ip, m.port, m.protocol),
		"message": sprintf(
			"%s, %s of %s%s, is missing from %s on %s, where %s%s. kube-proxy adds %s on its next sync, so it is not syncing on %s, or the captures were taken at different moments during a rollout (compare when the Service's endpoints and ipvsadm were captured); until it syncs, this backend gets no traffic from the node.",
			[
				endpoint_name(m.ip, m.port), kind(m.ready), m.service, on_node(m),
				lib.join_sorted({lib.vs_name(vs) | some vs in m.virtualServers}), node_name,
				listed_by(m.ready), weight_zero_note(m), added(m.ready), node_name,
			],
		),
		"evidence": array.concat([vs.evidence | some vs in m.virtualServers], [m.serviceEvidence]),
	}
}

kind(true) := "a ready endpoint"

kind(false) := "a serving, terminating endpoint"

listed_by(true) := "the Service's traffic policy puts it"

listed_by(false) := "kube-proxy lists it while the Service has no ready endpoint for it"

added(true) := "ready endpoints"

added(false) := "such endpoints"

weight_zero_note(m) := " (it is listed with weight 0, so it gets no new connections)" if {
	some vs in m.virtualServers
	vs.weightZero
} else := ""

endpoint_target(ip, 0, _) := ip

endpoint_target(ip, port, protocol) := lib.target(ip, port, protocol) if port != 0

endpoint_name(ip, 0) := ip

endpoint_name(ip, port) := lib.addr_port(ip, port) if port != 0

on_node(m) := sprintf(" on %s", [m.nodeName]) if m.nodeName != ""

else := ""
