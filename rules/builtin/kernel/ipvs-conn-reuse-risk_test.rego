package ipvslint.rules.ipvs_conn_reuse_risk_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.ipvs_conn_reuse_risk as rule

kernel(major, minor) := {"release": sprintf("%d.%d.0-generic", [major, minor]), "major": major, "minor": minor, "patch": 0, "file": "nodes/node-a/uname.txt", "line": 1}

reuse(mode) := {"net.ipv4.vs.conn_reuse_mode": {"value": sprintf("%d", [mode]), "file": "nodes/node-a/sysctl.txt", "line": 3, "text": sprintf("net.ipv4.vs.conn_reuse_mode = %d", [mode])}}

on(major, minor, sysctl) := fx.doc(fx.ver(1, 28, 3), "vpc", {}, {"node-a": {"kernel": kernel(major, minor), "sysctl": sysctl}})

test_kernel_5_8_mode_0_fires if {
	f := fx.only(rule.findings) with input as on(5, 8, reuse(0))
	f.node == "node-a"
	f.service == ""
	f.target == ""
	f.message == "node-a runs kernel 5.8.0-generic (before 5.9) with net.ipv4.vs.conn_reuse_mode 0: a client that reuses a source port is sent to the real server of the old connection, even when that pod was deleted, so connections time out or fail with \"no route to host\" after pods go away (kubernetes#81775)."
	f.evidence == [
		{"file": "nodes/node-a/uname.txt", "line": 1, "text": ""},
		{"file": "nodes/node-a/sysctl.txt", "line": 3, "text": "net.ipv4.vs.conn_reuse_mode = 0"},
	]
	not f.assumptions
}

test_kernel_5_8_mode_1_fires if {
	f := fx.only(rule.findings) with input as on(5, 8, reuse(1))
	f.message == "node-a runs kernel 5.8.0-generic (before 5.9) with net.ipv4.vs.conn_reuse_mode 1: a connection that reuses a source port has its first SYN dropped, so it stalls for one second (kubernetes#70747, #90854); busy clients see many 1 s delays."
}

test_kernel_5_8_mode_2_is_silent if {
	count(rule.findings) == 0 with input as on(5, 8, reuse(2))
}

test_kernel_5_9_is_silent if {
	count(rule.findings) == 0 with input as on(5, 9, reuse(0))
	count(rule.findings) == 0 with input as on(5, 9, reuse(1))
	count(rule.findings) == 0 with input as on(6, 1, reuse(0))
}

test_kernel_4_19_without_sysctl_assumes_kube_proxy_0 if {
	f := fx.only(rule.findings) with input as on(4, 19, {})
	startswith(f.message, "node-a runs kernel 4.19.0-generic (before 5.9) with net.ipv4.vs.conn_reuse_mode 0: ")
	f.evidence == [{"file": "nodes/node-a/uname.txt", "line": 1, "text": ""}]
	f.assumptions == ["net.ipv4.vs.conn_reuse_mode was not captured; assumed 0, which kube-proxy sets on kernels 4.1 to 5.8. If it was set to 1, connections stall for one second on port reuse instead."]
}

test_kernel_3_10_without_sysctl_is_silent if {
	count(rule.findings) == 0 with input as on(3, 10, {})
}

test_without_kernel_is_silent if {
	count(rule.findings) == 0 with input as fx.doc(fx.ver(1, 28, 3), "vpc", {}, {"node-a": {"sysctl": reuse(0)}})
}

test_iptables_mode_is_silent if {
	count(rule.findings) == 0 with input as fx.with_node(on(5, 4, reuse(0)), "node-a", {"proxyMode": "iptables"})
}

# IPVS mode shown by the table alone, without a proxy mode or kube-proxy config.
test_ipvs_shown_by_the_table if {
	d := fx.with_kube_proxy(fx.with_node(on(5, 4, reuse(0)), "node-a", {"proxyMode": ""}), {"present": false})
	count(rule.findings) == 1 with input as d
	d2 := fx.with_node(d, "node-a", {"actual": {"virtualServers": 0, "addresses": 0}})
	count(rule.findings) == 0 with input as d2
}

# uname's release is not a version (numbers 0): the kernel's age is unknown.
test_unparsable_kernel_release_is_silent if {
	k := object.union(kernel(0, 0), {"release": "custom-build"})
	count(rule.findings) == 0 with input as fx.doc(fx.ver(1, 28, 3), "vpc", {}, {"node-a": {"kernel": k, "sysctl": reuse(1)}})
}
