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
#   remediation: >-
#     Check that kube-proxy runs and syncs on the node; if another agent owns the
#     address or virtual service, give it a range that no Service uses. Remove
#     a leftover with `ip addr del IP/32 dev kube-ipvs0` and `ipvsadm -D -t IP:PORT`.
package ipvslint.rules.orphan_vip

import data.ipvslint.lib
import data.ipvslint.lib.ipvs

# claimed is every address some Service names.
claimed := {ip | some svc in input.cluster.services; some ip in ipvs.claimed_ips(svc)}

ready(node) if {
	lib.cluster_capture_ok("services")
	lib.capture_ok(node, "ip-addr")
	ipvs.ipvs_listing_complete(node)
}

# An address on kube-ipvs0 that no Service names.
findings contains f if {
	some node_name, node in input.nodes
	ready(node)
	some ip, a in node.ipvs0
	not ip in claimed
	vss := lib.vss_on(node, ip)
	f := {
		"node": node_name,
		"service": "",
		"target": ip,
		"message": sprintf(
			"kube-ipvs0 on %s holds %s, which is no Service's ClusterIP, external IP or load balancer IP%s. kube-proxy removes such addresses on every sync, so it is not syncing, or another agent or an earlier proxy mode left the address behind. Connections from the node to %s end on the node.",
			[node_name, ip, vs_note(vss), ip],
		),
		"evidence": array.concat([lib.evidence(a)], [lib.evidence(vs) | some vs in vss]),
	}
}

# A virtual service that serves no Service port (and is not on an orphan address above).
findings contains f if {
	some node_name, node in input.nodes
	ready(node)
	some vs in node.virtualServers
	count(vs.services) == 0
	not orphan_address(node, vs.ip)
	not matches_service_port(node, vs)
	f := {
		"node": node_name,
		"service": owner(vs.ip),
		"target": ipvs.vs_target(vs),
		"message": sprintf(
			"The virtual service %s on %s (%s) serves no Service port%s. kube-proxy deletes virtual services it does not need on every sync, so it is not syncing, or another agent or an earlier proxy mode made this one.",
			[ipvs.vs_name(vs), node_name, ipvs.plural(count(vs.realServers), "real server"), owner_note(vs)],
		),
		"evidence": [lib.evidence(vs)],
	}
}

orphan_address(node, ip) if {
	node.ipvs0[ip]
	not ip in claimed
}

# matches_service_port is a safety net for virtual services the input did not attribute:
# a Service address with one of its ports, or a node address with a NodePort.
matches_service_port(_, vs) if {
	some svc in input.cluster.services
	vs.ip in ipvs.claimed_ips(svc)
	some p in svc.ports
	p.port == vs.port
	p.protocol == vs.protocol
}

matches_service_port(node, vs) if {
	node.addresses[vs.ip]
	some svc in input.cluster.services
	some p in svc.ports
	p.nodePort == vs.port
	p.protocol == vs.protocol
}

# owner(ip) is the Service that names ip, "" when none (or several).
owner(ip) := k if {
	owners := {k | some k, svc in input.cluster.services; ip in ipvs.claimed_ips(svc)}
	count(owners) == 1
	some k in owners
} else := ""

owner_note(vs) := sprintf(": %s is an address of %s, but the Service has no port %d/%s", [vs.ip, owner(vs.ip), vs.port, vs.protocol]) if {
	owner(vs.ip) != ""
} else := ""

vs_note(vss) := " and no virtual service uses it" if count(vss) == 0

else := sprintf("; it is still used by %s: %s", [ipvs.plural(count(vss), "virtual service"), ipvs.join_sorted({ipvs.vs_name(vs) | some vs in vss})])
