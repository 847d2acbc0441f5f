# METADATA
# title: node answers arp for load balancer ips on kube-ipvs0
# description: >-
#   kube-ipvs0 is a NOARP dummy interface, but with the default arp_ignore 0
#   Linux answers ARP requests for any local address on any interface. A load
#   balancer or external IP on kube-ipvs0 that lies in the subnet of another
#   interface of the node is then claimed by every node, which breaks MetalLB
#   L2 and other ARP-based load balancers in that subnet. The kernel applies
#   the larger of net.ipv4.conf.all.arp_ignore and the interface's own value
#   to the ARP requests received on that interface, and the larger of the two
#   arp_announce values to the ARP requests it sends there (ip-sysctl); the
#   interface that matters is the one whose subnet holds the address.
#   kube-proxy's strictARP sets all.arp_ignore 1 and all.arp_announce 2.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L341-L390
#     description: kube-proxy sets arp_ignore and arp_announce with strictARP
#   - ref: https://metallb.universe.tf/installation/#preparation
#     description: MetalLB requires strictARP with kube-proxy in IPVS mode
#   - ref: https://github.com/torvalds/linux/blob/master/Documentation/networking/ip-sysctl.rst
#     description: arp_ignore and arp_announce, the larger of all and the interface applies
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
	c := judgement(node_name, {a.interface | some a in x.subnets})
	f := lib.finding(
		{
			"node": node_name,
			"service": x.service,
			"target": x.ip,
			"message": sprintf(
				"%s, the %s of %s, is on kube-ipvs0 of %s and inside the node's subnet %s, while %s. %s",
				[x.ip, lib.role_name(x.role), x.service, node_name, lib.join_sorted({sprintf("%s on %s", [a.prefix, a.interface]) | some a in x.subnets}), c.words, c.consequence],
			),
			"evidence": array.concat(array.concat([x.bound], [a.evidence | some a in x.subnets]), c.evidence),
		},
		c.severity,
		c.assumptions,
	)
}

answers := "The node answers ARP requests for it on that subnet, so ARP-based load balancers there (MetalLB L2, keepalived) lose the address to whichever node answers first."

announces := "it may put the address in its own ARP requests on that subnet when it sends from it, and neighbours that learn it send the address's traffic to this node."

strict_arp := input.cluster.kubeProxy.strictARP

# judgement(node_name, ifaces) is what the ARP settings of the interfaces whose subnets hold the
# address mean: the node answers ARP requests for it (a warning); or it does not, but not because
# of kube-proxy (strictARP off; a captured arp_announce below 2 is added), or strictARP is on and
# it may still announce it (arp_announce below 2): an info.
judgement(node_name, ifaces) := {
	"words": sprintf("the node applies %s%s", [applied(settings), strict_arp_note]),
	"consequence": answers,
	"evidence": array.concat([e | some s in settings; some e in s.evidence], config_evidence),
	"severity": "",
	"assumptions": sort({a | some s in settings; some a in s.assumed} | config_assumption),
} if {
	settings := [s | some i in ifaces; s := arp(node_name, i, "arp_ignore"); s.value == 0]
	count(settings) > 0
} else := {
	"words": sprintf("kube-proxy's strictARP is off but the node applies %s", [applied(settings)]),
	"consequence": sprintf("The node does not answer ARP for it today, but that setting does not come from kube-proxy: if it is lost (node rebuild, sysctl reset), the node answers ARP for the address and ARP-based load balancers (MetalLB L2) break.%s", [announce_note(announcing)]),
	"evidence": array.concat([e | some s in array.concat(settings, announcing); some e in s.evidence], config_evidence),
	"severity": "info",
	"assumptions": sort({a | some s in announcing; some a in s.assumed} | config_assumption),
} if {
	not strict_arp
	settings := [arp(node_name, i, "arp_ignore") | some i in ifaces]
	announcing := [s | some i in ifaces; s := arp(node_name, i, "arp_announce"); s.value < 2; count(s.captured) > 0]
} else := {
	"words": sprintf("kube-proxy's strictARP is on but the node applies %s, below the 2 that strictARP sets (kube-proxy could not set it, or something reset it)", [applied(announcing)]),
	"consequence": concat("", ["The node does not answer ARP requests for it (arp_ignore is 1 or more there), but ", announces]),
	"evidence": array.concat([e | some s in announcing; some e in s.evidence], config_evidence),
	"severity": "info",
	"assumptions": sort({a | some s in announcing; some a in s.assumed}),
} if {
	announcing := [s | some i in ifaces; s := arp(node_name, i, "arp_announce"); s.value < 2]
	count(announcing) > 0
}

# arp(node_name, iface, name) is the value of name (arp_ignore or arp_announce) that the kernel
# applies on iface: the larger of net.ipv4.conf.all.<name> and net.ipv4.conf.<iface>.<name>
# (ip-sysctl; sysctl writes a "." in an interface name as "/"), with the captured lines and what
# is assumed of those not captured: all is what strictARP sets when it is on, else the kernel's
# default 0; the interface's own value is 0, which kube-proxy never changes.
arp(node_name, iface, name) := {
	"name": name, "interface": iface, "value": max([all.value, own.value]),
	"captured": [e | some e in [all, own]; e.captured],
	"evidence": array.concat(all.evidence, own.evidence),
	"assumed": array.concat(all.assumed, own.assumed),
} if {
	all := setting(node_name, sprintf("net.ipv4.conf.all.%s", [name]), all_default(name))
	own := setting(node_name, sprintf("net.ipv4.conf.%s.%s", [replace(iface, ".", "/"), name]), own_default)
}

all_default(name) := {"value": {"arp_ignore": 1, "arp_announce": 2}[name], "why": "what kube-proxy's strictARP sets"} if {
	strict_arp
} else := {"value": 0, "why": "the kernel's default, since kube-proxy's strictARP is off"}

own_default := {"value": 0, "why": "the kernel's default, which kube-proxy never changes"}

# setting(node_name, key, fallback) is the captured value of key, else fallback with the assumption.
setting(node_name, key, fallback) := {"key": key, "value": to_number(s.value), "captured": true, "evidence": [lib.evidence(s)], "assumed": []} if {
	s := input.nodes[node_name].sysctl[key]
} else := {
	"key": key, "value": fallback.value, "captured": false, "evidence": [],
	"assumed": [sprintf("%s was not captured; assumed %d, %s.", [key, fallback.value, fallback.why])],
}

# applied(settings) names the values applied and the captured lines they come from: "arp_ignore 0
# on eth1 (net.ipv4.conf.all.arp_ignore = 0, net.ipv4.conf.eth1.arp_ignore = 0)".
applied(settings) := concat(" and ", sort([sprintf("%s %d on %s (%s)", [s.name, s.value, s.interface, lines(s)]) | some s in settings]))

lines(s) := concat(", ", [sprintf("%s = %d", [e.key, e.value]) | some e in s.captured]) if count(s.captured) > 0

else := "not captured"

announce_note(announcing) := sprintf(" It also applies %s, so %s", [applied(announcing), announces]) if {
	count(announcing) > 0
} else := ""

config_evidence := [{"file": input.cluster.kubeProxy.file, "line": input.cluster.kubeProxy.line, "text": ""}] if {
	input.cluster.kubeProxy.present
} else := []

strict_arp_note := " although kube-proxy's strictARP is on (kube-proxy could not set it, or something reset it)" if {
	strict_arp
} else := ", and kube-proxy's strictARP is off"

config_assumption := {"The bundle has no kube-proxy ConfigMap; assumed strictARP is off (the default)."} if {
	not input.cluster.kubeProxy.present
} else := set()
