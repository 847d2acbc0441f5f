package ipvslint.rules.lb_ip_bound_in_cluster_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.lb_fixtures_test as lbx
import data.ipvslint.rules.lb_ip_bound_in_cluster as rule

bound_doc(version, x) := lbx.lb_doc(version, fx.web({}), {"serviceIPs": [x]})

lb_ip := lbx.service_ip("192.0.2.10", "loadBalancer", {})

test_fires_for_lb_ip if {
	f := fx.only(rule.findings) with input as bound_doc(fx.ver(1, 24, 0), lb_ip)
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10"
	f.message == "192.0.2.10, the load balancer IP of default/web, is bound on node-a's kube-ipvs0, so pods and host processes on node-a that connect to it are served by IPVS on the node and never reach the real load balancer (its TLS termination, PROXY protocol and source ranges do not apply). From inside the cluster only these ports of it work: 80/TCP."
	not f.severity
	not f.assumptions
	f.evidence == [lbx.bound_ev("192.0.2.10"), lbx.vs80("192.0.2.10").evidence, fx.svc_ev(12)]
}

test_fires_for_external_ip if {
	x := lbx.service_ip("198.51.100.7", "externalIP", {})
	f := fx.only(rule.findings) with input as bound_doc(fx.ver(1, 30, 0), x)
	f.message == "198.51.100.7, the external IP of default/web, is bound on node-a's kube-ipvs0, so pods and host processes on node-a that connect to it are served by IPVS on the node and never leave it. From inside the cluster only these ports of it work: 80/TCP."
}

test_silent_when_not_bound if {
	count(rule.findings) == 0 with input as bound_doc(fx.ver(1, 24, 0), lbx.service_ip("192.0.2.10", "loadBalancer", {"bound": null}))
}

test_silent_without_ip_addr if {
	d := fx.with_capture(bound_doc(fx.ver(1, 24, 0), lb_ip), "node-a", "ip-addr", "missing")
	count(rule.findings) == 0 with input as d
}

test_silent_without_services if {
	d := fx.with_cluster_capture(bound_doc(fx.ver(1, 24, 0), lb_ip), "services", "failed")
	count(rule.findings) == 0 with input as d
}

test_ports_from_service_without_ipvsadm if {
	d := fx.with_capture(bound_doc(fx.ver(1, 24, 0), lb_ip), "node-a", "ipvsadm", "failed")
	f := fx.only(rule.findings) with input as d
	endswith(f.message, "From inside the cluster only these ports of it work: 80/TCP (the Service's ports; ipvsadm was not captured).")
}

test_no_virtual_service if {
	f := fx.only(rule.findings) with input as bound_doc(fx.ver(1, 24, 0), lbx.service_ip("192.0.2.10", "loadBalancer", {"virtualServers": []}))
	endswith(f.message, "From inside the cluster only these ports of it work: none (ipvsadm shows no virtual service for it).")
	f.evidence == [lbx.bound_ev("192.0.2.10"), fx.svc_ev(12)]
}

# The address is also node-a's own address on eth1.
node_ip_doc(version) := bound_doc(version, lbx.service_ip("192.0.2.10", "loadBalancer", {"nodeAddress": {
	"interface": "eth1", "prefix": "192.0.2.10/24",
	"evidence": fx.ev("nodes/node-a/ip-addr.txt", 12, "inet 192.0.2.10/24 scope global eth1"),
}}))

base_message := "192.0.2.10, the load balancer IP of default/web, is bound on node-a's kube-ipvs0, so pods and host processes on node-a that connect to it are served by IPVS on the node and never reach the real load balancer (its TLS termination, PROXY protocol and source ranges do not apply). From inside the cluster only these ports of it work: 80/TCP."

# The 1.26-1.27 KUBE-IPVS-FILTER regression (fixed in 1.28 by PR #115019).
test_node_address_1_27_0_filtered if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 27, 0))
	f.severity == "error"
	f.message == concat("", [base_message, " 192.0.2.10 is also node-a's own address on eth1; with kube-proxy v1.27.0, KUBE-IPVS-FILTER refuses every other port of it, the node's own services included (fixed in 1.28 by PR #115019, and in later 1.27 patch releases by PR #117684)."])
	not f.assumptions
}

test_node_address_1_26_filtered if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 26, 9))
	f.severity == "error"
}

# PR #117684 cherry-picked the exception to 1.27 after 1.27.0; the first patch release is not verified.
test_node_address_1_27_patch_maybe_fixed if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 27, 5))
	f.severity == "warning"
	f.message == concat("", [base_message, " 192.0.2.10 is also node-a's own address on eth1. Later 1.27 patch releases carry PR #117684 (the 1.27 cherry-pick of PR #115019); whether kube-proxy v1.27.5 has it is not verified here. With it, kube-proxy does not bind such an address, so this kube-ipvs0 entry is left over (kube-proxy not syncing, or bound before the address appeared on eth1); without it, KUBE-IPVS-FILTER refuses every other port of it, the node's own services included."])
	f.assumptions == ["1.27 patch releases after 1.27.0 may carry PR #117684 (reported in 1.27.2; not verified): assumed either way, so both outcomes are given."]
}

test_node_address_1_28_stale if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 28, 0))
	not f.severity
	f.message == concat("", [base_message, " 192.0.2.10 is also node-a's own address on eth1; kube-proxy v1.28.0 (1.28 or later, PR #115019) does not bind such an address, so this kube-ipvs0 entry is left over (kube-proxy not syncing, or bound before the address appeared on eth1)."])
}

test_node_address_1_25_bound if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.ver(1, 25, 0))
	not f.severity
	f.message == concat("", [base_message, " 192.0.2.10 is also node-a's own address on eth1; kube-proxy before 1.28 binds it on kube-ipvs0 as well."])
}

# Unknown version: never the error of 1.26 and early 1.27; the assumption says which versions do what.
test_node_address_unknown_version if {
	f := fx.only(rule.findings) with input as node_ip_doc(fx.no_version)
	not f.severity
	f.message == concat("", [base_message, " 192.0.2.10 is also node-a's own address on eth1."])
	f.assumptions == ["The Kubernetes version is unknown, and the address is also the node's own: on 1.26 and early 1.27 releases KUBE-IPVS-FILTER refuses every other port of it, the node's own services included; from 1.28 (PR #115019, and later 1.27 patch releases with PR #117684) kube-proxy does not bind it, so this entry would be left over; before 1.26 both work."]
}
