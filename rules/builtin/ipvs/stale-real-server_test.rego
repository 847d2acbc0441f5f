package ipvslint.rules.stale_real_server_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.stale_real_server

# with_web_rss(rss) is the base with web's virtual services holding rss.
with_web_rss(rss) := fx.with_vss(fx.base, array.concat(fx.dns_vss(fx.dns_rss), fx.web_vss(rss)))

gone := object.union(fx.rs("10.244.3.9", 8080), {"activeConn": 2})

test_consistent_node_is_silent if {
	count(stale_real_server.findings) == 0 with input as fx.base
}

test_departed_endpoint_fires_once_for_all_virtual_services if {
	f := fx.only(stale_real_server.findings) with input as with_web_rss(array.concat(fx.web_rss, [gone]))
	f.node == "node-a"
	f.service == "default/web"
	f.target == "10.244.3.9:8080/TCP"
	contains(f.message, "10.244.3.9 is no endpoint of default/web")
	contains(f.message, "or the captures were taken at different moments during a rollout")
	contains(f.message, "10.96.100.1:80/TCP (weight 1, 2 active, 0 inactive)")
	count(f.evidence) == 7
}

test_not_ready_endpoint_fires if {
	eps := [object.union(fx.web.endpoints[0], {"ready": false, "serving": false}), fx.web.endpoints[1]]
	d := fx.with_service(fx.base, "default/web", {"endpoints": eps})
	f := fx.only(stale_real_server.findings) with input as d
	f.target == "10.244.1.5:8080/TCP"
	contains(f.message, "neither ready nor serving")
}

test_serving_terminating_endpoint_is_not_stale if {
	eps := [object.union(fx.web.endpoints[0], {"ready": false, "serving": true, "terminating": true}), fx.web.endpoints[1]]
	d := fx.with_service(fx.base, "default/web", {"endpoints": eps})
	count(stale_real_server.findings) == 0 with input as d
}

test_wrong_port_fires if {
	f := fx.only(stale_real_server.findings) with input as with_web_rss([fx.rs("10.244.1.5", 9090), fx.rs("10.244.2.7", 8080)])
	f.target == "10.244.1.5:9090/TCP"
	contains(f.message, "at another port")
}

test_weight_zero_is_not_stale if {
	draining := object.union(gone, {"weight": 0})
	count(stale_real_server.findings) == 0 with input as with_web_rss(array.concat(fx.web_rss, [draining]))
}

test_without_endpoint_capture_is_silent if {
	d := fx.with_service(with_web_rss(array.concat(fx.web_rss, [gone])), "default/web", {"endpointsSource": ""})
	count(stale_real_server.findings) == 0 with input as d
}

# An endpoint that lists no port of the Service port's name stands for a real server at any port.
portless := fx.with_service(fx.base, "default/web", {"endpoints": [fx.ep("10.244.1.5", "node-a", []), fx.ep("10.244.2.7", "node-b", [])]})

test_endpoint_without_port_matches_any_port if {
	count(stale_real_server.findings) == 0 with input as fx.with_vss(portless, array.concat(fx.dns_vss(fx.dns_rss), fx.web_vss([fx.rs("10.244.1.5", 9090), fx.rs("10.244.2.7", 8080)])))
}

test_endpoint_without_port_still_needs_its_ip if {
	d := fx.with_vss(portless, array.concat(fx.dns_vss(fx.dns_rss), fx.web_vss(array.concat(fx.web_rss, [gone]))))
	f := fx.only(stale_real_server.findings) with input as d
	f.target == "10.244.3.9:8080/TCP"
}
