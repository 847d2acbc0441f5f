package ipvslint.rules.strict_arp_disabled_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.strict_arp_disabled

arp_ignore(v) := {"net.ipv4.conf.all.arp_ignore": {"value": v, "file": "nodes/node-a/sysctl.txt", "line": 20, "text": sprintf("net.ipv4.conf.all.arp_ignore = %s", [v])}}

strict_off := fx.with_kube_proxy(fx.base, {"strictARP": false})

test_consistent_node_is_silent if {
	count(strict_arp_disabled.findings) == 0 with input as fx.base
}

test_strict_arp_off_fires if {
	f := fx.only(strict_arp_disabled.findings) with input as strict_off
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.168.1.200"
	contains(f.message, "192.168.1.200, the load balancer IP of default/web, is on kube-ipvs0 of node-a and inside the node's subnet 192.168.1.11/24 on eth0, while kube-proxy's strictARP is off")
	not f.severity
	contains(f.assumptions[0], "arp_ignore was not captured")
}

test_arp_ignore_0_fires_even_with_strict_arp if {
	f := fx.only(strict_arp_disabled.findings) with input as fx.with_node(fx.base, {"sysctl": arp_ignore("0")})
	contains(f.message, "arp_ignore is 0 although kube-proxy's strictARP is on")
	not f.assumptions
}

test_strict_arp_off_with_arp_ignore_1_is_info if {
	f := fx.only(strict_arp_disabled.findings) with input as fx.with_node(strict_off, {"sysctl": arp_ignore("1")})
	f.severity == "info"
}

test_strict_arp_on_with_arp_ignore_1_is_silent if {
	count(strict_arp_disabled.findings) == 0 with input as fx.with_node(fx.base, {"sysctl": arp_ignore("1")})
}

test_lb_ip_outside_node_subnets_is_silent if {
	d := fx.with_service(strict_off, "default/web", {"ingress": [{"ip": "203.0.113.7", "hostname": "", "ipMode": ""}]})
	d2 := fx.with_node(d, {"ipvs0": {"203.0.113.7": {"prefix": "203.0.113.7/32", "file": "nodes/node-a/ip-addr.txt", "line": 33, "text": ""}}})
	count(strict_arp_disabled.findings) == 0 with input as d2
}

test_cluster_ip_in_subnet_is_not_this_rule if {
	d := fx.with_node(strict_off, {"addresses": {"10.96.0.2": {"interface": "eth1", "prefix": "10.96.0.2/16", "file": "nodes/node-a/ip-addr.txt", "line": 12}}})
	f := fx.only(strict_arp_disabled.findings) with input as d
	f.target == "192.168.1.200"
}

test_no_config_assumes_off if {
	f := fx.only(strict_arp_disabled.findings) with input as fx.with_kube_proxy(fx.base, {"present": false, "strictARP": false})
	count(f.assumptions) == 2
}
