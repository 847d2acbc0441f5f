package ipvslint.rules.orphan_vip_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.ipvs_fixtures_test as ifx
import data.ipvslint.rules.orphan_vip

leftover_ev := fx.ipvs0_ev("node-a", "10.96.7.7", 40)

leftover_vs := fx.vs("node-a", "TCP", "10.96.7.7", 8443, 40)

# orphan(vs, fields) is an orphan virtual service with fields set: no owner, not bound.
orphan(vs, fields) := object.union(
	object.union(vs, {"realServers": [], "owner": "", "endpointsOf": [], "bound": null, "onOrphanAddress": false}),
	fields,
)

with_orphans(addresses, vss) := ifx.doc({"node-a": {"diff": {"orphanAddresses": addresses, "orphanVirtualServers": vss}}})

test_consistent_node_is_silent if {
	count(orphan_vip.findings) == 0 with input as with_orphans([], [])
}

test_leftover_address_fires if {
	d := with_orphans([{"ip": "10.96.7.7", "evidence": leftover_ev, "virtualServers": []}], [])
	f := fx.only(orphan_vip.findings) with input as d
	f.node == "node-a"
	f.service == ""
	f.target == "10.96.7.7"
	f.message == "kube-ipvs0 on node-a holds 10.96.7.7, which is no Service's ClusterIP, external IP or load balancer IP and no virtual service uses it. kube-proxy removes such addresses on every sync, so it is not syncing, or another agent or an earlier proxy mode left the address behind. Connections from the node to 10.96.7.7 end on the node."
	f.evidence == [leftover_ev]
}

# The virtual service on the leftover address is told with the address, not on its own.
test_leftover_address_with_vs_is_one_finding if {
	d := with_orphans(
		[{"ip": "10.96.7.7", "evidence": leftover_ev, "virtualServers": [leftover_vs]}],
		[orphan(leftover_vs, {"bound": leftover_ev, "onOrphanAddress": true})],
	)
	f := fx.only(orphan_vip.findings) with input as d
	f.target == "10.96.7.7"
	f.message == "kube-ipvs0 on node-a holds 10.96.7.7, which is no Service's ClusterIP, external IP or load balancer IP; it is still used by 1 virtual service: 10.96.7.7:8443/TCP. kube-proxy removes such addresses on every sync, so it is not syncing, or another agent or an earlier proxy mode left the address behind. Connections from the node to 10.96.7.7 end on the node."
	f.evidence == [leftover_ev, leftover_vs.evidence]
}

test_vs_on_a_service_ip_with_an_unknown_port if {
	vs := fx.vs("node-a", "TCP", "10.96.100.1", 8080, 40)
	f := fx.only(orphan_vip.findings) with input as with_orphans([], [orphan(vs, {"owner": "default/web"})])
	f.service == "default/web"
	f.target == "10.96.100.1:8080/TCP"
	f.message == "The virtual service 10.96.100.1:8080/TCP on node-a (0 real servers) serves no Service port: 10.96.100.1 is an address of default/web, but the Service has no port 8080/TCP. kube-proxy deletes virtual services it does not need on every sync, so it is not syncing, or another agent or an earlier proxy mode made this one."
	f.evidence == [vs.evidence]
}

test_vs_of_no_service_fires if {
	vs := fx.vs("node-a", "TCP", "10.96.200.2", 80, 40)
	o := orphan(vs, {"realServers": [fx.rs("node-a", "10.244.1.5", 8080, 41, {})], "endpointsOf": ["default/web"]})
	f := fx.only(orphan_vip.findings) with input as with_orphans([], [o])
	f.service == ""
	f.message == "The virtual service 10.96.200.2:80/TCP on node-a (1 real server) serves no Service port. kube-proxy deletes virtual services it does not need on every sync, so it is not syncing, or another agent or an earlier proxy mode made this one."
}

test_fwmark_vs_fires if {
	f := fx.only(orphan_vip.findings) with input as with_orphans([], [orphan(ifx.fwmark(5, 40), {})])
	f.target == "FWM/5"
	startswith(f.message, "The virtual service fwmark 5 on node-a (0 real servers) serves no Service port.")
}

test_partial_listing_is_silent if {
	d := fx.with_node(with_orphans([{"ip": "10.96.7.7", "evidence": leftover_ev, "virtualServers": []}], [orphan(leftover_vs, {})]), "node-a", {"ipvsComplete": false})
	count(orphan_vip.findings) == 0 with input as d
}

test_without_services_is_silent if {
	d := fx.with_cluster_capture(with_orphans([{"ip": "10.96.7.7", "evidence": leftover_ev, "virtualServers": []}], []), "services", "missing")
	count(orphan_vip.findings) == 0 with input as d
}

test_without_ip_addr_is_silent if {
	d := fx.with_capture(with_orphans([], [orphan(leftover_vs, {})]), "node-a", "ip-addr", "failed")
	count(orphan_vip.findings) == 0 with input as d
}
