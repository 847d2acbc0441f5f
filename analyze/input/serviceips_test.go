package input

import (
	"fmt"
	"testing"
)

// serviceIPString sums up a load balancer or external IP of a Service on a
// node.
func serviceIPString(x ServiceIP) string {
	bound, node := "null", "null"
	if x.Bound != nil {
		bound = fmt.Sprint(x.Bound.Line)
	}
	if a := x.NodeAddress; a != nil {
		node = fmt.Sprintf("%s %s %d", a.Interface, a.Prefix, a.Evidence.Line)
	}
	var subnets, vss []string
	for _, a := range x.Subnets {
		subnets = append(subnets, fmt.Sprintf("%s %s %d", a.Interface, a.Prefix, a.Evidence.Line))
	}
	for _, v := range x.VirtualServers {
		vss = append(vss, v.Key)
	}
	return fmt.Sprintf("%s %s %s ipMode=%q bound=%s nodeAddress=%s subnets=%q vs=%v service=%d",
		x.Service, x.IP, x.Role, x.IPMode, bound, node, subnets, vss, x.ServiceEvidence.Line)
}

// TestServiceIPs checks node.serviceIPs (policy.go): every load balancer
// ingress IP and external IP of the Services, and what node-a does with it.
func TestServiceIPs(t *testing.T) {
	ingress := func(yaml string) edit {
		return edit{"cluster/services.yaml", "      ingress:\n      - ip: 192.0.2.10\n", "      ingress:\n" + yaml}
	}
	external := func(ips string) edit {
		return edit{"cluster/services.yaml", "    externalTrafficPolicy: Cluster\n", "    externalTrafficPolicy: Cluster\n    externalIPs: " + ips + "\n"}
	}
	address := func(line string) edit {
		return edit{"nodes/node-a/ip-addr.txt", "5: kube-ipvs0:", "4: eth2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000\n" + line + "5: kube-ipvs0:"}
	}
	checkFacts(t, []factCase{
		{name: "load balancer IP in a subnet of the node",
			want: []string{`default/web 192.0.2.10 loadBalancer ipMode="" bound=10 nodeAddress=null subnets=["eth1 192.0.2.1/24 6"] vs=[TCP/192.0.2.10:80] service=4`}},
		{name: "ipMode", edits: []edit{ingress("      - ip: 192.0.2.10\n        ipMode: Proxy\n")},
			want: []string{`default/web 192.0.2.10 loadBalancer ipMode="Proxy" bound=10 nodeAddress=null subnets=["eth1 192.0.2.1/24 6"] vs=[TCP/192.0.2.10:80] service=4`}},
		{name: "a hostname-only ingress is no address", edits: []edit{ingress("      - hostname: web.example.com\n")}},
		{name: "unbound, outside the node's subnets", edits: []edit{ingress("      - ip: 203.0.113.7\n")},
			want: []string{`default/web 203.0.113.7 loadBalancer ipMode="" bound=null nodeAddress=null subnets=[] vs=[] service=4`}},
		{name: "external IP", edits: []edit{ingress(""), external("[198.51.100.7]")},
			want: []string{`default/web 198.51.100.7 externalIP ipMode="" bound=null nodeAddress=null subnets=[] vs=[] service=4`}},
		{name: "both an ingress and an external IP", edits: []edit{external("[192.0.2.10, 192.0.2.10]")},
			want: []string{
				`default/web 192.0.2.10 loadBalancer ipMode="" bound=10 nodeAddress=null subnets=["eth1 192.0.2.1/24 6"] vs=[TCP/192.0.2.10:80] service=4`,
				`default/web 192.0.2.10 externalIP ipMode="" bound=10 nodeAddress=null subnets=["eth1 192.0.2.1/24 6"] vs=[TCP/192.0.2.10:80] service=4`,
			}},
		{name: "the node's own address", edits: []edit{address("    inet 192.0.2.10/24 scope global eth2\n")},
			want: []string{`default/web 192.0.2.10 loadBalancer ipMode="" bound=12 nodeAddress=eth2 192.0.2.10/24 8 subnets=["eth1 192.0.2.1/24 6" "eth2 192.0.2.10/24 8"] vs=[TCP/192.0.2.10:80] service=4`}},
		{name: "a host route is no subnet", edits: []edit{address("    inet 192.0.2.99/32 scope global eth2\n")},
			want: []string{`default/web 192.0.2.10 loadBalancer ipMode="" bound=12 nodeAddress=null subnets=["eth1 192.0.2.1/24 6"] vs=[TCP/192.0.2.10:80] service=4`}},
		{name: "a ClusterIP in a subnet of the node is none", edits: []edit{address("    inet 10.96.0.2/16 scope global eth2\n")},
			want: []string{`default/web 192.0.2.10 loadBalancer ipMode="" bound=12 nodeAddress=null subnets=["eth1 192.0.2.1/24 6"] vs=[TCP/192.0.2.10:80] service=4`}},
		{name: "virtual services of any Service", edits: []edit{{"nodes/node-a/ipvsadm.txt", "UDP  10.96.0.10:53 rr\n", "TCP  192.0.2.10:443 rr\nUDP  10.96.0.10:53 rr\n"}},
			want: []string{`default/web 192.0.2.10 loadBalancer ipMode="" bound=10 nodeAddress=null subnets=["eth1 192.0.2.1/24 6"] vs=[TCP/192.0.2.10:443 TCP/192.0.2.10:80] service=4`}},
		{name: "IPv6", edits: []edit{ingress("      - ip: fd00:0:0:1::10\n"), address("    inet6 fd00:0:0:1::1/64 scope global\n")},
			want: []string{`default/web fd00:0:0:1::10 loadBalancer ipMode="" bound=null nodeAddress=null subnets=["eth2 fd00:0:0:1::1/64 8"] vs=[] service=4`}},
		{name: "without ip addr", edits: []edit{{file: "nodes/node-a/ip-addr.txt"}},
			want: []string{`default/web 192.0.2.10 loadBalancer ipMode="" bound=null nodeAddress=null subnets=[] vs=[TCP/192.0.2.10:80] service=4`}},
		{name: "without the Services", edits: []edit{{file: "cluster/services.yaml"}}},
	}, func(n *Node) []ServiceIP { return n.ServiceIPs }, serviceIPString)
}
