# METADATA
# title: service address with virtual service not on kube-ipvs0
# description: >-
#   kube-proxy binds every ClusterIP, external IP and load balancer IP it makes
#   a virtual service for on the kube-ipvs0 dummy interface, so that the node
#   takes the traffic as local and IPVS can claim it. Without the address,
#   traffic to it from the node and its pods follows the routing table (usually
#   to the default gateway) and times out. kube-proxy failed to bind it, or
#   kube-ipvs0 was deleted or flushed.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L1064-L1110
#     description: kube-proxy binds Service addresses on kube-ipvs0
# custom:
#   id: vip-not-bound
#   severity: error
#   behaviour: B15
#   remediation: >-
#     Restart kube-proxy on the node so that it binds the addresses again, and
#     read its log for bind errors. Make sure no other agent (network manager,
#     cleanup script) removes addresses from kube-ipvs0 or deletes it.
package ipvslint.rules.vip_not_bound

import data.ipvslint.lib
import data.ipvslint.lib.ipvs

vip_roles := {"clusterIP", "externalIP", "loadBalancer"}

findings contains f if {
	some node_name, node in input.nodes
	lib.capture_ok(node, "ipvsadm")
	lib.capture_ok(node, "ip-addr")
	unbound := {[s.service, vs.ip] |
		some vs in node.virtualServers
		vs.protocol != "FWM"
		some s in vs.services
		s.role in vip_roles
		not node.ipvs0[vs.ip]
		not node.addresses[vs.ip]
	}
	some [svc_key, ip] in unbound
	vss := [vs |
		some vs in lib.vss_on(node, ip)
		some s in vs.services
		s.service == svc_key
	]
	roles := {lib.role_name(s.role) | some vs in vss; some s in vs.services; s.service == svc_key}
	f := {
		"node": node_name,
		"service": svc_key,
		"target": ip,
		"message": sprintf(
			"%s, the %s of %s, has %s on %s (%s) but is not bound on kube-ipvs0%s. Connections to it from the node and its pods are not taken as local: they follow the routing table and time out.",
			[ip, ipvs.join_sorted(roles), svc_key, ipvs.plural(count(vss), "virtual service"), node_name, ipvs.join_sorted({ipvs.vs_name(vs) | some vs in vss}), no_dummy_note(node)],
		),
		"evidence": array.concat(
			[lib.evidence(vs) | some vs in vss],
			[{"file": node.captures["ip-addr"].file, "line": node.captures["ip-addr"].line, "text": ""}],
		),
	}
}

no_dummy_note(node) := " (the node has no kube-ipvs0 address at all: the interface is missing or was flushed)" if {
	count(node.ipvs0) == 0
} else := ""
