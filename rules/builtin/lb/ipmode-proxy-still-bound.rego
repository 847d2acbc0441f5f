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
#   client: pod
#   remediation: >-
#     Run kube-proxy 1.30 or later (or 1.29 with --feature-gates
#     LoadBalancerIPMode=true), or report the load balancer by hostname; if the
#     version and gate are right, check that kube-proxy is running and syncing.
package ipvslint.rules.ipmode_proxy_still_bound

import data.ipvslint.lib

# An ingress with ipMode Proxy whose IP is bound or served on the node.
findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some x in input.nodes[node_name].serviceIPs
	x.role == "loadBalancer"
	x.ipMode == "Proxy"
	ev := bound_evidence(node_name, x)
	count(ev) > 0
	case := version_case
	f := lib.finding(
		{
			"node": node_name,
			"service": x.service,
			"target": x.ip,
			"message": sprintf(
				"The load balancer ingress %s of %s has ipMode: Proxy, so in-cluster clients should go through the load balancer, but %s still %s. %s",
				[x.ip, x.service, node_name, where(node_name, x), reason[case]],
			),
			"evidence": array.concat(ev, [x.serviceEvidence]),
		},
		"",
		assumptions[case],
	)
}

# An ingress with only a hostname, while a virtual service of no Service still forwards to the
# Service's endpoints on one of its ports: the address it had before.
findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some vs in input.nodes[node_name].diff.orphanVirtualServers
	lib.capture_ok(node_name, "ipvsadm")
	some svc_key in vs.endpointsOf
	svc := input.cluster.loadBalancers[svc_key]
	count(svc.ingress) > 0
	every ing in svc.ingress {
		ing.ip == ""
	}
	hostnames := concat(", ", [ing.hostname | some ing in svc.ingress])
	f := lib.finding(
		{
			"node": node_name,
			"service": svc_key,
			"target": lib.vs_target(vs),
			"message": sprintf(
				"The load balancer ingress of %s has only a hostname (%s), which kube-proxy never binds, yet %s still has a virtual service %s that matches no Service and forwards to %s's endpoints%s: the address it had before. kube-proxy is not syncing, or has not synced since the ingress changed.",
				[svc_key, hostnames, node_name, lib.addr_port(vs.ip, vs.port), svc_key, ipvs0_words(vs)],
			),
			"evidence": array.concat(
				array.concat([vs.bound | vs.bound != null], [vs.evidence]),
				array.concat([r.evidence | some r in vs.realServers], [svc.evidence]),
			),
		},
		"",
		[],
	)
}

bound_evidence(node_name, x) := array.concat(
	[x.bound | lib.capture_ok(node_name, "ip-addr"); x.bound != null],
	[vs.evidence | lib.capture_ok(node_name, "ipvsadm"); some vs in x.virtualServers],
)

where(_, x) := "binds it on kube-ipvs0 and has a virtual service for it" if {
	x.bound != null
	count(x.virtualServers) > 0
}

else := "binds it on kube-ipvs0" if {
	x.bound != null
}

else := "has a virtual service for it"

ipvs0_words(vs) := sprintf(", and %s is on kube-ipvs0", [vs.ip]) if vs.bound != null

else := ""

gate := input.cluster.kubeProxy.featureGates.LoadBalancerIPMode

# version_case is why kube-proxy did not honour ipMode Proxy. LoadBalancerIPMode is alpha in 1.29,
# beta and on by default from 1.30, GA and locked on from 1.32 (kube-proxy refuses to start with it
# turned off).
version_case := "old" if lib.version_below(1, 29)

else := "alpha-on" if {
	lib.version_below(1, 30)
	gate == true
}

else := "alpha-off" if {
	lib.version_below(1, 30)
}

else := "beta-off" if {
	lib.version_below(1, 32)
	gate == false
}

else := "stale" if {
	lib.version_below(1, 32)
}

else := "ga" if {
	lib.version_known
}

else := "unknown"

reason := {
	"old": sprintf("kube-proxy %s is older than 1.29 and does not know ipMode: it binds every ingress IP.", [lib.version_string]),
	"alpha-on": sprintf("kube-proxy %s has the LoadBalancerIPMode gate on in its configuration, so it should have removed the address: it is not syncing, or has not synced since ipMode was set.", [lib.version_string]),
	"alpha-off": sprintf("In %s the LoadBalancerIPMode feature gate is alpha and off by default, and the kube-proxy configuration does not turn it on (unless a --feature-gates flag does), so kube-proxy ignores ipMode.", [lib.version_string]),
	"beta-off": sprintf("The LoadBalancerIPMode feature gate is on by default from 1.30, but the kube-proxy configuration turns it off, so kube-proxy %s ignores ipMode.", [lib.version_string]),
	"stale": sprintf("kube-proxy %s honours ipMode (LoadBalancerIPMode is on by default from 1.30), so it should have removed the address: it is not syncing, the gate is turned off by a --feature-gates flag, or the ingress changed after its last sync.", [lib.version_string]),
	"ga": sprintf("kube-proxy %s honours ipMode (LoadBalancerIPMode is GA from 1.32 and cannot be turned off), so it should have removed the address: it is not syncing, or the ingress changed after its last sync.", [lib.version_string]),
	"unknown": "kube-proxy is older than 1.29 (no ipMode), or the LoadBalancerIPMode gate is off (alpha, off by default in 1.29; on by default from 1.30), or kube-proxy has not synced since ipMode was set.",
}

assumptions := {
	"old": [], "alpha-on": [], "alpha-off": [], "beta-off": [], "stale": [], "ga": [],
	"unknown": ["The Kubernetes version is unknown, so all the reasons are given: before 1.29 ipMode does not exist; in 1.29 it needs the LoadBalancerIPMode gate turned on; from 1.30 it is honoured by default."],
}
