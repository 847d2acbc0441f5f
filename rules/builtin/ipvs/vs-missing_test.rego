package ipvslint.rules.vs_missing_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.ipvs_fixtures_test as ifx
import data.ipvslint.rules.vs_missing

# missing_dns is the ClusterIP port of kube-system/dns that node-a lacks.
missing_dns := {
	"key": "UDP/10.96.0.10:53", "service": "kube-system/dns", "role": "clusterIP",
	"ip": "10.96.0.10", "port": 53, "protocol": "UDP", "onOtherAddresses": false,
	"evidence": [fx.svc_ev(40)],
}

# missing_nodeport is the NodePort of default/web that node-a lacks on one address.
missing_nodeport(elsewhere) := {
	"key": "TCP/10.244.1.1:30080", "service": "default/web", "role": "nodePort",
	"ip": "10.244.1.1", "port": 30080, "protocol": "TCP", "onOtherAddresses": elsewhere,
	"evidence": [fx.svc_ev(12), fx.ev("nodes/node-a/ip-addr.txt", 14, "inet 10.244.1.1/24 scope global cni0")],
}

with_missing(targets) := ifx.with_diff("missingVirtualServers", targets)

test_consistent_node_is_silent if {
	count(vs_missing.findings) == 0 with input as with_missing([])
}

test_missing_cluster_ip_fires if {
	f := fx.only(vs_missing.findings) with input as with_missing([missing_dns])
	f.node == "node-a"
	f.service == "kube-system/dns"
	f.target == "10.96.0.10:53/UDP"
	f.message == "node-a has no virtual service for 10.96.0.10:53/UDP, the ClusterIP of kube-system/dns: kube-proxy has not synced this Service port on the node, so connections to 10.96.0.10:53 from or through node-a are not load-balanced (refused, or a timeout when the address is not local)."
	f.evidence == [fx.svc_ev(40), fx.ev("nodes/node-a/ipvsadm.txt", 1, "")]
	not f.severity
	not f.assumptions
}

test_missing_nodeport_fires if {
	f := fx.only(vs_missing.findings) with input as with_missing([missing_nodeport(true)])
	f.target == "10.244.1.1:30080/TCP"
	f.evidence[1] == fx.ev("nodes/node-a/ip-addr.txt", 14, "inet 10.244.1.1/24 scope global cni0")
	not f.severity
}

test_no_config_nodeport_elsewhere_is_a_warning if {
	d := fx.with_kube_proxy(with_missing([missing_nodeport(true)]), {"present": false})
	f := fx.only(vs_missing.findings) with input as d
	f.severity == "warning"
	contains(f.assumptions[0], "nodePortAddresses may exclude 10.244.1.1")
}

test_no_config_nodeport_alone_states_the_assumption if {
	d := fx.with_kube_proxy(with_missing([missing_nodeport(false)]), {"present": false})
	f := fx.only(vs_missing.findings) with input as d
	not f.severity
	f.assumptions == ["The bundle has no kube-proxy ConfigMap; assumed nodePortAddresses is unset (a NodePort virtual service on every node address)."]
}

test_other_proxy_mode_is_silent if {
	d := fx.with_node(with_missing([missing_dns]), "node-a", {"proxyMode": "iptables"})
	count(vs_missing.findings) == 0 with input as d
}

empty_table := fx.with_node(with_missing([]), "node-a", {"actual": {"virtualServers": 0, "realServers": 0}, "expected": {"proxiedServices": 12}})

test_empty_table_is_one_finding if {
	f := fx.only(vs_missing.findings) with input as empty_table
	f.target == ""
	f.service == ""
	f.message == "The IPVS table of node-a is empty although kube-proxy runs in IPVS mode: none of the cluster's 12 Services has a virtual service there, so no Service address works from or through this node. kube-proxy is not running or cannot sync."
}

test_empty_table_without_mode_is_silent if {
	d := fx.with_kube_proxy(fx.with_node(empty_table, "node-a", {"proxyMode": ""}), {"present": false})
	count(vs_missing.findings) == 0 with input as d
}

test_empty_table_without_services_is_silent if {
	d := fx.with_node(empty_table, "node-a", {"expected": {"proxiedServices": 0}})
	count(vs_missing.findings) == 0 with input as d
}
