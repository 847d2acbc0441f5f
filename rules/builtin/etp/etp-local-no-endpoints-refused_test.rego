package ipvslint.rules.etp_local_no_endpoints_refused_test

import data.ipvslint.lib.etp_fixtures_test as etp
import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.etp_local_no_endpoints_refused as rule

empty_doc(version) := etp.web_doc(version, "vpc", {"node-a": etp.node_a([]), "node-b": etp.node_b})

lb_message := "node-a has no ready endpoint of default/web (externalTrafficPolicy: Local; its 2 ready endpoint(s) are on node-b, node-c), and kube-proxy v1.23.17 (before 1.24) leaves its load balancer IP virtual service 192.0.2.10:80 with no real servers. IPVS answers every connection to it with ICMP port unreachable, so pods and host processes on node-a that connect to it (the address is bound on node-a's kube-ipvs0, so they never reach the real load balancer), and any client routed to node-a for it are refused."

np_message := "node-a has no ready endpoint of default/web (externalTrafficPolicy: Local; its 2 ready endpoint(s) are on node-b, node-c), and kube-proxy v1.23.17 (before 1.24) leaves its NodePort virtual service 10.0.0.1:30080 with no real servers. IPVS answers every connection to it with ICMP port unreachable, so all clients sent to node-a's NodePort are refused."

# Matrix row 7: before 1.24 the empty virtual services refuse.
test_fires_on_1_23_17 if {
	fs := rule.findings with input as empty_doc(fx.ver(1, 23, 17))
	{f.target | some f in fs} == {"10.0.0.1:30080/TCP", "192.0.2.10:80/TCP"}
	every f in fs {
		f.node == "node-a"
		f.service == "default/web"
		not f.severity
		not f.assumptions
	}
	some lb in fs
	lb.target == "192.0.2.10:80/TCP"
	lb.message == lb_message
	lb.evidence == [etp.lb_vs([], null).evidence, fx.ipvs0_ev("node-a", "192.0.2.10", 21), fx.svc_ev(12)]
	some np in fs
	np.target == "10.0.0.1:30080/TCP"
	np.message == np_message
	np.evidence == [etp.np_vs([], null).evidence, fx.svc_ev(12)]
}

test_external_ip_is_refused_too if {
	d := etp.web_doc(fx.ver(1, 22, 4), "overlay", {"node-a": etp.node_a_vss([etp.eip_vs([], null)])})
	f := fx.only(rule.findings) with input as d
	f.target == "198.51.100.99:80/TCP"
	contains(f.message, "leaves its external IP virtual service 198.51.100.99:80 with no real servers")
	contains(f.message, "kube-proxy v1.22.4 (before 1.24)")
}

# The 1.24 boundary: from 1.24.0 the node falls back to all endpoints (etp-local-remote-backends).
test_silent_from_1_24_0 if {
	count(rule.findings) == 0 with input as empty_doc(fx.ver(1, 24, 0))
}

# The captures prove the refusal whatever the version: still an error, saying which versions
# the explanation holds for.
test_unknown_version_empty_vs_is_an_error_with_assumption if {
	fs := rule.findings with input as empty_doc(fx.no_version)
	count(fs) == 2
	every f in fs {
		not f.severity
		f.assumptions == ["The Kubernetes version is unknown; an empty virtual service while other nodes hold ready endpoints is what kube-proxy before 1.24 does. From 1.24 (PR #97081) kube-proxy would instead forward to the endpoints on other nodes without SNAT (see etp-local-remote-backends). The refusal itself holds in every version: IPVS refuses connections to a virtual service without real servers."]
		contains(f.message, "and kube-proxy before 1.24 leaves its")
	}
}

test_silent_when_vs_has_real_servers if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.ver(1, 23, 0), "vpc", {"node-a": etp.node_a(etp.remote_rss)})
}

# A local serving, terminating endpoint listed (ProxyTerminatingEndpoints on): not empty.
test_silent_with_local_terminating_endpoint if {
	d := etp.web_doc(fx.ver(1, 23, 0), "vpc", {"node-a": etp.node_a([etp.local_rs])})
	count(rule.findings) == 0 with input as d
}

test_silent_when_no_ready_endpoint_anywhere if {
	d := etp.doc(fx.ver(1, 23, 0), "vpc", etp.web({"readyEndpointNodes": []}), {"node-a": {"localPolicy": [etp.gap(0, [etp.lb_vs([], null)])]}})
	count(rule.findings) == 0 with input as d
}

test_silent_for_cluster_policy if {
	d := etp.doc(fx.ver(1, 23, 0), "vpc", etp.web({"externalTrafficPolicy": "Cluster"}), {"node-a": etp.node_a([])})
	count(rule.findings) == 0 with input as d
}

# iTP Local governs the ClusterIP: itp-local-no-endpoints judges it, not this rule.
test_silent_for_the_cluster_ip if {
	d := etp.web_doc(fx.ver(1, 23, 0), "vpc", {"node-a": etp.node_a_vss([etp.cip_vs([], null)])})
	count(rule.findings) == 0 with input as d
}

test_silent_without_ipvsadm if {
	d := fx.with_capture(empty_doc(fx.ver(1, 23, 17)), "node-a", "ipvsadm", "missing")
	count(rule.findings) == 0 with input as d
}

test_silent_without_services if {
	d := fx.with_cluster_capture(empty_doc(fx.ver(1, 23, 17)), "services", "failed")
	count(rule.findings) == 0 with input as d
}
