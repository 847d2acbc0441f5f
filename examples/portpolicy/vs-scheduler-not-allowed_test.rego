package ipvslint.rules.vs_scheduler_not_allowed_test

import data.ipvslint.rules.vs_scheduler_not_allowed as rule

vs(scheduler) := {
	"protocol": "TCP",
	"ip": "10.96.0.20",
	"port": 80,
	"scheduler": scheduler,
	"file": "nodes/node-a/ipvsadm.txt",
	"line": 7,
	"text": sprintf("TCP  10.96.0.20:80 %s", [scheduler]),
	"services": [{"service": "shop/web", "role": "clusterIP", "portName": "http", "port": 80}],
	"realServers": [],
}

doc(status, scheduler) := {"nodes": {"node-a": {
	"captures": {"ipvsadm": {"status": status, "file": "nodes/node-a/ipvsadm.txt", "line": 1, "detail": ""}},
	"virtualServers": {"TCP/10.96.0.20:80": vs(scheduler)},
}}}

test_hashing_scheduler_fires if {
	fs := rule.findings with input as doc("ok", "sh")
	fs == {{
		"node": "node-a",
		"service": "shop/web",
		"target": "10.96.0.20:80/TCP",
		"message": "The virtual service 10.96.0.20:80/TCP of shop/web on node-a uses the scheduler sh; the supported ones are lc, rr, wlc, wrr.",
		"evidence": [{"file": "nodes/node-a/ipvsadm.txt", "line": 7, "text": "TCP  10.96.0.20:80 sh"}],
	}}
}

test_supported_scheduler_silent if {
	count(rule.findings) == 0 with input as doc("ok", "rr")
	count(rule.findings) == 0 with input as doc("ok", "wlc")
}

test_ipvsadm_not_read_silent if {
	count(rule.findings) == 0 with input as doc("failed", "sh")
}
