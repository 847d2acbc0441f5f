# METADATA
# title: address or virtual service that matches no service
# description: >-
#   An address on kube-ipvs0, or an IPVS virtual service, belongs to no
#   Service of the cluster. kube-proxy removes such addresses and virtual
#   services on every sync, so leftovers mean kube-proxy is not syncing, or
#   another agent or an earlier proxy mode left them behind. Traffic from the
#   node to a leftover address ends on the node instead of reaching whoever
#   owns the address now. Only a complete `ipvsadm -Ln` listing is trusted for
#   this.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L1460-L1468
#     description: kube-proxy removes kube-ipvs0 addresses that no Service uses
# custom:
#   id: orphan-vip
#   severity: warning
#   behaviour: B15
#   client: pod # the node takes traffic to the leftover address
#   remediation: >-
#     Check that kube-proxy runs and syncs on the node; if another agent owns the
#     address or virtual service, give it a range that no Service uses. Remove
#     a leftover with `ip addr del IP/32 dev kube-ipvs0` and `ipvsadm -D -t IP:PORT`.
package ipvslint.rules.orphan_vip

import data.ipvslint.lib

ready(node_name) if {
	lib.cluster_capture_ok("services")
	lib.capture_ok(node_name, "ip-addr")
	lib.ipvs_listing_complete(node_name)
}

# An address on kube-ipvs0 that no Service names.
findings contains f if {
	some node_name
	some a in input.nodes[node_name].diff.orphanAddresses
	ready(node_name)
	f := {
		"node": node_name,
		"service": "",
		"target": a.ip,
		"message": sprintf(
			"kube-ipvs0 on %s holds %s, which is no Service's ClusterIP, external IP or load balancer IP%s. kube-proxy removes such addresses on every sync, so it is not syncing, or another agent or an earlier proxy mode left the address behind. Connections from the node to %s end on the node.",
			[node_name, a.ip, vs_note(a.virtualServers), a.ip],
		),
		"evidence": array.concat([a.evidence], [vs.evidence | some vs in a.virtualServers]),
	}
}

# A virtual service that serves no Service port (and is not on an orphan address above).
findings contains f if {
	some node_name
	some vs in input.nodes[node_name].diff.orphanVirtualServers
	ready(node_name)
	not vs.onOrphanAddress
	f := {
		"node": node_name,
		"service": vs.owner,
		"target": lib.vs_target(vs),
		"message": sprintf(
			"The virtual service %s on %s (%s) serves no Service port%s. kube-proxy deletes virtual services it does not need on every sync, so it is not syncing, or another agent or an earlier proxy mode made this one.",
			[lib.vs_name(vs), node_name, lib.plural(count(vs.realServers), "real server"), owner_note(vs)],
		),
		"evidence": [vs.evidence],
	}
}

owner_note(vs) := sprintf(": %s is an address of %s, but the Service has no port %d/%s", [vs.ip, vs.owner, vs.port, vs.protocol]) if {
	vs.owner != ""
} else := ""

vs_note(vss) := " and no virtual service uses it" if count(vss) == 0

else := sprintf("; it is still used by %s: %s", [lib.plural(count(vss), "virtual service"), lib.join_sorted({lib.vs_name(vs) | some vs in vss})])
