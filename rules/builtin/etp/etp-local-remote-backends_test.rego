package ipvslint.rules.etp_local_remote_backends_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.etp_local_remote_backends as rule

fallback_doc(version, cni) := fx.web_doc(version, cni, {"node-a": fx.node_a(fx.remote_rss), "node-b": fx.node_b})

test_fires_on_vpc_from_1_24_0 if {
	fs := rule.findings with input as fallback_doc(fx.ver(1, 24, 0), "vpc")
	{f.target | some f in fs} == {"10.0.0.1:30080/TCP", "192.0.2.10:80/TCP"}
	every f in fs {
		f.node == "node-a"
		f.service == "default/web"
		f.severity == "error"
		not f.assumptions
		contains(f.message, "10.244.2.5:8080 on node-b, 10.244.3.7:8080 on node-c")
		contains(f.message, "time out")
	}
	some f in fs
	f.target == "192.0.2.10:80/TCP"
	contains(f.message, "healthCheckNodePort 32000")
	f.evidence[0] == {"file": "nodes/node-a/ipvsadm.txt", "line": 13, "text": "TCP  192.0.2.10:80 rr"}
	count(f.evidence) == 4
}

# Matrix row 9: the load balancer's health check also keeps its LB→NodePort traffic away.
test_nodeport_of_load_balancer_gets_health_check_note if {
	fs := rule.findings with input as fallback_doc(fx.ver(1, 24, 0), "vpc")
	some f in fs
	f.target == "10.0.0.1:30080/TCP"
	contains(f.message, "health check on healthCheckNodePort 32000 normally keeps the traffic it forwards to this NodePort away from node-a")
	f.severity == "error"
}

test_nodeport_service_has_no_health_check_note if {
	svc := fx.web_with({"type": "NodePort", "ingress": [], "healthCheckNodePort": 0})
	d := fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": svc}, {"node-a": fx.node_a(fx.remote_rss)})
	some f in rule.findings with input as d
	f.target == "10.0.0.1:30080/TCP"
	not contains(f.message, "health check")
}

test_silent_before_1_24 if {
	count(rule.findings) == 0 with input as fallback_doc(fx.ver(1, 23, 17), "vpc")
}

test_overlay_is_warning if {
	fs := rule.findings with input as fallback_doc(fx.ver(1, 28, 3), "overlay")
	count(fs) == 2
	every f in fs {
		f.severity == "warning"
		contains(f.message, "flannel masquerades")
	}
}

test_host_network_backends_error_even_on_overlay if {
	hn := [fx.rs("10.0.0.2", 8080, false, "node-b", true)]
	d := fx.web_doc(fx.ver(1, 30, 0), "overlay", {"node-a": fx.node_a(hn)})
	fs := rule.findings with input as d
	count(fs) == 2
	every f in fs {
		f.severity == "error"
		contains(f.message, "hostNetwork")
	}
}

test_unknown_cni_assumes_vpc if {
	fs := rule.findings with input as fallback_doc(fx.ver(1, 26, 0), "unknown")
	count(fs) == 2
	every f in fs {
		f.severity == "error"
		count(f.assumptions) == 1
		contains(f.assumptions[0], "flannel")
		contains(f.assumptions[0], "warning")
	}
}

test_unknown_version_fires_with_assumption if {
	fs := rule.findings with input as fallback_doc(fx.no_version, "vpc")
	count(fs) == 2
	every f in fs {
		contains(f.assumptions[0], "version is unknown")
		contains(f.assumptions[0], "Before 1.24")
	}
}

test_unknown_version_empty_vs_silent if {
	count(rule.findings) == 0 with input as fx.web_doc(fx.no_version, "vpc", {"node-a": fx.node_a([])})
}

test_silent_on_node_with_local_endpoint if {
	count(rule.findings) == 0 with input as fx.web_doc(fx.ver(1, 24, 0), "vpc", {"node-b": fx.node_b})
}

test_silent_for_cluster_policy if {
	d := fx.doc(fx.ver(1, 24, 0), "vpc", {"default/web": fx.web_with({"externalTrafficPolicy": "Cluster"})}, {"node-a": fx.node_a(fx.remote_rss)})
	count(rule.findings) == 0 with input as d
}

test_silent_without_ipvsadm if {
	d := fx.with_node(fallback_doc(fx.ver(1, 24, 0), "vpc"), "node-a", {"captures": {"ipvsadm": {"status": "missing"}}})
	count(rule.findings) == 0 with input as d
}
