package ipvslint.rules.lb_ip_host_client_timeout_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.lb_ip_host_client_timeout as rule

fallback_doc(version, cni) := fx.web_doc(version, cni, {"node-a": fx.node_a(fx.remote_rss), "node-b": fx.node_b})

test_fires_on_vpc_from_1_24_0 if {
	f := fx.only(rule.findings) with input as fallback_doc(fx.ver(1, 24, 0), "vpc")
	f.node == "node-a"
	f.target == "192.0.2.10:80/TCP"
	contains(f.message, "source address is 192.0.2.10 itself")
	contains(f.message, "Pods on node-a are not affected")
	not contains(f.message, "Conntrack")
	not f.assumptions
	f.evidence[0].text == "    inet 192.0.2.10/32 scope global kube-ipvs0"
}

test_silent_before_1_24 if {
	count(rule.findings) == 0 with input as fallback_doc(fx.ver(1, 23, 17), "vpc")
}

# flannel masquerades host clients (! -s cluster -d cluster): works, source lost instead.
test_silent_on_overlay if {
	count(rule.findings) == 0 with input as fallback_doc(fx.ver(1, 24, 0), "overlay")
}

test_host_network_backends_fire_on_overlay if {
	hn := [fx.rs("10.0.0.2", 8080, false, "node-b", true)]
	f := fx.only(rule.findings) with input as fx.web_doc(fx.ver(1, 24, 0), "overlay", {"node-a": fx.node_a(hn)})
	contains(f.message, "hostNetwork backend replies")
}

test_unknown_cni_and_version_fire_with_assumptions if {
	f := fx.only(rule.findings) with input as fallback_doc(fx.no_version, "unknown")
	count(f.assumptions) == 2
	contains(f.assumptions[0], "version is unknown")
	contains(f.assumptions[1], "flannel would rewrite the source")
}

test_conntrack_confirms if {
	ct := fx.conntrack("node-a", [fx.dest(
		"node-a", "TCP", "192.0.2.10", 80,
		{"flows": 2, "unreplied": 2, "fromLocal": 2, "fromLocalUnreplied": 2, "clients": {"192.0.2.10": 2}},
		[
			"tcp      6 118 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=40112 dport=80 [UNREPLIED] src=10.244.2.5 dst=192.0.2.10 sport=8080 dport=40112 mark=0 use=1",
			"tcp      6 117 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=40114 dport=80 [UNREPLIED] src=10.244.3.7 dst=192.0.2.10 sport=8080 dport=40114 mark=0 use=1",
		],
	)])
	d := fx.with_node(fallback_doc(fx.ver(1, 26, 3), "vpc"), "node-a", {"conntrack": ct})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "Conntrack confirms it: 2 unreplied flow(s) from host processes to 192.0.2.10:80.")
	contains(f.message, "of default/web time out.")
	count([e | some e in f.evidence; e.file == "nodes/node-a/conntrack.txt"]) == 2
}

test_silent_with_local_endpoint if {
	count(rule.findings) == 0 with input as fallback_doc(fx.ver(1, 24, 0), "vpc") with input.nodes as {"node-b": fx.node_b}
}

# conntrack was captured and shows no connection from the load balancer IP: a risk, not a seen failure.
test_conntrack_without_such_flow_would_time_out if {
	d := fx.with_node(fallback_doc(fx.ver(1, 26, 3), "vpc"), "node-a", {"conntrack": fx.conntrack("node-a", [])})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "that connect to the load balancer IP 192.0.2.10:80 of default/web would time out.")
	contains(f.message, "conntrack shows no such connection at capture time")
}

test_without_conntrack_capture_states_the_behaviour if {
	d := fx.with_node(fallback_doc(fx.ver(1, 26, 3), "vpc"), "node-a", {"captures": {"conntrack": {"status": "missing"}}})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "of default/web time out.")
	not contains(f.message, "conntrack shows")
}
