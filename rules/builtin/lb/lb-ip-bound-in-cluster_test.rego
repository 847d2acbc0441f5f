package ipvslint.rules.lb_ip_bound_in_cluster_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.lb_ip_bound_in_cluster as rule

bound_doc(version) := fx.web_doc(version, "vpc", {"node-a": fx.node_a(fx.remote_rss)})

test_fires_for_lb_ip if {
	f := fx.only(rule.findings) with input as bound_doc(fx.ver(1, 24, 0))
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10"
	contains(f.message, "192.0.2.10, the load balancer IP of default/web, is bound on node-a's kube-ipvs0")
	contains(f.message, "never reach the real load balancer")
	contains(f.message, "only these ports of it work: 80/TCP.")
	not f.severity
	not f.assumptions
	f.evidence[0].text == "    inet 192.0.2.10/32 scope global kube-ipvs0"
	f.evidence[1].text == "TCP  192.0.2.10:80 rr"
}

test_fires_for_external_ip if {
	svc := fx.web_with({"ingress": [], "externalIPs": ["198.51.100.7"]})
	n := fx.node("node-a", "10.0.0.1", ["198.51.100.7"], [fx.vs("TCP", "198.51.100.7", 80, 10, "default/web", "externalIP", fx.remote_rss)])
	f := fx.only(rule.findings) with input as fx.doc(fx.ver(1, 30, 0), "vpc", {"default/web": svc}, {"node-a": n})
	contains(f.message, "the external IP of default/web")
	contains(f.message, "never leave it")
}

test_silent_when_not_bound if {
	n := fx.node("node-a", "10.0.0.1", ["10.96.0.10"], [])
	count(rule.findings) == 0 with input as fx.web_doc(fx.ver(1, 24, 0), "vpc", {"node-a": n})
}

test_hostname_only_ingress_silent if {
	d := fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": fx.web_with({"ingress": [{"ip": "", "hostname": "web.example.com", "ipMode": ""}]})}, {"node-a": fx.node_a(fx.remote_rss)})
	count(rule.findings) == 0 with input as d
}

test_silent_without_ip_addr if {
	d := fx.with_node(bound_doc(fx.ver(1, 24, 0)), "node-a", {"captures": {"ip-addr": {"status": "missing"}}})
	count(rule.findings) == 0 with input as d
}

test_ports_from_service_without_ipvsadm if {
	d := fx.with_node(bound_doc(fx.ver(1, 24, 0)), "node-a", {"captures": {"ipvsadm": {"status": "failed"}}})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "80/TCP (the Service's ports; ipvsadm was not captured)")
}

node_ip_doc(version) := fx.with_node(bound_doc(version), "node-a", {"addresses": {"192.0.2.10": {
	"interface": "eth1", "prefix": "192.0.2.10/24", "file": "nodes/node-a/ip-addr.txt", "line": 12,
}}})

# 1.28 node-address exception (PR #115019) and the 1.26-1.27 KUBE-IPVS-FILTER regression.
test_node_address_1_27_0_filtered if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 27, 0))
	f.severity == "error"
	contains(f.message, "KUBE-IPVS-FILTER refuses every other port of it")
	not f.assumptions
}

test_node_address_1_26_filtered if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 26, 9))
	f.severity == "error"
}

# PR #117684 cherry-picked the exception to 1.27 after 1.27.0; the first patch release is not verified.
test_node_address_1_27_patch_maybe_fixed if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 27, 5))
	f.severity == "warning"
	contains(f.message, "PR #117684")
	contains(f.message, "this kube-ipvs0 entry is left over")
	contains(f.message, "without it, KUBE-IPVS-FILTER refuses every other port of it")
	contains(f.assumptions[0], "PR #117684")
}

test_node_address_1_28_stale if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 28, 0))
	not f.severity
	contains(f.message, "does not bind such an address, so this kube-ipvs0 entry is left over")
}

test_node_address_1_25_bound if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 25, 0))
	contains(f.message, "kube-proxy before 1.28 binds it on kube-ipvs0 as well")
}

test_node_address_unknown_version if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.no_version)
	contains(f.assumptions[0], "from 1.28 (PR #115019, and later 1.27 patch releases with PR #117684)")
}
