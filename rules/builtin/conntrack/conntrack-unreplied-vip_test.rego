package ipvslint.rules.conntrack_unreplied_vip_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.conntrack_unreplied_vip as rule

syn := fx.ev("nodes/node-a/conntrack.txt", 7, "tcp      6 118 SYN_SENT src=10.244.1.8 dst=192.0.2.10 sport=40000 dport=80 [UNREPLIED] src=10.244.2.7 dst=10.244.1.8 sport=8080 dport=40000 mark=0 use=1")

lb_vs := fx.vs("node-a", "TCP", "192.0.2.10", 80, 23)

# entry(ip, line) is the line of real server ip:8080 under lb_vs.
entry(ip, line) := fx.rs("node-a", ip, 8080, line, {}).evidence

# rs(ip, unreplied, replied, state, node_name, entry) is a real server of unreplied flows.
rs(ip, unreplied, replied, state, node_name, line) := {
	"ip": ip, "port": 8080, "unreplied": unreplied, "replied": replied,
	"state": state, "nodeName": node_name, "entry": entry(ip, line),
}

# lb_dest is the load balancer IP of default/web on node-a: 4 of 12 connections unreplied, all sent
# to 10.244.2.7:8080, which answered 2 others.
lb_dest := {
	"key": "TCP/192.0.2.10:80", "protocol": "TCP", "ip": "192.0.2.10", "port": 80,
	"flows": 12, "unreplied": 4, "synSent": 4, "fromLocalUnreplied": 1,
	"owners": [{"service": "default/web", "role": "loadBalancer", "evidence": fx.svc_ev(12)}],
	"topClients": {"10.244.1.8": 7, "192.168.1.11": 3, "10.244.1.10": 1},
	"virtualServer": [lb_vs.evidence],
	"unrepliedSamples": [syn],
	"realServers": [rs("10.244.2.7", 4, 2, "ready", "node-b", 24)],
}

# patched(d, patch) is d with the fields of patch replaced, not merged.
patched(d, patch) := object.union(object.remove(d, object.keys(patch)), patch)

doc(dests) := fx.doc(fx.ver(1, 28, 3), "overlay", {}, {"node-a": {"traffic": {"unreplied": dests}}})

rule_words := "This rule reports a destination when 3 or more of its connections and 25 % of them are unreplied, when all of them are, or when a real server answered none of 2 or more sent to it; fewer unreplied connections spread over real servers that answer others are taken for attempts in flight."

causes := "Asymmetric return (externalTrafficPolicy Local without a local endpoint), a dead backend or a firewall cause this."

test_no_unreplied_destination_is_silent if {
	count(rule.findings) == 0 with input as doc([])
}

test_unreplied_to_lb_ip_fires if {
	f := fx.only(rule.findings) with input as doc([lb_dest])
	f.node == "node-a"
	f.service == "default/web"
	f.target == "192.0.2.10:80/TCP"
	f.message == concat(" ", [
		"4 of 12 TCP connections to 192.0.2.10:80 (load balancer IP of default/web) on node-a are unreplied (SYN_SENT [UNREPLIED], 4 in SYN_SENT): no reply came back through this node.",
		"1 of them come from this node's own addresses.",
		"Top clients of this address: 10.244.1.8 (7), 192.168.1.11 (3), 10.244.1.10 (1).",
		"Real servers they were sent to: 10.244.2.7:8080 (4).",
		causes, rule_words,
	])
	not f.severity
	not f.assumptions
	f.evidence == [lb_vs.evidence, syn]
}

test_without_an_owner_is_silent if {
	ssh := patched(lb_dest, {"key": "TCP/10.0.0.1:22", "ip": "10.0.0.1", "port": 22, "owners": []})
	count(rule.findings) == 0 with input as doc([ssh])
}

test_virtual_service_of_no_service if {
	orphan := patched(lb_dest, {"owners": [{"service": "", "role": "", "evidence": {"file": "", "line": 0, "text": ""}}]})
	f := fx.only(rule.findings) with input as doc([orphan])
	f.service == ""
	startswith(f.message, "4 of 12 TCP connections to 192.0.2.10:80 on node-a are unreplied")
}

test_nodeport_without_ipvsadm if {
	np := patched(lb_dest, {
		"key": "TCP/10.0.0.1:30080", "ip": "10.0.0.1", "port": 30080, "flows": 2, "unreplied": 2, "synSent": 2,
		"fromLocalUnreplied": 0, "topClients": {"198.51.100.23": 2},
		"owners": [{"service": "default/web", "role": "nodePort", "evidence": fx.svc_ev(12)}],
		"virtualServer": [], "unrepliedSamples": [], "realServers": [],
	})
	f := fx.only(rule.findings) with input as fx.with_capture(doc([np]), "node-a", "ipvsadm", "missing")
	f.target == "10.0.0.1:30080/TCP"
	f.message == concat(" ", [
		"2 of 2 TCP connections to 10.0.0.1:30080 (NodePort of default/web) on node-a are unreplied (SYN_SENT [UNREPLIED], 2 in SYN_SENT): no reply came back through this node.",
		"Top clients of this address: 198.51.100.23 (2).",
		"Real servers they were sent to: not shown by conntrack (the reply tuple still names the Service address).",
		causes, rule_words,
	])
	f.evidence == []
}

test_clients_not_recorded if {
	f := fx.only(rule.findings) with input as doc([patched(lb_dest, {"topClients": {}})])
	contains(f.message, " Top clients of this address: not recorded. ")
}

test_without_conntrack_capture_is_silent if {
	count(rule.findings) == 0 with input as fx.with_capture(doc([lb_dest]), "node-a", "conntrack", "failed")
}

# A few attempts in flight, spread over real servers that answer others: the noise guard.
test_one_or_two_unreplied_on_a_busy_destination_are_silent if {
	some n in [1, 2]
	busy := patched(lb_dest, {"unreplied": n, "synSent": n, "realServers": [rs("10.244.2.7", n, 6 - n, "ready", "node-b", 24)]})
	count(rule.findings) == 0 with input as doc([busy])
}

test_a_single_flow_all_unreplied_fires if {
	lone := patched(lb_dest, {"flows": 1, "unreplied": 1, "synSent": 1, "realServers": [rs("10.244.2.7", 1, 0, "ready", "node-b", 24)]})
	f := fx.only(rule.findings) with input as doc([lone])
	startswith(f.message, "1 of 1 TCP connections to 192.0.2.10:80")
	not f.severity
}

test_three_unreplied_and_a_quarter_fire if {
	busy := patched(lb_dest, {"flows": 12, "unreplied": 3, "synSent": 3, "realServers": [rs("10.244.2.7", 3, 9, "ready", "node-b", 24)]})
	f := fx.only(rule.findings) with input as doc([busy])
	startswith(f.message, "3 of 12 TCP connections")
	not f.severity
}

# In flight on a busy address: many unreplied connections, but a small share of them, spread over
# real servers that answer others (the synthetic 1,000,000-flow bundle has thousands of these).
test_unreplied_below_a_quarter_are_silent if {
	busy := patched(lb_dest, {"flows": 100, "unreplied": 24, "synSent": 24, "realServers": [rs("10.244.2.7", 24, 76, "ready", "node-b", 24)]})
	count(rule.findings) == 0 with input as doc([busy])
	quarter := patched(busy, {"unreplied": 25, "synSent": 25, "realServers": [rs("10.244.2.7", 25, 75, "ready", "node-b", 24)]})
	count(rule.findings) == 1 with input as doc([quarter])
}

# two_to(r) is a busy destination whose only unreplied connections, 2, went to real server r.
two_to(r) := patched(lb_dest, {"flows": 40, "unreplied": 2, "synSent": 2, "realServers": [r]})

dead_lead := "2 of 40 TCP connections to 192.0.2.10:80 (load balancer IP of default/web) on node-a are unreplied (SYN_SENT [UNREPLIED], 2 in SYN_SENT): no reply came back through this node. 1 of them come from this node's own addresses. Top clients of this address: 10.244.1.8 (7), 192.168.1.11 (3), 10.244.1.10 (1). Real servers they were sent to: 10.244.9.9:8080 (2). "

# A real server that answered none of 2 connections and is no endpoint of the Service: a dead
# backend, even below the destination's threshold.
test_dead_backend_at_two_connections if {
	f := fx.only(rule.findings) with input as doc([two_to(rs("10.244.9.9", 2, 0, "no-endpoint", "", 25))])
	f.message == concat("", [dead_lead, causes, " Real server 10.244.9.9:8080 answered none of the 2 connections sent to it and is no endpoint of default/web: a dead backend that IPVS still sends new connections to (see stale-real-server). ", rule_words])
	not f.severity
	f.evidence == [lb_vs.evidence, syn, entry("10.244.9.9", 25)]
}

test_dead_backend_states if {
	words := {
		"not-serving": "and is an endpoint of default/web that is neither ready nor serving: a dead backend",
		"terminating": "and is an endpoint of default/web that is terminating, not ready: a dead backend",
		"other-port": "and is a ready endpoint of default/web at another port: a dead backend",
	}
	every state, w in words {
		f := fx.only(rule.findings) with input as doc([two_to(rs("10.244.9.9", 2, 0, state, "node-c", 25))])
		contains(f.message, sprintf(" Real server 10.244.9.9:8080 on node-c answered none of the 2 connections sent to it %s", [w]))
		not f.severity
	}
}

test_dead_backend_no_longer_listed if {
	gone := object.union(rs("10.244.9.9", 2, 0, "no-endpoint", "", 25), {"entry": null})
	f := fx.only(rule.findings) with input as doc([two_to(gone)])
	contains(f.message, "is no endpoint of default/web: a dead backend, which the virtual service no longer lists (kube-proxy removed it since). ")
	f.evidence == [lb_vs.evidence, syn]
	f2 := fx.only(rule.findings) with input as doc([patched(two_to(gone), {"virtualServer": []})])
	contains(f2.message, "is no endpoint of default/web: a dead backend. ")
}

# A ready endpoint that answered none of 2: evidence, but nothing corroborates it: an info.
test_silent_ready_endpoint_is_info if {
	f := fx.only(rule.findings) with input as doc([two_to(rs("10.244.9.9", 2, 0, "ready", "node-c", 25))])
	f.severity == "info"
	f.message == concat("", [dead_lead, causes, " Real server 10.244.9.9:8080 on node-c answered none of the 2 connections sent to it, although it is a ready endpoint of default/web: nothing else in the bundle says it is dead; a process that stopped answering behind a passing readiness probe, a firewall between this node and it, or replies that go back another way would explain it. ", rule_words])
	f.evidence == [lb_vs.evidence, syn, entry("10.244.9.9", 25)]
}

test_silent_real_server_of_unknown_state_is_info if {
	f := fx.only(rule.findings) with input as doc([two_to(rs("10.244.9.9", 2, 0, "", "", 25))])
	f.severity == "info"
	contains(f.message, " Real server 10.244.9.9:8080 answered none of the 2 connections sent to it; the bundle does not say what it is to default/web (its endpoints were not read). ")
}

# Above the destination's threshold a silent ready endpoint keeps the warning.
test_silent_ready_endpoint_on_a_significant_destination if {
	d := patched(lb_dest, {"realServers": [rs("10.244.2.7", 4, 0, "ready", "node-b", 24)]})
	f := fx.only(rule.findings) with input as doc([d])
	not f.severity
	contains(f.message, " Real server 10.244.2.7:8080 on node-b answered none of the 4 connections sent to it, although it is a ready endpoint of default/web: ")
}

test_one_unanswered_connection_is_no_silent_real_server if {
	count(rule.findings) == 0 with input as doc([patched(two_to(rs("10.244.9.9", 1, 0, "no-endpoint", "", 25)), {"unreplied": 1})])
}

test_a_real_server_that_answers_others_is_not_silent if {
	count(rule.findings) == 0 with input as doc([two_to(rs("10.244.9.9", 2, 1, "no-endpoint", "", 25))])
}

# The input could not count the replied flows (more reply sources than it keeps): not judged.
test_replied_unknown_is_not_judged if {
	count(rule.findings) == 0 with input as doc([two_to(rs("10.244.9.9", 2, null, "no-endpoint", "", 25))])
}
