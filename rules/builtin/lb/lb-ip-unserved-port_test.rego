package ipvslint.rules.lb_ip_unserved_port_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.lb_ip_unserved_port as rule

# local_443 is node-a's conntrack: two in-cluster flows to 192.0.2.10:443 answered by the node itself.
local_443 := fx.conntrack("node-a", [fx.dest(
	"node-a", "TCP", "192.0.2.10", 443,
	{"flows": 2, "noDNAT": 2, "clients": {"10.244.0.9": 2}},
	[
		"tcp      6 9 CLOSE src=10.244.0.9 dst=192.0.2.10 sport=41000 dport=443 src=192.0.2.10 dst=10.244.0.9 sport=443 dport=41000 mark=0 use=1",
		"tcp      6 8 CLOSE src=10.244.0.9 dst=192.0.2.10 sport=41002 dport=443 src=192.0.2.10 dst=10.244.0.9 sport=443 dport=41002 mark=0 use=1",
	],
)])

ct_doc(version) := fx.web_doc(version, "vpc", {"node-a": object.union(fx.node_a(fx.remote_rss), {"conntrack": local_443})})

expect(d, ip, port) := object.union(d, {"options": {"expect": [{"ip": ip, "port": port, "protocol": "TCP"}]}})

test_conntrack_from_1_26_0_refused_by_filter if {
	f := fx.only(rule.findings) with input as ct_doc(fx.ver(1, 26, 0))
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10:443/TCP"
	contains(f.message, "no IPVS virtual service for port 443/TCP (it serves 80/TCP)")
	contains(f.message, "conntrack shows 2 flow(s) to it that ended on the node itself")
	contains(f.message, "kube-proxy v1.26.0 (1.26 or later) rejects")
	contains(f.message, "KUBE-IPVS-FILTER")
	not f.assumptions
	f.evidence[0] == {"file": "nodes/node-a/ip-addr.txt", "line": 21, "text": "    inet 192.0.2.10/32 scope global kube-ipvs0"}
	f.evidence[1].text == "TCP  192.0.2.10:80 rr"
	f.evidence[2].file == "nodes/node-a/conntrack.txt"
}

test_conntrack_before_1_26_reaches_node_stack if {
	f := fx.only(rule.findings) with input as ct_doc(fx.ver(1, 25, 16))
	contains(f.message, "stay on the node: kube-proxy v1.25.16 (before 1.26) has no KUBE-IPVS-FILTER")
	contains(f.message, "lb-ip-local-listener")
}

test_unknown_version_conntrack_shows_pre_1_26 if {
	f := fx.only(rule.findings) with input as ct_doc(fx.no_version)
	contains(f.message, "kube-proxy before 1.26")
	contains(f.assumptions[0], "show kube-proxy before 1.26")
}

# From 1.26 the SYNs of host clients are recorded before KUBE-IPVS-FILTER rejects them in
# filter/INPUT, so unreplied flows from the node's own addresses do not show the version.
host_syn_443 := fx.conntrack("node-a", [fx.dest(
	"node-a", "TCP", "192.0.2.10", 443,
	{"flows": 2, "noDNAT": 2, "unreplied": 2, "fromLocal": 2, "fromLocalUnreplied": 2, "clients": {"192.0.2.10": 2}},
	[
		"tcp      6 118 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=41000 dport=443 [UNREPLIED] src=192.0.2.10 dst=192.0.2.10 sport=443 dport=41000 mark=0 use=1",
		"tcp      6 117 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=41002 dport=443 [UNREPLIED] src=192.0.2.10 dst=192.0.2.10 sport=443 dport=41002 mark=0 use=1",
	],
)])

test_unknown_version_host_syns_assume_filter if {
	d := fx.web_doc(fx.no_version, "vpc", {"node-a": object.union(fx.node_a(fx.remote_rss), {"conntrack": host_syn_443})})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "kube-proxy 1.26 and later rejects")
	contains(f.assumptions[0], "assumed 1.26 or later")
	contains(f.assumptions[1], "do not tell the version")
}

# A non-local client's unreplied SYN is not recorded from 1.26: it shows the pre-1.26 behaviour.
test_unknown_version_pod_syn_shows_pre_1_26 if {
	pod_syn := fx.conntrack("node-a", [fx.dest(
		"node-a", "TCP", "192.0.2.10", 443,
		{"flows": 1, "noDNAT": 1, "unreplied": 1, "clients": {"10.244.0.9": 1}},
		["tcp      6 118 SYN_SENT src=10.244.0.9 dst=192.0.2.10 sport=41000 dport=443 [UNREPLIED] src=192.0.2.10 dst=10.244.0.9 sport=443 dport=41000 mark=0 use=1"],
	)])
	d := fx.web_doc(fx.no_version, "vpc", {"node-a": object.union(fx.node_a(fx.remote_rss), {"conntrack": pod_syn})})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "kube-proxy before 1.26")
	count(f.assumptions) == 1
}

# KUBE-IPVS-FILTER allows the healthCheckNodePorts, and the load balancer's health check
# is meant to reach kube-proxy there (B2).
test_health_check_node_port_silent if {
	d := fx.doc(fx.ver(1, 26, 0), "vpc", {"default/web": fx.web_with({"healthCheckNodePort": 443})}, {"node-a": object.union(fx.node_a(fx.remote_rss), {"conntrack": local_443})})
	count(rule.findings) == 0 with input as d
}

test_health_check_node_port_of_another_service_silent if {
	other := fx.web_with({"name": "other", "ingress": [], "healthCheckNodePort": 8443})
	d := expect(fx.doc(fx.ver(1, 26, 0), "vpc", {"default/web": fx.web, "default/other": other}, {"node-a": fx.node_a(fx.remote_rss)}), "192.0.2.10", 8443)
	count(rule.findings) == 0 with input as d
}

test_unknown_version_expect_assumes_filter if {
	d := expect(fx.web_doc(fx.no_version, "vpc", {"node-a": fx.node_a(fx.remote_rss)}), "192.0.2.10", 8443)
	f := fx.only(rule.findings) with input as d
	f.target == "192.0.2.10:8443/TCP"
	contains(f.message, "you asked about it (--expect)")
	contains(f.message, "kube-proxy 1.26 and later rejects")
	contains(f.assumptions[0], "assumed 1.26 or later")
}

test_conntrack_and_expect_make_one_finding if {
	f := fx.only(rule.findings) with input as expect(ct_doc(fx.ver(1, 27, 1)), "192.0.2.10", 443)
	contains(f.message, "ended on the node itself (no DNAT); you asked about it (--expect)")
}

test_expect_served_port_silent if {
	d := expect(fx.web_doc(fx.ver(1, 26, 0), "vpc", {"node-a": fx.node_a(fx.remote_rss)}), "192.0.2.10", 80)
	count(rule.findings) == 0 with input as d
}

test_expect_unbound_ip_silent if {
	d := expect(fx.web_doc(fx.ver(1, 26, 0), "vpc", {"node-a": fx.node_a(fx.remote_rss)}), "192.0.2.99", 443)
	count(rule.findings) == 0 with input as d
}

test_expect_cluster_ip_silent if {
	d := expect(fx.web_doc(fx.ver(1, 26, 0), "vpc", {"node-a": fx.node_a(fx.remote_rss)}), "10.96.0.10", 443)
	count(rule.findings) == 0 with input as d
}

test_without_conntrack_capture_silent if {
	d := fx.with_node(ct_doc(fx.ver(1, 26, 0)), "node-a", {"captures": {"conntrack": {"status": "failed"}}})
	count(rule.findings) == 0 with input as d
}

# Flows to the node's own address (used as load balancer IP too) are its own services.
test_node_address_as_lb_ip_conntrack_silent if {
	d := fx.with_node(ct_doc(fx.ver(1, 26, 0)), "node-a", {"addresses": {"192.0.2.10": {"interface": "eth0", "prefix": "192.0.2.10/24", "file": "nodes/node-a/ip-addr.txt", "line": 9}}})
	count(rule.findings) == 0 with input as d
}

alibaba(override) := fx.web_with({"annotations": object.union(
	{"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id": "lb-2ze4example"},
	{k: override | k := "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners"; override != ""},
)})

test_alibaba_reused_lb_without_override if {
	d := fx.doc(fx.ver(1, 24, 6), "vpc", {"default/web": alibaba("")}, {"node-a": fx.node_a(fx.remote_rss)})
	f := fx.only(rule.findings) with input as d
	f.target == "192.0.2.10"
	contains(f.message, "reuses the existing Alibaba Cloud load balancer lb-2ze4example")
	contains(f.message, "ipvslint cannot see them, the bundle only shows the Service's own ports (80/TCP)")
	contains(f.message, "any other port of 192.0.2.10 stay on the node")
}

test_alibaba_override_true_silent if {
	d := fx.doc(fx.ver(1, 24, 6), "vpc", {"default/web": alibaba("true")}, {"node-a": fx.node_a(fx.remote_rss)})
	count(rule.findings) == 0 with input as d
}

test_alibaba_override_false_fires if {
	d := fx.doc(fx.ver(1, 30, 0), "vpc", {"default/web": alibaba("false")}, {"node-a": fx.node_a(fx.remote_rss)})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "KUBE-IPVS-FILTER")
}

# When conntrack already shows clients on an unserved port of the shared IP,
# the annotation adds no second, port-less finding.
test_alibaba_with_conntrack_one_finding if {
	d := fx.doc(fx.ver(1, 28, 3), "vpc", {"default/web": alibaba("")}, {"node-a": object.union(fx.node_a(fx.remote_rss), {"conntrack": local_443})})
	f := fx.only(rule.findings) with input as d
	f.target == "192.0.2.10:443/TCP"
}
