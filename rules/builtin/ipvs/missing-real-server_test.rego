package ipvslint.rules.missing_real_server_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.ipvs_fixtures_test as ifx
import data.ipvslint.rules.missing_real_server

# missing(port, node_name, vss, weight_zero) is the ready endpoint 10.244.2.7 of default/web
# missing from the virtual services vss.
missing(port, node_name, vss, weight_zero) := {
	"service": "default/web", "ip": "10.244.2.7", "port": port, "protocol": "TCP", "nodeName": node_name, "ready": true,
	"virtualServers": [object.union(vs, {"weightZero": weight_zero}) | some vs in vss],
	"serviceEvidence": ifx.web_ev,
}

with_missing(entries) := ifx.with_diff("missingRealServers", entries)

test_consistent_node_is_silent if {
	count(missing_real_server.findings) == 0 with input as with_missing([])
}

test_missing_ready_endpoint_fires_once if {
	f := fx.only(missing_real_server.findings) with input as with_missing([missing(8080, "node-b", ifx.web_vss, false)])
	f.node == "node-a"
	f.service == "default/web"
	f.target == "10.244.2.7:8080/TCP"
	f.message == "10.244.2.7:8080, a ready endpoint of default/web on node-b, is missing from 10.96.100.1:80/TCP, 192.168.1.11:30080/TCP, 192.168.1.200:80/TCP on node-a, where the Service's traffic policy puts it. kube-proxy adds ready endpoints on its next sync, so it is not syncing on node-a, or the captures were taken at different moments during a rollout (compare when the Service's endpoints and ipvsadm were captured); until it syncs, this backend gets no traffic from the node."
	f.evidence == [ifx.web_cluster.evidence, ifx.web_lb.evidence, ifx.web_nodeport.evidence, ifx.web_ev]
}

test_weight_zero_counts_as_missing if {
	f := fx.only(missing_real_server.findings) with input as with_missing([missing(8080, "node-b", [ifx.web_lb], true)])
	f.message == "10.244.2.7:8080, a ready endpoint of default/web on node-b, is missing from 192.168.1.200:80/TCP on node-a, where the Service's traffic policy puts it (it is listed with weight 0, so it gets no new connections). kube-proxy adds ready endpoints on its next sync, so it is not syncing on node-a, or the captures were taken at different moments during a rollout (compare when the Service's endpoints and ipvsadm were captured); until it syncs, this backend gets no traffic from the node."
}

# With no ready endpoint left, kube-proxy lists the serving, terminating ones.
test_missing_terminating_endpoint_fires if {
	m := object.union(missing(8080, "node-b", [ifx.web_lb], false), {"ready": false})
	f := fx.only(missing_real_server.findings) with input as with_missing([m])
	f.message == "10.244.2.7:8080, a serving, terminating endpoint of default/web on node-b, is missing from 192.168.1.200:80/TCP on node-a, where kube-proxy lists it while the Service has no ready endpoint for it. kube-proxy adds such endpoints on its next sync, so it is not syncing on node-a, or the captures were taken at different moments during a rollout (compare when the Service's endpoints and ipvsadm were captured); until it syncs, this backend gets no traffic from the node."
}

# An endpoint that lists no port of the Service port's name is named by its IP.
test_endpoint_without_port_is_named_by_ip if {
	f := fx.only(missing_real_server.findings) with input as with_missing([missing(0, "node-b", ifx.web_vss, false)])
	f.target == "10.244.2.7"
	startswith(f.message, "10.244.2.7, a ready endpoint of default/web on node-b, is missing from 10.96.100.1:80/TCP,")
}

test_endpoint_without_node if {
	f := fx.only(missing_real_server.findings) with input as with_missing([missing(8080, "", [ifx.web_lb], false)])
	startswith(f.message, "10.244.2.7:8080, a ready endpoint of default/web, is missing from 192.168.1.200:80/TCP on node-a,")
}
