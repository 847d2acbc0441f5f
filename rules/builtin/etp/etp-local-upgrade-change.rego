# METADATA
# title: eTP=Local behaviour changes on upgrade to 1.24
# description: >-
#   Before Kubernetes 1.24, a node without a ready local endpoint of an
#   externalTrafficPolicy Local Service refuses the Service's NodePort and load
#   balancer IP. From 1.24 (PR #97081, not in the changelog) kube-proxy in IPVS
#   mode forwards that traffic to endpoints on other nodes without SNAT. What
#   then works depends on the client and the CNI: external clients entering
#   through such a node and host processes connecting to the load balancer IP
#   time out with a VPC-routed CNI or hostNetwork backends, and lose their
#   source IP with flannel; pods on the node work and keep their pod IP.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/pull/97081
#     description: kube-proxy IPVS falls back to all endpoints for eTP=Local without local endpoints (v1.24.0)
#   - ref: https://github.com/kubernetes/kubernetes/issues/125167
#     description: users reporting externalTrafficPolicy Local "not respected" after upgrading
# custom:
#   id: etp-local-upgrade-change
#   severity: warning
#   behaviour: B6
#   remediation: >-
#     Before upgrading, make sure external traffic only reaches nodes with a
#     backend (load balancer health check on healthCheckNodePort, no direct
#     NodePort clients on other nodes) and that host processes use the ClusterIP
#     rather than the load balancer IP, or run a backend on every node.
package ipvslint.rules.etp_local_upgrade_change

import data.ipvslint.lib

# A node with captures is reported from the evaluation that holds it, with its empty virtual
# services as evidence. The nodes that only nodes.yaml names are reported together, once per
# Service (node ""), from every evaluation alike. The node lists are cut to their first names, so
# a finding costs the Service's endpoints, not the cluster's node count.
findings contains f if {
	some svc_key, with_eps in changing
	input.nodes[node_name].name
	not node_name in with_eps
	empty := empty_vs(svc_key, node_name)
	applies(empty)
	svc := input.cluster.localPolicies[svc_key]
	without := lacking(named, input.cluster.nodeNames, with_eps)
	f := lib.finding(
		{
			"node": node_name,
			"service": svc_key,
			"target": "",
			"message": sprintf(
				"%s has externalTrafficPolicy: Local and no ready endpoint on %s (%d node(s) have none: %s). With %s, clients that reach the Service's NodePort or load balancer IP on this node are refused. From 1.24 (PR #97081) the node forwards such traffic to the endpoints on other nodes (%s) without SNAT instead: %s",
				[
					svc_key, node_name, without.count, without.names, lib.kube_proxy_words("before 1.24"),
					endpoint_nodes(svc), outcome(svc, "this node"),
				],
			),
			"evidence": array.concat([svc.evidence], [vs.evidence | some vs in empty]),
		},
		"",
		array.concat(version_assumptions(empty), cni_assumptions[outcome_case(svc)]),
	)
}

findings contains f if {
	lib.version_below(1, 24)
	some svc_key, with_eps in changing
	without := lacking(uncaptured, uncaptured_sorted, with_eps)
	without.count > 0
	svc := input.cluster.localPolicies[svc_key]
	f := lib.finding(
		{
			"node": "",
			"service": svc_key,
			"target": "",
			"message": sprintf(
				"%s has externalTrafficPolicy: Local and no ready endpoint on %s that the bundle has no captures of: %s. With %s, clients that reach the Service's NodePort or load balancer IP on such a node are refused. From 1.24 (PR #97081) such a node forwards that traffic to the endpoints on other nodes (%s) without SNAT instead: %s",
				[
					svc_key, lib.plural(without.count, "node"), without.names, lib.kube_proxy_words("before 1.24"),
					endpoint_nodes(svc), outcome(svc, "it"),
				],
			),
			"evidence": [svc.evidence],
		},
		"",
		cni_assumptions[outcome_case(svc)],
	)
}

# changing[svc_key] are the nodes with a ready endpoint of each Service whose behaviour changes
# with the upgrade: externalTrafficPolicy Local, externally accessible, its endpoints known and
# some ready, while the change is ahead (or the version is unknown).
changing[svc_key] := with_eps if {
	lib.cluster_capture_ok("services")
	not lib.version_at_least(1, 24)
	some svc_key, svc in input.cluster.localPolicies
	svc.externalTrafficPolicy == "Local"
	svc.externallyAccessible
	svc.endpointsKnown
	with_eps := {n | some n in svc.readyEndpointNodes}
	count(with_eps) > 0
}

# named are the nodes the bundle names, from nodes.yaml or from their captures.
named := {n | some n in input.cluster.nodeNames}

# uncaptured are the nodes only nodes.yaml names, as a set and sorted.
uncaptured := named - {n | some n in input.cluster.capturedNodes}

uncaptured_sorted := sort(uncaptured)

# shown is how many node names a message lists.
shown := 5

# lacking(nodes, sorted, with_eps) is how many of nodes (a set; sorted holds them in order) have
# no ready endpoint, and the first names of those: it reads sorted no further than it names.
lacking(nodes, sorted, with_eps) := {"count": n, "names": lib.some_of(first, n, shown)} if {
	n := count(nodes) - count({x | some x in with_eps; x in nodes})
	first := [x | some x in array.slice(sorted, 0, shown + count(with_eps)); not x in with_eps]
}

# endpoint_nodes(svc) names the first nodes with a ready endpoint of svc.
endpoint_nodes(svc) := lib.some_of(svc.readyEndpointNodes, count(svc.readyEndpointNodes), shown)

# empty_vs(svc_key, node_name) are the captured external virtual services of svc_key on the node
# that have no real server.
empty_vs(svc_key, node_name) := [vs |
	lib.capture_ok(node_name, "ipvsadm")
	some vs in local_policy[node_name][svc_key].virtualServers
	vs.role in lib.external_roles
	count(vs.realServers) == 0
]

# local_policy[node_name] is the node's localPolicy by Service (it lists each Service once), so
# that empty_vs looks a Service up instead of walking the list for each changing Service.
local_policy[node_name] := {gap.service: gap | some gap in gaps} if {
	some node_name
	gaps := input.nodes[node_name].localPolicy
}

# applies: the version is known to be before 1.24, or unknown and the node's empty virtual services show it.
applies(_) if lib.version_below(1, 24)

applies(empty) if {
	not lib.version_known
	count(empty) > 0
}

outcome_case(svc) := "hostNetwork" if svc.hostNetworkReady

else := input.cluster.cni.class

# outcome(svc, where) is what the clients of a node without a ready endpoint meet after the
# upgrade; where names the node ("this node", "it").
outcome(svc, where) := sprintf(outcomes[outcome_case(svc)], [where])

outcomes := {
	"vpc": "external clients entering through %s time out (the backend pod replies from its pod IP), host processes on it that connect to the load balancer IP time out (their source is the load balancer IP itself), host processes that use the node's own NodePort work, and pods on it work and keep their pod IP.",
	"hostNetwork": "the backends use hostNetwork, so external clients entering through %s and host processes on it that connect to the load balancer IP time out (the reply comes from the other node's IP or goes to a local address there); pods on it work and keep their pod IP.",
	"overlay": "flannel masquerades it, so external clients entering through %s work but the backend sees the node's flannel address, and host processes that connect to the load balancer IP work but lose their source address; pods on it work and keep their pod IP.",
	"unknown": "with a VPC-routed CNI, external clients entering through %s and host processes on it connecting to the load balancer IP time out; with flannel they work but lose their source address; pods on it work and keep their pod IP either way.",
}

cni_assumptions := {
	"vpc": [], "hostNetwork": [], "overlay": [],
	"unknown": ["The CNI is unknown, so both outcomes after the upgrade are given: VPC-routed CNI (timeouts) and overlay with masquerade such as flannel (source IP lost)."],
}

version_assumptions(_) := [] if lib.version_known

version_assumptions(empty) := [msg] if {
	not lib.version_known
	msg := sprintf("The Kubernetes version is unknown; the %d empty virtual service(s) on this node show kube-proxy before 1.24. If the cluster already runs 1.24 or later, this change has already happened: see etp-local-remote-backends.", [count(empty)])
}
