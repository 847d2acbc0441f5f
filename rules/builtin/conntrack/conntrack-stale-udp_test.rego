package ipvslint.rules.conntrack_stale_udp_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.conntrack_stale_udp

stale_line := "udp      17 25 src=10.244.1.8 dst=10.96.0.10 sport=5353 dport=53 src=10.244.3.3 dst=10.244.1.8 sport=53 dport=5353 mark=0 use=1"

good_line := "udp      17 25 src=10.244.1.8 dst=10.96.0.10 sport=5354 dport=53 src=10.244.1.3 dst=10.244.1.8 sport=53 dport=5354 mark=0 use=1"

dns_dest(backends) := fx.dest("UDP", "10.96.0.10", 53, {
	"flows": 9, "backends": backends, "clients": {"10.244.1.8": 9},
	"samples": [fx.sample(3, good_line), fx.sample(4, stale_line)],
})

test_consistent_node_is_silent if {
	count(conntrack_stale_udp.findings) == 0 with input as fx.base
}

test_current_endpoints_are_silent if {
	d := fx.with_dests(fx.base, [dns_dest({"10.244.1.3:53": 5, "10.244.2.3:53": 4})])
	count(conntrack_stale_udp.findings) == 0 with input as d
}

test_former_endpoint_fires if {
	d := fx.with_dests(fx.base, [dns_dest({"10.244.1.3:53": 5, "10.244.3.3:53": 4})])
	f := fx.only(conntrack_stale_udp.findings) with input as d
	f.node == "node-a"
	f.service == "kube-system/dns"
	f.target == "10.96.0.10:53/UDP"
	contains(f.message, "4 UDP flows to 10.96.0.10:53 (ClusterIP of kube-system/dns) on node-a are answered by 10.244.3.3 (4), which is no longer a ready endpoint")
	f.evidence == [
		{"file": "nodes/node-a/ipvsadm.txt", "line": 4, "text": "UDP  10.96.0.10:53 rr"},
		fx.sample(4, stale_line),
	]
}

test_not_ready_endpoint_is_stale if {
	eps := [object.union(fx.dns.endpoints[0], {"ready": false, "serving": false}), fx.dns.endpoints[1]]
	d := fx.with_service(fx.with_dests(fx.base, [dns_dest({"10.244.1.3:53": 5})]), "kube-system/dns", {"endpoints": eps})
	f := fx.only(conntrack_stale_udp.findings) with input as d
	contains(f.message, "answered by 10.244.1.3 (5)")
}

test_unreplied_flow_without_dnat_is_silent if {
	d := fx.with_dests(fx.base, [dns_dest({"10.96.0.10:53": 2})])
	count(conntrack_stale_udp.findings) == 0 with input as d
}

test_tcp_is_not_this_rule if {
	tcp := object.union(dns_dest({"10.244.3.3:53": 4}), {"protocol": "TCP"})
	count(conntrack_stale_udp.findings) == 0 with input as fx.with_dests(fx.base, [tcp])
}

test_without_endpoint_capture_is_silent if {
	d := fx.with_service(fx.with_dests(fx.base, [dns_dest({"10.244.3.3:53": 4})]), "kube-system/dns", {"endpointsSource": ""})
	count(conntrack_stale_udp.findings) == 0 with input as d
}
