package ipvslint.rules.ipmode_proxy_still_bound_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.ipmode_proxy_still_bound as rule

proxy_web := fx.web_with({"ingress": [{"ip": "192.0.2.10", "hostname": "", "ipMode": "Proxy"}]})

doc(version) := fx.doc(version, "vpc", {"default/web": proxy_web}, {"node-a": fx.node_a(fx.remote_rss)})

with_gate(d, on) := fx.with_cluster(d, {"kubeProxy": {"featureGates": {"LoadBalancerIPMode": on}}})

test_before_1_29 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 28, 9))
	f.target == "192.0.2.10"
	contains(f.message, "node-a still binds it on kube-ipvs0 and has a virtual service for it")
	contains(f.message, "older than 1.29")
	count(f.evidence) == 3
}

test_1_29_gate_off_by_default if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 29, 0))
	contains(f.message, "alpha and off by default")
}

test_1_29_gate_on_means_stale if {
	f := fx.only(rule.findings) with input as with_gate(doc(fx.ver(1, 29, 2)), true)
	contains(f.message, "should have removed the address")
}

test_1_30_default_on_means_stale if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 30, 0))
	contains(f.message, "on by default from 1.30")
	contains(f.message, "not syncing")
}

test_1_30_gate_turned_off if {
	f := fx.only(rule.findings) with input as with_gate(doc(fx.ver(1, 30, 1)), false)
	contains(f.message, "turns it off")
}

test_unknown_version if {
	f := fx.only(rule.findings) with input as doc(fx.no_version)
	contains(f.assumptions[0], "in 1.29 it needs the LoadBalancerIPMode gate")
}

test_vip_mode_silent if {
	d := fx.doc(fx.ver(1, 30, 0), "vpc", {"default/web": fx.web_with({"ingress": [{"ip": "192.0.2.10", "hostname": "", "ipMode": "VIP"}]})}, {"node-a": fx.node_a(fx.remote_rss)})
	count(rule.findings) == 0 with input as d
}

test_not_bound_silent if {
	n := fx.node("node-a", "10.0.0.1", ["10.96.0.10"], [])
	count(rule.findings) == 0 with input as fx.doc(fx.ver(1, 30, 0), "vpc", {"default/web": proxy_web}, {"node-a": n})
}

hostname_web := fx.web_with({"ingress": [{"ip": "", "hostname": "web.example.com", "ipMode": ""}]})

# A virtual service that serves no Service has real servers without an endpoint (as
# analyze/input builds them): they are matched to the Service's endpoints by address and port.
unattributed_rss := [object.union(r, {"endpoint": null}) | some r in fx.remote_rss]

test_hostname_only_with_leftover_vs if {
	n := fx.node("node-a", "10.0.0.1", ["10.96.0.10", "192.0.2.10"], [fx.vs("TCP", "192.0.2.10", 80, 13, "", "", unattributed_rss)])
	f := fx.only(rule.findings) with input as fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": hostname_web}, {"node-a": n})
	f.target == "192.0.2.10:80/TCP"
	contains(f.message, "only a hostname (web.example.com)")
	contains(f.message, "and 192.0.2.10 is on kube-ipvs0")
}

test_hostname_only_clean if {
	n := fx.node("node-a", "10.0.0.1", ["10.96.0.10"], [fx.vs("TCP", "10.96.0.10", 80, 10, "default/web", "clusterIP", fx.remote_rss)])
	count(rule.findings) == 0 with input as fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": hostname_web}, {"node-a": n})
}

test_hostname_only_other_backends_silent if {
	other := [object.union(r, {"ip": "10.244.9.9"}) | some r in unattributed_rss]
	n := fx.node("node-a", "10.0.0.1", ["10.96.0.10", "192.0.2.10"], [fx.vs("TCP", "192.0.2.10", 80, 13, "", "", other)])
	count(rule.findings) == 0 with input as fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": hostname_web}, {"node-a": n})
}

test_hostname_only_other_port_silent if {
	n := fx.node("node-a", "10.0.0.1", ["10.96.0.10", "192.0.2.10"], [fx.vs("TCP", "192.0.2.10", 80, 13, "", "", [object.union(r, {"port": 9090}) | some r in unattributed_rss])])
	count(rule.findings) == 0 with input as fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": hostname_web}, {"node-a": n})
}
