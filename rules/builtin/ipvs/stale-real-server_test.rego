package ipvslint.rules.stale_real_server_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.ipvs_fixtures_test as ifx
import data.ipvslint.rules.stale_real_server

# gone(line) is the real server 10.244.3.9:8080 with 2 active connections.
gone(line) := fx.rs("node-a", "10.244.3.9", 8080, line, {"activeConn": 2, "endpoint": false})

# stale(ip, port, state, entries) is a stale real server of default/web.
stale(ip, port, state, entries) := {
	"service": "default/web", "ip": ip, "port": port, "protocol": "TCP", "state": state,
	"entries": entries, "serviceEvidence": ifx.web_ev,
}

departed := stale("10.244.3.9", 8080, "no-endpoint", [
	ifx.entry(ifx.web_cluster, gone(22)),
	ifx.entry(ifx.web_lb, gone(25)),
	ifx.entry(ifx.web_nodeport, gone(28)),
])

with_stale(entries) := ifx.with_diff("staleRealServers", entries)

test_consistent_node_is_silent if {
	count(stale_real_server.findings) == 0 with input as with_stale([])
}

test_departed_endpoint_fires_once_for_all_virtual_services if {
	f := fx.only(stale_real_server.findings) with input as with_stale([departed])
	f.node == "node-a"
	f.service == "default/web"
	f.target == "10.244.3.9:8080/TCP"
	f.message == "10.244.3.9:8080 is a real server with weight above 0 of 10.96.100.1:80/TCP (weight 1, 2 active, 0 inactive), 192.168.1.11:30080/TCP (weight 1, 2 active, 0 inactive), 192.168.1.200:80/TCP (weight 1, 2 active, 0 inactive) on node-a, but 10.244.3.9 is no endpoint of default/web. kube-proxy takes a departed endpoint out on its next sync, so kube-proxy on node-a is not syncing (crash-looping, API server unreachable, or a wrong --hostname-override), or the captures were taken at different moments during a rollout (compare when the Service's endpoints and ipvsadm were captured); until it syncs, new connections are still sent to it."
	f.evidence == [
		gone(22).evidence, gone(25).evidence, gone(28).evidence,
		ifx.web_cluster.evidence, ifx.web_lb.evidence, ifx.web_nodeport.evidence,
		ifx.web_ev,
	]
}

test_not_ready_endpoint_fires if {
	rs := fx.rs("node-a", "10.244.1.5", 8080, 21, {})
	f := fx.only(stale_real_server.findings) with input as with_stale([stale("10.244.1.5", 8080, "not-serving", [ifx.entry(ifx.web_cluster, rs)])])
	f.target == "10.244.1.5:8080/TCP"
	f.message == "10.244.1.5:8080 is a real server with weight above 0 of 10.96.100.1:80/TCP (weight 1, 0 active, 0 inactive) on node-a, but it is an endpoint of default/web that is neither ready nor serving. kube-proxy takes a departed endpoint out on its next sync, so kube-proxy on node-a is not syncing (crash-looping, API server unreachable, or a wrong --hostname-override), or the captures were taken at different moments during a rollout (compare when the Service's endpoints and ipvsadm were captured); until it syncs, new connections are still sent to it."
}

test_wrong_port_fires if {
	rs := fx.rs("node-a", "10.244.1.5", 9090, 21, {})
	f := fx.only(stale_real_server.findings) with input as with_stale([stale("10.244.1.5", 9090, "other-port", [ifx.entry(ifx.web_lb, rs)])])
	f.target == "10.244.1.5:9090/TCP"
	contains(f.message, "on node-a, but 10.244.1.5 is an endpoint of default/web at another port. kube-proxy takes")
}

test_without_ipvsadm_capture_is_silent if {
	d := fx.with_capture(with_stale([departed]), "node-a", "ipvsadm", "invalid")
	count(stale_real_server.findings) == 0 with input as d
}

test_services_not_read_is_silent if {
	d := fx.with_cluster_capture(with_stale([departed]), "services", "empty")
	count(stale_real_server.findings) == 0 with input as d
}
