package ipvslint.rules.etp_local_remote_backends_test

import data.ipvslint.lib.etp_fixtures_test as etp
import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.etp_local_remote_backends as rule

fallback_doc(version, cni) := etp.web_doc(version, cni, {"node-a": etp.node_a(etp.remote_rss), "node-b": etp.node_b})

# outside_ct is conntrack's summary of the NodePort: two of its three flows come from outside the
# cluster.
outside_sample := etp.ct_ev(7, "tcp      6 112 SYN_SENT src=198.51.100.23 dst=10.0.0.1 sport=40131 dport=30080 [UNREPLIED] src=10.244.2.5 dst=198.51.100.23 sport=8080 dport=40131 mark=0 use=1")

outside_ct := etp.flows({"flows": 3, "unreplied": 2, "fromOutside": 2, "outsideSamples": [outside_sample], "samples": [outside_sample]})

# seen_doc is node-a at 1.24.0 whose NodePort conntrack shows external clients.
seen_doc(cni, rss) := etp.web_doc(fx.ver(1, 24, 0), cni, {"node-a": etp.node_a_vss([etp.lb_vs(rss, null), etp.np_vs(rss, outside_ct)])})

fallback_words := "kube-proxy v1.24.0 (1.24 or later, PR #97081) falls back to all cluster endpoints here and does not masquerade, so"

vpc_timeout := "the backend pod answers external clients straight from its pod IP, which the clients drop: their connections time out."

lb_head := "node-a has no ready endpoint of default/web (externalTrafficPolicy: Local), yet its load balancer IP virtual service 192.0.2.10:80 forwards to 2 endpoint(s) on other nodes: 10.244.2.5:8080 on node-b, 10.244.3.7:8080 on node-c."

np_head := "node-a has no ready endpoint of default/web (externalTrafficPolicy: Local), yet its NodePort virtual service 10.0.0.1:30080 forwards to 2 endpoint(s) on other nodes: 10.244.2.5:8080 on node-b, 10.244.3.7:8080 on node-c."

lb_health_check := "The load balancer's health check on healthCheckNodePort 32000 normally keeps external traffic away from node-a; this applies when traffic reaches it anyway."

np_health_check := "The load balancer's health check on healthCheckNodePort 32000 normally keeps the traffic it forwards to this NodePort away from node-a; this applies to clients that reach the NodePort of node-a directly, or when the load balancer sends traffic here anyway."

latent := "conntrack shows no flow to it from outside the cluster: the failure is latent while the health check keeps external clients away."

# Issue 10: on a VPC CNI, conntrack flows from outside the cluster make the NodePort an error; the
# load balancer IP, kept away by the health check, is a latent warning.
test_vpc_external_clients_seen_is_error if {
	fs := rule.findings with input as seen_doc("vpc", etp.remote_rss)
	{f.target | some f in fs} == {"10.0.0.1:30080/TCP", "192.0.2.10:80/TCP"}
	some np in fs
	np.target == "10.0.0.1:30080/TCP"
	np.severity == "error"
	np.message == concat(" ", [np_head, fallback_words, vpc_timeout, np_health_check, "conntrack shows external clients reaching it: 2 flow(s) to 10.0.0.1:30080 come from outside the cluster."])
	np.evidence == array.concat(
		[etp.np_vs([], null).evidence],
		array.concat([rs.evidence | some rs in etp.remote_rss], [outside_sample, fx.svc_ev(12)]),
	)
	not np.assumptions
	some lb in fs
	lb.target == "192.0.2.10:80/TCP"
	lb.severity == "warning"
	lb.message == concat(" ", [lb_head, fallback_words, vpc_timeout, lb_health_check, latent])
	lb.evidence == array.concat([etp.lb_vs([], null).evidence], array.concat([rs.evidence | some rs in etp.remote_rss], [fx.svc_ev(12)]))
}

# Matrix row 9: without evidence, both the load balancer IP and the NodePort it forwards to are
# latent while the health check keeps traffic away.
test_vpc_latent_is_warning if {
	fs := rule.findings with input as fallback_doc(fx.ver(1, 24, 0), "vpc")
	count(fs) == 2
	every f in fs {
		f.severity == "warning"
		endswith(f.message, latent)
	}
	some np in fs
	np.message == concat(" ", [np_head, fallback_words, vpc_timeout, np_health_check, latent])
}

# A NodePort Service has no healthCheckNodePort: nothing keeps clients away from the node.
test_nodeport_service_without_health_check_is_error if {
	svc := etp.web({"type": "NodePort", "ingress": [], "healthCheckNodePort": 0})
	d := etp.doc(fx.ver(1, 24, 0), "vpc", svc, {"node-a": etp.node_a_vss([etp.np_vs(etp.remote_rss, null)])})
	f := fx.only(rule.findings) with input as d
	f.severity == "error"
	f.message == concat(" ", [np_head, fallback_words, vpc_timeout, "The Service has no healthCheckNodePort, so no load balancer health check keeps clients away from node-a: any client sent to a NodePort of node-a takes this path."])
	not contains(f.message, "latent")
}

test_load_balancer_without_health_check_node_port_is_error if {
	d := etp.doc(fx.ver(1, 28, 3), "vpc", etp.web({"healthCheckNodePort": 0}), {"node-a": etp.node_a(etp.remote_rss)})
	fs := rule.findings with input as d
	count(fs) == 2
	every f in fs {
		f.severity == "error"
		not contains(f.message, "healthCheckNodePort 0")
	}
	some lb in fs
	lb.target == "192.0.2.10:80/TCP"
	endswith(lb.message, "their connections time out. The Service has no healthCheckNodePort, so nothing tells the load balancer that node-a has no endpoint: it sends its share of the traffic here.")
}

# No health check covers an external IP.
test_external_ip_is_error if {
	d := etp.web_doc(fx.ver(1, 24, 0), "vpc", {"node-a": etp.node_a_vss([etp.eip_vs(etp.remote_rss, null)])})
	f := fx.only(rule.findings) with input as d
	f.target == "198.51.100.99:80/TCP"
	f.severity == "error"
	endswith(f.message, "their connections time out. No health check covers an external IP: whatever routes 198.51.100.99 to node-a sends its clients here.")
}

test_overlay_is_warning_even_when_seen if {
	fs := rule.findings with input as seen_doc("overlay", etp.remote_rss)
	count(fs) == 2
	every f in fs {
		f.severity == "warning"
		not contains(f.message, "latent")
	}
	some lb in fs
	lb.target == "192.0.2.10:80/TCP"
	lb.message == concat(" ", [lb_head, fallback_words, "flannel masquerades the forwarded connections: external clients that enter through this node work, but the backend sees the node's flannel address instead of the client IP that externalTrafficPolicy: Local was meant to keep.", lb_health_check])
}

test_host_network_backends_on_overlay if {
	fs := rule.findings with input as seen_doc("overlay", etp.hn_rss)
	count(fs) == 2
	some np in fs
	np.target == "10.0.0.1:30080/TCP"
	np.severity == "error"
	contains(np.message, "so the hostNetwork backends answer external clients from their own node's IP, which the clients drop: their connections time out.")
	some lb in fs
	lb.target == "192.0.2.10:80/TCP"
	lb.severity == "warning"
	contains(lb.message, "hostNetwork backends")
}

test_unknown_cni_assumes_vpc if {
	fs := rule.findings with input as seen_doc("unknown", etp.remote_rss)
	{[f.target, f.severity] | some f in fs} == {["10.0.0.1:30080/TCP", "error"], ["192.0.2.10:80/TCP", "warning"]}
	every f in fs {
		f.assumptions == ["The CNI is unknown; assumed it routes pod IPs without SNAT (VPC CNI), so external clients time out. On an overlay CNI that masquerades (flannel --ip-masq) they would work and only lose their source IP (warning)."]
	}
}

# The remote real servers show the 1.24 fallback: an unknown version does not lower the finding,
# and the finding says which versions it holds for.
test_unknown_version_keeps_severity_with_assumption if {
	d := etp.web_doc(fx.no_version, "vpc", {"node-a": etp.node_a_vss([etp.lb_vs(etp.remote_rss, null), etp.np_vs(etp.remote_rss, outside_ct)])})
	fs := rule.findings with input as d
	{[f.target, f.severity] | some f in fs} == {["10.0.0.1:30080/TCP", "error"], ["192.0.2.10:80/TCP", "warning"]}
	every f in fs {
		contains(f.message, "kube-proxy 1.24 and later (PR #97081) falls back")
		f.assumptions == ["The Kubernetes version is unknown; the remote real servers show kube-proxy 1.24 or later (PR #97081 fallback). Before 1.24 this virtual service would have no real servers and clients would be refused instead (etp-local-no-endpoints-refused)."]
	}
}

# The 1.24 boundary: before, the node has no fallback (etp-local-no-endpoints-refused).
test_silent_before_1_24 if {
	count(rule.findings) == 0 with input as fallback_doc(fx.ver(1, 23, 17), "vpc")
}

test_unknown_version_empty_vs_silent if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.no_version, "vpc", {"node-a": etp.node_a([])})
}

test_conntrack_not_captured_is_latent if {
	d := fx.with_capture(seen_doc("vpc", etp.remote_rss), "node-a", "conntrack", "failed")
	fs := rule.findings with input as d
	count(fs) == 2
	every f in fs {
		f.severity == "warning"
		endswith(f.message, "conntrack was not captured, so nothing shows external clients reaching it: the failure is latent while the health check keeps them away.")
	}
}

test_without_node_objects_clients_are_unknown if {
	d := fx.with_cluster_capture(fallback_doc(fx.ver(1, 24, 0), "vpc"), "nodes", "missing")
	fs := rule.findings with input as d
	count(fs) == 2
	every f in fs {
		f.severity == "warning"
		endswith(f.message, "Without the Node objects (nodes.yaml) conntrack's clients cannot be told from external ones, so nothing shows external clients reaching it: the failure is latent while the health check keeps them away.")
	}
}

# conntrack keeps 32 distinct clients per destination; the flows of the others are only counted.
test_unlisted_clients_are_said if {
	ct := etp.flows({"flows": 40, "fromUnlisted": 8})
	d := etp.web_doc(fx.ver(1, 24, 0), "vpc", {"node-a": etp.node_a_vss([etp.np_vs(etp.remote_rss, ct)])})
	f := fx.only(rule.findings) with input as d
	f.severity == "warning"
	endswith(f.message, "conntrack shows no flow to it from outside the cluster among the clients it lists (8 flow(s) come from clients past the 32 it lists per destination): the failure is latent while the health check keeps external clients away.")
}

test_silent_with_a_local_real_server if {
	d := etp.web_doc(fx.ver(1, 26, 0), "vpc", {"node-a": etp.node_a(array.concat([etp.local_rs], etp.remote_rss))})
	count(rule.findings) == 0 with input as d
}

test_silent_on_node_with_local_endpoint if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.ver(1, 24, 0), "vpc", {"node-b": etp.node_b})
}

test_silent_for_cluster_policy if {
	d := etp.doc(fx.ver(1, 24, 0), "vpc", etp.web({"externalTrafficPolicy": "Cluster"}), {"node-a": etp.node_a(etp.remote_rss)})
	count(rule.findings) == 0 with input as d
}

test_silent_for_the_cluster_ip if {
	d := etp.web_doc(fx.ver(1, 24, 0), "vpc", {"node-a": etp.node_a_vss([etp.cip_vs(etp.remote_rss, null)])})
	count(rule.findings) == 0 with input as d
}

test_silent_without_ipvsadm if {
	d := fx.with_capture(fallback_doc(fx.ver(1, 24, 0), "vpc"), "node-a", "ipvsadm", "missing")
	count(rule.findings) == 0 with input as d
}
