package ipvslint.rules.lb_hostname_hairpin_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.lb_hostname_hairpin as rule

annotated(patch) := fx.web_with(object.union(
	{
		"annotations": {"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname": "web.example.com"},
		"ingress": [{"ip": "", "hostname": "web.example.com", "ipMode": ""}],
	},
	patch,
))

test_fires_for_tcp_listener if {
	f := fx.only(rule.findings) with input as fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": annotated({})}, {})
	f.node == ""
	f.service == "default/web"
	contains(f.message, "listeners 80/TCP are TCP/UDP")
	contains(f.message, "the nodes that hold a ready endpoint: node-b, node-c")
	contains(f.assumptions[0], "field report")
	f.evidence == [{"file": "cluster/services.yaml", "line": 12, "text": ""}]
}

test_cluster_policy_every_node if {
	f := fx.only(rule.findings) with input as fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": annotated({"externalTrafficPolicy": "Cluster"})}, {})
	contains(f.message, "usually every node")
}

test_silent_without_annotation if {
	count(rule.findings) == 0 with input as fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": fx.web}, {})
}

test_silent_without_tcp_or_udp_port if {
	d := fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": annotated({"ports": [{"name": "s", "protocol": "SCTP", "port": 9, "targetPort": "9", "nodePort": 30009}]})}, {})
	count(rule.findings) == 0 with input as d
}

test_silent_without_services_capture if {
	d := fx.with_cluster(fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": annotated({})}, {}), {"captures": {"services": {"status": "missing"}}})
	count(rule.findings) == 0 with input as d
}
