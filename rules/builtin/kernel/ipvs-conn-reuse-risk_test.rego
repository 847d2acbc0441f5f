package ipvslint.rules.ipvs_conn_reuse_risk_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.ipvs_conn_reuse_risk

kernel(major, minor) := {"release": sprintf("%d.%d.0-generic", [major, minor]), "major": major, "minor": minor, "patch": 0, "file": "nodes/node-a/uname.txt", "line": 1}

reuse(mode) := {"net.ipv4.vs.conn_reuse_mode": {"value": sprintf("%d", [mode]), "file": "nodes/node-a/sysctl.txt", "line": 3, "text": sprintf("net.ipv4.vs.conn_reuse_mode = %d", [mode])}}

on(major, minor, sysctl) := fx.with_node(fx.base, {"kernel": kernel(major, minor), "sysctl": sysctl})

test_consistent_node_is_silent if {
	count(ipvs_conn_reuse_risk.findings) == 0 with input as fx.base
}

test_kernel_5_8_mode_0_fires if {
	f := fx.only(ipvs_conn_reuse_risk.findings) with input as on(5, 8, reuse(0))
	f.node == "node-a"
	f.service == ""
	f.target == ""
	contains(f.message, "node-a runs kernel 5.8.0-generic (before 5.9) with net.ipv4.vs.conn_reuse_mode 0")
	contains(f.message, "kubernetes#81775")
	f.evidence == [
		{"file": "nodes/node-a/uname.txt", "line": 1, "text": ""},
		{"file": "nodes/node-a/sysctl.txt", "line": 3, "text": "net.ipv4.vs.conn_reuse_mode = 0"},
	]
}

test_kernel_5_8_mode_1_fires if {
	f := fx.only(ipvs_conn_reuse_risk.findings) with input as on(5, 8, reuse(1))
	contains(f.message, "stalls for one second")
}

test_kernel_5_8_mode_2_is_silent if {
	count(ipvs_conn_reuse_risk.findings) == 0 with input as on(5, 8, reuse(2))
}

test_kernel_5_9_is_silent if {
	count(ipvs_conn_reuse_risk.findings) == 0 with input as on(5, 9, reuse(0))
	count(ipvs_conn_reuse_risk.findings) == 0 with input as on(5, 9, reuse(1))
}

test_kernel_4_19_without_sysctl_assumes_kube_proxy_0 if {
	f := fx.only(ipvs_conn_reuse_risk.findings) with input as on(4, 19, {})
	contains(f.message, "conn_reuse_mode 0")
	contains(f.assumptions[0], "was not captured; assumed 0")
}

test_kernel_3_10_without_sysctl_is_silent if {
	count(ipvs_conn_reuse_risk.findings) == 0 with input as on(3, 10, {})
}

test_without_kernel_is_silent if {
	d := json.patch(on(5, 4, reuse(0)), [{"op": "remove", "path": "/nodes/node-a/kernel"}])
	count(ipvs_conn_reuse_risk.findings) == 0 with input as d
}

test_iptables_mode_is_silent if {
	count(ipvs_conn_reuse_risk.findings) == 0 with input as fx.with_node(on(5, 4, reuse(0)), {"proxyMode": "iptables"})
}

# uname's release is not a version (numbers 0): the kernel's age is unknown.
test_unparsable_kernel_release_is_silent if {
	k := object.union(kernel(0, 0), {"release": "custom-build"})
	count(ipvs_conn_reuse_risk.findings) == 0 with input as fx.with_node(fx.base, {"kernel": k, "sysctl": reuse(1)})
}
