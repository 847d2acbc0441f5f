# METADATA
# title: nodeport in the range reserved for ingress
# description: >-
#   A Service outside the ingress namespaces holds a NodePort in 30000-30099,
#   the range this platform keeps for the ingress controllers. The external
#   load balancers send ingress traffic to those ports on every node, so a
#   Service holding one steals that traffic, and the next ingress controller
#   that asks for the port cannot get it.
# related_resources:
#   - ref: https://kubernetes.io/docs/concepts/services-networking/service/#nodeport-custom-port
#     description: choosing your own NodePort
# custom:
#   id: nodeport-reserved-range
#   severity: warning
#   behaviour: "-"
#   remediation: >-
#     Remove the nodePort from the Service's spec so that Kubernetes picks one
#     outside the reserved range, or move the Service to an ingress namespace
#     if it is an ingress controller.
package ipvslint.rules.nodeport_reserved_range

import data.ipvslint.lib

# The range the load balancers send ingress traffic to, and the namespaces
# allowed to use it: change them to your platform's.
reserved_first := 30000

reserved_last := 30099

ingress_namespaces := {"ingress-nginx", "kube-system"}

findings contains f if {
	lib.cluster_capture_ok("services")
	some key, svc in input.cluster.services
	not svc.namespace in ingress_namespaces
	some port in svc.ports
	port.nodePort >= reserved_first
	port.nodePort <= reserved_last
	f := {
		"node": "",
		"service": key,
		"target": "",
		"message": sprintf(
			"%s (type %s) holds NodePort %d/%s for its port %s, in %d-%d, the range reserved for the ingress controllers of %s.",
			[key, svc.type, port.nodePort, port.protocol, port_name(port), reserved_first, reserved_last, concat(", ", sort(ingress_namespaces))],
		),
		"evidence": [lib.evidence(svc)],
	}
}

port_name(port) := port.name if port.name != ""

else := sprintf("%d", [port.port])
