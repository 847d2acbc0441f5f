# METADATA
# title: test fixtures of the lb, conntrack and kernel rules
# description: >-
#   Builders of the facts these rules judge (docs/input.md): a load balancer or
#   external IP of default/web on a node (node.serviceIPs), an unserved port of
#   it and the uses that show clients on it (node.traffic.unservedPorts), and a
#   document of node-a with default/web in cluster.loadBalancers. Built on
#   lib/fixtures_test: default/web, load balancer IP 192.0.2.10, port 80/TCP.
package ipvslint.lib.lb_fixtures_test

import data.ipvslint.lib.fixtures_test as fx

# lb_doc(version, svc, node_patch) is a document of node-a (patched with node_patch) with
# default/web (a summary built with fx.web) in cluster.loadBalancers.
lb_doc(version, svc, node_patch) := fx.doc(version, "vpc", {"loadBalancers": {"default/web": svc}}, {"node-a": node_patch})

# bound_ev(ip) is the kube-ipvs0 entry of ip on node-a.
bound_ev(ip) := fx.ipvs0_ev("node-a", ip, 21)

# vs80(ip) is node-a's virtual service ip:80/TCP.
vs80(ip) := fx.vs("node-a", "TCP", ip, 80, 13)

# service_ip(ip, role, fields) is a ServiceIP of default/web on node-a: bound on kube-ipvs0, with
# the virtual service ip:80/TCP, not the node's own address, in no subnet of the node; fields
# replace any of that.
service_ip(ip, role, fields) := object.union(
	{
		"service": "default/web", "ip": ip, "role": role, "ipMode": "",
		"bound": bound_ev(ip), "nodeAddress": null, "subnets": [],
		"virtualServers": [vs80(ip)], "serviceEvidence": fx.svc_ev(12),
	},
	fields,
)

# owner(role) is default/web as the owner of an address in role.
owner(role) := {"service": "default/web", "role": role, "evidence": fx.svc_ev(12)}

# unserved(port, uses, fields) is port/TCP of 192.0.2.10 on node-a without a virtual service (it
# serves 80/TCP), used as uses say, with no listener; fields replace any of that.
unserved(port, uses, fields) := object.union(
	{
		"ip": "192.0.2.10", "protocol": "TCP", "port": port,
		"owners": [owner("loadBalancer")], "bound": bound_ev("192.0.2.10"),
		"served": [vs80("192.0.2.10")], "uses": uses, "listener": null,
	},
	fields,
)

# ct_sample(line, text) is a line of node-a's conntrack.txt.
ct_sample(line, text) := fx.ev("nodes/node-a/conntrack.txt", line, text)

# conntrack_use(n, proves, samples) is the use of n flows that ended on node-a; proves tells
# whether they show kube-proxy before 1.26.
conntrack_use(n, proves, samples) := {"source": "conntrack", "count": n, "provesStack": proves, "evidence": samples}

# expect_use is an --expect target.
expect_use := {"source": "expect", "count": 0, "provesStack": false, "evidence": []}
