# METADATA
# title: conntrack table nearly full
# description: >-
#   The node's conntrack table holds 90 % or more of nf_conntrack_max entries.
#   When it is full the kernel drops packets of new connections ("nf_conntrack:
#   table full, dropping packet"), which looks like random timeouts to every
#   Service on the node. The limit comes from sysctl.txt, else from what
#   kube-proxy sets: max(conntrack.maxPerCore x cores, conntrack.min), by
#   default max(32768 x cores, 131072).
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/apis/config/v1alpha1/defaults.go#L76-L79
#     description: kube-proxy's conntrack defaults (maxPerCore 32768, min 131072)
#   - ref: https://www.kernel.org/doc/html/latest/networking/nf_conntrack-sysctl.html
#     description: nf_conntrack_max and related sysctls
# custom:
#   id: conntrack-near-full
#   severity: error
#   behaviour: B14
#   remediation: >-
#     Confirm with `conntrack -S` (drop, insert_failed, early_drop) and the
#     kernel log, then raise the limit (kube-proxy conntrack.maxPerCore and
#     conntrack.min, or net.netfilter.nf_conntrack_max) or find what opens so
#     many flows (short-lived connections, UDP scans, long timeouts).
package ipvslint.rules.conntrack_near_full

import data.ipvslint.lib

findings contains f if {
	some node_name
	flows := input.nodes[node_name].conntrack.flows
	lib.capture_ok(node_name, "conntrack")
	limit := max_of(node_name)
	limit.value > 0
	flows * 10 >= limit.value * 9
	f := object.union(
		{
			"node": node_name,
			"service": "",
			"target": "",
			"message": sprintf(
				"The conntrack table of %s holds %d entries, %d %% of its limit of %d (%s). At the limit the kernel drops packets of new connections, which shows as timeouts to every Service on the node; `conntrack -S` (drop, insert_failed) confirms drops.",
				[node_name, flows, floor((flows * 100) / limit.value), limit.value, limit.source],
			),
			"evidence": array.concat([lib.capture_evidence(node_name, "conntrack")], limit.evidence),
		},
		limit.extra,
	)
}

# max_of(node_name) is the table limit the input computed: nf_conntrack_max from sysctl.txt,
# else what kube-proxy sets from the node's CPU count and its conntrack settings (an assumption).
max_of(node_name) := limit_from(m) if {
	m := input.nodes[node_name].conntrack.max
	m.value > 0
}

limit_from(m) := {"value": m.value, "source": m.detail, "evidence": [lib.evidence(m)], "extra": {}} if {
	m.source == "sysctl"
}

limit_from(m) := {
	"value": m.value,
	"source": sprintf("what kube-proxy sets: %s", [m.detail]),
	"evidence": [lib.evidence(m) | m.file != ""],
	"extra": {"assumptions": [sprintf(
		"nf_conntrack_max was not captured; assumed what kube-proxy sets from the node's CPU count, %s = %d. If the sysctl was set otherwise, the limit differs.",
		[m.detail, m.value],
	)]},
} if {
	m.source == "kube-proxy"
}
