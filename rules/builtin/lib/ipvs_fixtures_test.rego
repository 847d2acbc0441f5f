# METADATA
# title: test fixtures of the ipvs and bundle rules
# description: >-
#   Builders of the facts the IPVS state rules judge, on top of
#   data.ipvslint.lib.fixtures_test: a document whose nodes have a whole ip addr
#   capture, and the virtual services of node-a for default/web (ClusterIP
#   10.96.100.1, load balancer IP 192.168.1.200, port 80/TCP to 8080, NodePort
#   30080 on 192.168.1.11) and kube-system/kube-dns (10.96.0.10, 53/UDP and
#   53/TCP).
package ipvslint.lib.ipvs_fixtures_test

import data.ipvslint.lib.fixtures_test as fx

# doc(nodes) is a document at 1.28.3: nodes maps node names to patches of fx.node(name), whose
# ip addr capture is whole (addressesComplete, ipvs0Complete).
doc(nodes) := fx.doc(fx.ver(1, 28, 3), "overlay", {}, {name: object.union({"addressesComplete": true, "ipvs0Complete": true}, patch) |
	some name, patch in nodes
})

# with_diff(list, entries) is a document whose node-a has entries in one list of its diff.
with_diff(list, entries) := doc({"node-a": {"diff": {list: entries}}})

# The virtual services of node-a (VSRefs).
web_cluster := fx.vs("node-a", "TCP", "10.96.100.1", 80, 20)

web_lb := fx.vs("node-a", "TCP", "192.168.1.200", 80, 23)

web_nodeport := fx.vs("node-a", "TCP", "192.168.1.11", 30080, 26)

web_vss := [web_cluster, web_lb, web_nodeport]

dns_udp := fx.vs("node-a", "UDP", "10.96.0.10", 53, 4)

dns_tcp := fx.vs("node-a", "TCP", "10.96.0.10", 53, 8)

# fwmark(mark, line) is a firewall-mark virtual service of node-a.
fwmark(mark, line) := {
	"key": sprintf("FWM/%d", [mark]), "protocol": "FWM", "ip": "", "port": 0, "fwmark": mark,
	"evidence": fx.ev("nodes/node-a/ipvsadm.txt", line, sprintf("FWM  %d rr", [mark])),
}

# web_ev is the evidence of default/web in cluster/services.yaml.
web_ev := fx.svc_ev(10)

# ip_addr_ev is the evidence of node-a's whole ip addr capture.
ip_addr_ev := fx.ev("nodes/node-a/ip-addr.txt", 1, "")

# entry(vs, rs) is a real server in a virtual service (a RealServerIn).
entry(vs, rs) := {"vs": vs, "rs": rs}
