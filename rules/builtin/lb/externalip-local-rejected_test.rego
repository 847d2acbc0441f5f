package ipvslint.rules.externalip_local_rejected_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.externalip_local_rejected as rule

svc(policy) := fx.web_with({"type": "ClusterIP", "ingress": [], "externalIPs": ["198.51.100.7"], "externalTrafficPolicy": policy})

node_a := fx.node("node-a", "10.0.0.1", ["10.96.0.10", "198.51.100.7"], [fx.vs("TCP", "198.51.100.7", 80, 13, "default/web", "externalIP", [])])

doc(version, policy) := fx.doc(version, "vpc", {"default/web": svc(policy)}, {"node-a": node_a})

test_fires_on_1_26_0 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 26, 0), "Local")
	f.node == "node-a"
	f.target == "198.51.100.7"
	not f.severity
	contains(f.message, "198.51.100.7 is an external IP of default/web (externalTrafficPolicy: Local, ports 80/TCP)")
	contains(f.message, "rejected (ICMP port unreachable)")
	contains(f.message, "kubernetes#121909")
	count(f.evidence) == 3
}

test_silent_on_1_25 if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 25, 16), "Local")
}

test_fires_on_1_27_x if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 27, 16), "Local")
	not f.severity
	contains(f.message, "1.26.0 to 1.27.x, 1.28.0 or 1.29.0")
}

test_fires_on_1_28_0 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 28, 0), "Local")
	not f.severity
}

test_1_28_patch_may_be_fixed if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 28, 15), "Local")
	f.severity == "warning"
	contains(f.message, "may or may not have the fix")
	contains(f.message, "PR #121928")
	contains(f.assumptions[0], "PR #121928")
}

test_fires_on_1_29_0 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 29, 0), "Local")
	not f.severity
}

test_1_29_patch_may_be_fixed if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 29, 4), "Local")
	f.severity == "warning"
	contains(f.message, "may or may not have the fix")
	contains(f.message, "PR #122323")
	count(f.assumptions) == 1
}

test_silent_from_1_30_0 if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 30, 0), "Local")
}

test_unknown_version_warns_with_assumption if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, "Local")
	f.severity == "warning"
	contains(f.assumptions[0], "version is unknown")
}

test_silent_for_cluster_policy if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 27, 0), "Cluster")
}

# From 1.28 an external IP that is the node's own address is not bound, so not filtered.
test_silent_when_not_bound if {
	n := fx.node("node-a", "10.0.0.1", ["10.96.0.10"], [])
	count(rule.findings) == 0 with input as fx.doc(fx.ver(1, 28, 0), "vpc", {"default/web": svc("Local")}, {"node-a": n})
}
