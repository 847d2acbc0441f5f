# METADATA
# title: service port without virtual service
# description: >-
#   A Service port has no IPVS virtual service on a node although kube-proxy
#   makes one for every ClusterIP, external IP and load balancer IP port, and a
#   NodePort virtual service on every non-loopback address of the node except
#   kube-ipvs0 (or on the nodePortAddresses only, when set). kube-proxy has not
#   synced the Service there, so connections to that address and port are not
#   load-balanced: they are refused, or time out when the address is not local.
#   Only a complete `ipvsadm -Ln` listing is trusted for this, and for NodePorts
#   a whole `ip addr` capture (not grep'd lines, not one interface's).
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/ipvs/proxier.go#L992-L1030
#     description: kube-proxy puts NodePort virtual services on every node address
#   - ref: https://kubernetes.io/docs/reference/networking/virtual-ips/#ipvs-mode
#     description: kube-proxy in IPVS mode
# custom:
#   id: vs-missing
#   severity: error
#   behaviour: B15
#   client: pod # a pod of the node reaches every Service address, its NodePorts too
#   remediation: >-
#     Read kube-proxy's log on the node for sync errors and restart it. For a
#     missing NodePort on one address only, check kube-proxy's nodePortAddresses
#     and whether the address appeared after kube-proxy's last sync.
package ipvslint.rules.vs_missing

import data.ipvslint.lib

# diff.missingVirtualServers is listed only from a complete IPVS listing with the Services
# read, and a NodePort only when the node's addresses are all known.
findings contains f if {
	some node_name
	some t in input.nodes[node_name].diff.missingVirtualServers
	not lib.other_proxy_mode(node_name)
	f := object.union(
		{
			"node": node_name,
			"service": t.service,
			"target": lib.target(t.ip, t.port, t.protocol),
			"message": sprintf(
				"%s has no virtual service for %s, the %s of %s: kube-proxy has not synced this Service port on the node, so connections to %s from or through %s are not load-balanced (refused, or a timeout when the address is not local).",
				[node_name, lib.target(t.ip, t.port, t.protocol), lib.role_name(t.role), t.service, lib.addr_port(t.ip, t.port), node_name],
			),
			"evidence": array.concat(t.evidence, [lib.capture_evidence(node_name, "ipvsadm")]),
		},
		nodeport_config_unknown(t),
	)
}

# An empty IPVS table on a node that runs kube-proxy in IPVS mode: one finding, not one
# per Service port.
findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	input.nodes[node_name].actual.virtualServers == 0
	lib.ipvs_listing_complete(node_name)
	lib.ipvs_mode_confirmed(node_name)
	n := input.nodes[node_name].expected.proxiedServices
	n > 0
	f := {
		"node": node_name,
		"service": "",
		"target": "",
		"message": sprintf(
			"The IPVS table of %s is empty although kube-proxy runs in IPVS mode: none of the cluster's %s has a virtual service there, so no Service address works from or through this node. kube-proxy is not running or cannot sync.",
			[node_name, lib.plural(n, "Service")],
		),
		"evidence": [lib.capture_evidence(node_name, "ipvsadm")],
	}
}

# nodeport_config_unknown: without the kube-proxy ConfigMap, nodePortAddresses is assumed
# unset; when the same NodePort exists on other addresses, that assumption is doubtful.
nodeport_config_unknown(t) := {
	"severity": "warning",
	"assumptions": [sprintf(
		"The bundle has no kube-proxy ConfigMap; assumed nodePortAddresses is unset (a NodePort virtual service on every node address). NodePort %d exists on other addresses of the node, so nodePortAddresses may exclude %s, in which case nothing is wrong.",
		[t.port, t.ip],
	)],
} if {
	t.role == "nodePort"
	not input.cluster.kubeProxy.present
	t.onOtherAddresses
} else := {"assumptions": ["The bundle has no kube-proxy ConfigMap; assumed nodePortAddresses is unset (a NodePort virtual service on every node address)."]} if {
	t.role == "nodePort"
	not input.cluster.kubeProxy.present
} else := {}
