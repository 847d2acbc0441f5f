# METADATA
# title: ipMode Proxy or hostname ingress still bound on the node
# description: >-
#   A load balancer ingress with ipMode Proxy, or with only a hostname, tells
#   kube-proxy not to bind the address on kube-ipvs0, so that in-cluster
#   clients go through the real load balancer. If the address is still on
#   kube-ipvs0 or has an IPVS virtual service, that did not happen: kube-proxy
#   is older than 1.29 (no ipMode), the LoadBalancerIPMode feature gate is off
#   (alpha and off by default in 1.29, on by default from 1.30), or kube-proxy
#   has not synced since the ingress changed.
# related_resources:
#   - ref: https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/1860-kube-proxy-IP-node-binding
#     description: KEP-1860, LoadBalancer ingress ipMode
#   - ref: https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode
#     description: load balancer IP mode
# custom:
#   id: ipmode-proxy-still-bound
#   severity: warning
#   behaviour: B3
#   remediation: >-
#     Run kube-proxy 1.30 or later (or 1.29 with --feature-gates
#     LoadBalancerIPMode=true), or report the load balancer by hostname; if the
#     version and gate are right, check that kube-proxy is running and syncing.
package ipvslint.rules.ipmode_proxy_still_bound

import data.ipvslint.lib

# An ingress with ipMode Proxy whose IP is bound or served on the node.
findings contains f if {
	lib.cluster_capture_ok("services")
	some svc_key, svc in input.cluster.services
	some ing in svc.ingress
	ing.ip != ""
	ing.ipMode == "Proxy"
	some node_name, node in input.nodes
	ev := bound_evidence(node, ing.ip)
	count(ev) > 0
	case := version_case
	f := lib.finding(
		{
			"node": node_name,
			"service": svc_key,
			"target": ing.ip,
			"message": sprintf(
				"The load balancer ingress %s of %s has ipMode: Proxy, so in-cluster clients should go through the load balancer, but %s still %s. %s",
				[ing.ip, svc_key, node_name, where(node, ing.ip), reason[case]],
			),
			"evidence": array.concat(ev, [lib.evidence(svc)]),
		},
		"",
		assumptions[case],
	)
}

# An ingress with only a hostname, while a virtual service of no Service still forwards to the
# Service's endpoints on one of its ports: the address it had before. The real servers are matched
# to the endpoints by address and port: a virtual service that serves no Service has no
# realServers[].endpoint.
findings contains f if {
	lib.cluster_capture_ok("services")
	some svc_key, svc in input.cluster.services
	count(svc.ingress) > 0
	every ing in svc.ingress {
		ing.ip == ""
	}
	hostnames := concat(", ", [ing.hostname | some ing in svc.ingress])
	some node_name, node in input.nodes
	lib.capture_ok(node, "ipvsadm")
	some vs in node.virtualServers
	count(vs.services) == 0
	some p in svc.ports
	[vs.port, vs.protocol] == [p.port, p.protocol]
	some rs in vs.realServers
	endpoint_of(svc, rs, vs.protocol)
	f := lib.finding(
		{
			"node": node_name,
			"service": svc_key,
			"target": lib.vs_target(vs),
			"message": sprintf(
				"The load balancer ingress of %s has only a hostname (%s), which kube-proxy never binds, yet %s still has a virtual service %s that matches no Service and forwards to %s's endpoints%s: the address it had before. kube-proxy is not syncing, or has not synced since the ingress changed.",
				[svc_key, hostnames, node_name, lib.addr_port(vs.ip, vs.port), svc_key, ipvs0_words(node, vs.ip)],
			),
			"evidence": array.concat(
				array.concat([lib.evidence(node.ipvs0[vs.ip]) | node.ipvs0[vs.ip]], [lib.evidence(vs)]),
				array.concat([lib.evidence(r) | some r in vs.realServers], [lib.evidence(svc)]),
			),
		},
		"",
		[],
	)
}

# endpoint_of(svc, rs, protocol) is true when the real server is an endpoint of svc: same IP, and
# a port of that endpoint with the same number and protocol.
endpoint_of(svc, rs, protocol) if {
	some ep in svc.endpoints
	ep.ip == rs.ip
	some p in ep.ports
	[p.port, p.protocol] == [rs.port, protocol]
}

bound_evidence(node, ip) := array.concat(
	[lib.evidence(node.ipvs0[ip]) | lib.capture_ok(node, "ip-addr"); node.ipvs0[ip]],
	[lib.evidence(vs) | lib.capture_ok(node, "ipvsadm"); some vs in lib.vss_on(node, ip)],
)

where(node, ip) := "binds it on kube-ipvs0 and has a virtual service for it" if {
	node.ipvs0[ip]
	count(lib.vss_on(node, ip)) > 0
}

else := "binds it on kube-ipvs0" if {
	node.ipvs0[ip]
}

else := "has a virtual service for it"

ipvs0_words(node, ip) := sprintf(", and %s is on kube-ipvs0", [ip]) if node.ipvs0[ip]

else := ""

gate := input.cluster.kubeProxy.featureGates.LoadBalancerIPMode

# version_case is why kube-proxy did not honour ipMode Proxy.
version_case := "old" if lib.version_below(1, 29)

else := "alpha-on" if {
	lib.version_below(1, 30)
	gate == true
}

else := "alpha-off" if {
	lib.version_below(1, 30)
}

else := "beta-off" if {
	lib.version_known
	gate == false
}

else := "stale" if {
	lib.version_known
}

else := "unknown"

reason := {
	"old": sprintf("kube-proxy %s is older than 1.29 and does not know ipMode: it binds every ingress IP.", [lib.version_string]),
	"alpha-on": sprintf("kube-proxy %s has the LoadBalancerIPMode gate on in its configuration, so it should have removed the address: it is not syncing, or has not synced since ipMode was set.", [lib.version_string]),
	"alpha-off": sprintf("In %s the LoadBalancerIPMode feature gate is alpha and off by default, and the kube-proxy configuration does not turn it on (unless a --feature-gates flag does), so kube-proxy ignores ipMode.", [lib.version_string]),
	"beta-off": sprintf("The LoadBalancerIPMode feature gate is on by default from 1.30, but the kube-proxy configuration turns it off, so kube-proxy %s ignores ipMode.", [lib.version_string]),
	"stale": sprintf("kube-proxy %s honours ipMode (LoadBalancerIPMode is on by default from 1.30), so it should have removed the address: it is not syncing, the gate is turned off by a --feature-gates flag, or the ingress changed after its last sync.", [lib.version_string]),
	"unknown": "kube-proxy is older than 1.29 (no ipMode), or the LoadBalancerIPMode gate is off (alpha, off by default in 1.29; on by default from 1.30), or kube-proxy has not synced since ipMode was set.",
}

assumptions := {
	"old": [], "alpha-on": [], "alpha-off": [], "beta-off": [], "stale": [],
	"unknown": ["The Kubernetes version is unknown, so all the reasons are given: before 1.29 ipMode does not exist; in 1.29 it needs the LoadBalancerIPMode gate turned on; from 1.30 it is honoured by default."],
}
