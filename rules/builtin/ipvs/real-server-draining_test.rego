package ipvslint.rules.real_server_draining_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.real_server_draining

drained(weight, active, inactive) := object.union(fx.rs("10.244.3.9", 8080), {"weight": weight, "activeConn": active, "inActConn": inactive})

with_web_rs(r) := fx.with_vss(fx.base, array.concat(fx.dns_vss(fx.dns_rss), fx.web_vss(array.concat(fx.web_rss, [r]))))

with_dns_rs(r) := fx.with_vss(fx.base, array.concat(fx.dns_vss(array.concat(fx.dns_rss, [r])), fx.web_vss(fx.web_rss)))

test_consistent_node_is_silent if {
	count(real_server_draining.findings) == 0 with input as fx.base
}

test_tcp_weight_zero_with_connections_is_info if {
	f := fx.only(real_server_draining.findings) with input as with_web_rs(drained(0, 3, 5))
	f.node == "node-a"
	f.service == "default/web"
	f.target == "10.244.3.9:8080/TCP"
	not f.severity
	contains(f.message, "10.96.100.1:80/TCP (3 active, 5 inactive connections)")
	contains(f.message, "gracefully removing it")
}

test_tcp_weight_zero_without_connections_is_silent if {
	count(real_server_draining.findings) == 0 with input as with_web_rs(drained(0, 0, 0))
}

test_tcp_weight_one_is_silent if {
	count(real_server_draining.findings) == 0 with input as with_web_rs(drained(1, 3, 5))
}

test_udp_weight_zero_is_a_warning if {
	r := object.union(drained(0, 0, 0), {"port": 53})
	fs := real_server_draining.findings with input as with_dns_rs(r)

	# The UDP virtual service gives a warning; the TCP one, without connections, nothing.
	f := fx.only(fs)
	f.target == "10.244.3.9:53/UDP"
	f.severity == "warning"
	contains(f.message, "never leaves them at weight 0")
}

test_ready_endpoint_at_weight_zero_is_noted if {
	d := with_web_rs(drained(0, 1, 0))
	eps := array.concat(fx.web.endpoints, [fx.ep("10.244.3.9", "node-b", fx.web_ports)])
	f := fx.only(real_server_draining.findings) with input as fx.with_service(d, "default/web", {"endpoints": eps})
	contains(f.message, "still a ready endpoint")
	contains(f.message, "should have set weight 1 again: it has not synced, or the captures were taken at different moments")
}

# eTP=Local with a local endpoint: the former fallback (remote, still ready) endpoints drain on purpose.
test_ready_endpoint_kept_off_by_local_policy if {
	d := fx.with_vss(fx.base, array.concat(fx.dns_vss(fx.dns_rss), [fx.vs("TCP", "192.168.1.200", 80, 23, [["default/web", "loadBalancer", "http"]], [
		fx.rs("10.244.1.5", 8080),
		object.union(fx.rs("10.244.2.7", 8080), {"weight": 0, "activeConn": 2}),
	])]))
	f := fx.only(real_server_draining.findings) with input as fx.with_service(d, "default/web", {"externalTrafficPolicy": "Local"})
	f.target == "10.244.2.7:8080/TCP"
	contains(f.message, "keeps it off this virtual service on node-a")
	contains(f.message, "draining it on purpose")
	not contains(f.message, "has not synced")
}

test_ready_endpoint_with_topology_hints_is_hedged if {
	d := with_web_rs(drained(0, 1, 0))
	eps := array.concat(fx.web.endpoints, [fx.ep("10.244.3.9", "node-b", fx.web_ports)])
	f := fx.only(real_server_draining.findings) with input as fx.with_service(d, "default/web", {"endpoints": eps, "trafficDistribution": "PreferClose"})
	contains(f.message, "unless its traffic policy or topology hints keep it off")
}
