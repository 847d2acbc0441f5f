package ipvslint.rules.vs_missing_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.vs_missing

# without(keys) is the base document without the virtual services of those keys.
without(keys) := fx.with_vss(fx.base, [v | some v in fx.base_vss; not fx.key(v) in keys])

test_consistent_node_is_silent if {
	count(vs_missing.findings) == 0 with input as fx.base
}

test_missing_cluster_ip_fires if {
	f := fx.only(vs_missing.findings) with input as without({"UDP/10.96.0.10:53"})
	f.node == "node-a"
	f.service == "kube-system/dns"
	f.target == "10.96.0.10:53/UDP"
	contains(f.message, "the ClusterIP of kube-system/dns")
	not f.severity
}

test_missing_nodeport_fires if {
	f := fx.only(vs_missing.findings) with input as without({"TCP/192.168.1.11:30080"})
	f.target == "192.168.1.11:30080/TCP"
	f.evidence[1] == {"file": "nodes/node-a/ip-addr.txt", "line": 8, "text": ""}
}

test_nodeport_on_every_address if {
	d := fx.with_node(fx.base, {"addresses": {
		"10.244.1.1": {"interface": "cni0", "prefix": "10.244.1.1/24", "file": "nodes/node-a/ip-addr.txt", "line": 14},
		"fe80::1": {"interface": "eth0", "prefix": "fe80::1/64", "file": "nodes/node-a/ip-addr.txt", "line": 9},
	}})
	f := fx.only(vs_missing.findings) with input as d
	f.target == "10.244.1.1:30080/TCP"
}

test_nodeport_addresses_limit_the_expectation if {
	d := fx.with_kube_proxy(
		fx.with_node(fx.base, {"addresses": {"10.244.1.1": {"interface": "cni0", "prefix": "10.244.1.1/24", "file": "nodes/node-a/ip-addr.txt", "line": 14}}}),
		{"nodePortAddresses": ["192.168.1.0/24"]},
	)
	count(vs_missing.findings) == 0 with input as d
}

test_nodeport_primary if {
	d := fx.with_cluster(
		fx.with_kube_proxy(
			fx.with_node(fx.base, {"addresses": {"10.244.1.1": {"interface": "cni0", "prefix": "10.244.1.1/24", "file": "nodes/node-a/ip-addr.txt", "line": 14}}}),
			{"nodePortAddresses": ["primary"]},
		),
		{"nodes": {"node-a": {"addresses": [{"type": "InternalIP", "address": "192.168.1.11"}], "internalIP": "192.168.1.11"}}},
	)
	count(vs_missing.findings) == 0 with input as d
}

test_no_config_nodeport_elsewhere_is_a_warning if {
	d := fx.with_kube_proxy(
		fx.with_node(fx.base, {"addresses": {"10.244.1.1": {"interface": "cni0", "prefix": "10.244.1.1/24", "file": "nodes/node-a/ip-addr.txt", "line": 14}}}),
		{"present": false},
	)
	f := fx.only(vs_missing.findings) with input as d
	f.severity == "warning"
	contains(f.assumptions[0], "nodePortAddresses may exclude 10.244.1.1")
}

test_partial_listing_is_silent if {
	d := fx.with_node(without({"UDP/10.96.0.10:53"}), {"ipvsComplete": false})
	count(vs_missing.findings) == 0 with input as d
}

test_other_proxy_mode_is_silent if {
	d := fx.with_node(without({"UDP/10.96.0.10:53"}), {"proxyMode": "iptables"})
	count(vs_missing.findings) == 0 with input as d
}

test_ipmode_proxy_not_expected_from_1_30 if {
	d := fx.with_service(without({"TCP/192.168.1.200:80"}), "default/web", {"ingress": [{"ip": "192.168.1.200", "hostname": "", "ipMode": "Proxy"}]})
	count(vs_missing.findings) == 0 with input as fx.with_version(d, fx.ver(1, 30))
	count(vs_missing.findings) == 1 with input as fx.with_version(d, fx.ver(1, 28))
	count(vs_missing.findings) == 0 with input as fx.with_version(d, fx.no_version)
}

test_hostname_only_ingress_not_expected if {
	d := fx.with_service(without({"TCP/192.168.1.200:80"}), "default/web", {"ingress": [{"ip": "", "hostname": "lb.example.com", "ipMode": ""}]})
	count(vs_missing.findings) == 0 with input as d
}

test_empty_table_is_one_finding if {
	f := fx.only(vs_missing.findings) with input as fx.with_vss(fx.base, [])
	f.target == ""
	contains(f.message, "The IPVS table of node-a is empty")
}

test_empty_table_without_mode_is_silent if {
	d := fx.with_kube_proxy(fx.with_node(fx.with_vss(fx.base, []), {"proxyMode": ""}), {"present": false})
	count(vs_missing.findings) == 0 with input as d
}

test_ipmode_proxy_at_1_29_depends_on_the_gate if {
	d := fx.with_version(
		fx.with_service(without({"TCP/192.168.1.200:80"}), "default/web", {"ingress": [{"ip": "192.168.1.200", "hostname": "", "ipMode": "Proxy"}]}),
		fx.ver(1, 29),
	)
	count(vs_missing.findings) == 1 with input as d
	count(vs_missing.findings) == 0 with input as fx.with_kube_proxy(d, {"featureGates": {"LoadBalancerIPMode": true}})
}
