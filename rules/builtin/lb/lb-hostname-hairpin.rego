# METADATA
# title: hostname ingress sends in-cluster clients through the CLB
# description: >-
#   With the Alibaba Cloud annotation
#   service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname the
#   Service's ingress carries a hostname instead of the IP, so kube-proxy no
#   longer binds the load balancer IP on the nodes and in-cluster clients leave
#   the node and go through the real CLB. The field report notes that CLB
#   TCP/UDP listeners do not support loopback: a client whose own node is a
#   backend of the CLB can be sent back to itself and the connection fails.
# related_resources:
#   - ref: https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/add-annotations-to-the-yaml-file-of-a-service-to-configure-clb-instances
#     description: Alibaba Cloud CLB Service annotations
#   - ref: https://github.com/kubernetes/kubernetes/issues/66607
#     description: kube-proxy binds LoadBalancer IPs locally in IPVS mode
# custom:
#   id: lb-hostname-hairpin
#   severity: warning
#   behaviour: B3
#   remediation: >-
#     Have in-cluster clients use the ClusterIP or the Service's DNS name rather
#     than the load balancer's hostname, or use HTTP/HTTPS listeners, which the
#     report says are not affected; keep a separate load balancer for in-cluster
#     use if clients must go through one.
package ipvslint.rules.lb_hostname_hairpin

import data.ipvslint.lib

hostname_annotation := "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname"

findings contains f if {
	lib.cluster_capture_ok("services")
	some svc_key, svc in input.cluster.loadBalancers
	hostname := svc.annotations[hostname_annotation]
	ports := {[p.port, p.protocol] | some p in svc.ports; p.protocol in {"TCP", "UDP"}}
	count(ports) > 0
	f := lib.finding(
		{
			"node": "",
			"service": svc_key,
			"target": "",
			"message": sprintf(
				"%s sets %s: %q, so kube-proxy does not bind the load balancer address on the nodes and in-cluster clients that use %s now leave their node and go through the CLB. Its listeners %s are TCP/UDP: a client whose own node is a backend of the CLB (%s) can be sent back to itself, and that connection fails.",
				[svc_key, hostname_annotation, hostname, hostname, lib.port_list(ports), backends(svc)],
			),
			"evidence": [svc.evidence],
		},
		"",
		["This follows the Alibaba Cloud field report (annotation honoured from CCM v2.3.0; TCP/UDP listeners do not loop back); it is not verified against the CCM or CLB."],
	)
}

backends(svc) := sprintf("with externalTrafficPolicy: Local, the nodes that hold a ready endpoint: %s", [concat(", ", svc.readyEndpointNodes)]) if {
	svc.externalTrafficPolicy == "Local"
	svc.endpointsKnown
	count(svc.readyEndpointNodes) > 0
}

else := "with externalTrafficPolicy: Cluster, usually every node" if {
	svc.externalTrafficPolicy == "Cluster"
}

else := "the nodes that hold a ready endpoint"
