package ipvslint.rules.lb_ip_host_client_timeout_test

import data.ipvslint.lib.etp_fixtures_test as etp
import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.lb_ip_host_client_timeout as rule

fallback_doc(version, cni) := etp.web_doc(version, cni, {"node-a": etp.node_a(etp.remote_rss), "node-b": etp.node_b})

# self_ct is conntrack's summary of the load balancer IP: two unreplied flows from host processes
# whose source is the load balancer IP itself.
self_samples := [
	etp.ct_ev(3, "tcp      6 118 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=40112 dport=80 [UNREPLIED] src=10.244.2.5 dst=192.0.2.10 sport=8080 dport=40112 mark=0 use=1"),
	etp.ct_ev(4, "tcp      6 117 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=40114 dport=80 [UNREPLIED] src=10.244.3.7 dst=192.0.2.10 sport=8080 dport=40114 mark=0 use=1"),
]

self_ct := etp.flows({"flows": 2, "unreplied": 2, "fromLocalUnreplied": 2, "fromSelf": 2, "selfSamples": self_samples, "samples": self_samples})

message(verb, reply, seen) := sprintf("Host processes on node-a (hostNetwork pods included) that connect to the load balancer IP 192.0.2.10:80 of default/web %s. The address is bound on node-a's kube-ipvs0, so such a connection's source address is 192.0.2.10 itself; node-a has no ready endpoint (externalTrafficPolicy: Local) and kube-proxy v1.24.0 (1.24 or later, PR #97081) forwards it without SNAT to 10.244.2.5:8080 on node-b, 10.244.3.7:8080 on node-c. %s%s Pods on node-a are not affected: they keep their pod IP and the reply comes back.", [verb, reply, seen])

vpc_reply := "The backend pod replies to that address, which is local on the backend's node too (it is bound on every node's kube-ipvs0), so the reply never comes back."

# Matrix row 11 (VPC): conntrack was captured and shows no such connection: they would time out.
test_fires_on_vpc_from_1_24_0 if {
	f := fx.only(rule.findings) with input as fallback_doc(fx.ver(1, 24, 0), "vpc")
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10:80/TCP"
	f.message == message("would time out", vpc_reply, " conntrack shows no such connection at capture time (no unreplied flow from 192.0.2.10 to 192.0.2.10:80).")
	f.evidence == array.concat(
		[fx.ipvs0_ev("node-a", "192.0.2.10", 21), etp.lb_vs([], null).evidence],
		array.concat([rs.evidence | some rs in etp.remote_rss], [fx.svc_ev(12)]),
	)
	not f.severity
	not f.assumptions
}

test_conntrack_confirms if {
	d := etp.web_doc(fx.ver(1, 24, 0), "vpc", {"node-a": etp.node_a_vss([etp.lb_vs(etp.remote_rss, self_ct)])})
	f := fx.only(rule.findings) with input as d
	f.message == message("time out", vpc_reply, " Conntrack confirms it: 2 unreplied flow(s) from host processes to 192.0.2.10:80.")
	[e | some e in f.evidence; e.file == "nodes/node-a/conntrack.txt"] == self_samples
}

test_without_conntrack_capture_states_the_behaviour if {
	d := fx.with_capture(fallback_doc(fx.ver(1, 24, 0), "vpc"), "node-a", "conntrack", "missing")
	f := fx.only(rule.findings) with input as d
	f.message == message("time out", vpc_reply, "")
}

# The 1.24 boundary: before, the virtual service is empty and refuses (etp-local-no-endpoints-refused).
test_silent_before_1_24 if {
	count(rule.findings) == 0 with input as fallback_doc(fx.ver(1, 23, 17), "vpc")
}

# flannel masquerades host clients (! -s cluster -d cluster): works, source lost instead.
test_silent_on_overlay if {
	count(rule.findings) == 0 with input as fallback_doc(fx.ver(1, 24, 0), "overlay")
}

test_host_network_backends_fire_on_overlay if {
	d := etp.web_doc(fx.ver(1, 24, 0), "overlay", {"node-a": etp.node_a(etp.hn_rss)})
	f := fx.only(rule.findings) with input as d
	contains(f.message, "forwards it without SNAT to 10.0.0.2:8080 on node-b. The hostNetwork backend replies to that address, which is local on its own node too, so the reply never comes back.")
	not f.assumptions
}

test_external_ip_fires if {
	d := etp.web_doc(fx.ver(1, 28, 0), "vpc", {"node-a": etp.node_a_vss([etp.eip_vs(etp.remote_rss, null)])})
	f := fx.only(rule.findings) with input as d
	f.target == "198.51.100.99:80/TCP"
	startswith(f.message, "Host processes on node-a (hostNetwork pods included) that connect to the external IP 198.51.100.99:80 of default/web would time out.")
}

# The remote real servers show the 1.24 fallback: an unknown version does not lower the finding.
test_unknown_cni_and_version_fire_with_assumptions if {
	f := fx.only(rule.findings) with input as fallback_doc(fx.no_version, "unknown")
	not f.severity
	contains(f.message, "kube-proxy 1.24 and later (PR #97081) forwards it")
	f.assumptions == [
		"The Kubernetes version is unknown; the remote real servers show kube-proxy 1.24 or later (PR #97081 fallback). Before 1.24 the virtual service would have no real servers and the connection would be refused instead (etp-local-no-endpoints-refused).",
		"The CNI is unknown; assumed it routes pod IPs without SNAT (VPC CNI). On an overlay CNI that masquerades (flannel --ip-masq) flannel would rewrite the source to the node's flannel address and the connection would work, losing the source IP (see source-ip-lost).",
	]
}

test_silent_with_local_endpoint if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.ver(1, 24, 0), "vpc", {"node-b": etp.node_b})
}

test_silent_for_the_node_port if {
	d := etp.web_doc(fx.ver(1, 24, 0), "vpc", {"node-a": etp.node_a_vss([etp.np_vs(etp.remote_rss, null)])})
	count(rule.findings) == 0 with input as d
}

test_silent_for_cluster_policy if {
	d := etp.doc(fx.ver(1, 24, 0), "vpc", etp.web({"externalTrafficPolicy": "Cluster"}), {"node-a": etp.node_a(etp.remote_rss)})
	count(rule.findings) == 0 with input as d
}
