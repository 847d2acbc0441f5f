# METADATA
# title: service address with virtual service not on kube-ipvs0
# description: >-
#   kube-proxy binds every ClusterIP, external IP and load balancer IP it makes
#   a virtual service for on the kube-ipvs0 dummy interface, so that the node
#   takes the traffic as local and IPVS can claim it. Without the address,
#   traffic to it from the node and its pods follows the routing table (usually
#   to the default gateway) and times out. kube-proxy failed to bind it, or
#   kube-ipvs0 was deleted or flushed. An `ip addr` capture that does not hold
#   all of kube-ipvs0 (grep'd lines, another interface's) is not trusted for this.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L1064-L1110
#     description: kube-proxy binds Service addresses on kube-ipvs0
# custom:
#   id: vip-not-bound
#   severity: error
#   behaviour: B15
#   client: pod # the packet follows the routing table off the node
#   remediation: >-
#     Restart kube-proxy on the node so that it binds the addresses again, and
#     read its log for bind errors. Make sure no other agent (network manager,
#     cleanup script) removes addresses from kube-ipvs0 or deletes it.
package ipvslint.rules.vip_not_bound

import data.ipvslint.lib

# diff.unboundAddresses is listed only from an IPVS listing and an ip addr capture that holds
# every address of kube-ipvs0.
findings contains f if {
	some node_name
	some u in input.nodes[node_name].diff.unboundAddresses
	f := {
		"node": node_name,
		"service": u.service,
		"target": u.ip,
		"message": sprintf(
			"%s, the %s of %s, has %s on %s (%s) but is not bound on kube-ipvs0%s. Connections to it from the node and its pods are not taken as local: they follow the routing table and time out.",
			[
				u.ip, lib.join_sorted({lib.role_name(r) | some r in u.roles}), u.service,
				lib.plural(count(u.virtualServers), "virtual service"), node_name,
				lib.join_sorted({lib.vs_name(vs) | some vs in u.virtualServers}), no_dummy_note(node_name),
			],
		),
		"evidence": array.concat(
			[vs.evidence | some vs in u.virtualServers],
			[lib.capture_evidence(node_name, "ip-addr")],
		),
	}
}

no_dummy_note(node_name) := " (the node has no kube-ipvs0 address at all: the interface is missing or was flushed)" if {
	input.nodes[node_name].actual.addresses == 0
} else := ""
