package ipvslint.rules.source_ip_lost_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.source_ip_lost as rule

# masq_ct is node-a's conntrack: an external client's flow to the NodePort answered to node-a's flannel address.
masq_ct := fx.conntrack("node-a", [fx.dest(
	"node-a", "TCP", "10.0.0.1", 30080,
	{"flows": 3, "snat": 3, "assured": 3, "clients": {"203.0.113.7": 3}},
	["tcp      6 86398 ESTABLISHED src=203.0.113.7 dst=10.0.0.1 sport=51234 dport=30080 src=10.244.2.5 dst=10.244.0.0 sport=8080 dport=51234 [ASSURED] mark=0 use=1"],
)])

cluster_doc := fx.doc(fx.ver(1, 23, 0), "vpc", {"default/web": fx.web_with({"externalTrafficPolicy": "Cluster"})}, {"node-a": object.union(fx.node_a(fx.remote_rss), {"conntrack": masq_ct})})

test_cluster_policy_confirmed_by_conntrack_is_info if {
	f := fx.only(rule.findings) with input as cluster_doc
	f.severity == "info"
	f.target == "10.0.0.1:30080/TCP"
	contains(f.message, "conntrack on node-a shows 3 of 3 flow(s) to the NodePort 10.0.0.1:30080 of default/web masqueraded")
	contains(f.message, "by design")
	f.evidence[1].file == "nodes/node-a/conntrack.txt"
}

test_cluster_policy_without_conntrack_silent if {
	d := fx.with_node(cluster_doc, "node-a", {"captures": {"conntrack": {"status": "missing"}}})
	count(rule.findings) == 0 with input as d
}

test_local_policy_masqueraded_is_warning if {
	d := fx.web_doc(fx.ver(1, 24, 0), "overlay", {"node-a": object.union(fx.node_a(fx.remote_rss), {"conntrack": masq_ct})})
	fs := rule.findings with input as d
	some f in fs
	f.target == "10.0.0.1:30080/TCP"
	f.severity == "warning"
	contains(f.message, "flannel masquerades")
}

# Correction to the field report: on flannel, host clients lose their source IP, pods keep it.
test_flannel_host_clients_from_1_24 if {
	f := fx.only(rule.findings) with input as fx.web_doc(fx.ver(1, 24, 0), "overlay", {"node-a": fx.node_a(fx.remote_rss), "node-b": fx.node_b})
	f.node == "node-a"
	f.target == "192.0.2.10:80/TCP"
	f.severity == "warning"
	contains(f.message, "Host processes on node-a")
	contains(f.message, "pods on node-a keep their pod IP")
	not f.assumptions
}

test_flannel_host_clients_unknown_version if {
	f := fx.only(rule.findings) with input as fx.web_doc(fx.no_version, "overlay", {"node-a": fx.node_a(fx.remote_rss)})
	contains(f.assumptions[0], "version is unknown")
}

test_flannel_host_clients_silent_before_1_24 if {
	count(rule.findings) == 0 with input as fx.web_doc(fx.ver(1, 23, 17), "overlay", {"node-a": fx.node_a(fx.remote_rss)})
}

# VPC CNI: host clients time out instead (lb-ip-host-client-timeout), nothing masquerades.
test_vpc_host_clients_silent if {
	count(rule.findings) == 0 with input as fx.web_doc(fx.ver(1, 24, 0), "vpc", {"node-a": fx.node_a(fx.remote_rss)})
}

test_local_policy_client_ip_kept_silent if {
	kept := fx.conntrack("node-b", [fx.dest("node-b", "TCP", "10.0.0.2", 30080, {"flows": 2, "assured": 2}, [])])
	d := fx.web_doc(fx.ver(1, 24, 0), "overlay", {"node-b": object.union(fx.node_b, {"conntrack": kept})})
	count(rule.findings) == 0 with input as d
}
