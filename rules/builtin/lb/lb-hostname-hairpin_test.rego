package ipvslint.rules.lb_hostname_hairpin_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.lb_hostname_hairpin as rule

annotated(patch) := fx.web(object.union(
	{
		"annotations": {"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname": "web.example.com"},
		"ingress": [{"ip": "", "hostname": "web.example.com", "ipMode": ""}],
		"externalTrafficPolicy": "Local",
	},
	patch,
))

doc(svc) := fx.doc(fx.ver(1, 24, 0), "vpc", {"loadBalancers": {"default/web": svc}}, {})

message(backends) := sprintf("default/web sets service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname: \"web.example.com\", so kube-proxy does not bind the load balancer address on the nodes and in-cluster clients that use web.example.com now leave their node and go through the CLB. Its listeners 80/TCP are TCP/UDP: a client whose own node is a backend of the CLB (%s) can be sent back to itself, and that connection fails.", [backends])

test_fires_for_tcp_listener if {
	f := fx.only(rule.findings) with input as doc(annotated({}))
	f.node == ""
	f.service == "default/web"
	f.target == ""
	f.message == message("with externalTrafficPolicy: Local, the nodes that hold a ready endpoint: node-b, node-c")
	f.assumptions == ["This follows the Alibaba Cloud field report (annotation honoured from CCM v2.3.0; TCP/UDP listeners do not loop back); it is not verified against the CCM or CLB."]
	f.evidence == [fx.svc_ev(12)]
	not f.severity
}

test_cluster_policy_every_node if {
	f := fx.only(rule.findings) with input as doc(annotated({"externalTrafficPolicy": "Cluster"}))
	f.message == message("with externalTrafficPolicy: Cluster, usually every node")
}

test_local_policy_without_endpoints if {
	f := fx.only(rule.findings) with input as doc(annotated({"endpointsKnown": false}))
	f.message == message("the nodes that hold a ready endpoint")
}

test_silent_without_annotation if {
	count(rule.findings) == 0 with input as doc(fx.web({}))
}

test_silent_without_tcp_or_udp_port if {
	d := doc(annotated({"ports": [{"name": "s", "protocol": "SCTP", "port": 9, "targetPort": "9", "nodePort": 30009}]}))
	count(rule.findings) == 0 with input as d
}

test_silent_without_services_capture if {
	d := fx.with_cluster_capture(doc(annotated({})), "services", "missing")
	count(rule.findings) == 0 with input as d
}
