# METADATA
# title: eTP=Local node without local endpoint refuses clients
# description: >-
#   Before Kubernetes 1.24, kube-proxy in IPVS mode gives the NodePort, load
#   balancer IP and external IP virtual services of an externalTrafficPolicy
#   Local Service only the node's own ready endpoints. On a node without one the
#   virtual service has no real servers, and IPVS answers every connection to it
#   with ICMP port unreachable: clients are refused, they are not silently
#   dropped. This hits clients on the node (pods and host processes connecting
#   to the load balancer IP, which is bound locally) and any client sent to the
#   node's NodePort.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/issues/75262
#     description: eTP=Local load balancer IP unreachable from nodes without endpoints in IPVS mode
#   - ref: https://github.com/kubernetes/kubernetes/pull/97081
#     description: from 1.24 kube-proxy falls back to all endpoints instead
#   - ref: https://github.com/openelb/openelb/issues/188
#     description: connection refused from a node without endpoints
# custom:
#   id: etp-local-no-endpoints-refused
#   severity: error
#   behaviour: B6
#   client: external # a client sent to the node without a local endpoint
#   remediation: >-
#     In-cluster clients should use the ClusterIP or the Service's DNS name
#     rather than the load balancer IP; send external traffic only to nodes
#     with a backend (health check on healthCheckNodePort); or use
#     externalTrafficPolicy Cluster. Upgrading to 1.24 or later changes the
#     behaviour (see etp-local-upgrade-change) rather than simply fixing it.
package ipvslint.rules.etp_local_no_endpoints_refused

import data.ipvslint.lib

findings contains f if {
	lib.cluster_capture_ok("services")
	not lib.version_at_least(1, 24)
	some node_name
	some gap in input.nodes[node_name].localPolicy
	lib.capture_ok(node_name, "ipvsadm")
	svc := input.cluster.localPolicies[gap.service]
	svc.externalTrafficPolicy == "Local"
	gap.readyRemote > 0
	some vs in gap.virtualServers
	vs.role in lib.external_roles
	count(vs.realServers) == 0
	f := lib.finding(
		{
			"node": node_name,
			"service": gap.service,
			"target": lib.vs_target(vs),
			"message": sprintf(
				"%s has no ready endpoint of %s (externalTrafficPolicy: Local; its %d ready endpoint(s) are on %s), and %s leaves its %s virtual service %s with no real servers. IPVS answers every connection to it with ICMP port unreachable, so %s are refused.",
				[
					node_name, gap.service, gap.readyRemote, concat(", ", svc.readyEndpointNodes),
					lib.kube_proxy_words("before 1.24"), lib.role_name(vs.role), lib.addr_port(vs.ip, vs.port), clients(vs.role, node_name),
				],
			),
			"evidence": array.concat([vs.evidence], array.concat(vip_evidence(vs), [svc.evidence])),
		},
		"",
		version_assumptions,
	)
}

clients(role, node_name) := sprintf("pods and host processes on %s that connect to it (the address is bound on %s's kube-ipvs0, so they never reach the real load balancer), and any client routed to %s for it", [node_name, node_name, node_name]) if role != "nodePort"

else := sprintf("all clients sent to %s's NodePort", [node_name])

vip_evidence(vs) := [vs.bound] if vs.bound != null

else := []

version_assumptions := [] if lib.version_known

else := ["The Kubernetes version is unknown; an empty virtual service while other nodes hold ready endpoints is what kube-proxy before 1.24 does. From 1.24 (PR #97081) kube-proxy would instead forward to the endpoints on other nodes without SNAT (see etp-local-remote-backends). The refusal itself holds in every version: IPVS refuses connections to a virtual service without real servers."]
