package ipvslint.rules.conntrack_unreplied_vip_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.conntrack_unreplied_vip

syn := "tcp      6 118 SYN_SENT src=10.244.1.8 dst=192.168.1.200 sport=40000 dport=80 [UNREPLIED] src=10.244.2.7 dst=10.244.1.8 sport=8080 dport=40000 mark=0 use=1"

lb_dest := fx.dest("TCP", "192.168.1.200", 80, {
	"flows": 12, "unreplied": 4, "states": {"SYN_SENT": 4, "ESTABLISHED": 8},
	"clients": {"10.244.1.8": 7, "192.168.1.11": 3, "10.244.1.9": 1, "10.244.1.10": 1},
	"backends": {"10.244.2.7:8080": 6, "10.244.1.5:8080": 6},
	"unrepliedBackends": {"10.244.2.7:8080": 4},
	"fromLocal": 3, "fromLocalUnreplied": 1,
	"samples": [fx.sample(7, syn)], "unrepliedSamples": [fx.sample(7, syn)],
})

test_consistent_node_is_silent if {
	count(conntrack_unreplied_vip.findings) == 0 with input as fx.base
}

test_unreplied_to_lb_ip_fires if {
	f := fx.only(conntrack_unreplied_vip.findings) with input as fx.with_dests(fx.base, [lb_dest])
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.168.1.200:80/TCP"
	contains(f.message, "4 of 12 TCP connections to 192.168.1.200:80 (load balancer IP of default/web) on node-a are unreplied")
	contains(f.message, "Top clients of this address: 10.244.1.8 (7), 192.168.1.11 (3), 10.244.1.10 (1)")
	contains(f.message, "Real servers they were sent to: 10.244.2.7:8080 (4)")
	contains(f.message, "1 of them come from this node's own addresses")
	f.evidence == [
		{"file": "nodes/node-a/ipvsadm.txt", "line": 23, "text": "TCP  192.168.1.200:80 rr"},
		fx.sample(7, syn),
	]
}

test_replied_flows_are_silent if {
	d := fx.with_dests(fx.base, [object.union(lb_dest, {"unreplied": 0, "unrepliedBackends": {}, "unrepliedSamples": []})])
	count(conntrack_unreplied_vip.findings) == 0 with input as d
}

test_unreplied_to_a_non_service_port_is_silent if {
	ssh := fx.dest("TCP", "192.168.1.11", 22, {"flows": 3, "unreplied": 3, "states": {"SYN_SENT": 3}})
	count(conntrack_unreplied_vip.findings) == 0 with input as fx.with_dests(fx.base, [ssh])
}

test_udp_is_not_this_rule if {
	udp := fx.dest("UDP", "10.96.0.10", 53, {"flows": 3, "unreplied": 3})
	count(conntrack_unreplied_vip.findings) == 0 with input as fx.with_dests(fx.base, [udp])
}

test_nodeport_without_ipvsadm_matched_by_service if {
	np := fx.dest("TCP", "192.168.1.11", 30080, {"flows": 2, "unreplied": 2, "states": {"SYN_SENT": 2}, "unrepliedBackends": {"192.168.1.11:30080": 2}})
	d := fx.with_capture(fx.with_vss(fx.with_dests(fx.base, [np]), []), "ipvsadm", "missing")
	f := fx.only(conntrack_unreplied_vip.findings) with input as d
	f.target == "192.168.1.11:30080/TCP"
	contains(f.message, "(NodePort of default/web)")
	contains(f.message, "not shown by conntrack")
}

test_counts_in_go_form if {
	d := fx.with_dests(fx.base, [object.union(lb_dest, {
		"clients": {"counts": {"10.244.1.8": 4}, "other": 0},
		"unrepliedBackends": {"counts": {"10.244.2.7:8080": 4}, "other": 0},
	})])
	f := fx.only(conntrack_unreplied_vip.findings) with input as d
	contains(f.message, "Top clients of this address: 10.244.1.8 (4)")
}

test_without_conntrack_capture_is_silent if {
	d := fx.with_capture(fx.with_dests(fx.base, [lb_dest]), "conntrack", "failed")
	count(conntrack_unreplied_vip.findings) == 0 with input as d
}

test_one_or_two_unreplied_on_a_busy_destination_are_silent if {
	some n in [1, 2]
	busy := object.union(lb_dest, {"unreplied": n, "states": {"SYN_SENT": n, "ESTABLISHED": 12 - n}})
	count(conntrack_unreplied_vip.findings) == 0 with input as fx.with_dests(fx.base, [busy])
}

test_a_single_flow_all_unreplied_fires if {
	lone := object.union(lb_dest, {"flows": 1, "unreplied": 1, "states": {"SYN_SENT": 1}, "unrepliedBackends": {"10.244.2.7:8080": 1}})
	f := fx.only(conntrack_unreplied_vip.findings) with input as fx.with_dests(fx.base, [lone])
	contains(f.message, "1 of 1 TCP connections to 192.168.1.200:80")
}

test_three_unreplied_on_a_busy_destination_fire if {
	busy := object.union(lb_dest, {"flows": 100, "unreplied": 3, "states": {"SYN_SENT": 3, "ESTABLISHED": 97}})
	f := fx.only(conntrack_unreplied_vip.findings) with input as fx.with_dests(fx.base, [busy])
	contains(f.message, "3 of 100 TCP connections")
}
