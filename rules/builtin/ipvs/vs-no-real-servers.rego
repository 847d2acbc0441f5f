# METADATA
# title: virtual service without real servers
# description: >-
#   A virtual service of a Service has no real servers, and no traffic policy
#   explains it: the Service has no ready endpoint at all (selector, readiness,
#   or no endpoint of the virtual service's IP family), or kube-proxy should
#   have listed endpoints here (ready ones, or serving and terminating ones
#   when none is ready) and has not synced. IPVS answers every
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
#   client: pod
#   remediation: >-
#     Check that the Service's selector matches running pods and that they pass
#     their readiness probe (kubectl get endpointslices -l
#     kubernetes.io/service-name=NAME). If the endpoints are ready, restart
#     kube-proxy on the node and read its log for sync errors.
package ipvslint.rules.vs_no_real_servers

import data.ipvslint.lib

# diff.emptyVirtualServers is listed only from a complete IPVS listing, with the Services and
# their endpoints read.
findings contains f if {
	some node_name
	some e in input.nodes[node_name].diff.emptyVirtualServers
	why := reason(e)
	f := {
		"node": node_name,
		"service": e.service,
		"target": lib.vs_target(e),
		"message": sprintf(
			"The %s virtual service %s of %s on %s has no real servers: %s IPVS refuses every connection to it (ICMP port unreachable).",
			[lib.role_name(e.role), lib.vs_name(e), e.service, node_name, why],
		),
		"evidence": [e.evidence, e.serviceEvidence],
	}
}

# reason says why the virtual service is empty; undefined when a traffic policy explains it
# or when what kube-proxy should list depends on what the bundle does not say.
reason(e) := why if {
	e.endpoints.all == 0
	why := no_endpoints(e)
} else := why if {
	e.expectedTerminating
	why := sprintf("%s, so kube-proxy falls back to the endpoints that are terminating but still serving: it should list the Service's terminating %s here, %s", [
		no_ready(e),
		expected_list(e),
		not_synced,
	])
} else := why if {
	e.endpoints.ready == 0
	why := sprintf("none of the Service's %s is ready.%s", [
		lib.plural(e.endpoints.all, "endpoint"),
		terminating_note(e),
	])
} else := why if {
	e.endpoints.readyInFamily == 0
	why := sprintf("the Service has ready endpoints, but none of the virtual service's family %s (IP family mismatch).", [family(e.ip)])
} else := why if {
	count(e.expected) > 0
	why := sprintf("kube-proxy should list the Service's %s here, %s", [expected_list(e), not_synced])
}

# no_ready says why no ready endpoint is for the virtual service when kube-proxy falls back
# to the terminating ones: none is ready, none is of its family, or none is on the node (a
# Local traffic policy).
no_ready(e) := sprintf("none of the Service's %s is ready", [lib.plural(e.endpoints.all, "endpoint")]) if {
	e.endpoints.ready == 0
} else := sprintf("none of the Service's ready endpoints is of the virtual service's family %s", [family(e.ip)]) if {
	e.endpoints.readyInFamily == 0
} else := "its traffic policy is Local and none of the Service's ready endpoints is on this node"

not_synced := "so it has not synced this Service on the node (crash-looping, API server unreachable, or a wrong --hostname-override)."

expected_list(e) := sprintf("%s %s", [plural_word(count(e.expected)), concat(", ", e.expected)])

family(ip) := "IPv6" if contains(ip, ":")

else := "IPv4"

no_endpoints(e) := "the Service has no endpoints: its selector matches no pod." if e.selector

else := "the Service has no selector and no endpoints were created for it."

# terminating_note tells, when none is ready and kube-proxy does not fall back to the serving,
# terminating endpoints, why: it keeps them off here ([]) or the bundle does not say (null).
terminating_note(e) := "" if {
	e.endpoints.servingTerminating == 0
} else := sprintf(" %d of them are terminating but still serving; kube-proxy does not list them on this virtual service (ProxyTerminatingEndpoints is off, or the traffic policy keeps them off).", [e.endpoints.servingTerminating]) if {
	e.expected == []
} else := sprintf(" %d of them are terminating but still serving; whether kube-proxy lists them here (ProxyTerminatingEndpoints) depends on what the bundle does not say.", [e.endpoints.servingTerminating]) if {
	e.expected == null
}

plural_word(1) := "endpoint"

plural_word(n) := "endpoints" if n != 1
