package ipvslint.rules.vs_no_real_servers_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.ipvs_fixtures_test as ifx
import data.ipvslint.rules.vs_no_real_servers

# empty(vs, role, counts, expected) is default/web's virtual service vs without real servers:
# counts patch its endpoint counts (2 endpoints, both ready), expected are the endpoints
# kube-proxy lists there (null: unknown), ready ones.
empty(vs, role, counts, expected) := object.union(vs, {
	"service": "default/web", "role": role,
	"endpoints": object.union({"all": 2, "ready": 2, "servingTerminating": 0, "readyInFamily": 2}, counts),
	"expected": expected, "expectedTerminating": false, "selector": true, "serviceEvidence": ifx.web_ev,
})

# all_empty(counts, expected) are web's three virtual services, all empty.
all_empty(counts, expected) := [
	empty(ifx.web_cluster, "clusterIP", counts, expected),
	empty(ifx.web_lb, "loadBalancer", counts, expected),
	empty(ifx.web_nodeport, "nodePort", counts, expected),
]

no_endpoints := {"all": 0, "ready": 0, "readyInFamily": 0}

with_empty(entries) := ifx.with_diff("emptyVirtualServers", entries)

test_consistent_node_is_silent if {
	count(vs_no_real_servers.findings) == 0 with input as with_empty([])
}

test_no_endpoints_fires_per_virtual_service if {
	fs := vs_no_real_servers.findings with input as with_empty(all_empty(no_endpoints, []))
	{f.target | some f in fs} == {"10.96.100.1:80/TCP", "192.168.1.200:80/TCP", "192.168.1.11:30080/TCP"}
	some f in fs
	f.target == "10.96.100.1:80/TCP"
	f.node == "node-a"
	f.service == "default/web"
	f.message == "The ClusterIP virtual service 10.96.100.1:80/TCP of default/web on node-a has no real servers: the Service has no endpoints: its selector matches no pod. IPVS refuses every connection to it (ICMP port unreachable)."
	f.evidence == [ifx.web_cluster.evidence, ifx.web_ev]
}

test_no_endpoints_without_selector if {
	e := object.union(empty(ifx.web_lb, "loadBalancer", no_endpoints, []), {"selector": false})
	f := fx.only(vs_no_real_servers.findings) with input as with_empty([e])
	f.message == "The load balancer IP virtual service 192.168.1.200:80/TCP of default/web on node-a has no real servers: the Service has no selector and no endpoints were created for it. IPVS refuses every connection to it (ICMP port unreachable)."
}

test_no_ready_endpoint_fires if {
	fs := vs_no_real_servers.findings with input as with_empty(all_empty({"ready": 0, "readyInFamily": 0}, []))
	count(fs) == 3
	some f in fs
	f.target == "192.168.1.11:30080/TCP"
	f.message == "The NodePort virtual service 192.168.1.11:30080/TCP of default/web on node-a has no real servers: none of the Service's 2 endpoints is ready. IPVS refuses every connection to it (ICMP port unreachable)."
}

# The serving, terminating endpoints: what kube-proxy does with them is the fact expected.
terminating(expected) := empty(ifx.web_lb, "loadBalancer", {"ready": 0, "readyInFamily": 0, "servingTerminating": 1}, expected)

# kube-proxy falls back to the terminating endpoints it lists in expected, for counts.
fallback(counts) := object.union(
	empty(ifx.web_lb, "loadBalancer", object.union({"servingTerminating": 1}, counts), ["10.244.2.7"]),
	{"expectedTerminating": true},
)

test_terminating_endpoints_kube_proxy_lists if {
	every tc in [
		{"counts": {"ready": 0, "readyInFamily": 0}, "why": "none of the Service's 2 endpoints is ready"},
		{"counts": {"ready": 1, "readyInFamily": 0}, "why": "none of the Service's ready endpoints is of the virtual service's family IPv4"},
		{"counts": {"ready": 1, "readyInFamily": 1}, "why": "its traffic policy is Local and none of the Service's ready endpoints is on this node"},
	] {
		f := fx.only(vs_no_real_servers.findings) with input as with_empty([fallback(tc.counts)])
		f.message == sprintf("The load balancer IP virtual service 192.168.1.200:80/TCP of default/web on node-a has no real servers: %s, so kube-proxy falls back to the endpoints that are terminating but still serving: it should list the Service's terminating endpoint 10.244.2.7 here, so it has not synced this Service on the node (crash-looping, API server unreachable, or a wrong --hostname-override). IPVS refuses every connection to it (ICMP port unreachable).", [tc.why])
	}
}

test_terminating_endpoints_kube_proxy_leaves_off if {
	f := fx.only(vs_no_real_servers.findings) with input as with_empty([terminating([])])
	f.message == "The load balancer IP virtual service 192.168.1.200:80/TCP of default/web on node-a has no real servers: none of the Service's 2 endpoints is ready. 1 of them are terminating but still serving; kube-proxy does not list them on this virtual service (ProxyTerminatingEndpoints is off, or the traffic policy keeps them off). IPVS refuses every connection to it (ICMP port unreachable)."
}

test_terminating_endpoints_unknown if {
	f := fx.only(vs_no_real_servers.findings) with input as with_empty([terminating(null)])
	f.message == "The load balancer IP virtual service 192.168.1.200:80/TCP of default/web on node-a has no real servers: none of the Service's 2 endpoints is ready. 1 of them are terminating but still serving; whether kube-proxy lists them here (ProxyTerminatingEndpoints) depends on what the bundle does not say. IPVS refuses every connection to it (ICMP port unreachable)."
}

test_ready_endpoints_but_empty_fires_not_synced if {
	e := empty(ifx.web_lb, "loadBalancer", {}, ["10.244.1.5", "10.244.2.7"])
	f := fx.only(vs_no_real_servers.findings) with input as with_empty([e])
	f.message == "The load balancer IP virtual service 192.168.1.200:80/TCP of default/web on node-a has no real servers: kube-proxy should list the Service's endpoints 10.244.1.5, 10.244.2.7 here, so it has not synced this Service on the node (crash-looping, API server unreachable, or a wrong --hostname-override). IPVS refuses every connection to it (ICMP port unreachable)."
}

# eTP=Local without a local endpoint from 1.24: kube-proxy falls back to the cluster's endpoints.
test_one_expected_endpoint_is_singular if {
	e := empty(ifx.web_nodeport, "nodePort", {"all": 1, "ready": 1, "readyInFamily": 1}, ["10.244.2.7"])
	f := fx.only(vs_no_real_servers.findings) with input as with_empty([e])
	contains(f.message, "kube-proxy should list the Service's endpoint 10.244.2.7 here")
}

# A traffic policy that lists no endpoint here (eTP=Local before 1.24, iTP=Local of a
# ClusterIP-only Service) explains the empty virtual service.
test_explained_by_traffic_policy_is_silent if {
	count(vs_no_real_servers.findings) == 0 with input as with_empty(all_empty({}, []))
}

# What kube-proxy lists is unknown (version, topology hints): nothing is concluded.
test_unknown_expectation_is_silent if {
	count(vs_no_real_servers.findings) == 0 with input as with_empty(all_empty({}, null))
}

test_no_endpoints_fires_even_when_a_policy_lists_none if {
	count(vs_no_real_servers.findings) == 3 with input as with_empty(all_empty(no_endpoints, null))
}

test_family_mismatch_fires if {
	e := empty(ifx.web_cluster, "clusterIP", {"ready": 1, "readyInFamily": 0}, [])
	f := fx.only(vs_no_real_servers.findings) with input as with_empty([e])
	f.message == "The ClusterIP virtual service 10.96.100.1:80/TCP of default/web on node-a has no real servers: the Service has ready endpoints, but none of the virtual service's family IPv4 (IP family mismatch). IPVS refuses every connection to it (ICMP port unreachable)."
	v6 := object.union(e, {"key": "TCP/[fd00::10]:80", "ip": "fd00::10"})
	g := fx.only(vs_no_real_servers.findings) with input as with_empty([v6])
	g.target == "[fd00::10]:80/TCP"
	contains(g.message, "none of the virtual service's family IPv6 (IP family mismatch)")
}
