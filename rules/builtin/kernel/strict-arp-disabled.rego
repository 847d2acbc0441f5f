# METADATA
# title: node answers arp for load balancer ips on kube-ipvs0
# description: >-
#   kube-ipvs0 is a NOARP dummy interface, but with the default
#   net.ipv4.conf.all.arp_ignore 0 Linux answers ARP requests for any local
#   address on any interface. A load balancer or external IP on kube-ipvs0 that
#   lies in the subnet of another interface of the node is then claimed by
#   every node, which breaks MetalLB L2 and other ARP-based load balancers in
#   that subnet. kube-proxy's strictARP sets arp_ignore 1 and arp_announce 2.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L341-L390
#     description: kube-proxy sets arp_ignore and arp_announce with strictARP
#   - ref: https://metallb.universe.tf/installation/#preparation
#     description: MetalLB requires strictARP with kube-proxy in IPVS mode
# custom:
#   id: strict-arp-disabled
#   severity: warning
#   behaviour: B13
#   remediation: >-
#     Set ipvs.strictARP true in the kube-proxy ConfigMap (kubectl -n kube-system
#     edit configmap kube-proxy) and restart kube-proxy, or set
#     net.ipv4.conf.all.arp_ignore=1 and arp_announce=2 on the nodes.
package ipvslint.rules.strict_arp_disabled

import data.ipvslint.lib

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some x in input.nodes[node_name].serviceIPs
	x.bound != null
	x.nodeAddress == null
	not contains(x.ip, ":")
	lib.capture_ok(node_name, "ip-addr")
	lib.uses_ipvs(node_name)
	count(x.subnets) > 0
	arp := arp_state(node_name)
	f := object.union(
		{
			"node": node_name,
			"service": x.service,
			"target": x.ip,
			"message": sprintf(
				"%s, the %s of %s, is on kube-ipvs0 of %s and inside the node's subnet %s, while %s. %s",
				[x.ip, lib.role_name(x.role), x.service, node_name, lib.join_sorted({sprintf("%s on %s", [a.prefix, a.interface]) | some a in x.subnets}), arp.words, arp.consequence],
			),
			"evidence": array.concat(array.concat([x.bound], [a.evidence | some a in x.subnets]), arp.evidence),
		},
		arp.extra,
	)
}

answers := "The node answers ARP requests for it on that subnet, so ARP-based load balancers there (MetalLB L2, keepalived) lose the address to whichever node answers first."

# arp_state(node_name) tells whether the node answers ARP for kube-ipvs0 addresses. The
# captured net.ipv4.conf.all.arp_ignore decides; strictARP tells what kube-proxy enforces.
arp_state(node_name) := {
	"words": sprintf("net.ipv4.conf.all.arp_ignore is 0%s", [strict_arp_on_note]),
	"consequence": answers,
	"evidence": [lib.evidence(s)],
	"extra": {},
} if {
	s := input.nodes[node_name].sysctl["net.ipv4.conf.all.arp_ignore"]
	to_number(s.value) == 0
} else := {
	"words": sprintf("kube-proxy's strictARP is off but net.ipv4.conf.all.arp_ignore is %s", [s.value]),
	"consequence": "The node does not answer ARP for it today, but that setting does not come from kube-proxy: if it is lost (node rebuild, sysctl reset), the node answers ARP for the address and ARP-based load balancers (MetalLB L2) break.",
	"evidence": array.concat([lib.evidence(s)], config_evidence),
	"extra": {"severity": "info"},
} if {
	not input.cluster.kubeProxy.strictARP
	s := input.nodes[node_name].sysctl["net.ipv4.conf.all.arp_ignore"]
} else := {
	"words": "kube-proxy's strictARP is off",
	"consequence": answers,
	"evidence": config_evidence,
	"extra": strict_arp_assumption,
} if {
	not input.cluster.kubeProxy.strictARP
}

config_evidence := [{"file": input.cluster.kubeProxy.file, "line": input.cluster.kubeProxy.line, "text": ""}] if {
	input.cluster.kubeProxy.present
} else := []

strict_arp_on_note := " although kube-proxy's strictARP is on (kube-proxy could not set it, or something reset it)" if {
	input.cluster.kubeProxy.strictARP
} else := ""

strict_arp_assumption := {"assumptions": [
	"net.ipv4.conf.all.arp_ignore was not captured; assumed the default 0, since strictARP is off. If it was set to 1 by other means, the node does not answer ARP for the address.",
	"The bundle has no kube-proxy ConfigMap; assumed strictARP is off (the default).",
]} if {
	not input.cluster.kubeProxy.present
} else := {"assumptions": ["net.ipv4.conf.all.arp_ignore was not captured; assumed the default 0, since strictARP is off. If it was set to 1 by other means, the node does not answer ARP for the address."]}
