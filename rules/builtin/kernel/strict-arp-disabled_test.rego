package ipvslint.rules.strict_arp_disabled_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.lb_fixtures_test as lbx
import data.ipvslint.rules.strict_arp_disabled as rule

subnet(iface, prefix, line) := {"interface": iface, "prefix": prefix, "evidence": fx.ev("nodes/node-a/ip-addr.txt", line, sprintf("inet %s scope global %s", [prefix, iface]))}

eth1 := subnet("eth1", "192.0.2.1/24", 6)

# sysctl(entries) is node-a's sysctl.txt holding entries ([key, value] pairs), one a line from 20.
sysctl(entries) := {e[0]: {"value": e[1], "file": "nodes/node-a/sysctl.txt", "line": 20 + i, "text": sprintf("%s = %s", e)} | some i, e in entries}

sysctl_ev(entries, key) := {"file": "nodes/node-a/sysctl.txt", "line": sysctl(entries)[key].line, "text": sysctl(entries)[key].text}

doc(strict, subnets, entries) := fx.with_kube_proxy(
	lbx.lb_doc(fx.ver(1, 28, 3), fx.web({}), {
		"serviceIPs": [lbx.service_ip("192.0.2.10", "loadBalancer", {"subnets": subnets})],
		"sysctl": sysctl(entries),
	}),
	{"strictARP": strict},
)

lead := "192.0.2.10, the load balancer IP of default/web, is on kube-ipvs0 of node-a and inside the node's subnet 192.0.2.1/24 on eth1, while "

answers := "The node answers ARP requests for it on that subnet, so ARP-based load balancers there (MetalLB L2, keepalived) lose the address to whichever node answers first."

config_ev := {"file": "cluster/kube-proxy-config.yaml", "line": 1, "text": ""}

base_ev := [lbx.bound_ev("192.0.2.10"), eth1.evidence]

test_strict_arp_off_nothing_captured if {
	f := fx.only(rule.findings) with input as doc(false, [eth1], [])
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10"
	f.message == concat("", [lead, "the node applies arp_ignore 0 on eth1 (not captured), and kube-proxy's strictARP is off. ", answers])
	f.evidence == array.concat(base_ev, [config_ev])
	not f.severity
	f.assumptions == [
		"net.ipv4.conf.all.arp_ignore was not captured; assumed 0, the kernel's default, since kube-proxy's strictARP is off.",
		"net.ipv4.conf.eth1.arp_ignore was not captured; assumed 0, the kernel's default, which kube-proxy never changes.",
	]
}

test_no_config_assumes_strict_arp_off if {
	d := fx.with_kube_proxy(doc(false, [eth1], []), {"present": false})
	f := fx.only(rule.findings) with input as d
	f.evidence == base_ev
	count(f.assumptions) == 3
	f.assumptions[0] == "The bundle has no kube-proxy ConfigMap; assumed strictARP is off (the default)."
}

# A bundle of an older collector has only the all value: the interface's is assumed its default.
test_all_0_although_strict_arp if {
	entries := [["net.ipv4.conf.all.arp_ignore", "0"]]
	f := fx.only(rule.findings) with input as doc(true, [eth1], entries)
	f.message == concat("", [lead, "the node applies arp_ignore 0 on eth1 (net.ipv4.conf.all.arp_ignore = 0) although kube-proxy's strictARP is on (kube-proxy could not set it, or something reset it). ", answers])
	f.evidence == array.concat(base_ev, [sysctl_ev(entries, "net.ipv4.conf.all.arp_ignore"), config_ev])
	f.assumptions == ["net.ipv4.conf.eth1.arp_ignore was not captured; assumed 0, the kernel's default, which kube-proxy never changes."]
}

test_all_and_interface_0 if {
	entries := [["net.ipv4.conf.all.arp_ignore", "0"], ["net.ipv4.conf.eth1.arp_ignore", "0"]]
	f := fx.only(rule.findings) with input as doc(true, [eth1], entries)
	contains(f.message, "while the node applies arp_ignore 0 on eth1 (net.ipv4.conf.all.arp_ignore = 0, net.ipv4.conf.eth1.arp_ignore = 0) although")
	f.evidence == array.concat(base_ev, [sysctl_ev(entries, "net.ipv4.conf.all.arp_ignore"), sysctl_ev(entries, "net.ipv4.conf.eth1.arp_ignore"), config_ev])
	not f.assumptions
}

# The kernel applies the larger of all and the interface: all 0 with eth1 1 does not answer. This
# fired before the interface's value was read.
test_interface_arp_ignore_1_overrides_all_0 if {
	entries := [["net.ipv4.conf.all.arp_ignore", "0"], ["net.ipv4.conf.eth1.arp_ignore", "1"]]
	count(rule.findings) == 0 with input as doc(true, [eth1], entries)
}

test_the_interface_of_the_subnet_decides if {
	entries := [["net.ipv4.conf.all.arp_ignore", "0"], ["net.ipv4.conf.eth0.arp_ignore", "1"]]
	f := fx.only(rule.findings) with input as doc(true, [eth1], entries)
	contains(f.message, "the node applies arp_ignore 0 on eth1 (net.ipv4.conf.all.arp_ignore = 0) although")
}

test_strict_arp_on_and_applied_is_silent if {
	count(rule.findings) == 0 with input as doc(true, [eth1], [])
	count(rule.findings) == 0 with input as doc(true, [eth1], [["net.ipv4.conf.all.arp_ignore", "1"], ["net.ipv4.conf.all.arp_announce", "2"]])
}

# sysctl writes a "." in an interface name as "/".
test_vlan_interface if {
	vlan := subnet("eth0.100", "192.0.2.1/24", 9)
	count(rule.findings) == 0 with input as doc(true, [vlan], [["net.ipv4.conf.all.arp_ignore", "0"], ["net.ipv4.conf.eth0/100.arp_ignore", "1"]])
	f := fx.only(rule.findings) with input as doc(true, [vlan], [["net.ipv4.conf.all.arp_ignore", "0"], ["net.ipv4.conf.eth0/100.arp_ignore", "0"]])
	contains(f.message, "the node applies arp_ignore 0 on eth0.100 (net.ipv4.conf.all.arp_ignore = 0, net.ipv4.conf.eth0/100.arp_ignore = 0) although")
}

test_only_the_interfaces_that_answer if {
	eth2 := subnet("eth2", "192.0.2.0/23", 8)
	entries := [["net.ipv4.conf.all.arp_ignore", "0"], ["net.ipv4.conf.eth1.arp_ignore", "1"], ["net.ipv4.conf.eth2.arp_ignore", "0"]]
	f := fx.only(rule.findings) with input as doc(true, [eth1, eth2], entries)
	contains(f.message, "inside the node's subnet 192.0.2.0/23 on eth2, 192.0.2.1/24 on eth1, while the node applies arp_ignore 0 on eth2 (net.ipv4.conf.all.arp_ignore = 0, net.ipv4.conf.eth2.arp_ignore = 0) although")
}

# strictARP off, but something else keeps the node from answering.
test_strict_arp_off_with_arp_ignore_1_is_info if {
	entries := [["net.ipv4.conf.all.arp_ignore", "1"], ["net.ipv4.conf.all.arp_announce", "2"]]
	f := fx.only(rule.findings) with input as doc(false, [eth1], entries)
	f.severity == "info"
	f.message == concat("", [lead, "kube-proxy's strictARP is off but the node applies arp_ignore 1 on eth1 (net.ipv4.conf.all.arp_ignore = 1). The node does not answer ARP for it today, but that setting does not come from kube-proxy: if it is lost (node rebuild, sysctl reset), the node answers ARP for the address and ARP-based load balancers (MetalLB L2) break."])
	f.evidence == array.concat(base_ev, [sysctl_ev(entries, "net.ipv4.conf.all.arp_ignore"), config_ev])
	not f.assumptions
}

# An arp_announce that was not captured is not guessed at when the node does not answer.
test_strict_arp_off_announce_not_captured if {
	f := fx.only(rule.findings) with input as doc(false, [eth1], [["net.ipv4.conf.all.arp_ignore", "1"]])
	f.severity == "info"
	not contains(f.message, "arp_announce")
	not f.assumptions
}

test_strict_arp_off_interface_arp_ignore_and_announce if {
	entries := [["net.ipv4.conf.all.arp_ignore", "0"], ["net.ipv4.conf.all.arp_announce", "0"], ["net.ipv4.conf.eth1.arp_ignore", "2"], ["net.ipv4.conf.eth1.arp_announce", "1"]]
	f := fx.only(rule.findings) with input as doc(false, [eth1], entries)
	f.severity == "info"
	f.message == concat("", [lead, "kube-proxy's strictARP is off but the node applies arp_ignore 2 on eth1 (net.ipv4.conf.all.arp_ignore = 0, net.ipv4.conf.eth1.arp_ignore = 2). The node does not answer ARP for it today, but that setting does not come from kube-proxy: if it is lost (node rebuild, sysctl reset), the node answers ARP for the address and ARP-based load balancers (MetalLB L2) break. It also applies arp_announce 1 on eth1 (net.ipv4.conf.all.arp_announce = 0, net.ipv4.conf.eth1.arp_announce = 1), so it may put the address in its own ARP requests on that subnet when it sends from it, and neighbours that learn it send the address's traffic to this node."])
	count(f.evidence) == 7
	not f.assumptions
}

# strictARP on sets arp_announce 2 in all: a lower value there was reset.
test_strict_arp_on_announce_reset_is_info if {
	entries := [["net.ipv4.conf.all.arp_ignore", "1"], ["net.ipv4.conf.all.arp_announce", "0"]]
	f := fx.only(rule.findings) with input as doc(true, [eth1], entries)
	f.severity == "info"
	f.message == concat("", [lead, "kube-proxy's strictARP is on but the node applies arp_announce 0 on eth1 (net.ipv4.conf.all.arp_announce = 0), below the 2 that strictARP sets (kube-proxy could not set it, or something reset it). The node does not answer ARP requests for it (arp_ignore is 1 or more there), but it may put the address in its own ARP requests on that subnet when it sends from it, and neighbours that learn it send the address's traffic to this node."])
	f.evidence == array.concat(base_ev, [sysctl_ev(entries, "net.ipv4.conf.all.arp_announce"), config_ev])
	f.assumptions == ["net.ipv4.conf.eth1.arp_announce was not captured; assumed 0, the kernel's default, which kube-proxy never changes."]
	count(rule.findings) == 0 with input as doc(true, [eth1], array.concat(entries, [["net.ipv4.conf.eth1.arp_announce", "2"]]))
}

test_lb_ip_outside_node_subnets_is_silent if {
	count(rule.findings) == 0 with input as doc(false, [], [])
}

test_node_address_is_silent if {
	d := fx.with_node(doc(false, [eth1], []), "node-a", {"serviceIPs": [lbx.service_ip("192.0.2.10", "loadBalancer", {
		"subnets": [eth1], "nodeAddress": subnet("eth1", "192.0.2.10/24", 7),
	})]})
	count(rule.findings) == 0 with input as d
}

test_ipv6_is_silent if {
	d := fx.with_node(doc(false, [eth1], []), "node-a", {"serviceIPs": [lbx.service_ip("fd00::10", "loadBalancer", {"subnets": [subnet("eth1", "fd00::1/64", 7)]})]})
	count(rule.findings) == 0 with input as d
}

test_not_bound_is_silent if {
	d := fx.with_node(doc(false, [eth1], []), "node-a", {"serviceIPs": [lbx.service_ip("192.0.2.10", "loadBalancer", {"subnets": [eth1], "bound": null})]})
	count(rule.findings) == 0 with input as d
}

test_other_proxy_mode_is_silent if {
	count(rule.findings) == 0 with input as fx.with_node(doc(false, [eth1], []), "node-a", {"proxyMode": "iptables"})
}

test_without_ip_addr_is_silent if {
	count(rule.findings) == 0 with input as fx.with_capture(doc(false, [eth1], []), "node-a", "ip-addr", "missing")
}
