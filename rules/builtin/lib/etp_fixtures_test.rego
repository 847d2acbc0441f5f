# METADATA
# title: test fixtures of the etp rules
# description: >-
#   Builders of the Local traffic policy facts (cluster.localPolicies,
#   nodes[n].localPolicy, nodes[n].traffic.masqueraded) for the tests of
#   rules/builtin/etp. The scenario is the field report's: Service default/web,
#   type LoadBalancer, externalTrafficPolicy Local, healthCheckNodePort 32000,
#   load balancer IP 192.0.2.10, port 80/TCP to 8080, NodePort 30080, ready
#   endpoints 10.244.2.5 on node-b and 10.244.3.7 on node-c; node-a (10.0.0.1)
#   has none, so its localPolicy lists web with the virtual services the policy
#   governs there.
package ipvslint.lib.etp_fixtures_test

import data.ipvslint.lib.fixtures_test as fx

# web(fields) is the summary of default/web with externalTrafficPolicy Local, with fields set.
web(fields) := fx.web(object.union({"externalTrafficPolicy": "Local", "healthCheckNodePort": 32000}, fields))

# remote_rss are node-a's real servers of web after the 1.24 fallback: the endpoints on node-b
# and node-c.
remote_rss := [
	fx.rs("node-a", "10.244.2.5", 8080, 14, {"nodeName": "node-b"}),
	fx.rs("node-a", "10.244.3.7", 8080, 15, {"nodeName": "node-c"}),
]

# hn_rss is a hostNetwork backend on node-b (its node's address).
hn_rss := [fx.rs("node-a", "10.0.0.2", 8080, 14, {"nodeName": "node-b", "hostNetwork": true})]

# local_rs is a real server on node-a itself (a serving, terminating endpoint).
local_rs := fx.rs("node-a", "10.244.1.9", 8080, 14, {"nodeName": "node-a", "local": true})

# kube-ipvs0 lines of node-a's addresses.
ipvs0_lines := {"10.96.0.10": 20, "192.0.2.10": 21, "198.51.100.99": 22}

# pvs(role, ip, port, line, rss, ct) is a virtual service of node-a that a Local policy governs,
# with its real servers and conntrack summary (null for none).
pvs(role, ip, port, line, rss, ct) := object.union(fx.vs("node-a", "TCP", ip, port, line), {
	"role": role, "realServers": rss, "bound": bound(role, ip), "conntrack": ct,
})

bound(role, ip) := fx.ipvs0_ev("node-a", ip, ipvs0_lines[ip]) if role != "nodePort"

else := null

# lb_vs, np_vs, eip_vs and cip_vs are node-a's load balancer IP, NodePort, external IP and
# ClusterIP virtual services of web.
lb_vs(rss, ct) := pvs("loadBalancer", "192.0.2.10", 80, 13, rss, ct)

np_vs(rss, ct) := pvs("nodePort", "10.0.0.1", 30080, 16, rss, ct)

eip_vs(rss, ct) := pvs("externalIP", "198.51.100.99", 80, 19, rss, ct)

cip_vs(rss, ct) := pvs("clusterIP", "10.96.0.10", 80, 10, rss, ct)

# gap(ready_remote, vss) is web's entry in a node's localPolicy.
gap(ready_remote, vss) := {"service": "default/web", "readyRemote": ready_remote, "virtualServers": vss}

# node_a(rss) is node-a's patch: web's load balancer IP and NodePort virtual services hold rss
# (remote_rss from 1.24, [] before).
node_a(rss) := {"localPolicy": [gap(2, [lb_vs(rss, null), np_vs(rss, null)])]}

# node_a_vss(vss) is node-a's patch with web's governed virtual services vss.
node_a_vss(vss) := {"localPolicy": [gap(2, vss)]}

# node_b is node-b's patch: it holds an endpoint of web, so no Local policy gap.
node_b := {"localPolicy": []}

# doc(version, cni_class, svc, nodes) is a document whose Service default/web is svc.
doc(version, cni_class, svc, nodes) := fx.doc(version, cni_class, {"loadBalancers": {"default/web": svc}, "localPolicies": {"default/web": svc}}, nodes)

# web_doc(version, cni_class, nodes) is the scenario's document.
web_doc(version, cni_class, nodes) := doc(version, cni_class, web({}), nodes)

# flows(fields) is a conntrack summary of one destination (DestFlows), with fields set.
flows(fields) := object.union(
	{
		"flows": 0, "unreplied": 0, "snat": 0, "fromLocalUnreplied": 0, "fromSelf": 0,
		"fromOutside": 0, "fromUnlisted": 0, "selfSamples": [], "outsideSamples": [], "samples": [],
	},
	fields,
)

# ct_ev(line, text) is a line of node-a's conntrack.txt.
ct_ev(line, text) := fx.ev("nodes/node-a/conntrack.txt", line, text)
