package ipvslint.rules.lb_ip_local_listener_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.lb_fixtures_test as lbx
import data.ipvslint.rules.lb_ip_local_listener as rule

replied := lbx.ct_sample(3, "tcp      6 431999 ESTABLISHED src=10.244.0.9 dst=192.0.2.10 sport=41000 dport=443 src=192.0.2.10 dst=10.244.0.9 sport=443 dport=41000 [ASSURED] mark=0 use=1")

# pod_use is an in-cluster flow answered by the node itself: only kube-proxy before 1.26 allows it.
pod_use := lbx.conntrack_use(1, true, [replied])

# host_use is an unreplied SYN of the node's own address, recorded from 1.26 too.
host_use := lbx.conntrack_use(1, false, [lbx.ct_sample(4, "tcp      6 118 SYN_SENT src=192.0.2.10 dst=192.0.2.10 sport=41000 dport=443 [UNREPLIED] src=192.0.2.10 dst=192.0.2.10 sport=443 dport=41000 mark=0 use=1")])

listener(ip, wildcard) := {
	"protocol": "TCP", "state": "LISTEN", "ip": ip, "wildcard": wildcard, "port": 443, "interface": "",
	"process": "users:((\"nginx\",pid=912,fd=6))", "file": "nodes/node-a/ss-listen.txt", "line": 4,
}

doc(version, l, uses) := lbx.lb_doc(version, fx.web({}), {"traffic": {"unservedPorts": [lbx.unserved(443, uses, {"listener": l})]}})

message(listen, kube_proxy, seen) := sprintf("192.0.2.10 is the load balancer IP of default/web and is bound on node-a's kube-ipvs0 without a virtual service for port 443/TCP, and a process (users:((\"nginx\",pid=912,fd=6))) listens there (%s). With %s, which has no KUBE-IPVS-FILTER, pods and host processes on node-a that connect to 192.0.2.10:443 silently reach that process instead of the load balancer's backend.%s", [listen, kube_proxy, seen])

seen_one := " conntrack shows 1 such flow(s) answered by the node itself."

test_fires_before_1_26 if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 25, 16), listener("", "v4"), [pod_use])
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10:443/TCP"
	f.message == message("TCP on all IPv4 addresses, port 443", "kube-proxy v1.25.16 (before 1.26)", seen_one)
	f.evidence == [lbx.bound_ev("192.0.2.10"), {"file": "nodes/node-a/ss-listen.txt", "line": 4, "text": ""}, replied, fx.svc_ev(12)]
	not f.severity
	not f.assumptions
}

# Correction to the field report: from 1.26 KUBE-IPVS-FILTER refuses, the listener is not reached.
test_silent_from_1_26_0 if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 26, 0), listener("", "v4"), [pod_use])
}

test_listener_on_the_ip if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 22, 0), listener("192.0.2.10", ""), [pod_use])
	f.message == message("TCP on 192.0.2.10:443", "kube-proxy v1.22.0 (before 1.26)", seen_one)
}

test_no_listener_silent if {
	count(rule.findings) == 0 with input as doc(fx.ver(1, 22, 0), null, [pod_use])
}

test_process_unknown if {
	f := fx.only(rule.findings) with input as doc(fx.ver(1, 22, 0), object.union(listener("", "any"), {"process": ""}), [pod_use])
	contains(f.message, ", and a process listens there (TCP on all IPv4 and IPv6 addresses, port 443).")
}

test_unknown_version_with_conntrack_proof if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, listener("", "any"), [pod_use])
	f.message == message("TCP on all IPv4 and IPv6 addresses, port 443", "kube-proxy before 1.26", seen_one)
	not f.severity
	f.assumptions == ["The Kubernetes version is unknown; the conntrack flows that ended on the node, answered or from clients other than the node's own addresses, show kube-proxy before 1.26. On 1.26 or later KUBE-IPVS-FILTER would refuse these connections instead of letting the local process answer (lb-ip-unserved-port)."]
}

# Unknown version and nothing shows kube-proxy before 1.26: a warning, never the error.
test_unknown_version_expect_only if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, listener("", "any"), [lbx.expect_use])
	f.message == message("TCP on all IPv4 and IPv6 addresses, port 443", "kube-proxy before 1.26", "")
	f.severity == "warning"
	f.assumptions == ["The Kubernetes version is unknown, and nothing in the bundle shows kube-proxy before 1.26 (unreplied connections from the node's own addresses are recorded by conntrack in every version); this only happens before 1.26, so it is a warning. On 1.26 or later KUBE-IPVS-FILTER refuses these connections instead of letting the local process answer (lb-ip-unserved-port)."]
}

# Unreplied SYNs of the node's own clients are recorded from 1.26 too: they do not show the version.
test_unknown_version_host_syns_do_not_prove if {
	f := fx.only(rule.findings) with input as doc(fx.no_version, listener("", "any"), [host_use])
	f.severity == "warning"
	endswith(f.message, seen_one)
}

test_conntrack_not_read if {
	d := fx.with_capture(doc(fx.ver(1, 22, 0), listener("", "v4"), [pod_use]), "node-a", "conntrack", "failed")
	count(rule.findings) == 0 with input as d
	d2 := fx.with_capture(doc(fx.ver(1, 22, 0), listener("", "v4"), [pod_use, lbx.expect_use]), "node-a", "conntrack", "failed")
	f := fx.only(rule.findings) with input as d2
	f.message == message("TCP on all IPv4 addresses, port 443", "kube-proxy v1.22.0 (before 1.26)", "")
}

test_silent_without_ss_capture if {
	d := fx.with_capture(doc(fx.ver(1, 22, 0), listener("", "v4"), [pod_use]), "node-a", "ss-listen", "missing")
	count(rule.findings) == 0 with input as d
}
