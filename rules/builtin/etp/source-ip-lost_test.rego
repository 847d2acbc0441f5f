package ipvslint.rules.source_ip_lost_test

import data.ipvslint.lib.etp_fixtures_test as etp
import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.source_ip_lost as rule

# masq_sample is an external client's flow to node-a's NodePort answered to node-a's flannel address.
masq_sample := etp.ct_ev(3, "tcp      6 86398 ESTABLISHED src=203.0.113.7 dst=10.0.0.1 sport=51234 dport=30080 src=10.244.2.5 dst=10.244.0.0 sport=8080 dport=51234 [ASSURED] mark=0 use=1")

# masq(policy, local_ready) is node-a's masqueraded NodePort of web (traffic.masqueraded).
masq(policy, local_ready) := {
	"service": "default/web", "externalTrafficPolicy": policy, "role": "nodePort",
	"vs": fx.vs("node-a", "TCP", "10.0.0.1", 30080, 16),
	"flows": etp.flows({"flows": 3, "snat": 3, "fromOutside": 3, "samples": [masq_sample], "outsideSamples": [masq_sample]}),
	"localReady": local_ready,
}

with_masq(m) := {"traffic": object.union(fx.empty_traffic, {"masqueraded": [m]})}

cluster_doc := etp.doc(fx.ver(1, 23, 0), "vpc", etp.web({"externalTrafficPolicy": "Cluster"}), {"node-a": with_masq(masq("Cluster", 0))})

test_cluster_policy_confirmed_by_conntrack_is_info if {
	f := fx.only(rule.findings) with input as cluster_doc
	f.severity == "info"
	f.node == "node-a"
	f.service == "default/web"
	f.target == "10.0.0.1:30080/TCP"
	f.message == "conntrack on node-a shows 3 of 3 flow(s) to the NodePort 10.0.0.1:30080 of default/web masqueraded: the backends see a node address, not the client's. externalTrafficPolicy: Cluster masquerades traffic to the NodePort, load balancer and external IPs by design."
	f.evidence == [fx.vs("node-a", "TCP", "10.0.0.1", 30080, 16).evidence, masq_sample]
	not f.assumptions
}

test_cluster_policy_without_conntrack_silent if {
	d := fx.with_capture(cluster_doc, "node-a", "conntrack", "missing")
	count(rule.findings) == 0 with input as d
}

# eTP Local on flannel without a local endpoint (matrix row 8, overlay): flannel masquerades.
test_local_policy_masqueraded_is_warning if {
	d := etp.web_doc(fx.ver(1, 24, 0), "overlay", {"node-a": object.union(etp.node_a(etp.remote_rss), with_masq(masq("Local", 0)))})
	fs := rule.findings with input as d
	some f in fs
	f.target == "10.0.0.1:30080/TCP"
	f.severity == "warning"
	endswith(f.message, "externalTrafficPolicy: Local was set to keep the client IP and kube-proxy does not masquerade it, but node-a has no ready endpoint: kube-proxy (1.24 and later) forwards to endpoints on other nodes and flannel masquerades that traffic.")
}

test_local_policy_masqueraded_with_local_endpoint_blames_something_else if {
	d := etp.web_doc(fx.ver(1, 28, 0), "vpc", {"node-a": with_masq(masq("Local", 1))})
	f := fx.only(rule.findings) with input as d
	f.severity == "warning"
	endswith(f.message, "externalTrafficPolicy: Local was set to keep the client IP and kube-proxy does not masquerade it, so something else did: the CNI's masquerade rules or kube-proxy's masqueradeAll.")
}

# Correction to the field report: on flannel, host clients lose their source IP, pods keep it.
test_flannel_host_clients_from_1_24 if {
	f := fx.only(rule.findings) with input as etp.web_doc(fx.ver(1, 24, 0), "overlay", {"node-a": etp.node_a(etp.remote_rss), "node-b": etp.node_b})
	f.node == "node-a"
	f.target == "192.0.2.10:80/TCP"
	f.severity == "warning"
	f.message == "Host processes on node-a that connect to the load balancer IP 192.0.2.10:80 of default/web reach its endpoints on other nodes (10.244.2.5:8080 on node-b, 10.244.3.7:8080 on node-c) with their source rewritten by flannel to node-a's flannel address: node-a has no ready endpoint (externalTrafficPolicy: Local), kube-proxy v1.24.0 forwards without SNAT, and flannel masquerades host traffic to the pod network. The backends do not see the client; pods on node-a keep their pod IP."
	f.evidence == array.concat([etp.lb_vs([], null).evidence], [rs.evidence | some rs in etp.remote_rss])
	not f.assumptions
}

test_flannel_host_clients_unknown_version if {
	f := fx.only(rule.findings) with input as etp.web_doc(fx.no_version, "overlay", {"node-a": etp.node_a(etp.remote_rss)})
	f.severity == "warning"
	contains(f.message, "kube-proxy (1.24 and later) forwards without SNAT")
	f.assumptions == ["The Kubernetes version is unknown; the remote real servers show kube-proxy 1.24 or later (PR #97081 fallback). Before 1.24 the virtual service would be empty and host clients would be refused instead."]
}

# The 1.24 boundary: before, the load balancer IP's virtual service has no fallback.
test_flannel_host_clients_silent_before_1_24 if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.ver(1, 23, 17), "overlay", {"node-a": etp.node_a(etp.remote_rss)})
}

# VPC CNI: host clients time out instead (lb-ip-host-client-timeout), nothing masquerades.
test_vpc_host_clients_silent if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.ver(1, 24, 0), "vpc", {"node-a": etp.node_a(etp.remote_rss)})
}

# hostNetwork backends: the reply never comes back (lb-ip-host-client-timeout).
test_host_network_backends_silent if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.ver(1, 24, 0), "overlay", {"node-a": etp.node_a(etp.hn_rss)})
}

# When conntrack shows the load balancer IP masqueraded, that finding stands for the host clients.
test_confirmed_host_clients_are_one_finding if {
	m := object.union(masq("Local", 0), {"role": "loadBalancer", "vs": fx.vs("node-a", "TCP", "192.0.2.10", 80, 13)})
	d := etp.web_doc(fx.ver(1, 24, 0), "overlay", {"node-a": object.union(etp.node_a(etp.remote_rss), with_masq(m))})
	f := fx.only(rule.findings) with input as d
	startswith(f.message, "conntrack on node-a shows 3 of 3 flow(s) to the load balancer IP 192.0.2.10:80 of default/web masqueraded")
}

# Go lists no masqueraded destination when every reply goes to the client: nothing to say.
test_local_policy_client_ip_kept_silent if {
	count(rule.findings) == 0 with input as etp.web_doc(fx.ver(1, 24, 0), "overlay", {"node-b": etp.node_b})
}
