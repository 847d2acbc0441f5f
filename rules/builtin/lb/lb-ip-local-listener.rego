# METADATA
# title: unserved load balancer port reaches a local process
# description: >-
#   Before Kubernetes 1.26, a connection to a port of a kube-ipvs0 load
#   balancer or external IP that has no IPVS virtual service is taken by the
#   node's own stack. When a process on the node listens on that port (on the
#   wildcard address or on that IP), in-cluster clients silently talk to that
#   process instead of the load balancer's backend. From 1.26 kube-proxy's
#   KUBE-IPVS-FILTER refuses such connections instead (lb-ip-unserved-port).
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/issues/72236
#     description: in IPVS mode, host services become available on ClusterIPs
#   - ref: https://github.com/kubernetes/kubernetes/pull/108460
#     description: KUBE-IPVS-FILTER, which rejects these connections from v1.26.0
# custom:
#   id: lb-ip-local-listener
#   severity: error
#   behaviour: B2
#   client: pod # a pod of the node reaches the local process
#   remediation: >-
#     Use separate load balancers for in-cluster and external use, or keep the
#     IP off the nodes (ingress hostname, ipMode Proxy); bind the local process
#     to the node's own address rather than to all addresses.
package ipvslint.rules.lb_ip_local_listener

import data.ipvslint.lib

findings contains f if {
	not lib.version_at_least(1, 26)
	lib.cluster_capture_ok("services")
	some node_name
	some p in input.nodes[node_name].traffic.unservedPorts
	lib.capture_ok(node_name, "ip-addr")
	lib.capture_ok(node_name, "ipvsadm")
	lib.capture_ok(node_name, "ss-listen")
	l := p.listener
	l != null
	uses := [u | some u in p.uses; usable(node_name, u)]
	count(uses) > 0
	some owner in p.owners
	f := lib.finding(
		{
			"node": node_name,
			"service": owner.service,
			"target": lib.target(p.ip, p.port, p.protocol),
			"message": sprintf(
				"%s is the %s of %s and is bound on %s's kube-ipvs0 without a virtual service for port %d/%s, and %s listens there (%s). With %s, which has no KUBE-IPVS-FILTER, pods and host processes on %s that connect to %s silently reach that process instead of the load balancer's backend.%s",
				[
					p.ip, lib.role_name(owner.role), owner.service, node_name, p.port, p.protocol,
					process_words(l), listen_words(l), lib.kube_proxy_words("before 1.26"), node_name,
					lib.addr_port(p.ip, p.port), seen_words(uses),
				],
			),
			"evidence": array.concat(
				[p.bound, lib.evidence(l)],
				array.concat([e | some u in uses; some e in u.evidence], [owner.evidence]),
			),
		},
		version_severity(uses),
		version_assumptions(uses),
	)
}

# usable(node_name, u) is true for --expect, and for conntrack when conntrack was read.
usable(_, u) if u.source == "expect"

usable(node_name, u) if {
	u.source == "conntrack"
	lib.capture_ok(node_name, "conntrack")
}

# proven(uses) is true when conntrack shows flows that only kube-proxy before 1.26 lets end on
# the node (lib.unserved_port_uses).
proven(uses) if {
	some u in uses
	u.provesStack
}

# version_severity(uses) lowers the finding to a warning when the version is unknown and nothing
# shows kube-proxy before 1.26: from 1.26 the connection is refused instead (lb-ip-unserved-port).
version_severity(uses) := "warning" if {
	not lib.version_known
	not proven(uses)
}

else := ""

process_words(l) := sprintf("a process (%s)", [l.process]) if l.process != ""

else := "a process"

listen_words(l) := sprintf("%s on %s", [upper(l.protocol), lib.addr_port(l.ip, l.port)]) if l.wildcard == ""

else := sprintf("%s on all %s addresses, port %d", [upper(l.protocol), family[l.wildcard], l.port])

family := {"v4": "IPv4", "v6": "IPv6", "any": "IPv4 and IPv6"}

seen_words(uses) := sprintf(" conntrack shows %d such flow(s) answered by the node itself.", [n]) if {
	n := sum([u.count | some u in uses; u.source == "conntrack"])
	n > 0
}

else := ""

version_assumptions(uses) := [] if lib.version_known

else := ["The Kubernetes version is unknown; the conntrack flows that ended on the node, answered or from clients other than the node's own addresses, show kube-proxy before 1.26. On 1.26 or later KUBE-IPVS-FILTER would refuse these connections instead of letting the local process answer (lb-ip-unserved-port)."] if {
	proven(uses)
}

else := ["The Kubernetes version is unknown, and nothing in the bundle shows kube-proxy before 1.26 (unreplied connections from the node's own addresses are recorded by conntrack in every version); this only happens before 1.26, so it is a warning. On 1.26 or later KUBE-IPVS-FILTER refuses these connections instead of letting the local process answer (lb-ip-unserved-port)."]
