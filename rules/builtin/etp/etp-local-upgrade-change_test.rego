package ipvslint.rules.etp_local_upgrade_change_test

import data.ipvslint.lib.etp_fixtures_test as etp
import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.etp_local_upgrade_change as rule

pre_doc(version, cni) := etp.web_doc(version, cni, {"node-a": etp.node_a([]), "node-b": etp.node_b})

test_fires_before_1_24 if {
	f := fx.only(rule.findings) with input as pre_doc(fx.ver(1, 23, 17), "vpc")
	f.node == "node-a"
	f.service == "default/web"
	f.target == ""
	f.message == "default/web has externalTrafficPolicy: Local and no ready endpoint on node-a (1 node(s) have none: node-a). With kube-proxy v1.23.17 (before 1.24), clients that reach the Service's NodePort or load balancer IP on this node are refused. From 1.24 (PR #97081) the node forwards such traffic to the endpoints on other nodes (node-b, node-c) without SNAT instead: external clients entering through this node time out (the backend pod replies from its pod IP), host processes on it that connect to the load balancer IP time out (their source is the load balancer IP itself), host processes that use the node's own NodePort work, and pods on it work and keep their pod IP."
	f.evidence == [fx.svc_ev(12), etp.lb_vs([], null).evidence, etp.np_vs([], null).evidence]
	not f.severity
	not f.assumptions
}

# The 1.24 boundary: from 1.24.0 the change has happened (etp-local-remote-backends).
test_silent_from_1_24_0 if {
	count(rule.findings) == 0 with input as pre_doc(fx.ver(1, 24, 0), "vpc")
}

# Correction to the field report: with flannel, only host clients lose their source IP, pods keep it.
test_overlay_outcome if {
	f := fx.only(rule.findings) with input as pre_doc(fx.ver(1, 22, 4), "overlay")
	endswith(f.message, "without SNAT instead: flannel masquerades it, so external clients entering through this node work but the backend sees the node's flannel address, and host processes that connect to the load balancer IP work but lose their source address; pods on it work and keep their pod IP.")
}

test_host_network_outcome if {
	d := etp.doc(fx.ver(1, 23, 0), "overlay", etp.web({"hostNetworkReady": true}), {"node-a": etp.node_a([])})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "without SNAT instead: the backends use hostNetwork, so external clients entering through this node and host processes on it that connect to the load balancer IP time out")
}

# An unknown version: the empty virtual services show kube-proxy before 1.24 (a warning anyway).
test_unknown_version_with_empty_vs if {
	f := fx.only(rule.findings) with input as pre_doc(fx.no_version, "unknown")
	contains(f.message, "With kube-proxy before 1.24, clients")
	f.assumptions == [
		"The Kubernetes version is unknown; the 2 empty virtual service(s) on this node show kube-proxy before 1.24. If the cluster already runs 1.24 or later, this change has already happened: see etp-local-remote-backends.",
		"The CNI is unknown, so both outcomes after the upgrade are given: VPC-routed CNI (timeouts) and overlay with masquerade such as flannel (source IP lost).",
	]
}

test_unknown_version_without_empty_vs_silent if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.no_version, "vpc", {"node-a": etp.node_a(etp.remote_rss)})
}

# The nodes that only nodes.yaml names make one finding of the Service, without a node.
test_nodes_from_nodes_yaml if {
	d := fx.with_cluster(etp.web_doc(fx.ver(1, 23, 0), "vpc", {"node-b": etp.node_b}), {
		"nodes": {"node-d": {}, "node-e": {}},
		"nodeNames": ["node-b", "node-d", "node-e"],
	})
	f := fx.only(rule.findings) with input as d
	f.node == ""
	f.service == "default/web"
	f.target == ""
	f.message == "default/web has externalTrafficPolicy: Local and no ready endpoint on 2 nodes that the bundle has no captures of: node-d, node-e. With kube-proxy v1.23.0 (before 1.24), clients that reach the Service's NodePort or load balancer IP on such a node are refused. From 1.24 (PR #97081) such a node forwards that traffic to the endpoints on other nodes (node-b, node-c) without SNAT instead: external clients entering through it time out (the backend pod replies from its pod IP), host processes on it that connect to the load balancer IP time out (their source is the load balancer IP itself), host processes that use the node's own NodePort work, and pods on it work and keep their pod IP."
	f.evidence == [fx.svc_ev(12)]
	not f.assumptions
}

# Only a known version before 1.24 reports nodes without captures: they have no virtual service
# to show the version.
test_nodes_from_nodes_yaml_unknown_version_silent if {
	count(rule.findings) == 0 with input as uncaptured_node_d(fx.no_version)
	count(rule.findings) == 1 with input as uncaptured_node_d(fx.ver(1, 23, 0))
}

# uncaptured_node_d(version) has node-b captured and node-d only in cluster/nodes.yaml.
uncaptured_node_d(version) := fx.with_cluster(etp.web_doc(version, "vpc", {"node-b": etp.node_b}), {
	"nodes": {"node-d": {}},
	"nodeNames": ["node-b", "node-d"],
})

# Messages name the first five nodes of a long list and count the others.
test_long_node_lists_are_cut if {
	many := [sprintf("node-%s", [x]) | some x in ["d", "e", "f", "g", "h", "i", "j"]]
	eps := ["node-b", "node-c", "node-k", "node-l", "node-m", "node-n"]
	d := fx.with_cluster(
		etp.doc(fx.ver(1, 23, 0), "vpc", etp.web({"readyEndpointNodes": eps}), {"node-a": etp.node_a([])}),
		{"nodeNames": sort(array.concat(array.concat(["node-a"], many), eps))},
	)
	fs := rule.findings with input as d
	{[f.node, f.message] | some f in fs; f.node == "node-a"} == {["node-a", sprintf("default/web has externalTrafficPolicy: Local and no ready endpoint on node-a (8 node(s) have none: node-a, node-d, node-e, node-f, node-g and 3 more). With kube-proxy v1.23.0 (before 1.24), clients that reach the Service's NodePort or load balancer IP on this node are refused. From 1.24 (PR #97081) the node forwards such traffic to the endpoints on other nodes (node-b, node-c, node-k, node-l, node-m and 1 more) without SNAT instead: %s", [vpc_outcome("this node")])]}
	some g in fs
	g.node == ""
	startswith(g.message, "default/web has externalTrafficPolicy: Local and no ready endpoint on 7 nodes that the bundle has no captures of: node-d, node-e, node-f, node-g, node-h and 2 more. ")
	count(fs) == 2
}

vpc_outcome(where) := sprintf("external clients entering through %s time out (the backend pod replies from its pod IP), host processes on it that connect to the load balancer IP time out (their source is the load balancer IP itself), host processes that use the node's own NodePort work, and pods on it work and keep their pod IP.", [where])

# Evaluated one node at a time, each node's part reports that node, and the nodes without captures
# in one finding (the same each time): together, what the whole document gives.
test_same_findings_one_node_at_a_time if {
	whole := fx.with_cluster(pre_doc(fx.ver(1, 23, 0), "vpc"), {"nodes": {"node-d": {}}, "nodeNames": ["node-a", "node-b", "node-d"]})
	all := rule.findings with input as whole
	{f.node | some f in all} == {"node-a", ""}
	part_a := json.remove(whole, ["nodes/node-b"])
	part_b := json.remove(whole, ["nodes/node-a"])
	a := rule.findings with input as part_a
	b := rule.findings with input as part_b
	a | b == all
	{f.node | some f in a} == {"node-a", ""}
	{f.node | some f in b} == {""}
}

test_silent_when_every_node_has_an_endpoint if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.ver(1, 23, 0), "vpc", {"node-b": etp.node_b})
}

test_silent_without_ready_endpoints if {
	d := etp.doc(fx.ver(1, 23, 0), "vpc", etp.web({"readyEndpointNodes": []}), {"node-a": etp.node_a([])})
	count(rule.findings) == 0 with input as d
}

test_silent_when_endpoints_unknown if {
	d := etp.doc(fx.ver(1, 23, 0), "vpc", etp.web({"endpointsKnown": false}), {"node-a": etp.node_a([])})
	count(rule.findings) == 0 with input as d
}

test_silent_for_cluster_policy if {
	d := etp.doc(fx.ver(1, 23, 0), "vpc", etp.web({"externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Local"}), {"node-a": etp.node_a([])})
	count(rule.findings) == 0 with input as d
}
