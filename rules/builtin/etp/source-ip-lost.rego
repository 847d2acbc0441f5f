# METADATA
# title: backends do not see the client's source IP
# description: >-
#   Traffic to a Service's NodePort, load balancer IP or external IP is
#   masqueraded on the way to the backend, so the backend sees a node address
#   instead of the client's. With externalTrafficPolicy Cluster that is by
#   design (kube-proxy marks it for masquerade), and the rule only reports it
#   when conntrack shows it. With externalTrafficPolicy Local, which was chosen
#   to keep the client IP, it reports conntrack flows that were masqueraded
#   anyway, and host processes on a flannel node without a local endpoint that
#   connect to the load balancer IP: flannel masquerades them. Pods keep their
#   pod IP on that path.
# related_resources:
#   - ref: https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
#     description: preserving the client source IP
#   - ref: https://github.com/flannel-io/flannel/blob/master/pkg/ip/iptables.go
#     description: flannel's --ip-masq rules masquerade host traffic to the pod network
# custom:
#   id: source-ip-lost
#   severity: info
#   behaviour: B8
#   client: external # the client whose address the backend does not see
#   remediation: >-
#     If the backend needs the client IP, use externalTrafficPolicy Local and
#     send traffic only to nodes with a backend, or have the load balancer pass
#     it on (PROXY protocol, X-Forwarded-For).
package ipvslint.rules.source_ip_lost

import data.ipvslint.lib

# Masqueraded flows seen in conntrack.
findings contains f if {
	some [node_name, m] in masqueraded
	f := lib.finding(
		{
			"node": node_name,
			"service": m.service,
			"target": lib.vs_target(m.vs),
			"message": sprintf(
				"conntrack on %s shows %d of %d flow(s) to the %s %s of %s masqueraded: the backends see a node address, not the client's. %s",
				[
					node_name, m.flows.snat, m.flows.flows, lib.role_name(m.role),
					lib.addr_port(m.vs.ip, m.vs.port), m.service, why(m, node_name),
				],
			),
			"evidence": array.concat([m.vs.evidence], m.flows.samples),
		},
		severity[m.externalTrafficPolicy],
		[],
	)
}

# Host clients on a flannel node without a local endpoint (matrix row 11, overlay column).
findings contains f if {
	some s in flannel_host_clients
	not confirmed(s.node_name, s.service, s.vs.key)
	f := lib.finding(
		{
			"node": s.node_name,
			"service": s.service,
			"target": lib.vs_target(s.vs),
			"message": sprintf(
				"Host processes on %s that connect to the %s %s of %s reach its endpoints on other nodes (%s) with their source rewritten by flannel to %s's flannel address: %s has no ready endpoint (externalTrafficPolicy: Local), %s forwards without SNAT, and flannel masquerades host traffic to the pod network. The backends do not see the client; pods on %s keep their pod IP.",
				[
					s.node_name, lib.role_name(s.vs.role), lib.addr_port(s.vs.ip, s.vs.port), s.service,
					lib.rs_list(s.remote), s.node_name, s.node_name, kube_proxy_words, s.node_name,
				],
			),
			"evidence": array.concat([s.vs.evidence], [rs.evidence | some rs in s.remote]),
		},
		"warning",
		version_assumptions,
	)
}

severity := {"Cluster": "info", "Local": "warning"}

# masqueraded are the masqueraded virtual services the first rule reports, as [node, entry of
# traffic.masqueraded].
masqueraded contains [node_name, m] if {
	lib.cluster_capture_ok("services")
	some node_name
	some m in input.nodes[node_name].traffic.masqueraded
	lib.capture_ok(node_name, "ipvsadm")
	lib.capture_ok(node_name, "conntrack")
}

# confirmed(node_name, service, key) is true when the first rule reports masqueraded flows to the
# virtual service key of service on the node.
confirmed(node_name, service, key) if [node_name, service, key] in masqueraded_vss

# masqueraded_vss are the virtual services of masqueraded as [node, service, key]: a set, so that
# confirmed looks each up instead of walking every masqueraded destination of the node for each
# host client.
masqueraded_vss := {[node_name, m.service, m.vs.key] | some [node_name, m] in masqueraded}

why(m, node_name) := "externalTrafficPolicy: Cluster masquerades traffic to the NodePort, load balancer and external IPs by design." if m.externalTrafficPolicy == "Cluster"

else := sprintf("externalTrafficPolicy: Local was set to keep the client IP and kube-proxy does not masquerade it, but %s has no ready endpoint: kube-proxy (1.24 and later) forwards to endpoints on other nodes and flannel masquerades that traffic.", [node_name]) if {
	input.cluster.cni.class == "overlay"
	m.localReady == 0
}

else := "externalTrafficPolicy: Local was set to keep the client IP and kube-proxy does not masquerade it, so something else did: the CNI's masquerade rules or kube-proxy's masqueradeAll."

flannel_host_clients contains s if {
	input.cluster.cni.class == "overlay"
	some fb in lib.fallback_vss
	fb.vs.role in {"loadBalancer", "externalIP"}
	not host_network(fb.remote)
	s := {"node_name": fb.node, "service": fb.service, "vs": fb.vs, "remote": fb.remote}
}

host_network(rss) if {
	some rs in rss
	rs.hostNetwork
}

kube_proxy_words := sprintf("kube-proxy %s", [lib.version_string]) if lib.version_known

else := "kube-proxy (1.24 and later)"

version_assumptions := [] if lib.version_known

else := ["The Kubernetes version is unknown; the remote real servers show kube-proxy 1.24 or later (PR #97081 fallback). Before 1.24 the virtual service would be empty and host clients would be refused instead."]
