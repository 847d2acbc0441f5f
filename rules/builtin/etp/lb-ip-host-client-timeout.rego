# METADATA
# title: host clients time out on the load balancer IP
# description: >-
#   A host process (or hostNetwork pod) that connects to a load balancer or
#   external IP bound on the node's kube-ipvs0 uses that IP itself as source
#   address. From Kubernetes 1.24, when an externalTrafficPolicy Local Service
#   has no ready endpoint on the node, kube-proxy forwards such connections to
#   endpoints on other nodes without SNAT. The backend replies to the load
#   balancer IP, which is local on its own node too, so the reply never returns
#   and the client times out. This happens when pod IPs are routed natively
#   (VPC CNI) or the backends use hostNetwork; flannel masquerades host traffic
#   and works. Pods on the node are not affected.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/pull/97081
#     description: the fallback to all endpoints; its description names this case
#   - ref: https://github.com/kubernetes/kubernetes/issues/93456
#     description: access from nodes without local endpoints, only partially fixed
# custom:
#   id: lb-ip-host-client-timeout
#   severity: error
#   behaviour: B8
#   client: host # a host process, whose source is the load balancer IP itself
#   remediation: >-
#     Have host clients use the ClusterIP or the Service's DNS name instead of
#     the load balancer IP, run a backend on every node that has such clients,
#     or use externalTrafficPolicy Cluster if the client IP is not needed.
package ipvslint.rules.lb_ip_host_client_timeout

import data.ipvslint.lib

findings contains f if {
	some fb in lib.fallback_vss
	node_name := fb.node
	vs := fb.vs
	remote := fb.remote
	vs.role in {"loadBalancer", "externalIP"}
	svc := fb.svc
	case := reply_case(vs)
	seen := conntrack_seen(node_name, vs)
	f := lib.finding(
		{
			"node": node_name,
			"service": fb.service,
			"target": lib.vs_target(vs),
			"message": sprintf(
				"Host processes on %s (hostNetwork pods included) that connect to the %s %s of %s %s. The address is bound on %s's kube-ipvs0, so such a connection's source address is %s itself; %s has no ready endpoint (externalTrafficPolicy: Local) and %s forwards it without SNAT to %s. %s%s Pods on %s are not affected: they keep their pod IP and the reply comes back.",
				[
					node_name, lib.role_name(vs.role), lib.addr_port(vs.ip, vs.port), fb.service, seen.verb,
					node_name, vs.ip, node_name, lib.kube_proxy_fallback_words, lib.rs_list(remote),
					reply_words[case], seen.words, node_name,
				],
			),
			"evidence": array.concat(
				array.concat([vs.bound | vs.bound != null], [vs.evidence]),
				array.concat([rs.evidence | some rs in remote], array.concat(seen.evidence, [svc.evidence])),
			),
		},
		"",
		array.concat(version_assumptions, cni_assumptions[case]),
	)
}

# reply_case(vs) is how the backend's reply to the load balancer IP travels; absent on overlay
# without hostNetwork backends, where flannel masquerades the host's connection (source-ip-lost).
reply_case(vs) := "hostNetwork" if {
	some rs in vs.realServers
	not rs.local
	rs.hostNetwork
}

else := input.cluster.cni.class if input.cluster.cni.class in {"unknown", "vpc"}

reply_words := {
	"hostNetwork": "The hostNetwork backend replies to that address, which is local on its own node too, so the reply never comes back.",
	"vpc": "The backend pod replies to that address, which is local on the backend's node too (it is bound on every node's kube-ipvs0), so the reply never comes back.",
	"unknown": "The backend pod replies to that address, which is local on the backend's node too (it is bound on every node's kube-ipvs0), so the reply never comes back.",
}

cni_assumptions := {
	"hostNetwork": [],
	"vpc": [],
	"unknown": ["The CNI is unknown; assumed it routes pod IPs without SNAT (VPC CNI). On an overlay CNI that masquerades (flannel --ip-masq) flannel would rewrite the source to the node's flannel address and the connection would work, losing the source IP (see source-ip-lost)."],
}

# conntrack_seen(node_name, vs) is the conntrack confirmation: unreplied flows from host
# processes, with the samples whose original source is the load balancer IP. When conntrack was
# captured and shows no such connection, the failure is a risk: such connections "would time out".
conntrack_seen(node_name, vs) := {
	"verb": "time out",
	"words": sprintf(" Conntrack confirms it: %d unreplied flow(s) from host processes to %s.", [vs.conntrack.fromLocalUnreplied, lib.addr_port(vs.ip, vs.port)]),
	"evidence": vs.conntrack.selfSamples,
} if {
	lib.capture_ok(node_name, "conntrack")
	vs.conntrack.fromLocalUnreplied > 0
	vs.conntrack.fromSelf > 0
}

else := {
	"verb": "would time out",
	"words": sprintf(" conntrack shows no such connection at capture time (no unreplied flow from %s to %s).", [vs.ip, lib.addr_port(vs.ip, vs.port)]),
	"evidence": [],
} if {
	lib.capture_ok(node_name, "conntrack")
}

else := {"verb": "time out", "words": "", "evidence": []}

version_assumptions := [] if lib.version_known

else := ["The Kubernetes version is unknown; the remote real servers show kube-proxy 1.24 or later (PR #97081 fallback). Before 1.24 the virtual service would have no real servers and the connection would be refused instead (etp-local-no-endpoints-refused)."]
