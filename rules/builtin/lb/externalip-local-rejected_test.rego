package ipvslint.rules.externalip_local_rejected_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.lb_fixtures_test as lbx
import data.ipvslint.rules.externalip_local_rejected as rule

svc(policy) := fx.web({"type": "ClusterIP", "ingress": [], "externalIPs": ["198.51.100.7"], "externalTrafficPolicy": policy})

external_ip := lbx.service_ip("198.51.100.7", "externalIP", {})

doc(version, policy) := lbx.lb_doc(version, svc(policy), {"serviceIPs": [external_ip]})

lead := "198.51.100.7 is an external IP of default/web (externalTrafficPolicy: Local, ports 80/TCP) and is bound on node-a's kube-ipvs0. "

rejected := "every new connection to it that reaches node-a, from outside or inside the cluster, is rejected (ICMP port unreachable): KUBE-IPVS-FILTER does not allow the KUBE-EXTERNAL-IP-LOCAL set (kubernetes#121909)"

test_fires_on_1_26_0 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 26, 0), "Local")
	f.node == "node-a"
	f.service == "default/web"
	f.target == "198.51.100.7"
	f.message == concat("", [lead, "With kube-proxy v1.26.0 (1.26.0 to 1.27.x, 1.28.0 or 1.29.0), ", rejected, ". The fix (PR #121919) is in 1.30.0, and in later 1.28 and 1.29 patch releases (PR #121928, PR #122323)."])
	f.evidence == [lbx.bound_ev("198.51.100.7"), lbx.vs80("198.51.100.7").evidence, fx.svc_ev(12)]
	not f.severity
	not f.assumptions
}

test_silent_on_1_25 if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 25, 16), "Local")
}

test_fires_on_1_27_x if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 27, 16), "Local")
	not f.severity
	contains(f.message, "With kube-proxy v1.27.16 (1.26.0 to 1.27.x, 1.28.0 or 1.29.0)")
}

test_fires_on_1_28_0 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 28, 0), "Local")
	not f.severity
}

maybe_message(v) := concat("", [lead, sprintf("kube-proxy %s may or may not have the fix: PR #121919 (in 1.30.0) was cherry-picked to 1.28 as PR #121928 and to 1.29 as PR #122323, and which patch release first carries it is not verified here; check the release notes of %s. Without it, ", [v, v]), rejected, "."])

maybe_assumptions := ["1.28 and 1.29 patch releases after .0 may carry the fix (PR #121928 for 1.28, PR #122323 for 1.29); assumed possibly affected."]

test_1_28_patch_may_be_fixed if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 28, 15), "Local")
	f.severity == "warning"
	f.message == maybe_message("v1.28.15")
	f.assumptions == maybe_assumptions
}

test_fires_on_1_29_0 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 29, 0), "Local")
	not f.severity
}

test_1_29_patch_may_be_fixed if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 29, 4), "Local")
	f.severity == "warning"
	f.message == maybe_message("v1.29.4")
	f.assumptions == maybe_assumptions
}

test_silent_from_1_30_0 if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 30, 0), "Local")
}

# The severity at each side of the version boundaries ("none": no finding, "error": the default).
test_version_boundaries if {
	cases := [
		[fx.ver(1, 25, 16), "none"],
		[fx.ver(1, 26, 0), "error"],
		[fx.ver(1, 28, 0), "error"],
		[fx.ver(1, 28, 1), "warning"],
		[fx.ver(1, 29, 0), "error"],
		[fx.ver(1, 29, 15), "warning"],
		[fx.ver(1, 30, 0), "none"],
		[fx.ver(1, 30, 14), "none"],
		[fx.ver(1, 31, 0), "none"],
	]
	every c in cases {
		severity_on(c[0]) == c[1]
	}
}

severity_on(version) := severity_of(fs) if {
	fs := rule.findings with input as doc(version, "Local")
}

severity_of(fs) := "none" if count(fs) == 0

else := object.get(fx.only(fs), "severity", "error")

# Unknown version: a warning that says for which versions it holds.
test_unknown_version_warns_with_assumption if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, "Local")
	f.severity == "warning"
	f.message == concat("", [lead, "If kube-proxy runs 1.26.0 to 1.29.x without the fix, ", rejected, "."])
	f.assumptions == ["The Kubernetes version is unknown; this only happens from 1.26.0 until the fix (1.30.0, or a 1.28 or 1.29 patch release with PR #121928 or PR #122323). Before 1.26 and from 1.30 connections to the external IP work."]
}

test_silent_for_cluster_policy if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 27, 0), "Cluster")
}

test_silent_for_a_load_balancer_ip if {
	d := fx.with_node(doc(fx.ver(1, 27, 0), "Local"), "node-a", {"serviceIPs": [lbx.service_ip("198.51.100.7", "loadBalancer", {})]})
	count(rule.findings) == 0 with input as d
}

# From 1.28 an external IP that is the node's own address is not bound, so not filtered.
test_silent_when_not_bound if {
	d := fx.with_node(doc(fx.ver(1, 28, 0), "Local"), "node-a", {"serviceIPs": [lbx.service_ip("198.51.100.7", "externalIP", {"bound": null})]})
	count(rule.findings) == 0 with input as d
}

test_silent_without_ip_addr if {
	count(rule.findings) == 0 with input as fx.with_capture(doc(fx.ver(1, 26, 0), "Local"), "node-a", "ip-addr", "missing")
}
