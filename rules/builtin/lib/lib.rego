# METADATA
# title: helpers shared by the built-in rules
# description: Version checks, targets and evidence built from the input document.
package ipvslint.lib

# version_known is true when the bundle (or --k8s-version) says the cluster version.
version_known if input.cluster.version.known

# version_at_least(major, minor) is true when the known version is at least major.minor.
version_at_least(major, minor) if {
	version_known
	v := input.cluster.version
	[v.major, v.minor] >= [major, minor]
}

# version_below(major, minor) is true when the known version is below major.minor.
version_below(major, minor) if {
	version_known
	v := input.cluster.version
	[v.major, v.minor] < [major, minor]
}

# version_string is the version as the bundle gave it, or "unknown".
default version_string := "unknown"

version_string := input.cluster.version.value if version_known

# target(ip, port, protocol) formats an IP:PORT/PROTO target, with IPv6 in brackets.
target(ip, port, protocol) := sprintf("[%s]:%d/%s", [ip, port, protocol]) if contains(ip, ":")

target(ip, port, protocol) := sprintf("%s:%d/%s", [ip, port, protocol]) if not contains(ip, ":")

# evidence(x) is the evidence entry {file, line, text} of an input object that carries them.
evidence(x) := {"file": x.file, "line": x.line, "text": object.get(x, "text", "")}

# capture_ok(node, name) is true when the node's capture of that name was read.
capture_ok(node, name) if node.captures[name].status == "ok"

# cluster_capture_ok(name) is true when the cluster capture of that name was read.
cluster_capture_ok(name) if input.cluster.captures[name].status == "ok"

# external_policy_local(svc) is true for a Service with externalTrafficPolicy Local.
external_policy_local(svc) if svc.externalTrafficPolicy == "Local"

# ready_local_endpoints(svc, node_name) is the set of ready endpoint IPs of svc on node_name.
ready_local_endpoints(svc, node_name) := {ep.ip |
	some ep in svc.endpoints
	ep.nodeName == node_name
	ep.ready
}

# vs_for(node, svc_key, role) is the set of virtual service keys on node that serve svc_key in role.
vs_for(node, svc_key, role) := {r.key |
	some r in node.virtualServersByService[svc_key]
	r.role == role
}

# version_at_least_patch(major, minor, patch) is true when the known version is at least major.minor.patch.
version_at_least_patch(major, minor, patch) if {
	version_known
	v := input.cluster.version
	[v.major, v.minor, v.patch] >= [major, minor, patch]
}

# addr_key(protocol, ip, port) is the key of a virtual service or conntrack destination: TCP/10.96.0.1:443, TCP/[fd00::1]:443.
addr_key(protocol, ip, port) := sprintf("%s/[%s]:%d", [protocol, ip, port]) if contains(ip, ":")

else := sprintf("%s/%s:%d", [protocol, ip, port])

# addr_port(ip, port) formats IP:PORT, with IPv6 in brackets.
addr_port(ip, port) := sprintf("[%s]:%d", [ip, port]) if contains(ip, ":")

addr_port(ip, port) := sprintf("%s:%d", [ip, port]) if not contains(ip, ":")

# vs_target(vs) is the finding target of a virtual service.
vs_target(vs) := target(vs.ip, vs.port, vs.protocol)

# port_list(pairs) formats a set or list of [port, protocol] pairs, sorted by port: "80/TCP, 443/TCP".
port_list(pairs) := concat(", ", [sprintf("%d/%s", [p[0], p[1]]) | some p in sort(pairs)])

# service_ips(svc) is the set of {ip, role} of the addresses kube-proxy binds for svc besides the
# ClusterIP: each status.loadBalancer.ingress[].ip (role loadBalancer, whatever its ipMode) and each
# spec.externalIPs entry (role externalIP).
service_ips(svc) := {{"ip": ing.ip, "role": "loadBalancer"} | some ing in svc.ingress; ing.ip != ""} | {{"ip": ip, "role": "externalIP"} | some ip in svc.externalIPs}

# role_name(role) is how a message names an address of that role.
role_name(role) := {
	"loadBalancer": "load balancer IP",
	"externalIP": "external IP",
	"clusterIP": "ClusterIP",
	"nodePort": "NodePort",
}[role]

# externally_accessible(svc) is true when svc has a NodePort, a load balancer IP or an external IP
# (kube-proxy's ExternallyAccessible).
externally_accessible(svc) if {
	some p in svc.ports
	p.nodePort != 0
}

externally_accessible(svc) if {
	some ing in svc.ingress
	ing.ip != ""
}

externally_accessible(svc) if count(svc.externalIPs) > 0

# endpoints_known(svc) is true when the bundle holds the Service's endpoints (EndpointSlices or Endpoints).
endpoints_known(svc) if svc.endpointsSource != ""

# ready_endpoint_nodes(svc) is the set of node names that hold a ready endpoint of svc.
ready_endpoint_nodes(svc) := {ep.nodeName | some ep in svc.endpoints; ep.ready}

# ready_remote_endpoints(svc, node_name) is the set of ready endpoints of svc that are not on node_name.
ready_remote_endpoints(svc, node_name) := {ep |
	some ep in svc.endpoints
	ep.ready
	ep.nodeName != node_name
}

# external_roles are the virtual service roles that externalTrafficPolicy governs.
external_roles := {"nodePort", "loadBalancer", "externalIP"}

# node_vs(node, svc_key, roles) is the set of virtual services on node that serve svc_key in one of roles.
node_vs(node, svc_key, roles) := {node.virtualServers[r.key] |
	some r in node.virtualServersByService[svc_key]
	r.role in roles
}

# vs_role(vs, svc_key) is the role in which vs serves svc_key.
vs_role(vs, svc_key) := [s.role | some s in vs.services; s.service == svc_key][0]

# remote_real_servers(vs) is the list of real servers of vs that are not on the node.
remote_real_servers(vs) := [rs | some rs in vs.realServers; not rs.local]

# host_network_backends(vs) is true when a remote real server of vs is a hostNetwork endpoint.
host_network_backends(vs) if {
	some rs in remote_real_servers(vs)
	rs.endpoint.hostNetwork
}

# rs_list(rss) formats real servers as "10.244.2.5:8080 (node-b), ...".
rs_list(rss) := concat(", ", sort([sprintf("%s%s", [addr_port(rs.ip, rs.port), rs_node(rs)]) | some rs in rss]))

rs_node(rs) := sprintf(" on %s", [rs.endpoint.nodeName]) if rs.endpoint.nodeName != ""

else := ""

# count_of(counts, key) reads a per-key count of a conntrack summary, 0 when absent.
count_of(counts, key) := object.get(counts, ["counts", key], 0) if is_object(counts.counts)

else := object.get(counts, key, 0)

# finding(base, severity, assumptions) adds the optional severity override and assumptions to a finding.
finding(base, severity, assumptions) := object.union(base, object.union(
	{k: severity | k := "severity"; severity != ""},
	{k: assumptions | k := "assumptions"; count(assumptions) > 0},
))

# service_ip_owners(ip) is the set of {service, role} whose load balancer or external IP is ip.
service_ip_owners(ip) := {{"service": key, "role": x.role} |
	some key, svc in input.cluster.services
	some x in service_ips(svc)
	x.ip == ip
}

# served_ports(node, ip) is the set of [port, protocol] pairs that have a virtual service on node for ip.
served_ports(node, ip) := {[vs.port, vs.protocol] | some vs in vss_on(node, ip)}

# vss_on(node, ip) is the list of the virtual services on node for ip, in key order.
vss_on(node, ip) := [node.virtualServers[k] | some k in node.virtualServersByIP[ip]]

# unserved_port_uses is the set of evidence that clients use a port of a load balancer or external
# IP bound on a node's kube-ipvs0 that has no virtual service there (B2): conntrack flows to it that
# ended on the node (source "conntrack"), or an --expect entry (source "expect"). Each is
# {node, ip, protocol, port, source, count, provesStack, evidence}. Addresses that are also the
# node's own address on another interface are left out of the conntrack source: flows to the node's
# own services are expected there. Services' healthCheckNodePorts are left out: KUBE-IPVS-FILTER
# allows them, and the load balancer's health check is meant to reach kube-proxy there.
# provesStack is true when some of the flows show kube-proxy before 1.26: from 1.26
# KUBE-IPVS-FILTER rejects them in filter/INPUT, so only the unreplied SYNs of the node's own
# clients (confirmed in OUTPUT before the reject) are recorded; a replied flow or one from another
# client is not possible there.
unserved_port_uses contains u if {
	cluster_capture_ok("services")
	some node_name, node in input.nodes
	capture_ok(node, "ip-addr")
	capture_ok(node, "ipvsadm")
	capture_ok(node, "conntrack")
	some d in node.conntrack.dests
	d.protocol in {"TCP", "UDP", "SCTP"}
	d.noDNAT > 0
	node.ipvs0[d.ip]
	not node.addresses[d.ip]
	count(service_ip_owners(d.ip)) > 0
	not node.virtualServers[addr_key(d.protocol, d.ip, d.port)]
	not d.port in health_check_node_ports
	u := {
		"node": node_name, "ip": d.ip, "protocol": d.protocol, "port": d.port,
		"source": "conntrack", "count": d.noDNAT, "provesStack": proves_stack(d),
		"evidence": [evidence(s) | some s in d.samples],
	}
}

unserved_port_uses contains u if {
	cluster_capture_ok("services")
	some e in input.options.expect
	some node_name, node in input.nodes
	capture_ok(node, "ip-addr")
	capture_ok(node, "ipvsadm")
	node.ipvs0[e.ip]
	count(service_ip_owners(e.ip)) > 0
	not node.virtualServers[addr_key(e.protocol, e.ip, e.port)]
	not e.port in health_check_node_ports
	u := {
		"node": node_name, "ip": e.ip, "protocol": e.protocol, "port": e.port,
		"source": "expect", "count": 0, "provesStack": false, "evidence": [],
	}
}

# proves_stack(d) is true when a conntrack destination has flows other than unreplied ones from
# the node's own addresses (see unserved_port_uses).
proves_stack(d) if d.noDNAT > d.fromLocalUnreplied

default proves_stack(_) := false

# health_check_node_ports is the set of every Service's healthCheckNodePort.
health_check_node_ports := {s.healthCheckNodePort | some s in input.cluster.services; s.healthCheckNodePort != 0}

# unserved_ports is the set of {node, ip, protocol, port} that unserved_port_uses names.
unserved_ports := {{"node": u.node, "ip": u.ip, "protocol": u.protocol, "port": u.port} | some u in unserved_port_uses}

# unserved_uses(p) is the list of unserved_port_uses of one entry of unserved_ports, conntrack first.
unserved_uses(p) := [u |
	some source in ["conntrack", "expect"]
	some u in unserved_port_uses
	u.source == source
	{"node": u.node, "ip": u.ip, "protocol": u.protocol, "port": u.port} == p
]

# local_listener(node, ip, protocol, port) is the first ss-listen socket on node that takes
# connections to ip:port: bound to ip, else bound to the wildcard of its family or of any family.
local_listener(node, ip, protocol, port) := ls[0] if {
	ls := [l |
		some l in node.listeners
		upper(l.protocol) == protocol
		l.port == port
		l.ip == ip
	]
	count(ls) > 0
} else := ls[0] if {
	ls := [l |
		some l in node.listeners
		upper(l.protocol) == protocol
		l.port == port
		l.wildcard in wildcards(ip)
	]
	count(ls) > 0
}

wildcards(ip) := {"any", "v6"} if contains(ip, ":")

else := {"any", "v4"}
