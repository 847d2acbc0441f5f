# METADATA
# title: virtual service with an unsupported scheduler
# description: >-
#   A virtual service of a Service balances with a scheduler this platform
#   does not support. kube-proxy uses one scheduler for every Service
#   (ipvs.scheduler in its configuration); another one on a node means a
#   kube-proxy configured apart from the others, or a virtual service made by
#   hand, and hashing schedulers (sh, dh, mh) keep sending a client to the
#   same backend, which looks like uneven load.
# related_resources:
#   - ref: https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/#kubeproxy-config-k8s-io-v1alpha1-KubeProxyIPVSConfiguration
#     description: the scheduler of kube-proxy in IPVS mode
# custom:
#   id: vs-scheduler-not-allowed
#   severity: info
#   behaviour: "-"
#   remediation: >-
#     Set ipvs.scheduler in the kube-proxy ConfigMap to one of the supported
#     schedulers and restart kube-proxy on the node, or remove the virtual
#     service made by hand.
package ipvslint.rules.vs_scheduler_not_allowed

import data.ipvslint.lib

# The schedulers the platform supports: change them to yours.
allowed := {"rr", "wrr", "lc", "wlc"}

# The virtual services are read through a full reference, so analyze builds
# only that part of each node's inventory (docs/rules.md, "Pay for what you
# read").
findings contains f if {
	some node_name
	some vs in input.nodes[node_name].virtualServers
	lib.capture_ok(node_name, "ipvsadm")
	not vs.scheduler in allowed
	some s in vs.services
	f := {
		"node": node_name,
		"service": s.service,
		"target": lib.target(vs.ip, vs.port, vs.protocol),
		"message": sprintf(
			"The virtual service %s of %s on %s uses the scheduler %s; the supported ones are %s.",
			[lib.target(vs.ip, vs.port, vs.protocol), s.service, node_name, vs.scheduler, concat(", ", sort(allowed))],
		),
		"evidence": [lib.evidence(vs)],
	}
}
