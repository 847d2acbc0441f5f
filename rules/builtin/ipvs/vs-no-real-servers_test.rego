package ipvslint.rules.vs_no_real_servers_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.vs_no_real_servers

empty_web := fx.with_vss(fx.base, array.concat(fx.dns_vss(fx.dns_rss), fx.web_vss([])))

remote_only := [fx.ep("10.244.2.7", "node-b", fx.web_ports)]

# node-a has no local endpoint of an eTP=Local web, whose external virtual services are empty.
local_no_ep(version) := fx.with_version(
	fx.with_service(
		fx.with_vss(fx.base, array.concat(fx.dns_vss(fx.dns_rss), [
			fx.vs("TCP", "10.96.100.1", 80, 20, [["default/web", "clusterIP", "http"]], [fx.rs("10.244.2.7", 8080)]),
			fx.vs("TCP", "192.168.1.200", 80, 23, [["default/web", "loadBalancer", "http"]], []),
			fx.vs("TCP", "192.168.1.11", 30080, 26, [["default/web", "nodePort", "http"]], []),
		])),
		"default/web", {"externalTrafficPolicy": "Local", "endpoints": remote_only},
	),
	version,
)

test_consistent_node_is_silent if {
	count(vs_no_real_servers.findings) == 0 with input as fx.base
}

test_no_endpoints_fires_per_virtual_service if {
	fs := vs_no_real_servers.findings with input as fx.with_service(empty_web, "default/web", {"endpoints": []})
	{f.target | some f in fs} == {"10.96.100.1:80/TCP", "192.168.1.200:80/TCP", "192.168.1.11:30080/TCP"}
	some f in fs
	f.target == "10.96.100.1:80/TCP"
	f.node == "node-a"
	f.service == "default/web"
	contains(f.message, "its selector matches no pod")
	f.evidence[0] == {"file": "nodes/node-a/ipvsadm.txt", "line": 20, "text": "TCP  10.96.100.1:80 rr"}
}

test_no_ready_endpoint_fires if {
	not_ready := [object.union(e, {"ready": false, "serving": false}) | some e in fx.web.endpoints]
	fs := vs_no_real_servers.findings with input as fx.with_service(empty_web, "default/web", {"endpoints": not_ready})
	count(fs) == 3
	some f in fs
	contains(f.message, "none of the Service's 2 endpoints is ready")
}

test_ready_endpoints_but_empty_fires_not_synced if {
	f := fx.only({f | some f in vs_no_real_servers.findings; f.target == "192.168.1.200:80/TCP"}) with input as empty_web
	contains(f.message, "should list the Service's ready endpoints 10.244.1.5, 10.244.2.7 here")
}

test_etp_local_before_1_24_is_explained if {
	count(vs_no_real_servers.findings) == 0 with input as local_no_ep(fx.ver(1, 23))
}

test_etp_local_from_1_24_fires_fallback_expected if {
	fs := vs_no_real_servers.findings with input as local_no_ep(fx.ver(1, 24))
	{f.target | some f in fs} == {"192.168.1.200:80/TCP", "192.168.1.11:30080/TCP"}
	some f in fs
	contains(f.message, "ready endpoint 10.244.2.7")
}

test_etp_local_unknown_version_is_silent if {
	count(vs_no_real_servers.findings) == 0 with input as local_no_ep(fx.no_version)
}

test_itp_local_cluster_ip_only_is_explained if {
	d := fx.with_service(
		fx.with_vss(fx.base, array.concat(fx.dns_vss([]), fx.web_vss(fx.web_rss))),
		"kube-system/dns", {"internalTrafficPolicy": "Local", "endpoints": [fx.ep("10.244.2.3", "node-b", fx.dns_ports)]},
	)
	count(vs_no_real_servers.findings) == 0 with input as d
}

test_no_endpoints_even_with_etp_local_fires if {
	d := fx.with_service(local_no_ep(fx.ver(1, 23)), "default/web", {"endpoints": []})
	count(vs_no_real_servers.findings) == 2 with input as d
}

test_partial_listing_is_silent if {
	d := fx.with_node(fx.with_service(empty_web, "default/web", {"endpoints": []}), {"ipvsComplete": false})
	count(vs_no_real_servers.findings) == 0 with input as d
}

test_without_endpoint_capture_is_silent if {
	d := fx.with_service(empty_web, "default/web", {"endpoints": [], "endpointsSource": ""})
	count(vs_no_real_servers.findings) == 0 with input as d
}

test_family_mismatch_fires if {
	d := fx.with_service(empty_web, "default/web", {"endpoints": [fx.ep("fd00:10:244::5", "node-a", fx.web_ports)]})
	some f in vs_no_real_servers.findings with input as d
	contains(f.message, "none of the virtual service's family IPv4")
}
