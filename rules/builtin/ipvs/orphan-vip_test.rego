package ipvslint.rules.orphan_vip_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.orphan_vip

leftover := {"prefix": "10.96.7.7/32", "file": "nodes/node-a/ip-addr.txt", "line": 40, "text": "    inet 10.96.7.7/32 scope global kube-ipvs0"}

with_leftover_address := fx.with_node(fx.base, {"ipvs0": {"10.96.7.7": leftover}})

with_leftover_vs := fx.with_vss(with_leftover_address, array.concat(fx.base_vss, [fx.vs("TCP", "10.96.7.7", 8443, 40, [], [fx.rs("10.244.9.9", 8443)])]))

test_consistent_node_is_silent if {
	count(orphan_vip.findings) == 0 with input as fx.base
}

test_leftover_address_fires if {
	f := fx.only(orphan_vip.findings) with input as with_leftover_address
	f.node == "node-a"
	f.service == ""
	f.target == "10.96.7.7"
	contains(f.message, "no virtual service uses it")
	f.evidence == [{"file": "nodes/node-a/ip-addr.txt", "line": 40, "text": "    inet 10.96.7.7/32 scope global kube-ipvs0"}]
}

test_leftover_address_with_vs_is_one_finding if {
	f := fx.only(orphan_vip.findings) with input as with_leftover_vs
	f.target == "10.96.7.7"
	contains(f.message, "it is still used by 1 virtual service: 10.96.7.7:8443/TCP")
}

test_vs_on_a_service_ip_with_an_unknown_port if {
	d := fx.with_vss(fx.base, array.concat(fx.base_vss, [fx.vs("TCP", "10.96.100.1", 8080, 40, [], [])]))
	f := fx.only(orphan_vip.findings) with input as d
	f.service == "default/web"
	f.target == "10.96.100.1:8080/TCP"
	contains(f.message, "the Service has no port 8080/TCP")
}

test_unattributed_vs_of_a_service_port_is_not_orphan if {
	d := fx.with_vss(fx.base, [object.union(v, {"services": []}) | some v in fx.base_vss])
	count(orphan_vip.findings) == 0 with input as d
}

test_fwmark_vs_fires if {
	fw := object.union(fx.vs("FWM", "", 0, 40, [], []), {"fwmark": 5})
	d := fx.with_vss(fx.base, array.concat(fx.base_vss, [fw]))
	f := fx.only(orphan_vip.findings) with input as d
	f.target == "FWM/5"
}

test_partial_listing_is_silent if {
	count(orphan_vip.findings) == 0 with input as fx.with_node(with_leftover_vs, {"ipvsComplete": false})
}

test_without_services_is_silent if {
	d := json.patch(with_leftover_address, [{"op": "replace", "path": "/cluster/captures/services/status", "value": "missing"}])
	count(orphan_vip.findings) == 0 with input as d
}
