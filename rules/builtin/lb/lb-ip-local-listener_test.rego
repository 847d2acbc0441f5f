package ipvslint.rules.lb_ip_local_listener_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.lb_ip_local_listener as rule

local_443 := fx.conntrack("node-a", [fx.dest(
	"node-a", "TCP", "192.0.2.10", 443,
	{"flows": 1, "noDNAT": 1, "assured": 1},
	["tcp      6 431999 ESTABLISHED src=10.244.0.9 dst=192.0.2.10 sport=41000 dport=443 src=192.0.2.10 dst=10.244.0.9 sport=443 dport=41000 [ASSURED] mark=0 use=1"],
)])

listener(ip, wildcard, port) := {
	"protocol": "TCP", "ip": ip, "wildcard": wildcard, "port": port,
	"process": "users:((\"nginx\",pid=912,fd=6))", "file": "nodes/node-a/ss-listen.txt", "line": 4,
}

doc(version, listeners) := fx.web_doc(version, "vpc", {"node-a": object.union(
	fx.node_a(fx.remote_rss),
	{"conntrack": local_443, "listeners": listeners},
)})

test_fires_before_1_26 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 25, 16), [listener("", "v4", 443)])
	f.target == "192.0.2.10:443/TCP"
	contains(f.message, "TCP on all IPv4 addresses, port 443")
	contains(f.message, "kube-proxy v1.25.16 (before 1.26)")
	contains(f.message, "conntrack shows 1 such flow(s)")
	f.evidence[1] == {"file": "nodes/node-a/ss-listen.txt", "line": 4, "text": ""}
	not f.assumptions
}

# Correction to the field report: from 1.26 KUBE-IPVS-FILTER refuses, the listener is not reached.
test_silent_from_1_26_0 if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 26, 0), [listener("", "v4", 443)])
}

test_listener_on_the_ip if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 22, 0), [listener("192.0.2.10", "", 443)])
	contains(f.message, "TCP on 192.0.2.10:443")
}

test_ipv6_only_wildcard_does_not_take_ipv4 if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 22, 0), [listener("", "v6", 443)])
}

test_other_port_silent if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 22, 0), [listener("", "any", 8443)])
}

test_unknown_version_with_conntrack if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, [listener("", "any", 443)])
	contains(f.assumptions[0], "show kube-proxy before 1.26")
}

test_unknown_version_expect_only if {
	d := object.union(
		fx.web_doc(fx.no_version, "vpc", {"node-a": object.union(fx.node_a(fx.remote_rss), {"listeners": [listener("", "any", 8443)]})}),
		{"options": {"expect": [{"ip": "192.0.2.10", "port": 8443, "protocol": "TCP"}]}},
	)
	f := fx.only(rule.findings) with input as d
	f.severity == "warning"
	contains(f.assumptions[0], "nothing in the bundle shows kube-proxy before 1.26")
}

# Unreplied SYNs of the node's own clients are recorded from 1.26 too: they do not show the version.
test_unknown_version_host_syns_do_not_prove if {
	host_syn := fx.conntrack("node-a", [fx.dest(
		"node-a", "TCP", "192.0.2.10", 443,
		{"flows": 1, "noDNAT": 1, "unreplied": 1, "fromLocal": 1, "fromLocalUnreplied": 1},
		["tcp      6 118 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=41000 dport=443 [UNREPLIED] src=192.0.2.10 dst=192.0.2.10 sport=443 dport=41000 mark=0 use=1"],
	)])
	d := fx.with_node(doc(fx.no_version, [listener("", "any", 443)]), "node-a", {"conntrack": host_syn})
	f := fx.only(rule.findings) with input as d
	f.severity == "warning"
}

test_unknown_version_replied_flow_proves if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, [listener("", "any", 443)])
	not f.severity
}

# The load balancer's health check reaches kube-proxy's health server on purpose (B2).
test_health_check_node_port_silent if {
	d := fx.doc(fx.ver(1, 25, 16), "vpc", {"default/web": fx.web_with({"healthCheckNodePort": 443})}, {"node-a": object.union(
		fx.node_a(fx.remote_rss),
		{"conntrack": local_443, "listeners": [listener("", "any", 443)]},
	)})
	count(rule.findings) == 0 with input as d
}

test_silent_without_ss_capture if {
	d := fx.with_node(doc(fx.ver(1, 22, 0), [listener("", "v4", 443)]), "node-a", {"captures": {"ss-listen": {"status": "missing"}}})
	count(rule.findings) == 0 with input as d
}
