# METADATA
# title: helpers shared by the built-in rules
# description: >-
#   Version checks, capture checks, targets, evidence and wording built from the
#   input document (docs/input.md). They read a node's facts through
#   input.nodes[node_name], never a whole node: the inventory of a node is then
#   not built for the built-in rules (docs/rules.md, "Pay for what you read").
package ipvslint.lib

# --- the cluster version ---

# version_known is true when the bundle (or --k8s-version) says the cluster version.
version_known if input.cluster.version.known

# version_at_least(major, minor) is true when the known version is at least major.minor.
version_at_least(major, minor) if {
	version_known
	[input.cluster.version.major, input.cluster.version.minor] >= [major, minor]
}

# version_below(major, minor) is true when the known version is below major.minor.
version_below(major, minor) if {
	version_known
	[input.cluster.version.major, input.cluster.version.minor] < [major, minor]
}

# version_at_least_patch(major, minor, patch) is true when the known version is at least major.minor.patch.
version_at_least_patch(major, minor, patch) if {
	version_known
	[input.cluster.version.major, input.cluster.version.minor, input.cluster.version.patch] >= [major, minor, patch]
}

# externalip_filter_case tells whether KUBE-IPVS-FILTER of the cluster's kube-proxy rejects the
# external IPs of externalTrafficPolicy Local Services (kubernetes#121909: KUBE-EXTERNAL-IP-LOCAL
# missing from the chain): "affected" for 1.26.x, 1.27.x, 1.28.0 and 1.29.0; "maybe" for later
# 1.28 and 1.29 patch releases (the fix, PR #121919 in 1.30.0, was cherry-picked to both as
# PR #121928 and PR #122323; which patch release first carries it is not verified); "unknown"
# without a version; undefined before 1.26 and from 1.30.
externalip_filter_case := "maybe" if {
	version_at_least(1, 28)
	version_below(1, 30)
	input.cluster.version.patch > 0
} else := "affected" if {
	version_at_least(1, 26)
	version_below(1, 30)
} else := "unknown" if not version_known

# version_string is the version as the bundle gave it, or "unknown".
default version_string := "unknown"

version_string := input.cluster.version.value if version_known

# kube_proxy_words(since) names kube-proxy by the known version and since, the versions the
# sentence holds for: "kube-proxy v1.23.4 (before 1.24)", or "kube-proxy before 1.24" without a
# version.
kube_proxy_words(since) := sprintf("kube-proxy %s (%s)", [version_string, since]) if version_known

else := sprintf("kube-proxy %s", [since])

# kube_proxy_fallback_words names kube-proxy that falls back to the endpoints of other nodes for an
# externalTrafficPolicy Local virtual service without a local endpoint (from 1.24, PR #97081).
kube_proxy_fallback_words := kube_proxy_words("1.24 or later, PR #97081") if version_known

else := "kube-proxy 1.24 and later (PR #97081)"

# --- captures and proxy mode ---

# capture_ok(node_name, name) is true when the node's capture of that name was read.
capture_ok(node_name, name) if input.nodes[node_name].captures[name].status == "ok"

# cluster_capture_ok(name) is true when the cluster capture of that name was read.
cluster_capture_ok(name) if input.cluster.captures[name].status == "ok"

# capture_evidence(node_name, name) is the evidence of a whole node capture: its file, no line text.
capture_evidence(node_name, name) := {
	"file": input.nodes[node_name].captures[name].file,
	"line": input.nodes[node_name].captures[name].line,
	"text": "",
}

# ipvs_listing_complete(node_name) is true when the node's ipvsadm capture was read and is a
# full `ipvsadm -Ln` listing (with its header), so an absence in it means something.
ipvs_listing_complete(node_name) if {
	capture_ok(node_name, "ipvsadm")
	input.nodes[node_name].ipvsComplete == true
}

# other_proxy_mode(node_name) is true when the node or the kube-proxy config says kube-proxy
# does not run in IPVS mode, so the IPVS table is not kube-proxy's.
other_proxy_mode(node_name) if {
	input.nodes[node_name].proxyMode != ""
	input.nodes[node_name].proxyMode != "ipvs"
}

other_proxy_mode(node_name) if {
	input.nodes[node_name].proxyMode == ""
	input.cluster.kubeProxy.present
	input.cluster.kubeProxy.mode != "ipvs"
}

# ipvs_mode_confirmed(node_name) is true when the node or the kube-proxy config says IPVS mode.
ipvs_mode_confirmed(node_name) if input.nodes[node_name].proxyMode == "ipvs"

ipvs_mode_confirmed(node_name) if {
	not other_proxy_mode(node_name)
	input.cluster.kubeProxy.present
	input.cluster.kubeProxy.mode == "ipvs"
}

# uses_ipvs(node_name) is true when something shows IPVS mode on the node: the proxy mode or
# config says so, or the node has virtual services or kube-ipvs0 addresses.
uses_ipvs(node_name) if ipvs_mode_confirmed(node_name)

uses_ipvs(node_name) if {
	not other_proxy_mode(node_name)
	input.nodes[node_name].actual.virtualServers > 0
}

uses_ipvs(node_name) if {
	not other_proxy_mode(node_name)
	input.nodes[node_name].actual.addresses > 0
}

# --- Services ---

# service(key) is the summary of a Service the model lists: one with a load balancer or external
# IP (input.cluster.loadBalancers), or with a Local traffic policy (input.cluster.localPolicies).
service(key) := s if {
	s := input.cluster.loadBalancers[key]
} else := input.cluster.localPolicies[key]

# role_name(role) is how a message names an address of that role.
role_name(role) := {
	"loadBalancer": "load balancer IP",
	"externalIP": "external IP",
	"clusterIP": "ClusterIP",
	"nodePort": "NodePort",
}[role]

# external_roles are the virtual service roles that externalTrafficPolicy governs.
external_roles := {"nodePort", "loadBalancer", "externalIP"}

# fallback_vss are the virtual services that kube-proxy 1.24 and later (PR #97081) gives the
# endpoints of other nodes only, as {"node", "service", "svc" (its summary in
# input.cluster.localPolicies), "vs", "remote"}: a NodePort, load balancer
# IP or external IP of an externalTrafficPolicy Local Service on a node without a ready endpoint
# of it (a gap of the node's localPolicy), every real server of which is on another node.
fallback_vss contains x if {
	cluster_capture_ok("services")
	not version_below(1, 24)
	some node_name
	some gap in input.nodes[node_name].localPolicy
	capture_ok(node_name, "ipvsadm")
	svc := input.cluster.localPolicies[gap.service]
	svc.externalTrafficPolicy == "Local"
	some vs in gap.virtualServers
	vs.role in external_roles
	remote := [rs | some rs in vs.realServers; not rs.local]
	count(remote) > 0
	count(remote) == count(vs.realServers)
	x := {"node": node_name, "service": gap.service, "svc": svc, "vs": vs, "remote": remote}
}

# --- targets and wording ---

# target(ip, port, protocol) formats an IP:PORT/PROTO target, with IPv6 in brackets.
target(ip, port, protocol) := sprintf("[%s]:%d/%s", [ip, port, protocol]) if contains(ip, ":")

else := sprintf("%s:%d/%s", [ip, port, protocol])

# addr_port(ip, port) formats IP:PORT, with IPv6 in brackets.
addr_port(ip, port) := sprintf("[%s]:%d", [ip, port]) if contains(ip, ":")

else := sprintf("%s:%d", [ip, port])

# vs_target(vs) is the finding target of a virtual service (a VSRef): IP:PORT/PROTO, or FWM/<mark>.
vs_target(vs) := sprintf("FWM/%d", [vs.fwmark]) if vs.protocol == "FWM"

else := target(vs.ip, vs.port, vs.protocol)

# vs_name(vs) is how a message names a virtual service: 10.96.0.10:80/TCP or fwmark 5.
vs_name(vs) := sprintf("fwmark %d", [vs.fwmark]) if vs.protocol == "FWM"

else := target(vs.ip, vs.port, vs.protocol)

# port_list(pairs) formats a set or list of [port, protocol] pairs, sorted by port: "80/TCP, 443/TCP".
port_list(pairs) := concat(", ", [sprintf("%d/%s", [p[0], p[1]]) | some p in sort(pairs)])

# served_ports(vss) is the set of [port, protocol] pairs of a list of VSRefs.
served_ports(vss) := {[vs.port, vs.protocol] | some vs in vss}

# rs_list(rss) formats real servers (RSRefs) as "10.244.2.5:8080 on node-b, ...".
rs_list(rss) := concat(", ", sort([rs_name(rs) | some rs in rss]))

# rs_name(rs) names a real server (an RSRef): "10.244.2.5:8080 on node-b", or its address alone
# when its node is not known.
rs_name(rs) := sprintf("%s on %s", [addr_port(rs.ip, rs.port), rs.nodeName]) if rs.nodeName != ""

else := addr_port(rs.ip, rs.port)

# plural(n, word) is "1 word" or "n words".
plural(n, word) := sprintf("%d %s", [n, word]) if n == 1

else := sprintf("%d %ss", [n, word])

# join_sorted(s) joins a set of strings with ", " in sorted order.
join_sorted(s) := concat(", ", sort(s))

# some_of(names, total, n) joins the first n of names (an array) with ", " and says how many of
# the total it leaves out: "node-a, node-b and 3 more".
some_of(names, total, n) := concat(", ", array.slice(names, 0, n)) if total <= n

else := sprintf("%s and %d more", [concat(", ", array.slice(names, 0, n)), total - n])

# top(m, n) lists the n largest entries of a value → count map as "a (5), b (2)".
top(m, n) := concat(", ", [sprintf("%s (%d)", [e[1], 0 - e[0]]) |
	some e in array.slice(sort([[0 - c, k] | some k, c in m]), 0, n)
])


# evidence(x) is the evidence entry {file, line, text} of an input object that carries them.
evidence(x) := {"file": x.file, "line": x.line, "text": object.get(x, "text", "")}

# finding(base, severity, assumptions) adds the optional severity override and assumptions to a finding.
finding(base, severity, assumptions) := object.union(base, object.union(
	{k: severity | k := "severity"; severity != ""},
	{k: assumptions | k := "assumptions"; count(assumptions) > 0},
))

# --- bundle completeness ---

# rules_needing maps a REQUIRED capture to the built-in rules that cannot run without it: every
# finding of each checks the capture was read, or reads a diff list that analyze/input fills only
# from it (rules/rules_test.go TestRulesNeeding holds it to the rules).
rules_needing := {
	"ip-addr": [
		"externalip-local-rejected", "lb-ip-bound-in-cluster", "lb-ip-local-listener",
		"lb-ip-unserved-port", "orphan-vip", "strict-arp-disabled", "vip-not-bound",
	],
	"ipvsadm": [
		"etp-local-no-endpoints-refused", "etp-local-remote-backends", "itp-local-no-endpoints",
		"lb-ip-host-client-timeout", "lb-ip-local-listener", "lb-ip-unserved-port",
		"missing-real-server", "orphan-vip", "real-server-draining", "source-ip-lost",
		"stale-real-server", "vip-not-bound", "vs-missing", "vs-no-real-servers",
	],
	"conntrack": ["conntrack-near-full", "conntrack-stale-udp", "conntrack-unreplied-vip"],
	"services": [
		"conntrack-stale-udp", "etp-local-no-endpoints-refused", "etp-local-remote-backends",
		"etp-local-upgrade-change", "externalip-local-rejected", "ipmode-proxy-still-bound",
		"itp-local-no-endpoints", "lb-hostname-hairpin", "lb-ip-bound-in-cluster",
		"lb-ip-host-client-timeout", "lb-ip-local-listener", "lb-ip-unserved-port",
		"missing-real-server", "orphan-vip", "source-ip-lost", "stale-real-server",
		"strict-arp-disabled", "vs-missing", "vs-no-real-servers",
	],
}
