# METADATA
# title: virtual service without real servers
# description: >-
#   A virtual service of a Service has no real servers, and no traffic policy
#   explains it: the Service has no ready endpoint at all (selector, readiness,
#   or no endpoint of the virtual service's IP family), or kube-proxy should
#   have listed ready endpoints here and has not synced. IPVS answers every
#   connection to such a virtual service with ICMP port unreachable, so clients
#   are refused. A Local traffic policy on a node without a local endpoint is
#   left to etp-local-no-endpoints-refused and itp-local-no-endpoints.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L1895
#     description: kube-proxy syncs the real servers of each virtual service from the ready endpoints
#   - ref: https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints
#     description: debugging a Service without endpoints
# custom:
#   id: vs-no-real-servers
#   severity: error
#   behaviour: B10
#   remediation: >-
#     Check that the Service's selector matches running pods and that they pass
#     their readiness probe (kubectl get endpointslices -l
#     kubernetes.io/service-name=NAME). If the endpoints are ready, restart
#     kube-proxy on the node and read its log for sync errors.
package ipvslint.rules.vs_no_real_servers

import data.ipvslint.lib
import data.ipvslint.lib.ipvs

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name, node in input.nodes
	ipvs.ipvs_listing_complete(node)
	some vs in node.virtualServers
	count(vs.realServers) == 0
	some s in vs.services
	svc := input.cluster.services[s.service]
	ipvs.endpoints_known(svc)
	why := reason(svc, node_name, s.role, vs)
	f := {
		"node": node_name,
		"service": s.service,
		"target": ipvs.vs_target(vs),
		"message": sprintf(
			"The %s virtual service %s of %s on %s has no real servers: %s IPVS refuses every connection to it (ICMP port unreachable).",
			[lib.role_name(s.role), ipvs.vs_name(vs), s.service, node_name, why],
		),
		"evidence": [lib.evidence(vs), lib.evidence(svc)],
	}
}

# reason says why the virtual service is empty; undefined when a traffic policy explains it
# or when what kube-proxy should list depends on what the bundle does not say.
reason(svc, node_name, role, vs) := why if {
	count(svc.endpoints) == 0
	why := no_endpoints(svc)
} else := why if {
	count({ep | some ep in svc.endpoints; ep.ready}) == 0
	why := sprintf("none of the Service's %s is ready.%s", [
		ipvs.plural(count(svc.endpoints), "endpoint"),
		terminating_note(svc),
	])
} else := why if {
	fam := ipvs.family(vs.ip)
	count(ipvs.ready_ips(svc, fam)) == 0
	why := sprintf("the Service has ready endpoints, but none of the virtual service's family %s (IP family mismatch).", [fam])
} else := why if {
	exp := ipvs.expected_ready(svc, node_name, role, ipvs.family(vs.ip))
	count(exp) > 0
	why := sprintf(
		"kube-proxy should list the Service's ready %s %s here, so it has not synced this Service on the node (crash-looping, API server unreachable, or a wrong --hostname-override).",
		[plural_word(count(exp)), ipvs.join_sorted(exp)],
	)
}

no_endpoints(svc) := "the Service has no endpoints: its selector matches no pod." if svc.selector

else := "the Service has no selector and no endpoints were created for it."

terminating_note(svc) := sprintf(" %d of them are terminating but still serving; kube-proxy uses those when no endpoint is ready (ProxyTerminatingEndpoints, on by default from 1.26).", [n]) if {
	n := count({ep.ip | some ep in svc.endpoints; ep.serving; ep.terminating})
	n > 0
} else := ""

plural_word(1) := "endpoint"

plural_word(n) := "endpoints" if n != 1
