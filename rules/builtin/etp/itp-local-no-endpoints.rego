# METADATA
# title: iTP=Local ClusterIP without local endpoint refuses clients
# description: >-
#   With internalTrafficPolicy Local (applied from Kubernetes 1.22, where it is
#   beta and on by default), kube-proxy gives the ClusterIP virtual service
#   only the node's own endpoints. On a node without a ready one it has
#   no real servers, and IPVS refuses every connection from pods and host
#   processes on that node (ICMP port unreachable). For a Service that also has
#   a NodePort, load balancer IP or external IP this holds only before 1.24:
#   from 1.24 (PR #97081) kube-proxy falls back to all endpoints, so
#   internalTrafficPolicy Local acts like PreferLocal there.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/services-networking/service-traffic-policy/
#     description: Service internal traffic policy
#   - ref: https://github.com/kubernetes/kubernetes/issues/121371
#     description: PreferLocal is already implemented in proxy-mode=ipvs
# custom:
#   id: itp-local-no-endpoints
#   severity: error
#   behaviour: B9
#   client: pod # iTP=Local is about clients inside the cluster
#   remediation: >-
#     Run a backend on every node whose pods use the Service (a DaemonSet), or
#     set internalTrafficPolicy Cluster.
package ipvslint.rules.itp_local_no_endpoints

import data.ipvslint.lib

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some gap in input.nodes[node_name].localPolicy
	lib.capture_ok(node_name, "ipvsadm")
	svc := input.cluster.localPolicies[gap.service]
	svc.internalTrafficPolicy == "Local"
	gap.readyRemote > 0
	case := reach(svc)
	applies(case)
	some vs in gap.virtualServers
	vs.role == "clusterIP"
	count(vs.realServers) == 0
	f := lib.finding(
		{
			"node": node_name,
			"service": gap.service,
			"target": lib.vs_target(vs),
			"message": sprintf(
				"%s has no ready endpoint of %s (internalTrafficPolicy: Local; its %d ready endpoint(s) are on %s), so its ClusterIP virtual service %s has no real servers: IPVS refuses (ICMP port unreachable) every connection from pods and host processes on %s to it.%s",
				[
					node_name, gap.service, gap.readyRemote, concat(", ", svc.readyEndpointNodes),
					lib.addr_port(vs.ip, vs.port), node_name, external_note[case],
				],
			),
			"evidence": [vs.evidence, svc.evidence],
		},
		"",
		assumptions[case],
	)
}

# reach(svc) is "internal" for a ClusterIP-only Service, "external" for one kube-proxy calls
# externally accessible (NodePort, load balancer IP or external IP).
reach(svc) := "external" if svc.externallyAccessible

else := "internal"

# applies(case): ClusterIP-only Services in every version that applies internalTrafficPolicy (the
# model governs the ClusterIP from 1.22, or at an unknown version); externally accessible ones
# before 1.24, or when the version is unknown (the empty virtual service then shows the pre-1.24
# behaviour). An error at an unknown version is what the captures show: an empty virtual service
# refuses its clients whatever the version.
applies("internal")

applies("external") if not lib.version_at_least(1, 24)

external_note := {
	"internal": "",
	"external": sprintf(" The Service also has a NodePort, load balancer IP or external IP; %s has no fallback for it, while from 1.24 (PR #97081) kube-proxy would give this virtual service all cluster endpoints.", [lib.kube_proxy_words("before 1.24")]),
}

assumptions := {"internal": [], "external": []} if lib.version_known

else := {
	"internal": ["The Kubernetes version is unknown; kube-proxy applies internalTrafficPolicy from 1.22 (beta, on by default; alpha in 1.21), which this finding assumes. The refusal itself holds in every version: IPVS refuses connections to a virtual service without real servers."],
	"external": ["The Kubernetes version is unknown; the empty ClusterIP virtual service of an externally accessible Service shows kube-proxy before 1.24. From 1.24 it would list the endpoints on other nodes, so internalTrafficPolicy Local would act like PreferLocal. The refusal itself holds in every version: IPVS refuses connections to a virtual service without real servers."],
}
