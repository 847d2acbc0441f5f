package ipvslint.rules.etp_local_no_endpoints_refused_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.etp_local_no_endpoints_refused as rule

empty_doc(version) := fx.web_doc(version, "vpc", {"node-a": fx.node_a([]), "node-b": fx.node_b})

test_fires_on_1_23_17 if {
	fs := rule.findings with input as empty_doc(fx.ver(1, 23, 17))
	{f.target | some f in fs} == {"10.0.0.1:30080/TCP", "192.0.2.10:80/TCP"}
	every f in fs {
		f.node == "node-a"
		contains(f.message, "ICMP port unreachable")
		contains(f.message, "refused")
		contains(f.message, "kube-proxy v1.23.17 (before 1.24)")
		contains(f.message, "2 ready endpoint(s) are on node-b, node-c")
		not f.assumptions
	}
	some f in fs
	f.target == "192.0.2.10:80/TCP"
	f.evidence[1] == {"file": "nodes/node-a/ip-addr.txt", "line": 21, "text": "    inet 192.0.2.10/32 scope global kube-ipvs0"}
}

test_silent_from_1_24_0 if {
	count(rule.findings) == 0 with input as empty_doc(fx.ver(1, 24, 0))
}

test_unknown_version_empty_vs_fires_with_assumption if {
	fs := rule.findings with input as empty_doc(fx.no_version)
	count(fs) == 2
	every f in fs {
		contains(f.assumptions[0], "before 1.24")
		contains(f.assumptions[0], "From 1.24")
	}
}

test_silent_when_vs_has_real_servers if {
	count(rule.findings) == 0 with input as fx.web_doc(fx.ver(1, 23, 0), "vpc", {"node-a": fx.node_a(fx.remote_rss)})
}

test_silent_when_no_ready_endpoint_anywhere if {
	d := fx.doc(fx.ver(1, 23, 0), "vpc", {"default/web": fx.web_with({"endpoints": []})}, {"node-a": fx.node_a([])})
	count(rule.findings) == 0 with input as d
}

test_silent_for_cluster_policy if {
	d := fx.doc(fx.ver(1, 23, 0), "vpc", {"default/web": fx.web_with({"externalTrafficPolicy": "Cluster"})}, {"node-a": fx.node_a([])})
	count(rule.findings) == 0 with input as d
}

test_silent_without_endpoint_capture if {
	d := fx.doc(fx.ver(1, 23, 0), "vpc", {"default/web": fx.web_with({"endpoints": [], "endpointsSource": ""})}, {"node-a": fx.node_a([])})
	count(rule.findings) == 0 with input as d
}
