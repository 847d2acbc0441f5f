package ipvslint.rules.vip_not_bound_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.vip_not_bound

without_ipvs0(ips) := json.patch(fx.base, [{"op": "remove", "path": sprintf("/nodes/node-a/ipvs0/%s", [ip])} | some ip in ips])

test_consistent_node_is_silent if {
	count(vip_not_bound.findings) == 0 with input as fx.base
}

test_unbound_cluster_ip_fires_once_for_all_ports if {
	f := fx.only(vip_not_bound.findings) with input as without_ipvs0(["10.96.0.10"])
	f.node == "node-a"
	f.service == "kube-system/dns"
	f.target == "10.96.0.10"
	contains(f.message, "has 2 virtual services on node-a (10.96.0.10:53/TCP, 10.96.0.10:53/UDP)")
	count(f.evidence) == 3
}

test_unbound_lb_ip_fires if {
	f := fx.only(vip_not_bound.findings) with input as without_ipvs0(["192.168.1.200"])
	f.target == "192.168.1.200"
	contains(f.message, "the load balancer IP of default/web")
}

test_no_kube_ipvs0_at_all if {
	fs := vip_not_bound.findings with input as without_ipvs0(["10.96.0.10", "10.96.100.1", "192.168.1.200"])
	count(fs) == 3
	every f in fs {
		contains(f.message, "the interface is missing or was flushed")
	}
}

test_lb_ip_on_another_interface_is_not_flagged if {
	d := fx.with_node(without_ipvs0(["192.168.1.200"]), {"addresses": {"192.168.1.200": {"interface": "eth0", "prefix": "192.168.1.200/24", "file": "nodes/node-a/ip-addr.txt", "line": 9}}})
	count(vip_not_bound.findings) == 0 with input as d
}

test_nodeport_is_not_a_vip if {
	d := json.patch(fx.base, [{"op": "remove", "path": "/nodes/node-a/addresses/192.168.1.11"}])
	count(vip_not_bound.findings) == 0 with input as d
}

test_without_ip_addr_capture_is_silent if {
	d := fx.with_capture(without_ipvs0(["10.96.0.10"]), "ip-addr", "missing")
	count(vip_not_bound.findings) == 0 with input as d
}
