package ipvslint.rules.upgrade_behaviour_change_test

import data.ipvslint.lib.etp_fixtures_test as etp
import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.etp_local_upgrade_change as etp_upgrade
import data.ipvslint.rules.upgrade_behaviour_change as rule

ver(minor, patch) := {"value": sprintf("v1.%d.%d", [minor, patch]), "major": 1, "minor": minor, "patch": patch, "source": "test", "known": true}

ev(file, line, text) := {"file": file, "line": line, "text": text}

bound := ev("nodes/node-b/ip-addr.txt", 30, "inet 192.0.2.10/32 scope global kube-ipvs0")

svc_ev := ev("cluster/services.yaml", 12, "")

empty := {"verdict": "refused", "reason": "the virtual service 192.0.2.10:80 has no real server to choose (externalTrafficPolicy Local without a local endpoint, before 1.24)", "behaviours": ["B1", "B6"], "evidence": [bound, svc_ev]}

outcome(verdict, reason) := {"verdict": verdict, "reason": reason, "behaviours": ["B1", "B7", "B8"], "evidence": [bound, svc_ev]}

change(client, before, after) := {
	"node": "node-b", "service": "default/web", "role": "loadBalancer", "target": "192.0.2.10:80/TCP",
	"ip": "192.0.2.10", "port": 80, "protocol": "TCP", "client": client, "before": before, "after": after,
}

upgrade(from, to, changes) := {
	"schemaVersion": "ipvslint.upgrade-input/v1",
	"upgrade": {"from": from, "to": to, "cni": {"name": "terway-eniip", "class": "vpc", "source": "test"}, "candidates": 1, "changes": changes},
}

test_no_change_is_silent if {
	count(rule.findings) == 0 with input as upgrade(ver(22, 15), ver(23, 0), [])
}

# An analysis of a cluster whose upgrade changes connections is etp-local-upgrade-change's to
# report, not this rule's: the analysis input has no changes.
test_analysis_input_is_silent if {
	d := etp.web_doc(fx.ver(1, 23, 17), "vpc", {"node-a": etp.node_a([]), "node-b": etp.node_b})
	count(etp_upgrade.findings) == 1 with input as d
	count(rule.findings) == 0 with input as d
}

test_failing_clients_that_change_are_info if {
	d := upgrade(ver(22, 15), ver(24, 0), [
		change("pod", empty, outcome("served", "the reply to the pod IP comes back through its node")),
		change("external", empty, outcome("timeout", "the backend replies straight to the client, around the node that translated it")),
	])
	f := fx.only(rule.findings) with input as d
	f.severity == "info"
	f.node == "node-b"
	f.service == "default/web"
	f.target == "192.0.2.10:80/TCP"
	f.message == "On node-b, connections to the load balancer IP 192.0.2.10:80 of default/web end differently with Kubernetes v1.24.0 than with v1.22.15, where they are refused (the virtual service 192.0.2.10:80 has no real server to choose (externalTrafficPolicy Local without a local endpoint, before 1.24)): a pod on the node: refused → served (the reply to the pod IP comes back through its node); a client outside the cluster entering through the node: refused → timeout (the backend replies straight to the client, around the node that translated it). Behaviours: B1, B6 with v1.22.15; B1, B7, B8 with v1.24.0 (only local endpoints before 1.24; the fallback to every endpoint from 1.24, PR #97081)."
	f.evidence == [bound, svc_ev]
	f.remediation == "Nothing that works today breaks; clients that fail today fail differently or start to work. For the whole story of a client: ipvslint trace --from pod:node-b --to 192.0.2.10:80/TCP --k8s-version v1.24.0 BUNDLE."
}

test_working_clients_that_fail_are_an_error if {
	d := upgrade(ver(24, 6), ver(22, 0), [
		change("pod", outcome("served", "the reply to the pod IP comes back through its node"), empty),
		change("host", outcome("timeout", "the source is the load balancer IP itself and the reply is delivered on the backend's node"), empty),
	])
	f := fx.only(rule.findings) with input as d
	f.severity == "error"
	f.message == "On node-b, connections to the load balancer IP 192.0.2.10:80 of default/web end differently with Kubernetes v1.22.0 than with v1.24.6: a pod on the node: served (the reply to the pod IP comes back through its node) → refused (the virtual service 192.0.2.10:80 has no real server to choose (externalTrafficPolicy Local without a local endpoint, before 1.24)); a host process on the node: timeout (the source is the load balancer IP itself and the reply is delivered on the backend's node) → refused (the virtual service 192.0.2.10:80 has no real server to choose (externalTrafficPolicy Local without a local endpoint, before 1.24)). Behaviours: B1, B7, B8 with v1.24.6; B1, B6 with v1.22.0 (only local endpoints before 1.24; the fallback to every endpoint from 1.24, PR #97081)."
	startswith(f.remediation, "Before upgrading, make the clients that will fail use another path")
}

test_working_differently_is_a_warning if {
	d := upgrade(ver(28, 3), ver(30, 0), [change("pod", outcome("served-without-source-ip", "kube-proxy masquerades it, the reply comes back through the node"), {"verdict": "leaves-node", "reason": "node-b does not intercept 192.0.2.10", "behaviours": ["B3"], "evidence": [svc_ev]})])
	f := fx.only(rule.findings) with input as d
	f.severity == "warning"
	endswith(f.message, "Behaviours: B1, B7, B8 with v1.28.3; B3 with v1.30.0 (ipMode Proxy from 1.29/1.30, KEP-1860; the fallback to every endpoint from 1.24, PR #97081).")
	startswith(f.remediation, "Check that the clients accept the change")
}

test_one_finding_per_target if {
	other := object.union(change("pod", empty, outcome("served", "x")), {"target": "10.0.0.2:30080/TCP", "role": "nodePort", "ip": "10.0.0.2", "port": 30080})
	d := upgrade(ver(22, 15), ver(24, 0), [change("pod", empty, outcome("served", "x")), change("host", empty, outcome("timeout", "y")), other])
	fs := rule.findings with input as d
	count(fs) == 2
	{f.target | some f in fs} == {"192.0.2.10:80/TCP", "10.0.0.2:30080/TCP"}
}
