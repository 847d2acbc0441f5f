# METADATA
# title: load balancer IP bound on kube-ipvs0
# description: >-
#   kube-proxy in IPVS mode binds every Service load balancer ingress IP and
#   external IP on each node's kube-ipvs0 interface and serves it with IPVS on
#   the node. Clients inside the cluster (pods and host processes) that connect
#   to that address never reach the real load balancer: its TLS termination,
#   PROXY protocol and source ranges do not apply, and only the Service's own
#   ports answer.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/issues/66607
#     description: kube-proxy binds LoadBalancer IPs locally in IPVS mode
#   - ref: https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/1860-kube-proxy-IP-node-binding
#     description: KEP-1860, ipMode Proxy to keep the IP off the nodes
#   - ref: https://github.com/kubernetes/kubernetes/pull/115019
#     description: from 1.28 kube-proxy does not bind an address the node already has
#   - ref: https://github.com/kubernetes/kubernetes/pull/117684
#     description: the same change cherry-picked to 1.27
# custom:
#   id: lb-ip-bound-in-cluster
#   severity: info
#   behaviour: B1
#   client: pod # in-cluster clients never reach the real load balancer
#   remediation: >-
#     Give in-cluster clients the ClusterIP or the Service's DNS name, or keep
#     the IP off the nodes: an ingress hostname instead of the IP, or ipMode
#     Proxy (1.29 with the LoadBalancerIPMode gate, default from 1.30).
package ipvslint.rules.lb_ip_bound_in_cluster

import data.ipvslint.lib

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some x in input.nodes[node_name].serviceIPs
	x.bound != null
	lib.capture_ok(node_name, "ip-addr")
	na := node_address_case(x)
	f := lib.finding(
		{
			"node": node_name,
			"service": x.service,
			"target": x.ip,
			"message": sprintf(
				"%s, the %s of %s, is bound on %s's kube-ipvs0, so pods and host processes on %s that connect to it are served by IPVS on the node %s. From inside the cluster only these ports of it work: %s.%s",
				[
					x.ip, lib.role_name(x.role), x.service, node_name, node_name, away[x.role],
					in_cluster_ports(node_name, x), node_address_words(na, node_name, x),
				],
			),
			"evidence": array.concat(
				[x.bound],
				array.concat([vs.evidence | some vs in x.virtualServers], [x.serviceEvidence]),
			),
		},
		node_address_severity[na],
		node_address_assumptions[na],
	)
}

away := {
	"loadBalancer": "and never reach the real load balancer (its TLS termination, PROXY protocol and source ranges do not apply)",
	"externalIP": "and never leave it",
}

in_cluster_ports(node_name, x) := lib.port_list(lib.served_ports(x.virtualServers)) if {
	lib.capture_ok(node_name, "ipvsadm")
	count(x.virtualServers) > 0
}

else := "none (ipvsadm shows no virtual service for it)" if {
	lib.capture_ok(node_name, "ipvsadm")
}

else := sprintf("%s (the Service's ports; ipvsadm was not captured)", [lib.port_list({[p.port, p.protocol] | some p in lib.service(x.service).ports})])

# node_address_case is how the 1.28 node-address exception (PR #115019) applies when the address is
# also the node's own address on another interface; "" when it is not. It was cherry-picked to 1.27
# (PR #117684) after 1.27.0; which 1.27 patch release first carries it is not verified ("maybe").
node_address_case(x) := "" if x.nodeAddress == null

else := "stale" if {
	lib.version_at_least(1, 28)
}

else := "maybe" if {
	lib.version_at_least_patch(1, 27, 1)
}

else := "filtered" if {
	lib.version_at_least(1, 26)
}

else := "bound" if {
	lib.version_known
}

else := "unknown"

node_address_words(na, node_name, x) := "" if na == ""

else := sprintf(" %s is also %s's own address on %s; kube-proxy %s (1.28 or later, PR #115019) does not bind such an address, so this kube-ipvs0 entry is left over (kube-proxy not syncing, or bound before the address appeared on %s).", [x.ip, node_name, x.nodeAddress.interface, lib.version_string, x.nodeAddress.interface]) if {
	na == "stale"
}

else := sprintf(" %s is also %s's own address on %s; with kube-proxy %s, KUBE-IPVS-FILTER refuses every other port of it, the node's own services included (fixed in 1.28 by PR #115019, and in later 1.27 patch releases by PR #117684).", [x.ip, node_name, x.nodeAddress.interface, lib.version_string]) if {
	na == "filtered"
}

else := sprintf(" %s is also %s's own address on %s. Later 1.27 patch releases carry PR #117684 (the 1.27 cherry-pick of PR #115019); whether kube-proxy %s has it is not verified here. With it, kube-proxy does not bind such an address, so this kube-ipvs0 entry is left over (kube-proxy not syncing, or bound before the address appeared on %s); without it, KUBE-IPVS-FILTER refuses every other port of it, the node's own services included.", [x.ip, node_name, x.nodeAddress.interface, lib.version_string, x.nodeAddress.interface]) if {
	na == "maybe"
}

else := sprintf(" %s is also %s's own address on %s; kube-proxy before 1.28 binds it on kube-ipvs0 as well.", [x.ip, node_name, x.nodeAddress.interface]) if {
	na == "bound"
}

else := sprintf(" %s is also %s's own address on %s.", [x.ip, node_name, x.nodeAddress.interface])

node_address_severity := {"": "", "stale": "", "bound": "", "filtered": "error", "maybe": "warning", "unknown": ""}

node_address_assumptions := {
	"": [], "stale": [], "bound": [], "filtered": [],
	"maybe": ["1.27 patch releases after 1.27.0 may carry PR #117684 (reported in 1.27.2; not verified): assumed either way, so both outcomes are given."],
	"unknown": ["The Kubernetes version is unknown, and the address is also the node's own: on 1.26 and early 1.27 releases KUBE-IPVS-FILTER refuses every other port of it, the node's own services included; from 1.28 (PR #115019, and later 1.27 patch releases with PR #117684) kube-proxy does not bind it, so this entry would be left over; before 1.26 both work."],
}
