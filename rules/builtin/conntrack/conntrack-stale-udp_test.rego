package ipvslint.rules.conntrack_stale_udp_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.conntrack_stale_udp as rule

stale_line := fx.ev("nodes/node-a/conntrack.txt", 4, "udp      17 25 src=10.244.1.8 dst=10.96.0.10 sport=5353 dport=53 src=10.244.3.3 dst=10.244.1.8 sport=53 dport=5353 mark=0 use=1")

dns_vs := fx.vs("node-a", "UDP", "10.96.0.10", 53, 4)

# stale(counts) is the DNS ClusterIP of kube-system/dns on node-a answered by former endpoints.
stale(counts) := {
	"key": "UDP/10.96.0.10:53", "protocol": "UDP", "ip": "10.96.0.10", "port": 53,
	"owner": {"service": "kube-system/dns", "role": "clusterIP", "evidence": fx.svc_ev(40)},
	"stale": counts, "virtualServer": [dns_vs.evidence], "samples": [stale_line],
}

doc(dests) := fx.doc(fx.ver(1, 28, 3), "overlay", {}, {"node-a": {"traffic": {"staleUDP": dests}}})

test_no_stale_flow_is_silent if {
	count(rule.findings) == 0 with input as doc([])
}

test_former_endpoint_fires if {
	f := fx.only(rule.findings) with input as doc([stale({"10.244.3.3": 4})])
	f.node == "node-a"
	f.service == "kube-system/dns"
	f.target == "10.96.0.10:53/UDP"
	f.message == "4 UDP flows to 10.96.0.10:53 (ClusterIP of kube-system/dns) on node-a are answered by 10.244.3.3 (4), which is no longer a ready endpoint of the Service. Clients pinned to these entries get no answer until they expire; kube-proxy deletes the UDP conntrack entries of removed endpoints, and these were not deleted."
	f.evidence == [dns_vs.evidence, stale_line]
}

test_one_flow_two_addresses if {
	f := fx.only(rule.findings) with input as doc([stale({"10.244.3.3": 1})])
	startswith(f.message, "1 UDP flow to 10.96.0.10:53 (ClusterIP of kube-system/dns) on node-a is answered by 10.244.3.3 (1), which is no longer")
	f2 := fx.only(rule.findings) with input as doc([stale({"10.244.3.3": 2, "10.244.4.4": 3})])
	startswith(f2.message, "5 UDP flows to 10.96.0.10:53 (ClusterIP of kube-system/dns) on node-a are answered by 10.244.4.4 (3), 10.244.3.3 (2), which are no longer")
}

test_without_virtual_service if {
	f := fx.only(rule.findings) with input as doc([object.union(stale({"10.244.3.3": 4}), {"virtualServer": []})])
	f.evidence == [stale_line]
}

test_without_conntrack_capture_is_silent if {
	d := fx.with_capture(doc([stale({"10.244.3.3": 4})]), "node-a", "conntrack", "failed")
	count(rule.findings) == 0 with input as d
}

test_without_services_is_silent if {
	d := fx.with_cluster_capture(doc([stale({"10.244.3.3": 4})]), "services", "missing")
	count(rule.findings) == 0 with input as d
}
