# METADATA
# title: port of a bound load balancer IP has no virtual service
# description: >-
#   kube-proxy binds a Service's load balancer and external IPs on every
#   node's kube-ipvs0, but creates IPVS virtual services only for the Service's
#   own ports. When clients inside the cluster use another port of that address
#   (for example a listener of a shared cloud load balancer that belongs to
#   another backend), the connection stays on the node and never reaches the
#   load balancer. From Kubernetes 1.26 kube-proxy's KUBE-IPVS-FILTER chain
#   refuses it; before 1.26 the node's own stack takes it: refused, or answered
#   by a local process listening on that port. Evidence is conntrack flows to
#   that port that ended on the node, a Service that reuses an existing Alibaba
#   Cloud load balancer without owning its listeners, or an --expect entry.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/pull/108460
#     description: KUBE-IPVS-FILTER rejects unserved ports of kube-ipvs0 addresses (v1.26.0)
#   - ref: https://github.com/kubernetes/kubernetes/issues/72236
#     description: in IPVS mode, host services become available on ClusterIPs
#   - ref: https://github.com/kubernetes/kubernetes/issues/66607
#     description: kube-proxy binds LoadBalancer IPs locally in IPVS mode
# custom:
#   id: lb-ip-unserved-port
#   severity: error
#   behaviour: B2
#   client: pod # in-cluster clients use the port; refused from 1.26, a local stack before
#   remediation: >-
#     Use separate load balancers for in-cluster and external use, or keep the
#     IP off the nodes: an ingress hostname instead of the IP (Alibaba
#     service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname), or
#     ipMode Proxy from 1.29/1.30. If the port belongs to this Service, add it
#     to the Service's ports.
package ipvslint.rules.lb_ip_unserved_port

import data.ipvslint.lib

# A port that clients use (conntrack or --expect) has no virtual service.
findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some p in input.nodes[node_name].traffic.unservedPorts
	ready(node_name)
	uses := [u | some u in p.uses; usable(node_name, u)]
	count(uses) > 0
	some owner in p.owners
	case := version_case(proves_stack(uses))
	f := lib.finding(
		{
			"node": node_name,
			"service": owner.service,
			"target": lib.target(p.ip, p.port, p.protocol),
			"message": sprintf(
				"%s is the %s of %s and is bound on %s's kube-ipvs0, but %s has no IPVS virtual service for port %d/%s (it serves %s). Clients use that port: %s. From inside the cluster, %s",
				[
					p.ip, lib.role_name(owner.role), owner.service, node_name, node_name, p.port, p.protocol,
					served_words(p.served), concat("; ", [use_words(u) | some u in uses]),
					outcome(case, {"node": node_name, "ip": p.ip, "port": p.port}),
				],
			),
			"evidence": array.concat(
				array.concat([p.bound], [vs.evidence | some vs in p.served]),
				array.concat([e | some u in uses; some e in u.evidence], [owner.evidence]),
			),
		},
		"",
		array.concat(assumptions[case], unproven_note(case, uses)),
	)
}

# ready(node_name) is true when the node's addresses and virtual services were read.
ready(node_name) if {
	lib.capture_ok(node_name, "ip-addr")
	lib.capture_ok(node_name, "ipvsadm")
}

# usable(node_name, u) is true for --expect, and for conntrack when conntrack was read.
usable(_, u) if u.source == "expect"

usable(node_name, u) if {
	u.source == "conntrack"
	lib.capture_ok(node_name, "conntrack")
}

# proves_stack(uses) is true when conntrack shows flows that only kube-proxy before 1.26 lets end
# on the node (docs/input.md, traffic.unservedPorts).
proves_stack(uses) if {
	some u in uses
	u.provesStack
}

default proves_stack(_) := false

unproven_note(case, uses) := ["conntrack only shows unreplied connections from the node's own addresses, which kube-proxy records before 1.26 and from 1.26 alike (host clients' SYNs are recorded before KUBE-IPVS-FILTER rejects them), so they do not tell the version."] if {
	case == "assumed-filter"
	some u in uses
	u.source == "conntrack"
}

else := []

# A Service that reuses an existing load balancer does not own its other listeners. When
# clients are already seen using an unserved port of the IP, the finding above says it.
findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some x in input.nodes[node_name].serviceIPs
	x.role == "loadBalancer"
	x.bound != null
	ready(node_name)
	svc := input.cluster.loadBalancers[x.service]
	some a in shared_lb_annotations
	lb_id := svc.annotations[a.id]
	object.get(svc.annotations, a.override, "") != "true"
	not port_in_use(node_name, x.ip)
	case := version_case(false)
	f := lib.finding(
		{
			"node": node_name,
			"service": x.service,
			"target": x.ip,
			"message": sprintf(
				"%s reuses the existing %s load balancer %s (annotation %s) without %s: \"true\", so that load balancer may have listeners that this Service does not own; ipvslint cannot see them, the bundle only shows the Service's own ports (%s). %s is bound on %s's kube-ipvs0 and %s serves only %s on it. From inside the cluster, %s",
				[
					x.service, a.provider, lb_id, a.id, a.override,
					lib.port_list({[p.port, p.protocol] | some p in svc.ports}),
					x.ip, node_name, node_name, served_words(x.virtualServers),
					outcome(case, {"ip": x.ip, "port": 0, "node": node_name}),
				],
			),
			"evidence": array.concat(
				array.concat([x.bound], [vs.evidence | some vs in x.virtualServers]),
				[x.serviceEvidence],
			),
		},
		"",
		assumptions[case],
	)
}

# port_in_use(node_name, ip) is true when clients are seen using an unserved port of ip on the node.
port_in_use(node_name, ip) if {
	some p in input.nodes[node_name].traffic.unservedPorts
	p.ip == ip
	some u in p.uses
	usable(node_name, u)
}

# shared_lb_annotations are the provider annotations that attach a Service to an existing load
# balancer (id) and the one that lets the Service own all of its listeners (override).
shared_lb_annotations := [{
	"provider": "Alibaba Cloud",
	"id": "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id",
	"override": "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners",
}]

served_words(vss) := lib.port_list(lib.served_ports(vss)) if count(vss) > 0

else := "no port"

use_words(u) := sprintf("conntrack shows %d flow(s) to it that ended on the node itself (no DNAT)", [u.count]) if u.source == "conntrack"

else := "you asked about it (--expect)"

# version_case(seen_locally) is "filter" (1.26 and later: KUBE-IPVS-FILTER refuses) or "stack"
# (before 1.26: the node's own stack takes the connection). When the version is unknown, conntrack
# flows that only pre-1.26 kube-proxy lets end on the node (replied, or from clients other than the
# node's own addresses) show the pre-1.26 behaviour ("assumed-stack"); otherwise 1.26 or later is
# assumed ("assumed-filter").
version_case(_) := "filter" if lib.version_at_least(1, 26)

version_case(_) := "stack" if lib.version_below(1, 26)

version_case(seen_locally) := "assumed-stack" if {
	not lib.version_known
	seen_locally
}

version_case(seen_locally) := "assumed-filter" if {
	not lib.version_known
	not seen_locally
}

outcome(case, p) := sprintf(
	"connections from pods and host processes on %s to %s are refused: %s rejects every port of a kube-ipvs0 address that has no virtual service in its KUBE-IPVS-FILTER chain (PR #108460), even when a process on the node listens on it. They never reach the real load balancer.",
	[p.node, port_words(p), kube_proxy_words(case)],
) if case in {"filter", "assumed-filter"}

else := sprintf(
	"connections from pods and host processes on %s to %s stay on the node: %s has no KUBE-IPVS-FILTER, so IPVS ignores them and the node's own stack answers: refused (TCP reset), or served by a process on %s that listens on that port instead of the load balancer's backend (see lb-ip-local-listener). They never reach the real load balancer.",
	[p.node, port_words(p), kube_proxy_words(case), p.node],
)

port_words(p) := sprintf("any other port of %s", [p.ip]) if p.port == 0

else := lib.addr_port(p.ip, p.port)

kube_proxy_words(case) := lib.kube_proxy_words("1.26 or later") if case in {"filter", "assumed-filter"}

else := lib.kube_proxy_words("before 1.26")

assumptions := {
	"filter": [],
	"stack": [],
	"assumed-filter": ["The Kubernetes version is unknown; assumed 1.26 or later, where KUBE-IPVS-FILTER refuses the port. Before 1.26 the node's own stack would take the connection instead: refused, or answered by a local process listening on that port."],
	"assumed-stack": ["The Kubernetes version is unknown; the conntrack flows that ended on the node, answered or from clients other than the node's own addresses, show kube-proxy before 1.26 (from 1.26 KUBE-IPVS-FILTER rejects such connections before conntrack records them). On 1.26 or later they would all be refused."],
}
