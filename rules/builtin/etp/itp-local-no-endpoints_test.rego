package ipvslint.rules.itp_local_no_endpoints_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.itp_local_no_endpoints as rule

# internal is default/web as a ClusterIP-only Service with internalTrafficPolicy Local.
internal := fx.web_with({
	"type": "ClusterIP", "ingress": [], "externalTrafficPolicy": "", "internalTrafficPolicy": "Local",
	"healthCheckNodePort": 0,
	"ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "8080", "nodePort": 0}],
})

# external is default/web (LoadBalancer) with internalTrafficPolicy Local.
external := fx.web_with({"internalTrafficPolicy": "Local"})

node_a_clusterip(rss) := fx.node("node-a", "10.0.0.1", ["10.96.0.10"], [fx.vs("TCP", "10.96.0.10", 80, 10, "default/web", "clusterIP", rss)])

test_cluster_ip_only_fires_in_every_version if {
	every v in [fx.ver(1, 22, 0), fx.ver(1, 30, 2), fx.no_version] {
		f := fx.only(rule.findings) with input as fx.doc(v, "vpc", {"default/web": internal}, {"node-a": node_a_clusterip([])})
		f.target == "10.96.0.10:80/TCP"
		contains(f.message, "ClusterIP virtual service 10.96.0.10:80 has no real servers")
		contains(f.message, "its 2 ready endpoint(s) are on node-b, node-c")
		not f.assumptions
	}
}

test_externally_accessible_fires_before_1_24 if {
	f := fx.only(rule.findings) with input as fx.doc(fx.ver(1, 23, 17), "vpc", {"default/web": external}, {"node-a": node_a_clusterip([])})
	contains(f.message, "kube-proxy v1.23.17 (before 1.24) has no fallback")
}

test_externally_accessible_silent_from_1_24_0 if {
	d := fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": external}, {"node-a": node_a_clusterip([])})
	count(rule.findings) == 0 with input as d
}

test_externally_accessible_unknown_version_assumption if {
	f := fx.only(rule.findings) with input as fx.doc(fx.no_version, "vpc", {"default/web": external}, {"node-a": node_a_clusterip([])})
	contains(f.assumptions[0], "shows kube-proxy before 1.24")
	contains(f.assumptions[0], "PreferLocal")
}

test_silent_with_real_servers if {
	d := fx.doc(fx.ver(1, 22, 0), "vpc", {"default/web": internal}, {"node-a": node_a_clusterip(fx.remote_rss)})
	count(rule.findings) == 0 with input as d
}

test_silent_for_cluster_policy if {
	d := fx.doc(fx.ver(1, 22, 0), "vpc", {"default/web": fx.web_with({"internalTrafficPolicy": "Cluster", "type": "ClusterIP"})}, {"node-a": node_a_clusterip([])})
	count(rule.findings) == 0 with input as d
}

test_silent_when_no_ready_endpoint_anywhere if {
	d := fx.doc(fx.ver(1, 22, 0), "vpc", {"default/web": object.union(internal, {"endpoints": []})}, {"node-a": node_a_clusterip([])})
	count(rule.findings) == 0 with input as d
}
