package ipvslint.rules.vip_not_bound_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.ipvs_fixtures_test as ifx
import data.ipvslint.rules.vip_not_bound

unbound_dns := {
	"ip": "10.96.0.10", "service": "kube-system/kube-dns", "roles": ["clusterIP"],
	"virtualServers": [ifx.dns_tcp, ifx.dns_udp],
}

unbound_lb := {"ip": "192.168.1.200", "service": "default/web", "roles": ["loadBalancer"], "virtualServers": [ifx.web_lb]}

with_unbound(entries) := ifx.with_diff("unboundAddresses", entries)

test_consistent_node_is_silent if {
	count(vip_not_bound.findings) == 0 with input as with_unbound([])
}

test_unbound_cluster_ip_fires_once_for_all_ports if {
	f := fx.only(vip_not_bound.findings) with input as with_unbound([unbound_dns])
	f.node == "node-a"
	f.service == "kube-system/kube-dns"
	f.target == "10.96.0.10"
	f.message == "10.96.0.10, the ClusterIP of kube-system/kube-dns, has 2 virtual services on node-a (10.96.0.10:53/TCP, 10.96.0.10:53/UDP) but is not bound on kube-ipvs0. Connections to it from the node and its pods are not taken as local: they follow the routing table and time out."
	f.evidence == [ifx.dns_tcp.evidence, ifx.dns_udp.evidence, ifx.ip_addr_ev]
}

test_unbound_lb_ip_fires if {
	f := fx.only(vip_not_bound.findings) with input as with_unbound([unbound_lb])
	f.target == "192.168.1.200"
	f.message == "192.168.1.200, the load balancer IP of default/web, has 1 virtual service on node-a (192.168.1.200:80/TCP) but is not bound on kube-ipvs0. Connections to it from the node and its pods are not taken as local: they follow the routing table and time out."
}

test_address_in_two_roles_names_both if {
	u := object.union(unbound_lb, {"roles": ["externalIP", "loadBalancer"]})
	f := fx.only(vip_not_bound.findings) with input as with_unbound([u])
	startswith(f.message, "192.168.1.200, the external IP, load balancer IP of default/web, has 1 virtual service")
}

test_no_kube_ipvs0_at_all if {
	d := fx.with_node(with_unbound([unbound_dns, unbound_lb]), "node-a", {"actual": {"addresses": 0}})
	fs := vip_not_bound.findings with input as d
	count(fs) == 2
	every f in fs {
		contains(f.message, "but is not bound on kube-ipvs0 (the node has no kube-ipvs0 address at all: the interface is missing or was flushed). Connections")
	}
}

