# METADATA
# title: service port without virtual service
# description: >-
#   A Service port has no IPVS virtual service on a node although kube-proxy
#   makes one for every ClusterIP, external IP and load balancer IP port, and a
#   NodePort virtual service on every non-loopback address of the node except
#   kube-ipvs0 (or on the nodePortAddresses only, when set). kube-proxy has not
#   synced the Service there, so connections to that address and port are not
#   load-balanced: they are refused, or time out when the address is not local.
#   Only a complete `ipvsadm -Ln` listing is trusted for this.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L992-L1030
#     description: kube-proxy puts NodePort virtual services on every node address
#   - ref: https://kubernetes.io/docs/reference/networking/virtual-ips/#ipvs-mode
#     description: kube-proxy in IPVS mode
# custom:
#   id: vs-missing
#   severity: error
#   behaviour: B15
#   remediation: >-
#     Read kube-proxy's log on the node for sync errors and restart it. For a
#     missing NodePort on one address only, check kube-proxy's nodePortAddresses
#     and whether the address appeared after kube-proxy's last sync.
package ipvslint.rules.vs_missing

import data.ipvslint.lib
import data.ipvslint.lib.ipvs

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name, node in input.nodes
	ipvs.ipvs_listing_complete(node)
	not ipvs.other_proxy_mode(node)
	some t in ipvs.absent_targets(node_name, node)
	addresses_known(node, t.role)
	f := object.union(
		{
			"node": node_name,
			"service": t.service,
			"target": lib.target(t.ip, t.port, t.protocol),
			"message": sprintf(
				"%s has no virtual service for %s, the %s of %s: kube-proxy has not synced this Service port on the node, so connections to %s from or through %s are not load-balanced (refused, or a timeout when the address is not local).",
				[node_name, lib.target(t.ip, t.port, t.protocol), lib.role_name(t.role), t.service, lib.addr_port(t.ip, t.port), node_name],
			),
			"evidence": array.concat(t.evidence, [listing(node)]),
		},
		nodeport_config_unknown(node, t),
	)
}

# An empty IPVS table on a node that runs kube-proxy in IPVS mode: one finding, not one
# per Service port.
findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name, node in input.nodes
	ipvs.ipvs_listing_complete(node)
	count(node.virtualServers) == 0
	ipvs.ipvs_mode_confirmed(node)
	n := count({k | some k, svc in input.cluster.services; ipvs.proxied(svc)})
	n > 0
	f := {
		"node": node_name,
		"service": "",
		"target": "",
		"message": sprintf(
			"The IPVS table of %s is empty although kube-proxy runs in IPVS mode: none of the cluster's %s has a virtual service there, so no Service address works from or through this node. kube-proxy is not running or cannot sync.",
			[node_name, ipvs.plural(n, "Service")],
		),
		"evidence": [listing(node)],
	}
}

addresses_known(_, role) if role != "nodePort"

addresses_known(node, "nodePort") if lib.capture_ok(node, "ip-addr")

listing(node) := {"file": node.captures.ipvsadm.file, "line": node.captures.ipvsadm.line, "text": ""}

# nodeport_config_unknown: without the kube-proxy ConfigMap, nodePortAddresses is assumed
# unset; when the same NodePort exists on other addresses, that assumption is doubtful.
nodeport_config_unknown(node, t) := {
	"severity": "warning",
	"assumptions": [sprintf(
		"The bundle has no kube-proxy ConfigMap; assumed nodePortAddresses is unset (a NodePort virtual service on every node address). NodePort %d exists on other addresses of the node, so nodePortAddresses may exclude %s, in which case nothing is wrong.",
		[t.port, t.ip],
	)],
} if {
	t.role == "nodePort"
	not input.cluster.kubeProxy.present
	some vs in node.virtualServers
	vs.port == t.port
	vs.protocol == t.protocol
	vs.ip != t.ip
} else := {"assumptions": ["The bundle has no kube-proxy ConfigMap; assumed nodePortAddresses is unset (a NodePort virtual service on every node address)."]} if {
	t.role == "nodePort"
	not input.cluster.kubeProxy.present
} else := {}
