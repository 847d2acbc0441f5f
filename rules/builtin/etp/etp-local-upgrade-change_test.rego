package ipvslint.rules.etp_local_upgrade_change_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.etp_local_upgrade_change as rule

pre_doc(version, cni) := fx.web_doc(version, cni, {"node-a": fx.node_a([]), "node-b": fx.node_b})

test_fires_before_1_24 if {
	f := fx.only(rule.findings) with input as pre_doc(fx.ver(1, 23, 17), "vpc")
	f.node == "node-a"
	f.service == "default/web"
	contains(f.message, "no ready endpoint on node-a (1 node(s) have none: node-a)")
	contains(f.message, "With kube-proxy v1.23.17 (before 1.24)")
	contains(f.message, "refused")
	contains(f.message, "external clients entering through this node time out")
	contains(f.message, "pods on it work and keep their pod IP")
	not f.assumptions
	count(f.evidence) == 3
}

test_silent_from_1_24_0 if {
	count(rule.findings) == 0 with input as pre_doc(fx.ver(1, 24, 0), "vpc")
}

# Correction to the field report: with flannel, only host clients lose their source IP, pods keep it.
test_overlay_outcome if {
	f := fx.only(rule.findings) with input as pre_doc(fx.ver(1, 22, 4), "overlay")
	contains(f.message, "host processes that connect to the load balancer IP work but lose their source address; pods on it work and keep their pod IP")
}

test_unknown_version_with_empty_vs if {
	f := fx.only(rule.findings) with input as pre_doc(fx.no_version, "unknown")
	contains(f.assumptions[0], "the 2 empty virtual service(s)")
	contains(f.assumptions[0], "already runs 1.24 or later")
	contains(f.assumptions[1], "CNI is unknown")
}

test_unknown_version_without_empty_vs_silent if {
	count(rule.findings) == 0 with input as fx.web_doc(fx.no_version, "vpc", {"node-a": fx.node_a(fx.remote_rss)})
}

# nodes.yaml alone names nodes without endpoints, even without their captures.
test_nodes_from_nodes_yaml if {
	d := fx.with_cluster(fx.web_doc(fx.ver(1, 23, 0), "vpc", {"node-b": fx.node_b}), {"nodes": {"node-d": {}, "node-e": {}}})
	fs := rule.findings with input as d
	{f.node | some f in fs} == {"node-d", "node-e"}
	every f in fs {
		contains(f.message, "(2 node(s) have none: node-d, node-e)")
		count(f.evidence) == 1
	}
}

# Evaluated one node at a time, each node's part reports that node, and the
# nodes without captures, as the whole document does.
test_same_findings_one_node_at_a_time if {
	whole := fx.with_cluster(fx.web_doc(fx.ver(1, 23, 0), "vpc", {"node-a": fx.node_a([]), "node-b": fx.node_b}), {"nodes": {"node-d": {}}})
	all := rule.findings with input as whole
	{f.node | some f in all} == {"node-a", "node-d"}
	facts := {"nodeNames": ["node-a", "node-b", "node-d"], "capturedNodes": ["node-a", "node-b"]}
	part_a := object.union(fx.with_cluster(whole, facts), {"nodes": {"node-a": whole.nodes["node-a"]}})
	part_b := fx.with_cluster(json.remove(whole, ["nodes/node-a"]), facts)
	a := rule.findings with input as part_a
	b := rule.findings with input as part_b
	a | b == all
	{f.node | some f in b} == {"node-d"}
}

test_silent_when_every_node_has_an_endpoint if {
	count(rule.findings) == 0 with input as fx.web_doc(fx.ver(1, 23, 0), "vpc", {"node-b": fx.node_b})
}
