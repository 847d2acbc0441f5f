# METADATA
# title: node without local endpoint forwards eTP=Local traffic away
# description: >-
#   From Kubernetes 1.24 (PR #97081), kube-proxy in IPVS mode gives the NodePort,
#   load balancer IP and external IP virtual services of an
#   externalTrafficPolicy Local Service every cluster endpoint when the node has
#   no ready local endpoint, and still does not masquerade that traffic. An
#   external client that enters through such a node is then sent to a pod on
#   another node with its own address as source. With a CNI that routes pod IPs
#   natively (Terway, AWS VPC CNI) or with hostNetwork backends the reply does
#   not come back through the node and the client drops it, so the connection
#   times out; with an overlay that masquerades (flannel --ip-masq) it works but
#   the backend sees the node's address (warning). On a VPC-routed CNI or with
#   hostNetwork backends the finding is an error only when something shows
#   external clients reaching the node on that address and port, and a warning
#   (latent) otherwise. The evidence, by role: conntrack flows to the virtual
#   service from clients outside the cluster (none of its node, pod or
#   endpoint addresses, pod CIDRs or cluster CIDR), for every role; for the
#   NodePort of a NodePort Service and for a load balancer IP, a Service
#   without healthCheckNodePort, as no load balancer health check then keeps
#   clients away from the node; for an external IP, always, as no health
#   check covers external IPs and whatever routes them to the node sends its
#   clients there. The NodePort and load balancer IP of a Service with a
#   healthCheckNodePort are latent without conntrack evidence: the load
#   balancer's health check keeps its traffic away from the node, and only
#   clients sent to the node directly, or a misconfigured health check, hit
#   the failure. The remote real servers themselves show kube-proxy 1.24 or
#   later, so an unknown version does not lower the finding.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/pull/97081
#     description: kube-proxy IPVS falls back to all endpoints for eTP=Local without local endpoints (v1.24.0)
#   - ref: https://github.com/kubernetes/kubernetes/issues/119131
#     description: packets routed to a node without a pod are replied with the pod IP as source
#   - ref: https://github.com/kubernetes/kubernetes/issues/125167
#     description: externalTrafficPolicy Local not respected on NodePort in IPVS mode
# custom:
#   id: etp-local-remote-backends
#   severity: error
#   behaviour: B7
#   client: external # eTP=Local is about clients outside the cluster
#   remediation: >-
#     Make sure external traffic only enters through nodes that run a backend:
#     keep the load balancer's health check on the Service's healthCheckNodePort,
#     do not send clients to the NodePort of nodes without a backend, or run a
#     backend on every node (DaemonSet). If the client IP is not needed, use
#     externalTrafficPolicy Cluster, which masquerades and works from every node.
package ipvslint.rules.etp_local_remote_backends

import data.ipvslint.lib

findings contains f if {
	some fb in lib.fallback_vss
	node_name := fb.node
	vs := fb.vs
	remote := fb.remote
	svc := fb.svc
	case := cni_case(vs)
	reach := reach_of(node_name, vs, svc, case)
	f := lib.finding(
		{
			"node": node_name,
			"service": fb.service,
			"target": lib.vs_target(vs),
			"message": sprintf(
				"%s has no ready endpoint of %s (externalTrafficPolicy: Local), yet its %s virtual service %s forwards to %d endpoint(s) on other nodes: %s. %s falls back to all cluster endpoints here and does not masquerade, so %s%s",
				[
					node_name, fb.service, lib.role_name(vs.role), lib.addr_port(vs.ip, vs.port),
					count(remote), lib.rs_list(remote), lib.kube_proxy_fallback_words, consequence[case], reach.words,
				],
			),
			"evidence": array.concat(
				array.concat([vs.evidence], [rs.evidence | some rs in remote]),
				array.concat(reach.evidence, [svc.evidence]),
			),
		},
		reach.severity,
		array.concat(version_assumptions, cni_assumptions[case]),
	)
}

# reach_of(node_name, vs, svc, case) is what shows external clients reaching this virtual
# service on the node, with the severity it gives: on overlay a warning whatever it is; else an
# error on conntrack flows from outside the cluster or when no health check keeps clients away
# (health_check_absent), a warning (latent) otherwise.
reach_of(node_name, vs, svc, case) := {"severity": "warning", "words": health_check_note(vs.role, svc, node_name), "evidence": []} if {
	case == "overlay"
}

else := {
	"severity": "error",
	"words": sprintf("%s conntrack shows external clients reaching it: %d flow(s) to %s come from outside the cluster.", [health_check_note(vs.role, svc, node_name), vs.conntrack.fromOutside, lib.addr_port(vs.ip, vs.port)]),
	"evidence": vs.conntrack.outsideSamples,
} if {
	lib.capture_ok(node_name, "conntrack")
	vs.conntrack.fromOutside > 0
}

else := {"severity": "error", "words": health_check_absent(vs, svc, node_name), "evidence": []} if {
	health_check_absent(vs, svc, node_name)
}

else := {"severity": "warning", "words": sprintf("%s%s", [health_check_note(vs.role, svc, node_name), latent_words(node_name, vs)]), "evidence": []}

# health_check_absent(vs, svc, node_name) says why no load balancer health check keeps clients of
# this address away from the node: a NodePort or load balancer IP of a Service without
# healthCheckNodePort, or an external IP; undefined when one does.
health_check_absent(vs, svc, node_name) := sprintf(" The Service has no healthCheckNodePort, so no load balancer health check keeps clients away from %s: any client sent to a NodePort of %s takes this path.", [node_name, node_name]) if {
	vs.role == "nodePort"
	svc.healthCheckNodePort == 0
}

else := sprintf(" The Service has no healthCheckNodePort, so nothing tells the load balancer that %s has no endpoint: it sends its share of the traffic here.", [node_name]) if {
	vs.role == "loadBalancer"
	svc.healthCheckNodePort == 0
}

else := sprintf(" No health check covers an external IP: whatever routes %s to %s sends its clients here.", [vs.ip, node_name]) if {
	vs.role == "externalIP"
}

# latent_words(node_name, vs) tells that nothing shows external clients reaching the address, and
# how far conntrack could tell.
latent_words(node_name, vs) := " conntrack was not captured, so nothing shows external clients reaching it: the failure is latent while the health check keeps them away." if {
	not lib.capture_ok(node_name, "conntrack")
}

else := " Without the Node objects (nodes.yaml) conntrack's clients cannot be told from external ones, so nothing shows external clients reaching it: the failure is latent while the health check keeps them away." if {
	not lib.cluster_capture_ok("nodes")
}

else := sprintf(" conntrack shows no flow to it from outside the cluster among the clients it lists (%d flow(s) come from clients past the 32 it lists per destination): the failure is latent while the health check keeps external clients away.", [vs.conntrack.fromUnlisted]) if {
	vs.conntrack.fromUnlisted > 0
}

else := " conntrack shows no flow to it from outside the cluster: the failure is latent while the health check keeps external clients away."

# cni_case(vs) is how the reply of a forwarded external connection travels:
# hostNetwork backends and VPC-routed pods reply around the node; flannel masquerades.
cni_case(vs) := "hostNetwork" if {
	some rs in vs.realServers
	not rs.local
	rs.hostNetwork
}

else := input.cluster.cni.class

consequence := {
	"hostNetwork": "the hostNetwork backends answer external clients from their own node's IP, which the clients drop: their connections time out.",
	"vpc": "the backend pod answers external clients straight from its pod IP, which the clients drop: their connections time out.",
	"unknown": "the backend pod answers external clients straight from its pod IP, which the clients drop: their connections time out.",
	"overlay": "flannel masquerades the forwarded connections: external clients that enter through this node work, but the backend sees the node's flannel address instead of the client IP that externalTrafficPolicy: Local was meant to keep.",
}

cni_assumptions := {
	"hostNetwork": [],
	"vpc": [],
	"overlay": [],
	"unknown": ["The CNI is unknown; assumed it routes pod IPs without SNAT (VPC CNI), so external clients time out. On an overlay CNI that masquerades (flannel --ip-masq) they would work and only lose their source IP (warning)."],
}

version_assumptions := [] if lib.version_known

else := ["The Kubernetes version is unknown; the remote real servers show kube-proxy 1.24 or later (PR #97081 fallback). Before 1.24 this virtual service would have no real servers and clients would be refused instead (etp-local-no-endpoints-refused)."]

# health_check_note explains matrix row 9: the load balancer normally avoids this node, on its
# IP and on the NodePort it forwards to (LB→NP).
health_check_note(role, svc, node_name) := sprintf(" The load balancer's health check on healthCheckNodePort %d normally keeps external traffic away from %s; this applies when traffic reaches it anyway.", [svc.healthCheckNodePort, node_name]) if {
	role == "loadBalancer"
	svc.healthCheckNodePort != 0
}

else := sprintf(" The load balancer's health check on healthCheckNodePort %d normally keeps the traffic it forwards to this NodePort away from %s; this applies to clients that reach the NodePort of %s directly, or when the load balancer sends traffic here anyway.", [svc.healthCheckNodePort, node_name, node_name]) if {
	role == "nodePort"
	svc.type == "LoadBalancer"
	svc.healthCheckNodePort != 0
}

else := ""
