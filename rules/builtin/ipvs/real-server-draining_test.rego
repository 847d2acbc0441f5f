package ipvslint.rules.real_server_draining_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.ipvs_fixtures_test as ifx
import data.ipvslint.rules.real_server_draining

# drained(line, active, inactive) is the real server 10.244.3.9:8080 at weight 0.
drained(line, active, inactive) := fx.rs("node-a", "10.244.3.9", 8080, line, {"weight": 0, "activeConn": active, "inActConn": inactive})

# draining(entries, fields) is 10.244.3.9:8080 of default/web at weight 0 in entries, with
# fields set: no ready endpoint by default.
draining(entries, fields) := object.union(
	{"service": "default/web", "ip": "10.244.3.9", "port": 8080, "protocol": "TCP", "entries": entries, "readyEndpoint": false, "policy": ""},
	fields,
)

with_draining(entries) := ifx.with_diff("drainingRealServers", entries)

tcp_message := "10.244.3.9:8080 has weight 0 in 10.96.100.1:80/TCP (3 active, 5 inactive connections) on node-a. kube-proxy is gracefully removing it (graceful termination): its endpoint left the ready set, it gets no new connections, and kube-proxy deletes it once its connections reach 0 (checked every minute)."

test_consistent_node_is_silent if {
	count(real_server_draining.findings) == 0 with input as with_draining([])
}

test_tcp_weight_zero_with_connections_is_info if {
	d := with_draining([draining([ifx.entry(ifx.web_cluster, drained(22, 3, 5))], {})])
	f := fx.only(real_server_draining.findings) with input as d
	f.node == "node-a"
	f.service == "default/web"
	f.target == "10.244.3.9:8080/TCP"
	not f.severity
	f.message == tcp_message
	f.evidence == [drained(22, 3, 5).evidence, ifx.web_cluster.evidence]
}

test_tcp_weight_zero_without_connections_is_silent if {
	d := with_draining([draining([ifx.entry(ifx.web_cluster, drained(22, 0, 0))], {})])
	count(real_server_draining.findings) == 0 with input as d
}

# Only the virtual services where it still holds connections are named.
test_only_entries_with_connections_count if {
	d := with_draining([draining([ifx.entry(ifx.web_cluster, drained(22, 3, 5)), ifx.entry(ifx.web_lb, drained(25, 0, 0))], {})])
	f := fx.only(real_server_draining.findings) with input as d
	f.message == tcp_message
}

test_udp_weight_zero_is_a_warning if {
	d := with_draining([draining([ifx.entry(ifx.dns_udp, fx.rs("node-a", "10.244.3.9", 53, 7, {"weight": 0}))], {"service": "kube-system/kube-dns", "port": 53, "protocol": "UDP"})])
	f := fx.only(real_server_draining.findings) with input as d
	f.target == "10.244.3.9:53/UDP"
	f.severity == "warning"
	f.message == "10.244.3.9:53 has weight 0 in 10.96.0.10:53/UDP (0 active, 0 inactive connections) on node-a. kube-proxy deletes UDP and SCTP real servers at once and never leaves them at weight 0, so current kube-proxy did not set this: an old kube-proxy with UDP graceful termination (which black-holed traffic, kubernetes#76664) or another agent did, and flows still pointing to it get no answer."
}

test_ready_endpoint_listed_by_policy_is_noted if {
	d := with_draining([draining([ifx.entry(ifx.web_cluster, drained(22, 3, 5))], {"readyEndpoint": true, "policy": "listed"})])
	f := fx.only(real_server_draining.findings) with input as d
	f.message == concat("", [tcp_message, " It is still a ready endpoint of the Service, and the Service's traffic policy puts it on this virtual service, so kube-proxy should have set weight 1 again: it has not synced, or the captures were taken at different moments (during a rollout, compare when they were taken)."])
}

# eTP=Local with a local endpoint: the former fallback (remote, still ready) endpoints drain on purpose.
test_ready_endpoint_kept_off_by_local_policy if {
	d := with_draining([draining([ifx.entry(ifx.web_lb, drained(25, 2, 0))], {"readyEndpoint": true, "policy": "kept-off"})])
	f := fx.only(real_server_draining.findings) with input as d
	f.message == "10.244.3.9:8080 has weight 0 in 192.168.1.200:80/TCP (2 active, 0 inactive connections) on node-a. kube-proxy is gracefully removing it (graceful termination): its endpoint left the ready set, it gets no new connections, and kube-proxy deletes it once its connections reach 0 (checked every minute). It is still a ready endpoint of the Service, but the Service's traffic policy keeps it off this virtual service on node-a (only the node's own endpoints are listed there), so kube-proxy is draining it on purpose."
}

test_ready_endpoint_with_unknown_policy_is_hedged if {
	d := with_draining([draining([ifx.entry(ifx.web_cluster, drained(22, 3, 5))], {"readyEndpoint": true, "policy": "unknown"})])
	f := fx.only(real_server_draining.findings) with input as d
	f.message == concat("", [tcp_message, " It is still a ready endpoint of the Service: unless its traffic policy or topology hints keep it off this node's virtual service (then the draining is on purpose), kube-proxy should have set weight 1 again."])
}

test_without_ipvsadm_capture_is_silent if {
	d := fx.with_capture(with_draining([draining([ifx.entry(ifx.web_cluster, drained(22, 3, 5))], {})]), "node-a", "ipvsadm", "missing")
	count(real_server_draining.findings) == 0 with input as d
}
