package ipvslint.trace_test

import data.ipvslint.trace

# The trace input documents of these tests: node-b handles the packet; default/web is a
# LoadBalancer (192.0.2.10:80 → 8080, NodePort 30080 on node-b's 10.0.0.2), ClusterIP 10.96.0.20,
# with its one ready endpoint 10.0.2.5 on node-c; Kubernetes 1.28 with a VPC CNI unless said.

ver(minor, patch) := {"value": sprintf("v1.%d.%d", [minor, patch]), "major": 1, "minor": minor, "patch": patch, "source": "test", "known": true}

ev(file, line, text) := {"file": file, "line": line, "text": text}

svc_ev := ev("cluster/services.yaml", 12, "")

port80 := {"name": "http", "protocol": "TCP", "port": 80, "targetPort": "8080", "nodePort": 30080}

rs(ip, node, fields) := object.union(
	{
		"ip": ip, "port": 8080, "weight": 1, "local": node == "node-b", "nodeName": node, "endpoint": true,
		"hostNetwork": false, "ready": true, "terminating": false,
		"evidence": ev("nodes/node-b/ipvsadm.txt", 5, sprintf("  -> %s:8080 Masq 1 0 0", [ip])),
	},
	fields,
)

remote := rs("10.0.2.5", "node-c", {})

local := rs("10.0.1.7", "node-b", {})

base := {
	"schemaVersion": "ipvslint.trace-input/v1",
	"cluster": {"version": ver(28, 3), "cni": {"name": "terway-eniip", "class": "vpc", "source": "test"}, "masqueradeAll": false, "clusterCIDR": ""},
	"from": {"spec": "pod:node-b", "kind": "pod", "node": "node-b", "ip": "", "evidence": []},
	"to": {"spec": "192.0.2.10:80", "ip": "192.0.2.10", "port": 80, "protocol": "TCP", "service": "", "evidence": []},
	"node": "node-b",
	"state": "captured",
	"route": null,
	"address": {"kind": "kube-ipvs0", "interface": "", "evidence": ev("nodes/node-b/ip-addr.txt", 30, "inet 192.0.2.10/32 scope global kube-ipvs0"), "served": ["80/TCP"]},
	"owners": [{"service": "default/web", "role": "loadBalancer", "port": port80, "evidence": svc_ev}],
	"virtualServer": {
		"key": "TCP/192.0.2.10:80", "protocol": "TCP", "ip": "192.0.2.10", "port": 80, "scheduler": "rr",
		"evidence": ev("nodes/node-b/ipvsadm.txt", 4, "TCP  192.0.2.10:80 rr"), "realServers": [remote],
	},
	"service": {
		"service": "default/web", "role": "loadBalancer", "port": port80, "type": "LoadBalancer",
		"externalTrafficPolicy": "Local", "internalTrafficPolicy": "Cluster", "healthCheckNodePort": 32000,
		"endpointsKnown": true, "readyEndpoints": 1, "localReady": 0, "readyNodes": ["node-c"], "evidence": svc_ev,
	},
	"expected": null,
	"listener": null,
	"healthCheckPort": false,
	"conntrack": null,
	"ipvsadm": ev("nodes/node-b/ipvsadm.txt", 0, ""),
}

# doc_with(fields) is base with fields merged in (objects deeply, anything else replaced).
doc_with(fields) := object.union(base, fields)

client(kind) := {"from": {"spec": sprintf("%s:node-b", [kind]), "kind": kind}}

cni(class) := {"cluster": {"cni": {"name": "", "class": class}}}

real_servers(rss) := {"virtualServer": {"realServers": rss}}

# nodeport is the destination 10.0.0.2:30080, the NodePort of default/web on node-b's eth0.
nodeport := {
	"to": {"spec": "10.0.0.2:30080", "ip": "10.0.0.2", "port": 30080},
	"address": {"kind": "node", "interface": "eth0", "evidence": ev("nodes/node-b/ip-addr.txt", 10, "inet 10.0.0.2/24 scope global eth0"), "served": []},
	"owners": [{"service": "default/web", "role": "nodePort", "port": port80, "evidence": svc_ev}],
	"virtualServer": {"key": "TCP/10.0.0.2:30080", "ip": "10.0.0.2", "port": 30080, "evidence": ev("nodes/node-b/ipvsadm.txt", 6, "TCP  10.0.0.2:30080 rr")},
	"service": {"role": "nodePort"},
}

# trace_of(doc) is the result of the trace of doc.
trace_of(doc) := r if {
	r := trace.result with input as doc
}

last_step(r) := r.steps[count(r.steps) - 1].what

# --- matrix rows 12, 11, 10, 8: eTP=Local, no local endpoint, from 1.24 ---

test_owner_of_another_proxy_is_named if {
	other := {"service": "default/mesh", "role": "loadBalancer", "port": null, "evidence": svc_ev, "serviceProxyName": "cilium"}
	r := trace_of(object.union(base, {"owners": [base.owners[0], other]}))
	r.steps[1].what == "192.0.2.10 (the load balancer IP of default/web, the load balancer IP of default/mesh, which cilium serves, not kube-proxy) is bound on node-b's kube-ipvs0 (B1): the packet is delivered on node-b itself, it never reaches the real load balancer."
}

test_row12_pod_to_lb_ip_is_served if {
	r := trace_of(base)
	r.verdict == "served"
	r.behaviours == ["B1", "B7", "B8"]
	r.reason == "the reply to the pod IP comes back through its node"
	r.steps[0].what == "A pod on node-b connects to 192.0.2.10:80/TCP; its source is the pod's IP."
	r.steps[1].what == "192.0.2.10 (the load balancer IP of default/web) is bound on node-b's kube-ipvs0 (B1): the packet is delivered on node-b itself, it never reaches the real load balancer."
	r.steps[1].evidence == [ev("nodes/node-b/ip-addr.txt", 30, "inet 192.0.2.10/32 scope global kube-ipvs0")]
	r.steps[2].what == "IPVS virtual service TCP 192.0.2.10:80 (rr) takes it: the load balancer IP port 80/TCP of default/web."
	r.steps[3].what == "It may choose 1 real server: 10.0.2.5:8080 (on node-c). node-b has no ready endpoint of default/web (externalTrafficPolicy: Local), so kube-proxy v1.28.3 falls back to the endpoints of other nodes (PR #97081, B7)."
	r.steps[4].what == "With externalTrafficPolicy Local, kube-proxy does not masquerade it: KUBE-NODE-PORT-LOCAL and KUBE-LOAD-BALANCER-LOCAL return before the mark (B5, B7)."
	last_step(r) == "The backend replies to the pod's IP, which routes back to node-b, where the DNAT is undone: the connection works and the backend sees the pod IP (B8 path 5)."
	r.assumptions == []
}

test_row11_host_to_lb_ip_times_out_on_vpc if {
	r := trace_of(doc_with(client("host")))
	r.verdict == "timeout"
	startswith(r.steps[0].what, "A host process on node-b (or a hostNetwork pod) connects to 192.0.2.10:80/TCP; its source address is 192.0.2.10 itself")
	last_step(r) == "The backend on node-c replies to 192.0.2.10, which is bound on every node's kube-ipvs0, its own included: the reply is delivered there and never comes back, so the connection times out (B8 path 4; PR #97081)."
}

test_row11_host_to_lb_ip_on_flannel_loses_the_source if {
	r := trace_of(doc_with(object.union(client("host"), cni("overlay"))))
	r.verdict == "served-without-source-ip"
	last_step(r) == "flannel masquerades traffic from outside the pod network to pods on other nodes (`! -s cluster -d cluster MASQUERADE`, B8): the backend sees node-b's flannel address and replies to it, so the connection works without the client's source address."
}

test_row11_host_to_lb_ip_with_hostnetwork_backend_times_out_on_flannel if {
	d := doc_with(object.union(object.union(client("host"), cni("overlay")), real_servers([rs("10.0.0.3", "node-c", {"hostNetwork": true})])))
	trace_of(d).verdict == "timeout"
}

test_row10_host_to_own_nodeport if {
	trace_of(doc_with(object.union(client("host"), nodeport))).verdict == "served"
	r := trace_of(doc_with(object.union(object.union(client("host"), nodeport), cni("overlay"))))
	r.verdict == "served-without-source-ip"
}

test_row8_external_to_nodeport if {
	d := object.union(client("external"), nodeport)
	r := trace_of(doc_with(d))
	r.verdict == "timeout"
	r.reason == "the backend replies straight to the client, around the node that translated it"
	[s.what | some s in r.steps; startswith(s.what, "The load balancer's health check")] == ["The load balancer's health check on healthCheckNodePort 32000 normally keeps external traffic away from node-b, which has no ready endpoint; this is what happens when it arrives anyway."]
	last_step(r) == "The backend pod on node-c replies straight to the client from its pod IP (the VPC routes it), not through node-b: the client drops a reply from an address it did not connect to, so the connection times out (B8 path 1)."
	trace_of(doc_with(object.union(d, cni("overlay")))).verdict == "served-without-source-ip"
	h := trace_of(doc_with(object.union(d, real_servers([rs("10.0.0.3", "node-c", {"hostNetwork": true})]))))
	h.verdict == "timeout"
	startswith(last_step(h), "The hostNetwork backend on node-c replies to the client from its own node's IP")
}

test_row9_external_to_lb_ip_is_row8 if {
	trace_of(doc_with(client("external"))).verdict == "timeout"
}

test_row13_pod_of_another_node_to_nodeport_times_out if {
	d := doc_with(object.union(nodeport, {
		"from": {"spec": "pod:node-a", "node": "node-a"},
		"route": {"from": "node-a", "evidence": ev("nodes/node-b/ip-addr.txt", 10, "inet 10.0.0.2/24 scope global eth0")},
	}))
	r := trace_of(d)
	r.verdict == "timeout"
	r.steps[1].what == "10.0.0.2 is an address of node-b, not of node-a: the packet leaves node-a and is handled on node-b."
	last_step(r) == "The backend on node-c replies straight to the pod on node-a, around node-b: the pod drops a reply from an address it did not connect to, so the connection times out (asymmetric path, B8 path 6; issue #74383)."
	# With the endpoint on node-b itself, the reply comes back through node-b.
	trace_of(object.union(d, real_servers([local]))).verdict == "served"
}

test_unknown_cni_assumes_vpc if {
	r := trace_of(doc_with(object.union(client("external"), cni("unknown"))))
	r.verdict == "timeout"
	r.assumptions == ["The CNI is unknown; assumed it routes pod IPs without SNAT (a VPC CNI). With an overlay that masquerades (flannel --ip-masq) the connection would work, without the client's source address (--cni flannel to see it)."]
}

# --- rows 4, 5, 6: a local endpoint; rows 1, 2, 3: eTP=Cluster ---

test_rows4_to_6_local_endpoint_is_served if {
	every kind in ["pod", "host", "external"] {
		r := trace_of(doc_with(object.union(client(kind), real_servers([local]))))
		r.verdict == "served"
		r.behaviours == ["B1", "B5"]
	}
}

test_rows1_to_3_etp_cluster_masquerades if {
	every kind in ["pod", "host", "external"] {
		r := trace_of(doc_with(object.union(client(kind), {"service": {"externalTrafficPolicy": "Cluster"}})))
		r.verdict == "served-without-source-ip"
		r.behaviours == ["B1", "B4"]
		r.steps[4].what == "With externalTrafficPolicy Cluster, kube-proxy marks traffic to the NodePort, load balancer and external IPs for masquerade (KUBE-MARK-MASQ, B4)."
	}
}

# --- row 7: before 1.24, no local endpoint, the virtual service is empty ---

test_row7_empty_virtual_service_is_refused if {
	d := doc_with(object.union(real_servers([]), {"cluster": {"version": ver(22, 15)}}))
	every kind in ["pod", "host", "external"] {
		r := trace_of(object.union(d, client(kind)))
		r.verdict == "refused"
		r.behaviours == ["B1", "B6"]
		r.reason == "the virtual service 192.0.2.10:80 has no real server to choose (externalTrafficPolicy Local without a local endpoint, before 1.24)"
	}
	last_step(trace_of(d)) == "The virtual service has no real server: node-b has no ready endpoint of default/web (externalTrafficPolicy: Local; its ready endpoints are on node-c), and kube-proxy v1.22.15 (before 1.24) lists only local endpoints there (B6). IPVS finds no destination and answers ICMP port unreachable (ip_vs_leave), so the connection is refused."
}

test_draining_only_is_refused if {
	r := trace_of(doc_with(object.union(real_servers([rs("10.0.2.5", "node-c", {"weight": 0})]), {"service": {"externalTrafficPolicy": "Cluster"}})))
	r.verdict == "refused"
	startswith(last_step(r), "The virtual service has only real servers with weight 0 (10.0.2.5:8080, draining): every real server is draining (B10).")
}

test_itp_local_clusterip_is_refused if {
	d := doc_with({
		"to": {"ip": "10.96.0.20"}, "owners": [{"service": "default/web", "role": "clusterIP", "port": port80, "evidence": svc_ev}],
		"virtualServer": {"ip": "10.96.0.20", "realServers": []},
		"service": {"role": "clusterIP", "internalTrafficPolicy": "Local"},
	})
	r := trace_of(d)
	r.verdict == "refused"
	r.behaviours == ["B1", "B9"]
}

# --- B2: a port of a kube-ipvs0 address without a virtual service ---

unserved_443 := {"to": {"spec": "192.0.2.10:443", "port": 443}, "virtualServer": null, "service": null, "owners": [{"service": "default/web", "role": "loadBalancer", "port": null, "evidence": svc_ev}]}

nginx := {"protocol": "TCP", "state": "LISTEN", "ip": "", "wildcard": "v4", "port": 443, "interface": "", "process": "nginx", "file": "nodes/node-b/ss-listen.txt", "line": 7}

test_unserved_port_refused_by_the_filter_from_1_26 if {
	r := trace_of(doc_with(object.union(unserved_443, {"listener": nginx})))
	r.verdict == "refused"
	r.behaviours == ["B1", "B2"]
	last_step(r) == "node-b has no IPVS virtual service for port 443/TCP of 192.0.2.10 (it serves 80/TCP there): kube-proxy v1.28.3 rejects every other port of a kube-ipvs0 address in its KUBE-IPVS-FILTER chain (PR #108460) even though a local process (nginx) listens on it, so the connection is refused."
	r.steps[count(r.steps) - 1].evidence == [ev("nodes/node-b/ipvsadm.txt", 0, ""), svc_ev]
}

test_unserved_port_before_1_26_reaches_a_listener if {
	r := trace_of(doc_with(object.union(unserved_443, {"listener": nginx, "cluster": {"version": ver(24, 6)}})))
	r.verdict == "served-by-local-listener"
	last_step(r) == "No IPVS virtual service serves port 443/TCP of 192.0.2.10 on node-b: kube-proxy v1.24.6 has no KUBE-IPVS-FILTER (before 1.26, issue #72236): IPVS ignores the port, the node's own stack takes it, and a local process (nginx) answers it (it listens on every IPv4 address, port 443), not a backend of a Service."
	r.steps[count(r.steps) - 1].evidence == [ev("nodes/node-b/ss-listen.txt", 7, "")]
}

test_unserved_port_before_1_26_without_listener_is_refused if {
	r := trace_of(doc_with(object.union(unserved_443, {"cluster": {"version": ver(24, 6)}})))
	r.verdict == "refused"
	contains(last_step(r), "answers with a TCP reset")
}

test_unserved_port_at_an_unknown_version_assumes_the_filter if {
	r := trace_of(doc_with(object.union(unserved_443, {"cluster": {"version": {"value": "", "known": false}}})))
	r.verdict == "refused"
	startswith(r.assumptions[0], "The Kubernetes version is unknown; assumed 1.26 or later")
}

test_node_address_without_virtual_service if {
	d := doc_with(object.union(nodeport, {"virtualServer": null, "service": null, "to": {"port": 8443}, "owners": []}))
	r := trace_of(d)
	r.verdict == "refused"
	last_step(r) == "node-b has no IPVS virtual service for 10.0.0.2:8443/TCP, and no process listens on port 8443: the node's own stack answers with a TCP reset (or ICMP port unreachable)."
	trace_of(object.union(d, {"listener": object.union(nginx, {"port": 8443})})).verdict == "served-by-local-listener"
}

# --- not the node's address ---

test_unbound_load_balancer_ip_leaves_the_node if {
	d := doc_with({"address": {"kind": "none", "evidence": null, "served": []}, "virtualServer": null, "service": null})
	r := trace_of(d)
	r.verdict == "leaves-node"
	r.behaviours == ["B3"]
	last_step(r) == "192.0.2.10 is neither bound on node-b's kube-ipvs0 nor an address of node-b (the load balancer IP of default/web): node-b does not intercept the packet, it leaves by the node's routes to the real load balancer, as a client outside the cluster would."
	x := trace_of(object.union(d, client("external")))
	endswith(last_step(x), "(to the real load balancer, which forwards it to a NodePort of a node with a backend: trace that NodePort).")
}

# An external IP has no load balancer: its address does not leave for one, nor rely on B3.
test_unbound_external_ip_leaves_the_node_without_a_load_balancer if {
	r := trace_of(doc_with(object.union(external_ip, {"address": {"kind": "none", "evidence": null, "served": []}, "virtualServer": null, "service": null})))
	r.verdict == "leaves-node"
	r.behaviours == []
	last_step(r) == "192.0.2.10 is neither bound on node-b's kube-ipvs0 nor an address of node-b (the external IP of default/web): node-b does not intercept the packet, it leaves by the node's routes."
}

# The load balancer is behind a client outside the cluster, not ahead of it; an external IP has none.
test_bound_address_step_names_the_load_balancer_for_in_cluster_clients_only if {
	cases := [
		[client("pod"), "192.0.2.10 (the load balancer IP of default/web) is bound on node-b's kube-ipvs0 (B1): the packet is delivered on node-b itself, it never reaches the real load balancer."],
		[client("host"), "192.0.2.10 (the load balancer IP of default/web) is bound on node-b's kube-ipvs0 (B1): the packet is delivered on node-b itself, it never reaches the real load balancer."],
		[client("external"), "192.0.2.10 (the load balancer IP of default/web) is bound on node-b's kube-ipvs0 (B1): the packet is delivered on node-b itself."],
		[external_ip, "192.0.2.10 (the external IP of default/web) is bound on node-b's kube-ipvs0 (B1): the packet is delivered on node-b itself."],
		[object.union(external_ip, client("external")), "192.0.2.10 (the external IP of default/web) is bound on node-b's kube-ipvs0 (B1): the packet is delivered on node-b itself."],
	]
	every c in cases {
		trace_of(doc_with(c[0])).steps[1].what == c[1]
	}
}

test_unbound_cluster_ip_times_out if {
	d := doc_with({
		"to": {"ip": "10.96.0.20"}, "address": {"kind": "none", "evidence": null, "served": []},
		"owners": [{"service": "default/web", "role": "clusterIP", "port": port80, "evidence": svc_ev}],
	})
	r := trace_of(d)
	r.verdict == "timeout"
	r.behaviours == ["B15"]
}

# --- KUBE-IPVS-FILTER and external IPs of eTP=Local Services (1.26 to 1.29.0) ---

external_ip := {"owners": [{"service": "default/web", "role": "externalIP", "port": port80, "evidence": svc_ev}], "service": {"role": "externalIP"}, "virtualServer": {"realServers": [local]}}

test_external_ip_local_rejected_in_1_27 if {
	r := trace_of(doc_with(object.union(external_ip, {"cluster": {"version": ver(27, 4)}})))
	r.verdict == "refused"
	startswith(last_step(r), "kube-proxy v1.27.4 rejects it anyway: its KUBE-IPVS-FILTER chain lacks KUBE-EXTERNAL-IP-LOCAL")
	trace_of(doc_with(object.union(external_ip, {"cluster": {"version": ver(29, 0)}}))).verdict == "refused"
}

test_external_ip_local_later_patches_assumed_fixed if {
	r := trace_of(doc_with(object.union(external_ip, {"cluster": {"version": ver(29, 3)}})))
	r.verdict == "served"
	startswith(r.assumptions[0], "kube-proxy v1.29.3 may carry the fix")
	trace_of(doc_with(object.union(external_ip, {"cluster": {"version": ver(30, 0)}}))).assumptions == []
}

# An external IP of an eTP=Local Service at each side of the version boundaries: the verdict, and
# whether the trace assumes a later 1.28 or 1.29 patch release carries the fix.
test_external_ip_local_version_boundaries if {
	cases := [
		[ver(25, 16), "served", false],
		[ver(26, 0), "refused", false],
		[ver(27, 16), "refused", false],
		[ver(28, 0), "refused", false],
		[ver(28, 1), "served", true],
		[ver(29, 0), "refused", false],
		[ver(29, 15), "served", true],
		[ver(30, 0), "served", false],
		[ver(30, 14), "served", false],
		[ver(31, 0), "served", false],
	]
	every c in cases {
		r := trace_of(doc_with(object.union(external_ip, {"cluster": {"version": c[0]}})))
		r.verdict == c[1]
		(count(r.assumptions) > 0) == c[2]
	}
}

# --- the ClusterIP path (B11) ---

cluster_ip := {
	"to": {"ip": "10.96.0.20"}, "owners": [{"service": "default/web", "role": "clusterIP", "port": port80, "evidence": svc_ev}],
	"virtualServer": {"ip": "10.96.0.20"}, "service": {"role": "clusterIP", "externalTrafficPolicy": "Cluster"},
}

test_cluster_ip_masquerade if {
	trace_of(doc_with(cluster_ip)).verdict == "served"
	h := trace_of(doc_with(object.union(cluster_ip, client("host"))))
	h.verdict == "served-without-source-ip"
	h.steps[4].what == "The source is the ClusterIP itself, which kube-proxy masquerades (KUBE-CLUSTER-IP src,dst, B11)."
	h.behaviours == ["B1", "B11"]
	trace_of(doc_with(object.union(cluster_ip, {"cluster": {"masqueradeAll": true}}))).verdict == "served-without-source-ip"
	c := trace_of(doc_with(object.union(cluster_ip, {"cluster": {"clusterCIDR": "10.0.0.0/8"}})))
	c.steps[4].what == "The source is in the cluster CIDR 10.0.0.0/8, so kube-proxy does not masquerade it (B11)."
	hairpin := trace_of(doc_with(object.union(cluster_ip, {"from": {"ip": "10.0.2.5"}})))
	hairpin.verdict == "served-without-source-ip"
}

# --- what the trace adds: conntrack, the expected state, mixed real servers ---

test_conntrack_step if {
	sample := ev("nodes/node-b/conntrack.txt", 3, "SYN_SENT src=192.0.2.10 ...")
	d := doc_with(object.union(client("host"), {"conntrack": {
		"flows": 2, "unreplied": 2, "noDNAT": 0, "snat": 0, "fromLocal": 2, "fromLocalUnreplied": 2,
		"samples": [sample], "unrepliedSamples": [sample],
	}}))
	r := trace_of(d)
	last_step(r) == "conntrack on node-b shows 2 flows to 192.0.2.10:80 (2 from host processes of the node): 2 unreplied, 0 masqueraded, 0 ended on the node itself (no DNAT)."
	r.steps[count(r.steps) - 1].evidence == [sample]
	# An expected trace leaves the captured flows out.
	x := trace_of(object.union(d, {"state": "expected"}))
	count(x.steps) == count(r.steps) - 1
	every s in x.steps {
		not startswith(s.what, "conntrack")
	}
}

test_drift_from_the_expected_state if {
	r := trace_of(doc_with({"expected": {"known": true, "realServers": [local]}}))
	last_step(r) == "kube-proxy v1.28.3 would list 10.0.1.7:8080 here, the capture lists 10.0.2.5:8080: kube-proxy on node-b is not in sync (ipvslint analyze tells more); the trace follows the capture."
	count([s | some s in trace_of(doc_with({"expected": {"known": true, "realServers": [remote]}})).steps; contains(s.what, "not in sync")]) == 0
}

test_expected_state_wording if {
	d := doc_with({"state": "expected", "address": {"evidence": null}, "virtualServer": {"evidence": null, "scheduler": ""}})
	r := trace_of(d)
	r.steps[1].what == "kube-proxy v1.28.3 (what-if: the model, not the capture) binds 192.0.2.10 (the load balancer IP of default/web) on node-b's kube-ipvs0 (B1): the packet is delivered on node-b itself, it never reaches the real load balancer."
	r.steps[1].evidence == []
	r.steps[2].what == "kube-proxy v1.28.3 (what-if: the model, not the capture) programs the IPVS virtual service TCP 192.0.2.10:80 for the load balancer IP port 80/TCP of default/web."
}

test_mixed_real_servers_give_the_worst if {
	r := trace_of(doc_with(object.union(client("external"), real_servers([local, remote]))))
	r.verdict == "timeout"
	[s.what | some s in r.steps; startswith(s.what, "Connections that")] == ["Connections that IPVS sends to 10.0.1.7:8080 fare better (served); the verdict is that of the worst real server."]
}

# --- a user's pack refines the trace ---

test_refinement_replaces_the_verdict if {
	refinement := {"verdict": "served-without-source-ip", "what": "Our CNI masquerades everything.", "evidence": []}
	r := trace.result with input as doc_with(client("external"))
		with trace.refinements as {refinement}
	r.verdict == "served-without-source-ip"
	trace_of(doc_with(client("external"))).verdict == "timeout"
	r.reason == "a loaded rule pack refined timeout to served-without-source-ip: Our CNI masquerades everything."
	last_step(r) == "Our CNI masquerades everything."
	r.assumptions == ["A rule of a loaded rule pack refined this trace (package ipvslint.trace, refinements)."]
}

test_refinements_worst_wins if {
	r := trace.result with input as base
		with trace.refinements as {
			{"verdict": "served", "what": "a", "evidence": []},
			{"verdict": "refused", "what": "b", "evidence": []},
		}
	r.verdict == "refused"
	r.reason == "a loaded rule pack refined served to refused: b"
}

# A refinement that keeps the verdict adds its step and leaves the reason.
test_refinement_of_the_same_verdict_keeps_the_reason if {
	r := trace.result with input as base
		with trace.refinements as {{"verdict": "served", "what": "a", "evidence": []}}
	r.verdict == "served"
	r.reason == trace_of(base).reason
	last_step(r) == "a"
}

test_every_verdict_is_known if {
	every doc in [base, doc_with(client("host")), doc_with(unserved_443), doc_with(real_servers([]))] {
		trace_of(doc).verdict in trace.verdicts
	}
}

test_client_given_by_its_address if {
	r := trace_of(doc_with({"from": {"spec": "10.0.1.9", "ip": "10.0.1.9", "evidence": [ev("cluster/pods.yaml", 4, "pod default/client on node-b")]}}))
	r.steps[0].what == "10.0.1.9, a pod on node-b, connects to 192.0.2.10:80/TCP; its source is the pod's IP."
	r.steps[0].evidence == [ev("cluster/pods.yaml", 4, "pod default/client on node-b")]
	x := trace_of(doc_with(object.union(client("external"), {"from": {"ip": "198.51.100.23"}})))
	x.steps[0].what == "198.51.100.23, a client outside the cluster entering through node-b, connects to 192.0.2.10:80/TCP; its source is the client's own address."
}
