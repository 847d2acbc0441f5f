package ipvslint.rules.lb_ip_unserved_port_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.lb_fixtures_test as lbx
import data.ipvslint.rules.lb_ip_unserved_port as rule

pod_flow := lbx.ct_sample(3, "tcp      6 9 CLOSE src=10.244.0.9 dst=192.0.2.10 sport=41000 dport=443 src=192.0.2.10 dst=10.244.0.9 sport=443 dport=41000 mark=0 use=1")

host_syn := lbx.ct_sample(4, "tcp      6 118 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=41000 dport=443 [UNREPLIED] src=192.0.2.10 dst=192.0.2.10 sport=443 dport=41000 mark=0 use=1")

# pod_use is two in-cluster flows to 192.0.2.10:443 answered by the node itself.
pod_use := lbx.conntrack_use(2, true, [pod_flow])

# host_use is two unreplied SYNs from the node's own address: they do not tell the version.
host_use := lbx.conntrack_use(2, false, [host_syn])

doc(version, uses) := lbx.lb_doc(version, fx.web({}), {
	"serviceIPs": [lbx.service_ip("192.0.2.10", "loadBalancer", {})],
	"traffic": {"unservedPorts": [lbx.unserved(443, uses, {})]},
})

lead := "192.0.2.10 is the load balancer IP of default/web and is bound on node-a's kube-ipvs0, but node-a has no IPVS virtual service for port 443/TCP (it serves 80/TCP). Clients use that port: "

filter_outcome(kube_proxy) := sprintf("connections from pods and host processes on node-a to 192.0.2.10:443 are refused: %s rejects every port of a kube-ipvs0 address that has no virtual service in its KUBE-IPVS-FILTER chain (PR #108460), even when a process on the node listens on it. They never reach the real load balancer.", [kube_proxy])

stack_outcome(kube_proxy) := sprintf("connections from pods and host processes on node-a to 192.0.2.10:443 stay on the node: %s has no KUBE-IPVS-FILTER, so IPVS ignores them and the node's own stack answers: refused (TCP reset), or served by a process on node-a that listens on that port instead of the load balancer's backend (see lb-ip-local-listener). They never reach the real load balancer.", [kube_proxy])

conntrack_words := "conntrack shows 2 flow(s) to it that ended on the node itself (no DNAT)"

test_conntrack_from_1_26_0_refused_by_filter if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 26, 0), [pod_use])
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10:443/TCP"
	f.message == concat("", [lead, conntrack_words, ". From inside the cluster, ", filter_outcome("kube-proxy v1.26.0 (1.26 or later)")])
	not f.severity
	not f.assumptions
	f.evidence == [lbx.bound_ev("192.0.2.10"), lbx.vs80("192.0.2.10").evidence, pod_flow, fx.svc_ev(12)]
}

test_conntrack_before_1_26_reaches_node_stack if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 25, 16), [pod_use])
	f.message == concat("", [lead, conntrack_words, ". From inside the cluster, ", stack_outcome("kube-proxy v1.25.16 (before 1.26)")])
	not f.assumptions
}

# Unknown version: an error either way (refused, or taken by the node's stack); the assumption
# says which versions do what.
test_unknown_version_conntrack_shows_pre_1_26 if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, [pod_use])
	f.message == concat("", [lead, conntrack_words, ". From inside the cluster, ", stack_outcome("kube-proxy before 1.26")])
	not f.severity
	f.assumptions == ["The Kubernetes version is unknown; the conntrack flows that ended on the node, answered or from clients other than the node's own addresses, show kube-proxy before 1.26 (from 1.26 KUBE-IPVS-FILTER rejects such connections before conntrack records them). On 1.26 or later they would all be refused."]
}

# From 1.26 the SYNs of host clients are recorded before KUBE-IPVS-FILTER rejects them in
# filter/INPUT, so unreplied flows from the node's own addresses do not show the version.
test_unknown_version_host_syns_assume_filter if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, [host_use])
	f.message == concat("", [lead, conntrack_words, ". From inside the cluster, ", filter_outcome("kube-proxy 1.26 or later")])
	f.assumptions == [
		"The Kubernetes version is unknown; assumed 1.26 or later, where KUBE-IPVS-FILTER refuses the port. Before 1.26 the node's own stack would take the connection instead: refused, or answered by a local process listening on that port.",
		"conntrack only shows unreplied connections from the node's own addresses, which kube-proxy records before 1.26 and from 1.26 alike (host clients' SYNs are recorded before KUBE-IPVS-FILTER rejects them), so they do not tell the version.",
	]
}

test_unknown_version_expect_assumes_filter if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, [lbx.expect_use])
	f.message == concat("", [lead, "you asked about it (--expect). From inside the cluster, ", filter_outcome("kube-proxy 1.26 or later")])
	count(f.assumptions) == 1
	f.evidence == [lbx.bound_ev("192.0.2.10"), lbx.vs80("192.0.2.10").evidence, fx.svc_ev(12)]
}

test_conntrack_and_expect_make_one_finding if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 27, 1), [pod_use, lbx.expect_use])
	contains(f.message, "Clients use that port: conntrack shows 2 flow(s) to it that ended on the node itself (no DNAT); you asked about it (--expect). ")
}

test_without_conntrack_capture_silent if {
	d := fx.with_capture(doc(fx.ver(1, 26, 0), [pod_use]), "node-a", "conntrack", "failed")
	count(rule.findings) == 0 with input as d
}

test_expect_without_conntrack_capture_fires if {
	d := fx.with_capture(doc(fx.ver(1, 26, 0), [pod_use, lbx.expect_use]), "node-a", "conntrack", "failed")
	f := fx.only(rule.findings) with input as d
	contains(f.message, "Clients use that port: you asked about it (--expect). ")
}

test_without_ipvsadm_silent if {
	d := fx.with_capture(doc(fx.ver(1, 26, 0), [pod_use]), "node-a", "ipvsadm", "missing")
	count(rule.findings) == 0 with input as d
}

test_one_finding_per_owner if {
	d := fx.with_node(doc(fx.ver(1, 26, 0), [pod_use]), "node-a", {"traffic": {"unservedPorts": [lbx.unserved(443, [pod_use], {"owners": [
		lbx.owner("loadBalancer"),
		{"service": "default/other", "role": "externalIP", "evidence": fx.svc_ev(40)},
	]})]}})
	fs := rule.findings with input as d
	{f.service | some f in fs} == {"default/web", "default/other"}
	some f in fs
	f.service == "default/other"
	startswith(f.message, "192.0.2.10 is the external IP of default/other and is bound on node-a's kube-ipvs0")
}

alibaba(override) := fx.web({"annotations": object.union(
	{"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id": "lb-2ze4example"},
	{k: override | k := "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners"; override != ""},
)})

alibaba_doc(version, override, uses) := lbx.lb_doc(version, alibaba(override), {
	"serviceIPs": [lbx.service_ip("192.0.2.10", "loadBalancer", {})],
	"traffic": {"unservedPorts": [lbx.unserved(443, uses, {}) | count(uses) > 0]},
})

test_alibaba_reused_lb_without_override if {
	f := fx.only(rule.findings) with input as alibaba_doc(fx.ver(1, 24, 6), "", [])
	f.target == "192.0.2.10"
	f.service == "default/web"
	f.message == "default/web reuses the existing Alibaba Cloud load balancer lb-2ze4example (annotation service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id) without service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners: \"true\", so that load balancer may have listeners that this Service does not own; ipvslint cannot see them, the bundle only shows the Service's own ports (80/TCP). 192.0.2.10 is bound on node-a's kube-ipvs0 and node-a serves only 80/TCP on it. From inside the cluster, connections from pods and host processes on node-a to any other port of 192.0.2.10 stay on the node: kube-proxy v1.24.6 (before 1.26) has no KUBE-IPVS-FILTER, so IPVS ignores them and the node's own stack answers: refused (TCP reset), or served by a process on node-a that listens on that port instead of the load balancer's backend (see lb-ip-local-listener). They never reach the real load balancer."
	f.evidence == [lbx.bound_ev("192.0.2.10"), lbx.vs80("192.0.2.10").evidence, fx.svc_ev(12)]
	not f.assumptions
}

test_alibaba_override_true_silent if {
	count(rule.findings) == 0 with input as alibaba_doc(fx.ver(1, 24, 6), "true", [])
}

test_alibaba_override_false_fires if {
	f := fx.only(rule.findings) with input as alibaba_doc(fx.ver(1, 30, 0), "false", [])
	endswith(f.message, replace(filter_outcome("kube-proxy v1.30.0 (1.26 or later)"), "192.0.2.10:443", "any other port of 192.0.2.10"))
}

test_alibaba_unknown_version_assumes_filter if {
	f := fx.only(rule.findings) with input as alibaba_doc(fx.no_version, "", [])
	not f.severity
	contains(f.message, "kube-proxy 1.26 or later rejects every port")
	startswith(f.assumptions[0], "The Kubernetes version is unknown; assumed 1.26 or later")
}

# When conntrack already shows clients on an unserved port of the shared IP, the annotation adds
# no second, port-less finding.
test_alibaba_with_conntrack_one_finding if {
	f := fx.only(rule.findings) with input as alibaba_doc(fx.ver(1, 28, 3), "", [pod_use])
	f.target == "192.0.2.10:443/TCP"
}

test_alibaba_unbound_silent if {
	d := fx.with_node(alibaba_doc(fx.ver(1, 28, 3), "", []), "node-a", {"serviceIPs": [lbx.service_ip("192.0.2.10", "loadBalancer", {"bound": null})]})
	count(rule.findings) == 0 with input as d
}
