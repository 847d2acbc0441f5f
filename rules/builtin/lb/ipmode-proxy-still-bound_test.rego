package ipvslint.rules.ipmode_proxy_still_bound_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.lb_fixtures_test as lbx
import data.ipvslint.rules.ipmode_proxy_still_bound as rule

proxy_ip := lbx.service_ip("192.0.2.10", "loadBalancer", {"ipMode": "Proxy"})

proxy_web := fx.web({"ingress": [{"ip": "192.0.2.10", "hostname": "", "ipMode": "Proxy"}]})

doc(version, x) := lbx.lb_doc(version, proxy_web, {"serviceIPs": [x]})

with_gate(d, on) := fx.with_kube_proxy(d, {"featureGates": {"LoadBalancerIPMode": on}})

lead := "The load balancer ingress 192.0.2.10 of default/web has ipMode: Proxy, so in-cluster clients should go through the load balancer, but node-a still binds it on kube-ipvs0 and has a virtual service for it. "

test_before_1_29 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 28, 9), proxy_ip)
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10"
	f.message == concat("", [lead, "kube-proxy v1.28.9 is older than 1.29 and does not know ipMode: it binds every ingress IP."])
	f.evidence == [lbx.bound_ev("192.0.2.10"), lbx.vs80("192.0.2.10").evidence, fx.svc_ev(12)]
	not f.severity
	not f.assumptions
}

test_1_29_gate_off_by_default if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 29, 0), proxy_ip)
	f.message == concat("", [lead, "In v1.29.0 the LoadBalancerIPMode feature gate is alpha and off by default, and the kube-proxy configuration does not turn it on (unless a --feature-gates flag does), so kube-proxy ignores ipMode."])
}

test_1_29_gate_on_means_stale if {
	f := fx.only(rule.findings) with input as with_gate(doc(fx.ver(1, 29, 2), proxy_ip), true)
	f.message == concat("", [lead, "kube-proxy v1.29.2 has the LoadBalancerIPMode gate on in its configuration, so it should have removed the address: it is not syncing, or has not synced since ipMode was set."])
}

test_1_30_default_on_means_stale if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 30, 0), proxy_ip)
	f.message == concat("", [lead, "kube-proxy v1.30.0 honours ipMode (LoadBalancerIPMode is on by default from 1.30), so it should have removed the address: it is not syncing, the gate is turned off by a --feature-gates flag, or the ingress changed after its last sync."])
}

test_1_30_gate_turned_off if {
	f := fx.only(rule.findings) with input as with_gate(doc(fx.ver(1, 30, 1), proxy_ip), false)
	f.message == concat("", [lead, "The LoadBalancerIPMode feature gate is on by default from 1.30, but the kube-proxy configuration turns it off, so kube-proxy v1.30.1 ignores ipMode."])
}

test_1_31_gate_turned_off if {
	f := fx.only(rule.findings) with input as with_gate(doc(fx.ver(1, 31, 4), proxy_ip), false)
	contains(f.message, "but the kube-proxy configuration turns it off, so kube-proxy v1.31.4 ignores ipMode.")
}

# From 1.32 the gate is locked on: a configuration that turns it off does not explain the address.
test_1_32_ga_means_stale if {
	every d in [doc(fx.ver(1, 32, 0), proxy_ip), with_gate(doc(fx.ver(1, 32, 0), proxy_ip), false)] {
		f := fx.only(rule.findings) with input as d
		f.message == concat("", [lead, "kube-proxy v1.32.0 honours ipMode (LoadBalancerIPMode is GA from 1.32 and cannot be turned off), so it should have removed the address: it is not syncing, or the ingress changed after its last sync."])
	}
}

# Why kube-proxy kept the address, at each side of the 1.29 and 1.30 boundaries, with the gate
# unset in the configuration or set to true or false.
test_version_boundaries if {
	cases := [
		[fx.ver(1, 28, 15), null, "is older than 1.29"],
		[fx.ver(1, 28, 15), true, "is older than 1.29"],
		[fx.ver(1, 29, 0), null, "is alpha and off by default"],
		[fx.ver(1, 29, 15), null, "is alpha and off by default"],
		[fx.ver(1, 29, 15), false, "is alpha and off by default"],
		[fx.ver(1, 29, 15), true, "has the LoadBalancerIPMode gate on"],
		[fx.ver(1, 30, 0), null, "honours ipMode"],
		[fx.ver(1, 30, 0), true, "honours ipMode"],
		[fx.ver(1, 30, 0), false, "the kube-proxy configuration turns it off"],
		[fx.ver(1, 30, 14), null, "honours ipMode"],
		[fx.ver(1, 31, 0), false, "the kube-proxy configuration turns it off"],
	]
	every c in cases {
		contains(fx.only(rule.findings).message, c[2]) with input as gated(doc(c[0], proxy_ip), c[1])
	}
}

gated(d, null) := d

gated(d, gate) := with_gate(d, gate) if gate != null

test_unknown_version_gives_every_reason if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, proxy_ip)
	f.message == concat("", [lead, "kube-proxy is older than 1.29 (no ipMode), or the LoadBalancerIPMode gate is off (alpha, off by default in 1.29; on by default from 1.30), or kube-proxy has not synced since ipMode was set."])
	not f.severity
	f.assumptions == ["The Kubernetes version is unknown, so all the reasons are given: before 1.29 ipMode does not exist; in 1.29 it needs the LoadBalancerIPMode gate turned on; from 1.30 it is honoured by default."]
}

test_only_bound if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 28, 9), object.union(proxy_ip, {"virtualServers": []}))
	contains(f.message, "but node-a still binds it on kube-ipvs0. ")
	f.evidence == [lbx.bound_ev("192.0.2.10"), fx.svc_ev(12)]
}

test_only_a_virtual_service if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 28, 9), object.union(proxy_ip, {"bound": null}))
	contains(f.message, "but node-a still has a virtual service for it. ")
	f.evidence == [lbx.vs80("192.0.2.10").evidence, fx.svc_ev(12)]
}

test_vip_mode_silent if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 30, 0), object.union(proxy_ip, {"ipMode": "VIP"}))
}

test_not_bound_silent if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 30, 0), object.union(proxy_ip, {"bound": null, "virtualServers": []}))
}

test_without_captures_silent if {
	d := fx.with_capture(fx.with_capture(doc(fx.ver(1, 30, 0), proxy_ip), "node-a", "ip-addr", "missing"), "node-a", "ipvsadm", "missing")
	count(rule.findings) == 0 with input as d
}

hostname_web := fx.web({"ingress": [{"ip": "", "hostname": "web.example.com", "ipMode": ""}]})

# leftover(endpoints_of, bound) is a virtual service 192.0.2.10:80 of no Service whose real servers
# are endpoints of the Services endpoints_of.
leftover(endpoints_of, bound) := object.union(lbx.vs80("192.0.2.10"), {
	"realServers": [fx.rs("node-a", "10.244.2.5", 8080, 14, {}), fx.rs("node-a", "10.244.3.7", 8080, 15, {})],
	"owner": "", "endpointsOf": endpoints_of, "bound": bound, "onOrphanAddress": bound != null,
})

hostname_doc(vs) := lbx.lb_doc(fx.ver(1, 24, 0), hostname_web, {"diff": {"orphanVirtualServers": [vs]}})

test_hostname_only_with_leftover_vs if {
	f := fx.only(rule.findings) with input as hostname_doc(leftover(["default/web"], lbx.bound_ev("192.0.2.10")))
	f.target == "192.0.2.10:80/TCP"
	f.service == "default/web"
	f.message == "The load balancer ingress of default/web has only a hostname (web.example.com), which kube-proxy never binds, yet node-a still has a virtual service 192.0.2.10:80 that matches no Service and forwards to default/web's endpoints, and 192.0.2.10 is on kube-ipvs0: the address it had before. kube-proxy is not syncing, or has not synced since the ingress changed."
	f.evidence == [
		lbx.bound_ev("192.0.2.10"), lbx.vs80("192.0.2.10").evidence,
		fx.rs("node-a", "10.244.2.5", 8080, 14, {}).evidence, fx.rs("node-a", "10.244.3.7", 8080, 15, {}).evidence,
		fx.svc_ev(12),
	]
}

test_hostname_only_with_unbound_leftover_vs if {
	f := fx.only(rule.findings) with input as hostname_doc(leftover(["default/web"], null))
	contains(f.message, "forwards to default/web's endpoints: the address it had before.")
}

test_hostname_only_clean if {
	count(rule.findings) == 0 with input as lbx.lb_doc(fx.ver(1, 24, 0), hostname_web, {})
}

test_hostname_only_other_backends_silent if {
	count(rule.findings) == 0 with input as hostname_doc(leftover([], lbx.bound_ev("192.0.2.10")))
}

test_ingress_with_an_ip_silent if {
	d := fx.with_cluster(hostname_doc(leftover(["default/web"], null)), {"loadBalancers": {"default/web": fx.web({})}})
	count(rule.findings) == 0 with input as d
}

test_hostname_only_without_ipvsadm_silent if {
	d := fx.with_capture(hostname_doc(leftover(["default/web"], null)), "node-a", "ipvsadm", "failed")
	count(rule.findings) == 0 with input as d
}
