package ipvslint.rules.itp_local_no_endpoints_test

import data.ipvslint.lib.etp_fixtures_test as etp
import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.itp_local_no_endpoints as rule

# internal is default/web as a ClusterIP-only Service with internalTrafficPolicy Local.
internal := etp.web({
	"type": "ClusterIP", "ingress": [], "externalTrafficPolicy": "", "internalTrafficPolicy": "Local",
	"healthCheckNodePort": 0, "externallyAccessible": false,
	"ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "8080", "nodePort": 0}],
})

# external is default/web (LoadBalancer, eTP Cluster) with internalTrafficPolicy Local.
external := etp.web({"externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Local"})

node_a_clusterip(rss) := etp.node_a_vss([etp.cip_vs(rss, null)])

refused := "node-a has no ready endpoint of default/web (internalTrafficPolicy: Local; its 2 ready endpoint(s) are on node-b, node-c), so its ClusterIP virtual service 10.96.0.10:80 has no real servers: IPVS refuses (ICMP port unreachable) every connection from pods and host processes on node-a to it."

# The model governs the ClusterIP from 1.22 (iTP beta, on by default); from then on, in every
# version, a ClusterIP-only Service is refused.
test_cluster_ip_only_fires_from_1_22 if {
	every v in [fx.ver(1, 22, 0), fx.ver(1, 30, 2)] {
		f := fx.only(rule.findings) with input as etp.doc(v, "vpc", internal, {"node-a": node_a_clusterip([])})
		f.node == "node-a"
		f.service == "default/web"
		f.target == "10.96.0.10:80/TCP"
		f.message == refused
		f.evidence == [etp.cip_vs([], null).evidence, fx.svc_ev(12)]
		not f.severity
		not f.assumptions
	}
}

# At 1.21 kube-proxy does not apply the policy: the model lists no virtual service for it.
test_nothing_governed_is_silent if {
	d := etp.doc(fx.ver(1, 21, 14), "vpc", internal, {"node-a": etp.node_a_vss([])})
	count(rule.findings) == 0 with input as d
}

# An unknown version: the empty virtual service proves the refusal; the finding says from which
# version the policy explains it.
test_cluster_ip_only_unknown_version_states_the_versions if {
	f := fx.only(rule.findings) with input as etp.doc(fx.no_version, "vpc", internal, {"node-a": node_a_clusterip([])})
	f.message == refused
	not f.severity
	f.assumptions == ["The Kubernetes version is unknown; kube-proxy applies internalTrafficPolicy from 1.22 (beta, on by default; alpha in 1.21), which this finding assumes. The refusal itself holds in every version: IPVS refuses connections to a virtual service without real servers."]
}

test_externally_accessible_fires_before_1_24 if {
	f := fx.only(rule.findings) with input as etp.doc(fx.ver(1, 23, 17), "vpc", external, {"node-a": node_a_clusterip([])})
	f.message == concat("", [refused, " The Service also has a NodePort, load balancer IP or external IP; kube-proxy v1.23.17 (before 1.24) has no fallback for it, while from 1.24 (PR #97081) kube-proxy would give this virtual service all cluster endpoints."])
	not f.assumptions
}

# The 1.24 boundary: from 1.24.0 the ClusterIP falls back to all endpoints (PreferLocal).
test_externally_accessible_silent_from_1_24_0 if {
	d := etp.doc(fx.ver(1, 24, 0), "vpc", external, {"node-a": node_a_clusterip([])})
	count(rule.findings) == 0 with input as d
}

test_externally_accessible_unknown_version_assumption if {
	f := fx.only(rule.findings) with input as etp.doc(fx.no_version, "vpc", external, {"node-a": node_a_clusterip([])})
	contains(f.message, "kube-proxy before 1.24 has no fallback for it")
	not f.severity
	f.assumptions == ["The Kubernetes version is unknown; the empty ClusterIP virtual service of an externally accessible Service shows kube-proxy before 1.24. From 1.24 it would list the endpoints on other nodes, so internalTrafficPolicy Local would act like PreferLocal. The refusal itself holds in every version: IPVS refuses connections to a virtual service without real servers."]
}

test_silent_with_real_servers if {
	d := etp.doc(fx.ver(1, 22, 0), "vpc", internal, {"node-a": node_a_clusterip(etp.remote_rss)})
	count(rule.findings) == 0 with input as d
}

test_silent_for_cluster_policy if {
	d := etp.doc(fx.ver(1, 22, 0), "vpc", object.union(internal, {"internalTrafficPolicy": "Cluster", "externalTrafficPolicy": "Local"}), {"node-a": node_a_clusterip([])})
	count(rule.findings) == 0 with input as d
}

test_silent_when_no_ready_endpoint_anywhere if {
	d := etp.doc(fx.ver(1, 22, 0), "vpc", object.union(internal, {"readyEndpointNodes": []}), {"node-a": {"localPolicy": [etp.gap(0, [etp.cip_vs([], null)])]}})
	count(rule.findings) == 0 with input as d
}

# eTP Local governs the external roles: etp-local-no-endpoints-refused judges them.
test_silent_for_external_roles if {
	d := etp.doc(fx.ver(1, 23, 0), "vpc", etp.web({"internalTrafficPolicy": "Local"}), {"node-a": etp.node_a([])})
	count(rule.findings) == 0 with input as d
}

test_silent_without_ipvsadm if {
	d := fx.with_capture(etp.doc(fx.ver(1, 22, 0), "vpc", internal, {"node-a": node_a_clusterip([])}), "node-a", "ipvsadm", "missing")
	count(rule.findings) == 0 with input as d
}
