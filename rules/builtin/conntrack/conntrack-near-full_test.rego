package ipvslint.rules.conntrack_near_full_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.conntrack_near_full

with_flows(d, n) := fx.with_node(d, {"conntrack": {"flows": n}})

sysctl_max := {"net.netfilter.nf_conntrack_max": {"value": "1000", "file": "nodes/node-a/sysctl.txt", "line": 12, "text": "net.netfilter.nf_conntrack_max = 1000"}}

with_sysctl_max := fx.with_node(fx.base, {"sysctl": sysctl_max})

test_consistent_node_is_silent if {
	count(conntrack_near_full.findings) == 0 with input as fx.base
}

test_89_percent_is_silent if {
	count(conntrack_near_full.findings) == 0 with input as with_flows(with_sysctl_max, 899)
}

test_90_percent_fires if {
	f := fx.only(conntrack_near_full.findings) with input as with_flows(with_sysctl_max, 900)
	f.node == "node-a"
	f.service == ""
	f.target == ""
	contains(f.message, "holds 900 entries, 90 % of its limit of 1000 (net.netfilter.nf_conntrack_max)")
	f.evidence[1] == {"file": "nodes/node-a/sysctl.txt", "line": 12, "text": "net.netfilter.nf_conntrack_max = 1000"}
	not f.assumptions
}

test_default_limit_is_an_assumption if {
	f := fx.only(conntrack_near_full.findings) with input as with_flows(fx.base, 240000)
	contains(f.message, "91 % of its limit of 262144")
	contains(f.assumptions[0], "assumed kube-proxy's default limit max(32768 x cores, 131072) = 262144")
}

test_no_limit_known_is_silent if {
	d := json.patch(with_flows(fx.base, 240000), [{"op": "remove", "path": "/nodes/node-a/conntrack/max"}])
	count(conntrack_near_full.findings) == 0 with input as d
}

test_without_conntrack_capture_is_silent if {
	d := fx.with_capture(with_flows(with_sysctl_max, 1000), "conntrack", "missing")
	count(conntrack_near_full.findings) == 0 with input as d
}
