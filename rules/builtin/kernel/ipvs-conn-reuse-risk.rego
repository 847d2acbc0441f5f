# METADATA
# title: ipvs connection reuse problem on kernels before 5.9
# description: >-
#   On kernels before 5.9, IPVS mishandles a new connection that reuses the
#   source port of an old one. With net.ipv4.vs.conn_reuse_mode 0 (what
#   kube-proxy sets on kernels 4.1 to 5.8) the connection goes to the old real
#   server even after its pod is deleted: timeouts or "no route to host" after
#   rollouts. With conn_reuse_mode 1 the first SYN is dropped: one-second stalls
#   under load. Kernel 5.9 (commit 35dfb013149f) fixed it.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/issues/81775
#     description: conn_reuse_mode 0 sends reused ports to deleted real servers
#   - ref: https://github.com/kubernetes/kubernetes/issues/70747
#     description: one-second delays with conn_reuse_mode 1
#   - ref: https://github.com/kubernetes/kubernetes/issues/93297
#     description: fixed by kernel 5.9 "ipvs avoid drop first packet by reusing conntrack"
# custom:
#   id: ipvs-conn-reuse-risk
#   severity: warning
#   behaviour: B13
#   remediation: >-
#     Upgrade the node's kernel to 5.9 or later, where kube-proxy leaves
#     conn_reuse_mode alone and IPVS handles port reuse correctly. Until then,
#     choose the lesser problem for the workload, or move to iptables or
#     nftables mode.
package ipvslint.rules.ipvs_conn_reuse_risk

import data.ipvslint.lib

findings contains f if {
	some node_name
	k := input.nodes[node_name].kernel
	lib.uses_ipvs(node_name)
	k.major > 0 # 0 when the release is not a version
	[k.major, k.minor] < [5, 9]
	mode := reuse_mode(node_name, k)
	mode.value in {0, 1}
	f := object.union(
		{
			"node": node_name,
			"service": "",
			"target": "",
			"message": sprintf(
				"%s runs kernel %s (before 5.9) with net.ipv4.vs.conn_reuse_mode %d: %s",
				[node_name, k.release, mode.value, consequence[mode.value]],
			),
			"evidence": array.concat([lib.evidence(k)], mode.evidence),
		},
		mode.extra,
	)
}

consequence := {
	0: "a client that reuses a source port is sent to the real server of the old connection, even when that pod was deleted, so connections time out or fail with \"no route to host\" after pods go away (kubernetes#81775).",
	1: "a connection that reuses a source port has its first SYN dropped, so it stalls for one second (kubernetes#70747, #90854); busy clients see many 1 s delays.",
}

# reuse_mode(node_name, k) is conn_reuse_mode from sysctl.txt, else the 0 that kube-proxy sets on
# kernels 4.1 to 5.8 (an assumption).
reuse_mode(node_name, k) := {"value": to_number(s.value), "evidence": [lib.evidence(s)], "extra": {}} if {
	s := input.nodes[node_name].sysctl["net.ipv4.vs.conn_reuse_mode"]
} else := {
	"value": 0,
	"evidence": [],
	"extra": {"assumptions": ["net.ipv4.vs.conn_reuse_mode was not captured; assumed 0, which kube-proxy sets on kernels 4.1 to 5.8. If it was set to 1, connections stall for one second on port reuse instead."]},
} if {
	[k.major, k.minor] >= [4, 1]
}
