package ipvslint.rules.missing_real_server_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.missing_real_server

with_web_rss(rss) := fx.with_vss(fx.base, array.concat(fx.dns_vss(fx.dns_rss), fx.web_vss(rss)))

only_local := with_web_rss([fx.rs("10.244.1.5", 8080)])

local_web(d) := fx.with_service(d, "default/web", {"externalTrafficPolicy": "Local"})

test_consistent_node_is_silent if {
	count(missing_real_server.findings) == 0 with input as fx.base
}

test_missing_ready_endpoint_fires_once if {
	f := fx.only(missing_real_server.findings) with input as only_local
	f.node == "node-a"
	f.service == "default/web"
	f.target == "10.244.2.7:8080/TCP"
	contains(f.message, "10.244.2.7:8080, a ready endpoint of default/web on node-b, is missing from 10.96.100.1:80/TCP, 192.168.1.11:30080/TCP, 192.168.1.200:80/TCP on node-a")
	contains(f.message, "or the captures were taken at different moments during a rollout")
}

test_weight_zero_counts_as_missing if {
	d := with_web_rss([fx.rs("10.244.1.5", 8080), object.union(fx.rs("10.244.2.7", 8080), {"weight": 0})])
	f := fx.only(missing_real_server.findings) with input as d
	contains(f.message, "listed with weight 0")
}

test_etp_local_with_local_endpoint_lists_only_it if {
	# The ClusterIP virtual service still needs every endpoint.
	d := local_web(fx.with_vss(fx.base, array.concat(fx.dns_vss(fx.dns_rss), [
		fx.vs("TCP", "10.96.100.1", 80, 20, [["default/web", "clusterIP", "http"]], fx.web_rss),
		fx.vs("TCP", "192.168.1.200", 80, 23, [["default/web", "loadBalancer", "http"]], [fx.rs("10.244.1.5", 8080)]),
		fx.vs("TCP", "192.168.1.11", 30080, 26, [["default/web", "nodePort", "http"]], [fx.rs("10.244.1.5", 8080)]),
	])))
	count(missing_real_server.findings) == 0 with input as d
}

# node-a without a local endpoint of an eTP=Local web whose external virtual services are empty.
no_local(version) := fx.with_version(
	fx.with_service(
		local_web(fx.with_vss(fx.base, array.concat(fx.dns_vss(fx.dns_rss), [
			fx.vs("TCP", "10.96.100.1", 80, 20, [["default/web", "clusterIP", "http"]], [fx.rs("10.244.2.7", 8080)]),
			fx.vs("TCP", "192.168.1.200", 80, 23, [["default/web", "loadBalancer", "http"]], []),
			fx.vs("TCP", "192.168.1.11", 30080, 26, [["default/web", "nodePort", "http"]], []),
		]))),
		"default/web", {"endpoints": [fx.ep("10.244.2.7", "node-b", fx.web_ports)]},
	),
	version,
)

test_etp_local_no_local_endpoint_before_1_24 if {
	count(missing_real_server.findings) == 0 with input as no_local(fx.ver(1, 23))
}

test_etp_local_no_local_endpoint_from_1_24 if {
	f := fx.only(missing_real_server.findings) with input as no_local(fx.ver(1, 24))
	f.target == "10.244.2.7:8080/TCP"
	contains(f.message, "192.168.1.11:30080/TCP, 192.168.1.200:80/TCP")
}

test_etp_local_no_local_endpoint_unknown_version if {
	count(missing_real_server.findings) == 0 with input as no_local(fx.no_version)
}

test_local_terminating_endpoint_is_preferred_from_1_26 if {
	eps := [fx.ep("10.244.2.7", "node-b", fx.web_ports), object.union(fx.ep("10.244.1.5", "node-a", fx.web_ports), {"ready": false, "terminating": true})]
	d := fx.with_service(no_local(fx.ver(1, 26)), "default/web", {"endpoints": eps})
	count(missing_real_server.findings) == 0 with input as d
	count(missing_real_server.findings) == 1 with input as fx.with_version(d, fx.ver(1, 25))
}

test_topology_hints_make_it_unknown if {
	d := fx.with_service(only_local, "default/web", {"annotations": {"service.kubernetes.io/topology-mode": "Auto"}})
	count(missing_real_server.findings) == 0 with input as d
}

# spec.trafficDistribution (PreferClose) narrows the endpoints per zone: kube-proxy may leave
# other-zone endpoints out on purpose.
test_traffic_distribution_makes_it_unknown if {
	d := fx.with_service(only_local, "default/web", {"trafficDistribution": "PreferClose"})
	count(missing_real_server.findings) == 0 with input as d
}

test_empty_traffic_distribution_still_fires if {
	d := fx.with_service(only_local, "default/web", {"trafficDistribution": ""})
	count(missing_real_server.findings) == 1 with input as d
}

test_partial_listing_is_silent if {
	count(missing_real_server.findings) == 0 with input as fx.with_node(only_local, {"ipvsComplete": false})
}

# portless_web(rss) has web's endpoints list no port of the Service port's name, and rss.
portless_web(rss) := fx.with_service(
	with_web_rss(rss), "default/web",
	{"endpoints": [fx.ep("10.244.1.5", "node-a", []), fx.ep("10.244.2.7", "node-b", [])]},
)

test_endpoint_without_port_is_listed_at_any_port if {
	count(missing_real_server.findings) == 0 with input as portless_web([fx.rs("10.244.1.5", 9090), fx.rs("10.244.2.7", 8080)])
}

test_endpoint_without_port_missing_is_named_by_ip if {
	f := fx.only(missing_real_server.findings) with input as portless_web([fx.rs("10.244.1.5", 9090)])
	f.target == "10.244.2.7"
	contains(f.message, "10.244.2.7, a ready endpoint of default/web on node-b, is missing from")
}

test_endpoint_without_port_weight_zero_is_missing if {
	f := fx.only(missing_real_server.findings) with input as portless_web([fx.rs("10.244.1.5", 9090), object.union(fx.rs("10.244.2.7", 9090), {"weight": 0})])
	f.target == "10.244.2.7"
	contains(f.message, "listed with weight 0")
}
