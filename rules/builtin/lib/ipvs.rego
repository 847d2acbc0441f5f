# METADATA
# title: helpers shared by the ipvs, conntrack, kernel and bundle rules
# description: >-
#   What kube-proxy in IPVS mode should have programmed on a node (behaviours
#   B1, B5-B10, B12 of the spec): the virtual services each Service port needs,
#   the endpoints each virtual service should list, and small formatting helpers.
package ipvslint.lib.ipvs

import data.ipvslint.lib

# --- addresses and formatting ---

# family(ip) is "IPv6" for an IPv6 address and "IPv4" otherwise.
family(ip) := "IPv6" if contains(ip, ":")

else := "IPv4"

# vs_target(vs) is the finding target of a virtual service: IP:PORT/PROTO, or FWM/<mark>.
vs_target(vs) := sprintf("FWM/%d", [vs.fwmark]) if vs.protocol == "FWM"

else := lib.target(vs.ip, vs.port, vs.protocol)

# vs_name(vs) is how a message names a virtual service: 10.96.0.10:80/TCP or fwmark 5.
vs_name(vs) := sprintf("fwmark %d", [vs.fwmark]) if vs.protocol == "FWM"

else := lib.target(vs.ip, vs.port, vs.protocol)

# hostport_ip(s) is the address of "10.0.0.1:80", "[fd00::1]:53" or a bare address.
hostport_ip(s) := trim_prefix(split(s, "]")[0], "[") if startswith(s, "[")

else := split(s, ":")[0] if count(split(s, ":")) == 2

else := s

# counts(x) is the value → count map of a conntrack count object, whether it is
# a plain map or the {counts, other} form of the Go summary.
counts(x) := x.counts if is_object(x.counts)

else := x

# top(m, n) lists the n largest entries of a value → count map as "a (5), b (2)".
top(m, n) := concat(", ", [sprintf("%s (%d)", [e[1], 0 - e[0]]) |
	some e in array.slice(sort([[0 - c, k] | some k, c in m]), 0, n)
])

# plural(n, word) is "1 word" or "n words".
plural(n, word) := sprintf("%d %s", [n, word]) if n == 1

else := sprintf("%d %ss", [n, word])

# join_sorted(s) joins a set of strings with ", " in sorted order.
join_sorted(s) := concat(", ", sort(s))

# --- captures and modes ---

# ipvs_listing_complete(node) is true when the node's ipvsadm capture was read and is a
# full `ipvsadm -Ln` listing (with its header), so an absence in it means something.
ipvs_listing_complete(node) if {
	lib.capture_ok(node, "ipvsadm")
	node.ipvsComplete == true
}

# endpoints_known(svc) is true when the bundle holds the Service's endpoints.
endpoints_known(svc) if {
	lib.endpoints_known(svc)
	lib.cluster_capture_ok(svc.endpointsSource)
}

# other_proxy_mode(node) is true when the node or the kube-proxy config says kube-proxy
# does not run in IPVS mode, so the IPVS table is not kube-proxy's.
other_proxy_mode(node) if {
	object.get(node, "proxyMode", "") != ""
	node.proxyMode != "ipvs"
}

other_proxy_mode(node) if {
	object.get(node, "proxyMode", "") == ""
	input.cluster.kubeProxy.present
	input.cluster.kubeProxy.mode != "ipvs"
}

# ipvs_mode_confirmed(node) is true when the node or the kube-proxy config says IPVS mode.
ipvs_mode_confirmed(node) if node.proxyMode == "ipvs"

ipvs_mode_confirmed(node) if {
	not other_proxy_mode(node)
	input.cluster.kubeProxy.present
	input.cluster.kubeProxy.mode == "ipvs"
}

# uses_ipvs(node) is true when something shows IPVS mode on the node: the proxy mode or
# config says so, or the node has virtual services or kube-ipvs0 addresses.
uses_ipvs(node) if ipvs_mode_confirmed(node)

uses_ipvs(node) if {
	not other_proxy_mode(node)
	count(object.get(node, "virtualServers", {})) > 0
}

uses_ipvs(node) if {
	not other_proxy_mode(node)
	count(object.get(node, "ipvs0", {})) > 0
}

# gate(name) is the value of a kube-proxy feature gate set in its config, null when unset.
gate(name) := object.get(object.get(input.cluster.kubeProxy, "featureGates", {}), name, null)

# --- what kube-proxy binds and serves (B1, B3, B12) ---

# proxied(svc) is true for a Service that kube-proxy programs (not headless, not ExternalName).
proxied(svc) if {
	svc.type in {"ClusterIP", "NodePort", "LoadBalancer"}
	not svc.headless
	count(svc.clusterIPs) > 0
}

# families(svc) is the set of IP families of the Service's cluster IPs.
families(svc) := {family(ip) | some ip in svc.clusterIPs}

# vip_mode(ing) is true when kube-proxy binds this load balancer ingress IP (B3):
# ipMode Proxy is honoured from 1.29 with the LoadBalancerIPMode gate (default on from 1.30).
# It is undefined for ipMode Proxy when the version is unknown.
vip_mode(ing) if object.get(ing, "ipMode", "") != "Proxy"

vip_mode(ing) if {
	ing.ipMode == "Proxy"
	lib.version_below(1, 29)
}

vip_mode(ing) if {
	ing.ipMode == "Proxy"
	lib.version_at_least(1, 29)
	lib.version_below(1, 30)
	gate("LoadBalancerIPMode") != true
}

vip_mode(ing) if {
	ing.ipMode == "Proxy"
	lib.version_at_least(1, 30)
	lib.version_below(1, 32)
	gate("LoadBalancerIPMode") == false
}

# vips(svc) is the set of {ip, role} kube-proxy makes virtual services for and binds on
# kube-ipvs0: cluster IPs, external IPs and ingress IPs of the Service's families.
vips(svc) := ({{"ip": ip, "role": "clusterIP"} | some ip in svc.clusterIPs} | {{"ip": ip, "role": "externalIP"} |
	some ip in svc.externalIPs
	family(ip) in families(svc)
}) | {{"ip": ing.ip, "role": "loadBalancer"} |
	some ing in svc.ingress
	ing.ip != ""
	family(ing.ip) in families(svc)
	vip_mode(ing)
}

# claimed_ips(svc) is every address the Service names: cluster, external and ingress IPs.
claimed_ips(svc) := ({ip | some ip in svc.clusterIPs} | {ip | some ip in svc.externalIPs}) | {ing.ip |
	some ing in svc.ingress
	ing.ip != ""
}

# all_service_ips(svc) is the set of {ip, role} of all the Service's addresses.
all_service_ips(svc) := lib.service_ips(svc) | {{"ip": ip, "role": "clusterIP"} | some ip in svc.clusterIPs}

# ipv6_link_local(ip) is true for fe80::/10, which kube-proxy never uses for NodePorts.
ipv6_link_local(ip) if net.cidr_contains("fe80::/10", ip)

# nodeport_cidrs(fam) are the configured nodePortAddresses entries of family fam.
nodeport_cidrs(fam) := {c |
	some c in object.get(input.cluster.kubeProxy, "nodePortAddresses", [])
	c != "primary"
	family(split(c, "/")[0]) == fam
}

# nodeport_primary is true when nodePortAddresses holds "primary" (the node's own IPs).
nodeport_primary if "primary" in object.get(input.cluster.kubeProxy, "nodePortAddresses", [])

# nodeport_address(node_name, ip) is true when kube-proxy puts NodePort virtual services on
# this node address (B12): every non-loopback address except IPv6 link-local, or only the
# addresses matching nodePortAddresses when it is set.
nodeport_address(node_name, ip) if {
	not ipv6_link_local(ip)
	nodeport_matches(node_name, ip)
}

nodeport_matches(_, ip) if {
	not nodeport_primary
	count(nodeport_cidrs(family(ip))) == 0
}

nodeport_matches(_, ip) if {
	some c in nodeport_cidrs(family(ip))
	net.cidr_contains(c, ip)
}

nodeport_matches(node_name, ip) if {
	nodeport_primary
	some a in input.cluster.nodes[node_name].addresses
	a.type == "InternalIP"
	a.address == ip
}

# absent_targets(node_name, node) is the set of virtual services kube-proxy should have
# made on the node and that the node lacks: {key, service, role, ip, port, protocol,
# evidence} for each Service port and each bound address, plus each NodePort on each
# NodePort address of the node. Only IP families that kube-proxy serves on the node (some
# virtual service of it exists) count.
absent_targets(node_name, node) := vip_targets(node) | nodeport_targets(node_name, node)

# served_families(node) are the IP families of the node's virtual services.
served_families(node) := {family(vs.ip) | some vs in node.virtualServers; vs.protocol != "FWM"}

vip_targets(node) := {t |
	some svc_key, svc in input.cluster.services
	proxied(svc)
	some v in vips(svc)
	family(v.ip) in served_families(node)
	some p in svc.ports
	key := lib.addr_key(p.protocol, v.ip, p.port)
	not node.virtualServers[key]
	t := {
		"key": key, "service": svc_key, "role": v.role,
		"ip": v.ip, "port": p.port, "protocol": p.protocol, "evidence": [lib.evidence(svc)],
	}
}

# nodeport_ips(node_name, node) are the node's addresses that get NodePort virtual services.
nodeport_ips(node_name, node) := {ip |
	some ip, _ in node.addresses
	family(ip) in served_families(node)
	nodeport_address(node_name, ip)
}

nodeport_targets(node_name, node) := {t |
	some svc_key, svc in input.cluster.services
	proxied(svc)
	svc.type in {"NodePort", "LoadBalancer"}
	some p in svc.ports
	p.nodePort > 0
	some ip in nodeport_ips(node_name, node)
	family(ip) in families(svc)
	key := lib.addr_key(p.protocol, ip, p.nodePort)
	not node.virtualServers[key]
	t := {
		"key": key, "service": svc_key, "role": "nodePort",
		"ip": ip, "port": p.nodePort, "protocol": p.protocol,
		"evidence": [lib.evidence(svc), lib.evidence(node.addresses[ip])],
	}
}

# --- which endpoints a virtual service should list (B4-B10) ---

# service_port(svc, role, port, protocol) is the Service port that a virtual service of that
# role at port and protocol serves (port is the NodePort for role nodePort).
service_port(svc, "nodePort", port, protocol) := p if {
	some p in svc.ports
	p.nodePort == port
	p.protocol == protocol
}

service_port(svc, role, port, protocol) := p if {
	role != "nodePort"
	some p in svc.ports
	p.port == port
	p.protocol == protocol
}

# usable(ep) is true for an endpoint kube-proxy may program with weight 1: ready, or
# serving and terminating (used when no ready endpoint is left, B10).
usable(ep) if ep.ready

usable(ep) if {
	ep.serving
	ep.terminating
}

# endpoint_port(ep, sp) is the endpoint's port for Service port sp; undefined when the
# endpoint lists no port of that name.
endpoint_port(ep, sp) := p.port if {
	some p in ep.ports
	p.name == sp.name
	object.get(p, "protocol", sp.protocol) == sp.protocol
}

# endpoint_addr(ep, sp) is [ip, port] of the endpoint for Service port sp, port 0 when the
# endpoint lists no port of that name (a real server at any port of that IP stands for it).
endpoint_addr(ep, sp) := [ep.ip, p] if {
	p := endpoint_port(ep, sp)
} else := [ep.ip, 0]

# usable_endpoints(svc, role, port, protocol) is the set of endpoint_addr of the usable
# endpoints of svc for the Service port of a virtual service of that role at port and
# protocol: a real server [ip, port] is one of them when [ip, port] or [ip, 0] is in it.
# Evaluated once per Service port and role (OPA caches function results), not per
# virtual service.
usable_endpoints(svc, role, port, protocol) := {endpoint_addr(ep, sp) | some ep in svc.endpoints; usable(ep)} if {
	sp := service_port(svc, role, port, protocol)
}

# local_policy(svc, role) is true when only node-local endpoints should serve this role:
# externalTrafficPolicy Local for external roles, internalTrafficPolicy Local (from 1.22,
# or at an unknown version) for the ClusterIP.
local_policy(svc, role) if {
	role != "clusterIP"
	svc.externalTrafficPolicy == "Local"
}

local_policy(svc, "clusterIP") if {
	svc.internalTrafficPolicy == "Local"
	not lib.version_below(1, 22)
}

# topology_aware(svc) is true when topology hints may narrow the endpoints per node (the
# topology annotations, or spec.trafficDistribution); the input does not carry the hints, so the
# expected endpoints are then unknown.
topology_aware(svc) if {
	some k in {"service.kubernetes.io/topology-mode", "service.kubernetes.io/topology-aware-hints"}
	v := lower(object.get(svc.annotations, k, ""))
	not v in {"", "disabled"}
}

topology_aware(svc) if object.get(svc, "trafficDistribution", "") != ""

# terminating_fallback_on is true when kube-proxy uses serving+terminating endpoints
# (ProxyTerminatingEndpoints: alpha 1.22, beta and on 1.26, GA 1.28); terminating_fallback_off
# when it does not. Both are undefined when the version is unknown.
terminating_fallback_on if lib.version_at_least(1, 28)

terminating_fallback_on if {
	lib.version_at_least(1, 26)
	gate("ProxyTerminatingEndpoints") != false
}

terminating_fallback_on if {
	lib.version_at_least(1, 22)
	gate("ProxyTerminatingEndpoints") == true
}

terminating_fallback_off if {
	lib.version_known
	not terminating_fallback_on
}

# ready_ips(svc, fam) are the ready endpoint IPs of family fam.
ready_ips(svc, fam) := {ep.ip | some ep in svc.endpoints; ep.ready; family(ep.ip) == fam}

# ready_local_ips(svc, node_name, fam) are the ready endpoint IPs of family fam on the node.
ready_local_ips(svc, node_name, fam) := {ip | some ip in lib.ready_local_endpoints(svc, node_name); family(ip) == fam}

# local_terminating(svc, node_name) is true when the node has a serving, terminating endpoint.
local_terminating(svc, node_name) if {
	some ep in svc.endpoints
	ep.nodeName == node_name
	ep.serving
	ep.terminating
}

# expected_ready(svc, node_name, role, fam) is the set of ready endpoint IPs (family fam)
# that kube-proxy lists as real servers of a virtual service of that role on the node.
# Undefined when it depends on what the bundle does not say (version, topology hints).
expected_ready(svc, _, role, fam) := ready_ips(svc, fam) if {
	not local_policy(svc, role)
	not topology_aware(svc)
}

expected_ready(svc, node_name, role, fam) := local if {
	local_policy(svc, role)
	local := ready_local_ips(svc, node_name, fam)
	count(local) > 0
}

expected_ready(svc, node_name, role, fam) := fallback if {
	local_policy(svc, role)
	count(ready_local_ips(svc, node_name, fam)) == 0
	fallback := no_local_fallback(svc, node_name, role, fam)
}

# expected_endpoints(svc, node_name, role, fam, port, protocol) is the set of endpoint_addr
# of the ready endpoints that a virtual service of that role, family fam, port and protocol
# on the node should list with weight above 0 (expected_ready). Undefined when the Service
# port or expected_ready is. Evaluated once per Service port, role and family on a node
# (OPA caches function results), not per virtual service.
expected_endpoints(svc, node_name, role, fam, port, protocol) := {endpoint_addr(ep, sp) |
	some ep in svc.endpoints
	ep.ready
	ep.ip in ready
} if {
	sp := service_port(svc, role, port, protocol)
	ready := expected_ready(svc, node_name, role, fam)
}

# no_local_fallback is what a Local-policy virtual service lists when the node has no
# ready local endpoint: a local serving+terminating endpoint when that fallback is on
# (no ready one listed); all cluster endpoints from 1.24 when the Service also uses
# cluster endpoints (PR #97081); nothing before 1.24 or for a ClusterIP-only Service.
no_local_fallback(svc, node_name, _, _) := set() if {
	local_terminating(svc, node_name)
	terminating_fallback_on
}

no_local_fallback(svc, node_name, role, fam) := ready_ips(svc, fam) if {
	not local_terminating_used(svc, node_name)
	lib.version_at_least(1, 24)
	uses_cluster_endpoints(svc, role)
	not topology_aware(svc)
}

no_local_fallback(svc, node_name, role, _) := set() if {
	not local_terminating_used(svc, node_name)
	lib.version_known
	not lib.version_at_least(1, 24)
	uses_cluster_endpoints(svc, role)
}

no_local_fallback(svc, node_name, role, _) := set() if {
	not local_terminating_used(svc, node_name)
	not uses_cluster_endpoints(svc, role)
}

# local_terminating_used is true when a local terminating endpoint is or may be used.
local_terminating_used(svc, node_name) if {
	local_terminating(svc, node_name)
	not terminating_fallback_off
}

# uses_cluster_endpoints mirrors kube-proxy's UsesClusterEndpoints for a Local-policy role:
# external roles always compute them; the ClusterIP with iTP Local only when the Service
# is externally accessible.
uses_cluster_endpoints(_, role) if role != "clusterIP"

uses_cluster_endpoints(svc, "clusterIP") if lib.externally_accessible(svc)

# --- real servers ---

# rs_target(rs, protocol) is the finding target of a real server.
rs_target(rs, protocol) := lib.target(rs.ip, rs.port, protocol)

# --- conntrack destinations ---

# dest_owners(node, k, d) are the {service, role} a conntrack destination d (key k) is an
# address of: from the virtual service of that key, else from the Services (address and
# port, or a node address and NodePort). A virtual service that serves no Service gives
# service "".
dest_owners(node, k, d) := {{"service": s.service, "role": s.role} | some s in node.virtualServers[k].services} if {
	count(node.virtualServers[k].services) > 0
} else := {{"service": "", "role": ""}} if {
	node.virtualServers[k]
} else := service_owners(node, d) if {
	lib.cluster_capture_ok("services")
}

service_owners(node, d) := {{"service": svc_key, "role": v.role} |
	some svc_key, svc in input.cluster.services
	proxied(svc)
	some v in all_service_ips(svc)
	v.ip == d.ip
	some p in svc.ports
	p.port == d.port
	p.protocol == d.protocol
} | {{"service": svc_key, "role": "nodePort"} |
	node.addresses[d.ip]
	some svc_key, svc in input.cluster.services
	some p in svc.ports
	p.nodePort == d.port
	p.protocol == d.protocol
}

# vs_evidence(node, k) is the evidence of the virtual service of key k, [] when none.
vs_evidence(node, k) := [lib.evidence(node.virtualServers[k])] if node.virtualServers[k]

else := []

# --- bundle completeness ---

# capture(node, name) is the node's capture entry, {"status": "missing"} when not listed.
capture(node, name) := object.get(node.captures, name, {"status": "missing"})

# bad_status are the capture states that stop the rules that need the capture.
bad_status := {"missing", "failed", "invalid"}

# rules_needing maps a REQUIRED capture to the built-in rules that cannot run without it.
rules_needing := {
	"ip-addr": [
		"lb-ip-bound-in-cluster", "lb-ip-unserved-port", "lb-ip-local-listener",
		"orphan-vip", "strict-arp-disabled", "vip-not-bound", "vs-missing",
	],
	"ipvsadm": [
		"etp-local-no-endpoints-refused", "etp-local-remote-backends", "itp-local-no-endpoints",
		"missing-real-server", "orphan-vip", "real-server-draining", "stale-real-server",
		"vip-not-bound", "vs-missing", "vs-no-real-servers",
	],
	"conntrack": ["conntrack-near-full", "conntrack-stale-udp", "conntrack-unreplied-vip"],
	"services": [
		"conntrack-stale-udp", "etp-local-no-endpoints-refused", "etp-local-remote-backends",
		"etp-local-upgrade-change", "externalip-local-rejected", "ipmode-proxy-still-bound",
		"itp-local-no-endpoints", "lb-hostname-hairpin", "lb-ip-bound-in-cluster",
		"lb-ip-local-listener", "lb-ip-unserved-port", "lb-ip-host-client-timeout",
		"missing-real-server", "orphan-vip", "source-ip-lost", "stale-real-server",
		"strict-arp-disabled", "vs-missing", "vs-no-real-servers",
	],
}
