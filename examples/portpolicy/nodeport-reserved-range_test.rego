package ipvslint.rules.nodeport_reserved_range_test

import data.ipvslint.rules.nodeport_reserved_range as rule

services_ok := {"services": {"status": "ok", "file": "cluster/services.yaml", "line": 1, "detail": ""}}

service(namespace, node_port) := {
	"namespace": namespace,
	"name": "web",
	"type": "NodePort",
	"ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "8080", "nodePort": node_port}],
	"file": "cluster/services.yaml",
	"line": 12,
}

doc(svc) := {"cluster": {"captures": services_ok, "services": {sprintf("%s/web", [svc.namespace]): svc}}, "nodes": {}}

test_reserved_port_fires if {
	fs := rule.findings with input as doc(service("shop", 30080))
	count(fs) == 1
	some f in fs
	f.service == "shop/web"
	f.message == "shop/web (type NodePort) holds NodePort 30080/TCP for its port http, in 30000-30099, the range reserved for the ingress controllers of ingress-nginx, kube-system."
	f.evidence == [{"file": "cluster/services.yaml", "line": 12, "text": ""}]
}

test_range_bounds if {
	count(rule.findings) == 1 with input as doc(service("shop", 30000))
	count(rule.findings) == 1 with input as doc(service("shop", 30099))
	count(rule.findings) == 0 with input as doc(service("shop", 30100))
	count(rule.findings) == 0 with input as doc(service("shop", 29999))
}

test_ingress_namespace_silent if {
	count(rule.findings) == 0 with input as doc(service("ingress-nginx", 30080))
}

test_clusterip_silent if {
	count(rule.findings) == 0 with input as doc(service("shop", 0))
}

test_services_not_read_silent if {
	d := doc(service("shop", 30080))
	failed := object.union(d, {"cluster": {"captures": {"services": {"status": "failed"}}}})
	count(rule.findings) == 0 with input as failed
}
