# METADATA
# title: external IP with eTP=Local rejected by KUBE-IPVS-FILTER
# description: >-
#   From Kubernetes 1.26.0 until the fix (PR #121919, in 1.30.0 and
#   cherry-picked to 1.28 as PR #121928 and to 1.29 as PR #122323), kube-proxy's KUBE-IPVS-FILTER chain
#   did not allow the addresses of the KUBE-EXTERNAL-IP-LOCAL set. Connections
#   to an external IP of an externalTrafficPolicy Local Service are then
#   rejected (ICMP port unreachable) on every node that binds it, whoever the
#   client is.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/issues/121909
#     description: externalIPs with externalTrafficPolicy Local rejected in IPVS mode
#   - ref: https://github.com/kubernetes/kubernetes/pull/121919
#     description: the fix, in v1.30.0
#   - ref: https://github.com/kubernetes/kubernetes/pull/121928
#     description: the fix cherry-picked to 1.28
#   - ref: https://github.com/kubernetes/kubernetes/pull/122323
#     description: the fix cherry-picked to 1.29
#   - ref: https://github.com/kubernetes/kubernetes/issues/124260
#     description: the same failure reported again
# custom:
#   id: externalip-local-rejected
#   severity: error
#   behaviour: B2
#   client: external # external IPs are for clients outside the cluster
#   remediation: >-
#     Upgrade kube-proxy to 1.30, or to a 1.28 or 1.29 patch release that
#     carries the fix (PR #121928 for 1.28, PR #122323 for 1.29), or use
#     externalTrafficPolicy Cluster for this Service meanwhile.
package ipvslint.rules.externalip_local_rejected

import data.ipvslint.lib

findings contains f if {
	lib.cluster_capture_ok("services")
	case := lib.externalip_filter_case
	some node_name
	some x in input.nodes[node_name].serviceIPs
	x.role == "externalIP"
	x.bound != null
	lib.capture_ok(node_name, "ip-addr")
	svc := input.cluster.loadBalancers[x.service]
	svc.externalTrafficPolicy == "Local"
	f := lib.finding(
		{
			"node": node_name,
			"service": x.service,
			"target": x.ip,
			"message": sprintf(
				"%s is an external IP of %s (externalTrafficPolicy: Local, ports %s) and is bound on %s's kube-ipvs0. %s",
				[x.ip, x.service, lib.port_list({[p.port, p.protocol] | some p in svc.ports}), node_name, words(case, node_name)],
			),
			"evidence": array.concat(
				[x.bound],
				array.concat([vs.evidence | some vs in x.virtualServers], [x.serviceEvidence]),
			),
		},
		severity[case],
		assumptions[case],
	)
}

rejected(node_name) := sprintf("every new connection to it that reaches %s, from outside or inside the cluster, is rejected (ICMP port unreachable): KUBE-IPVS-FILTER does not allow the KUBE-EXTERNAL-IP-LOCAL set (kubernetes#121909)", [node_name])

words("affected", node_name) := sprintf("With kube-proxy %s (1.26.0 to 1.27.x, 1.28.0 or 1.29.0), %s. The fix (PR #121919) is in 1.30.0, and in later 1.28 and 1.29 patch releases (PR #121928, PR #122323).", [lib.version_string, rejected(node_name)])

words("maybe", node_name) := sprintf("kube-proxy %s may or may not have the fix: PR #121919 (in 1.30.0) was cherry-picked to 1.28 as PR #121928 and to 1.29 as PR #122323, and which patch release first carries it is not verified here; check the release notes of %s. Without it, %s.", [lib.version_string, lib.version_string, rejected(node_name)])

words("unknown", node_name) := sprintf("If kube-proxy runs 1.26.0 to 1.29.x without the fix, %s.", [rejected(node_name)])

severity := {"affected": "", "maybe": "warning", "unknown": "warning"}

assumptions := {
	"affected": [],
	"maybe": ["1.28 and 1.29 patch releases after .0 may carry the fix (PR #121928 for 1.28, PR #122323 for 1.29); assumed possibly affected."],
	"unknown": ["The Kubernetes version is unknown; this only happens from 1.26.0 until the fix (1.30.0, or a 1.28 or 1.29 patch release with PR #121928 or PR #122323). Before 1.26 and from 1.30 connections to the external IP work."],
}
