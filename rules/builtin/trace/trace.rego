# METADATA
# title: the trace of one connection through a node
# description: >-
#   What `ipvslint trace` concludes from the facts Go gathered about one path
#   (the trace input document ipvslint.trace-input/v1: the client, the
#   destination, the node that handles the packet, the kube-ipvs0 or node
#   address it matched, the virtual service and its real servers, the
#   Service's traffic policy, a local listener, the CNI class, the version and
#   conntrack): the verdict (served, served-without-source-ip,
#   served-by-local-listener, refused, timeout, leaves-node), the steps of the
#   story with their evidence, the behaviours of kube-proxy in IPVS mode it
#   relies on (B1..B15, as the rules cite them in rules/README.md) and what it
#   assumed. It follows the outcome matrix by version, externalTrafficPolicy,
#   client and CNI class (README.md, "Trace one connection"; its rows are the
#   cases of TestMatrix in analyze/trace) and B1, B2, B6-B9, B11 and B15.
#
#   A rule pack loaded with --rules may refine a trace: a module of package
#   ipvslint.trace that adds to the set `refinements` objects {"verdict",
#   "what", "evidence"} replaces the verdict (the worst of them when there are
#   several), says in the reason which one changed it, and adds its step, for a datapath this package does not know (a
#   CNI that masquerades, a load balancer that hairpins...).
package ipvslint.trace

import data.ipvslint.lib

# verdicts are the verdicts of a trace, the worst first.
verdicts := ["timeout", "refused", "served-by-local-listener", "leaves-node", "served-without-source-ip", "served"]

# --- the client and its source address ---

node := input.node

vs := input.virtualServer

svc := input.service

remote_client if input.route != null

# source_case is what the backend would see as the source without NAT: "pod" (a pod IP, in the
# cluster's pod network), "vip" (a host process connecting to an address of its node's kube-ipvs0:
# the route `local VIP dev kube-ipvs0` makes the VIP itself the source, B8), "node" (a host
# process with a node address as source), "external" (a client outside the cluster).
source_case := "vip" if {
	input.from.kind == "host"
	not remote_client
	input.address.kind == "kube-ipvs0"
} else := "node" if input.from.kind == "host"

else := input.from.kind

in_cluster if source_case == "pod"

client_words := sprintf("%s, a pod on %s,", [input.from.ip, input.from.node]) if {
	input.from.kind == "pod"
	input.from.ip != ""
} else := sprintf("A pod on %s", [input.from.node]) if input.from.kind == "pod"

else := sprintf("%s, a host process on %s (or a hostNetwork pod),", [input.from.ip, input.from.node]) if {
	input.from.kind == "host"
	input.from.ip != ""
} else := sprintf("A host process on %s (or a hostNetwork pod)", [input.from.node]) if input.from.kind == "host"

else := sprintf("%s, a client outside the cluster entering through %s,", [input.from.ip, input.from.node]) if input.from.ip != ""

else := sprintf("A client outside the cluster entering through %s", [input.from.node])

source_words := sprintf("its source address is %s itself: the route to an address of kube-ipvs0 is `local %s dev kube-ipvs0`, so the kernel picks that address as source", [input.to.ip, input.to.ip]) if {
	source_case == "vip"
} else := "its source is a node address" if source_case == "node"

else := "its source is the pod's IP" if source_case == "pod"

else := "its source is the client's own address"

client_step := [{
	"what": sprintf("%s connects to %s/%s; %s.", [client_words, lib.addr_port(input.to.ip, input.to.port), input.to.protocol, source_words]),
	"evidence": array.concat(input.from.evidence, input.to.evidence),
}]

route_step := [{
	"what": sprintf("%s is an address of %s, not of %s: the packet leaves %s and is handled on %s.", [input.to.ip, node, input.route.from, input.route.from, node]),
	"evidence": [input.route.evidence],
}] if remote_client

else := []

# --- the destination address ---

owner_words(o) := sprintf("the %s of %s, which %s serves, not kube-proxy", [lib.role_name(o.role), o.service, o.serviceProxyName]) if {
	o.serviceProxyName != null
} else := sprintf("the %s of %s", [lib.role_name(o.role), o.service])

owners_words := concat(", ", [owner_words(o) | some o in input.owners]) if count(input.owners) > 0

else := "an address no Service of the bundle names"

# lb_owned is true when the destination is the load balancer IP of a Service. An external IP has
# no load balancer in front: the network routes it to a node.
lb_owned if {
	some o in input.owners
	o.role == "loadBalancer"
}

address_step := [{
	"what": sprintf("%s (%s) is bound on %s's kube-ipvs0 (B1): the packet is delivered on %s itself%s.", [input.to.ip, owners_words, node, node, never_lb]),
	"evidence": [input.address.evidence | input.address.evidence != null],
}] if {
	input.address.kind == "kube-ipvs0"
	input.state == "captured"
} else := [{
	"what": sprintf("kube-proxy %s binds %s (%s) on %s's kube-ipvs0 (B1): the packet is delivered on %s itself%s.", [version_words, input.to.ip, owners_words, node, node, never_lb]),
	"evidence": [input.address.evidence | input.address.evidence != null],
}] if {
	input.address.kind == "kube-ipvs0"
} else := [{
	"what": sprintf("%s is an address of %s (%s)%s.", [input.to.ip, node, input.address.interface, owner_suffix]),
	"evidence": [input.address.evidence],
}] if input.address.kind == "node"

else := []

# never_lb tells an in-cluster client that kube-ipvs0 keeps its packet from the load balancer; a
# client outside the cluster entering through the node has come through it (or around it) already.
never_lb := ", it never reaches the real load balancer" if {
	lb_owned
	input.from.kind != "external"
}

else := ""

owner_suffix := sprintf(", and %d is the NodePort of %s", [input.to.port, concat(", ", sort({o.service | some o in input.owners; o.role == "nodePort"}))]) if {
	some o in input.owners
	o.role == "nodePort"
} else := ""

version_words := sprintf("%s (what-if: the model, not the capture)", [lib.version_string]) if input.state == "expected"

else := lib.version_string

# --- the outcome ---

# outcome is the path the packet takes, as {verdict, what, evidence, behaviour, reason}: not local,
# no virtual service, rejected by KUBE-IPVS-FILTER, no real server to choose, or the reply path.
outcome := not_local if input.address.kind == "none"

else := unserved if vs == null

else := filtered if externalip_filter_case == "affected"

else := empty if count(usable) == 0

else := replied

# not_local: the address is not the node's (B15 for a ClusterIP, B3 for an unbound load balancer IP).
not_local := {
	"path": "not-local",
	"verdict": "timeout",
	"what": sprintf("%s is the ClusterIP of %s but it is not bound on %s's kube-ipvs0 (B15): the packet is routed out of %s by its default route, and nothing out there answers a ClusterIP.", [input.to.ip, concat(", ", clusterip_owners), node, node]),
	"evidence": [o.evidence | some o in input.owners; o.role == "clusterIP"],
	"behaviour": "B15",
	"reason": sprintf("the ClusterIP %s is not bound on %s's kube-ipvs0", [input.to.ip, node]),
} if {
	count(clusterip_owners) > 0
} else := {
	"path": "not-local",
	"verdict": "leaves-node",
	"what": sprintf("%s is neither bound on %s's kube-ipvs0 nor an address of %s (%s): %s does not intercept the packet, it leaves by the node's routes%s.", [input.to.ip, node, node, owners_words, node, leave_words]),
	"evidence": [o.evidence | some o in input.owners],
	"behaviour": leave_behaviour,
	"reason": sprintf("%s does not intercept %s", [node, input.to.ip]),
}

clusterip_owners := sort({o.service | some o in input.owners; o.role == "clusterIP"})

leave_words := " (to the real load balancer, which forwards it to a NodePort of a node with a backend: trace that NodePort)" if {
	input.from.kind == "external"
	lb_owned
} else := " to the real load balancer, as a client outside the cluster would" if lb_owned

else := ""

leave_behaviour := "B3" if lb_owned

else := ""

# unserved: no virtual service for the port (B2 on kube-ipvs0; a node address is the host's).
unserved := listener_outcome("the node's own stack takes it, and ") if {
	input.address.kind == "node"
	input.listener != null
} else := {
	"path": "unserved",
	"verdict": "refused",
	"what": sprintf("%s has no IPVS virtual service for %s/%s%s, and no process listens on port %d: the node's own stack answers with a TCP reset (or ICMP port unreachable).", [node, lib.addr_port(input.to.ip, input.to.port), input.to.protocol, missing_nodeport, input.to.port]),
	"evidence": ipvsadm_evidence,
	"behaviour": "B12",
	"reason": sprintf("nothing on %s serves %s", [node, lib.addr_port(input.to.ip, input.to.port)]),
} if {
	input.address.kind == "node"
} else := listener_outcome("KUBE-IPVS-FILTER lets the healthCheckNodePort through, and ") if {
	input.healthCheckPort
	input.listener != null
} else := {
	"path": "unserved",
	"verdict": "refused",
	"what": sprintf("%s has no IPVS virtual service for port %d/%s of %s (%s): %s rejects every other port of a kube-ipvs0 address in its KUBE-IPVS-FILTER chain (PR #108460)%s, so the connection is refused.", [node, input.to.port, input.to.protocol, input.to.ip, served_words, filter_words, listener_ignored]),
	"evidence": unserved_evidence,
	"behaviour": "B2",
	"reason": sprintf("KUBE-IPVS-FILTER rejects %s, a port of a kube-ipvs0 address without a virtual service", [lib.addr_port(input.to.ip, input.to.port)]),
} if {
	filter_version
} else := listener_outcome(sprintf("%s has no KUBE-IPVS-FILTER (before 1.26, issue #72236): IPVS ignores the port, the node's own stack takes it, and ", [kube_proxy_before_126])) if {
	input.listener != null
} else := {
	"path": "unserved",
	"verdict": "refused",
	"what": sprintf("%s has no IPVS virtual service for port %d/%s of %s (%s), and %s has no KUBE-IPVS-FILTER (before 1.26): the node's own stack takes the connection and, as nothing listens on port %d, answers with a TCP reset.", [node, input.to.port, input.to.protocol, input.to.ip, served_words, kube_proxy_before_126, input.to.port]),
	"evidence": unserved_evidence,
	"behaviour": "B2",
	"reason": sprintf("%s is a port of a kube-ipvs0 address without a virtual service, and nothing on %s listens on it", [lib.addr_port(input.to.ip, input.to.port), node]),
}

unserved_evidence := array.concat(ipvsadm_evidence, [o.evidence | some o in input.owners])

# ipvsadm_evidence is the node's ipvsadm listing as a whole, which lacks the port.
ipvsadm_evidence := [input.ipvsadm] if {
	input.state == "captured"
	input.ipvsadm != null
} else := []

missing_nodeport := sprintf(" (kube-proxy has not programmed the NodePort of %s there: see vs-missing)", [concat(", ", sort({o.service | some o in input.owners; o.role == "nodePort"}))]) if {
	some o in input.owners
	o.role == "nodePort"
} else := ""

served_words := sprintf("it serves %s there", [concat(", ", input.address.served)]) if count(input.address.served) > 0

else := "it serves no port there"

# filter_version is true when KUBE-IPVS-FILTER exists: from 1.26, or assumed when the version is unknown.
filter_version if lib.version_at_least(1, 26)

filter_version if not lib.version_known

filter_words := sprintf("kube-proxy %s", [lib.version_string]) if lib.version_known

else := "kube-proxy (1.26 and later, assumed)"

kube_proxy_before_126 := sprintf("kube-proxy %s", [lib.version_string])

listener_ignored := sprintf(" even though %s listens on it", [process_words(input.listener)]) if input.listener != null

else := ""

listener_outcome(lead) := {
	"path": "unserved",
	"verdict": "served-by-local-listener",
	"what": sprintf("No IPVS virtual service serves port %d/%s of %s on %s: %s%s answers it (%s), not a backend of a Service.", [input.to.port, input.to.protocol, input.to.ip, node, lead, process_words(input.listener), listen_words(input.listener)]),
	"evidence": [lib.evidence(input.listener)],
	"behaviour": "B2",
	"reason": sprintf("%s on %s answers %s", [process_words(input.listener), node, lib.addr_port(input.to.ip, input.to.port)]),
}

process_words(l) := sprintf("a local process (%s)", [l.process]) if l.process != ""

else := "a local process"

listen_words(l) := sprintf("it listens on %s", [lib.addr_port(l.ip, l.port)]) if l.wildcard == ""

else := sprintf("it listens on every %s address, port %d", [wildcard_family[l.wildcard], l.port])

wildcard_family := {"v4": "IPv4", "v6": "IPv6", "any": "IPv4 and IPv6"}

# externalip_filter_case is lib.externalip_filter_case for an external IP of an eTP=Local
# Service, undefined otherwise. "affected" rejects the connection, "maybe" assumes the fix and says
# so; "unknown" (no version) does neither.
externalip_filter_case := lib.externalip_filter_case if externalip_local

externalip_local if {
	svc.role == "externalIP"
	svc.externalTrafficPolicy == "Local"
}

filtered := {
	"path": "filtered",
	"verdict": "refused",
	"what": sprintf("kube-proxy %s rejects it anyway: its KUBE-IPVS-FILTER chain lacks KUBE-EXTERNAL-IP-LOCAL, so connections to an external IP of an externalTrafficPolicy Local Service are refused (issues #121909, #124260; fixed by PR #121919 in 1.30.0).", [lib.version_string]),
	"evidence": [svc.evidence],
	"behaviour": "B2",
	"reason": "KUBE-IPVS-FILTER of this version rejects external IPs of externalTrafficPolicy Local Services",
}

# --- the virtual service and its real servers ---

usable := [rs | some rs in vs.realServers; rs.weight > 0]

draining := [rs | some rs in vs.realServers; rs.weight == 0]

vs_step := [{
	"what": sprintf("IPVS virtual service %s takes it: the %s port %d/%s of %s.", [vs_words, lib.role_name(svc.role), svc.port.port, svc.port.protocol, svc.service]),
	"evidence": [vs.evidence],
}] if {
	vs != null
	input.state == "captured"
} else := [{
	"what": sprintf("kube-proxy %s programs the IPVS virtual service %s for the %s port %d/%s of %s.", [version_words, vs_words, lib.role_name(svc.role), svc.port.port, svc.port.protocol, svc.service]),
	"evidence": [svc.evidence],
}] if vs != null

else := []

vs_words := sprintf("%s %s (%s)", [vs.protocol, lib.addr_port(vs.ip, vs.port), vs.scheduler]) if vs.scheduler != ""

else := sprintf("%s %s", [vs.protocol, lib.addr_port(vs.ip, vs.port)])

rs_step := [{
	"what": sprintf("It may choose %s: %s.%s%s", [lib.plural(count(usable), "real server"), concat(", ", [rs_words(rs) | some rs in usable]), fallback_words, draining_words]),
	"evidence": [rs.evidence | some rs in vs.realServers; rs.evidence != null],
}] if {
	vs != null
	count(usable) > 0
	outcome.path == "replied"
} else := []

rs_words(rs) := sprintf("%s (%s)", [lib.addr_port(rs.ip, rs.port), rs_where(rs)])

rs_where(rs) := "hostNetwork, on this node" if {
	rs.local
	rs.hostNetwork
} else := "on this node" if rs.local

else := sprintf("hostNetwork, on %s", [rs.nodeName]) if {
	rs.hostNetwork
	rs.nodeName != ""
} else := sprintf("on %s", [rs.nodeName]) if rs.nodeName != ""

else := "not an endpoint of the Service" if not rs.endpoint

else := "on another node"

# fallback is true when kube-proxy lists endpoints of other nodes for an externalTrafficPolicy
# Local Service because the node has none (from 1.24, PR #97081, B7).
fallback if {
	svc.role in lib.external_roles
	svc.externalTrafficPolicy == "Local"
	svc.localReady == 0
	some rs in usable
	not rs.local
}

fallback_words := sprintf(" %s has no ready endpoint of %s (externalTrafficPolicy: Local), so kube-proxy %s falls back to the endpoints of other nodes (PR #97081, B7).", [node, svc.service, lib.version_string]) if fallback

else := ""

draining_words := sprintf(" %s with weight 0 take no new connection (draining, B10).", [lib.plural(count(draining), "real server")]) if count(draining) > 0

else := ""

# empty: a virtual service with no real server to choose: IPVS answers ICMP port unreachable.
empty := {
	"path": "empty",
	"verdict": "refused",
	"what": sprintf("The virtual service has %s: %s IPVS finds no destination and answers ICMP port unreachable (ip_vs_leave), so the connection is refused.", [rs_count_words, empty_why]),
	"evidence": [svc.evidence],
	"behaviour": empty_behaviour,
	"reason": sprintf("the virtual service %s has no real server to choose (%s)", [lib.addr_port(vs.ip, vs.port), empty_reason]),
}

rs_count_words := "no real server" if count(vs.realServers) == 0

else := sprintf("only real servers with weight 0 (%s, draining)", [concat(", ", [lib.addr_port(rs.ip, rs.port) | some rs in draining])])

empty_case := "etp-local" if {
	svc.role in lib.external_roles
	svc.externalTrafficPolicy == "Local"
	svc.localReady == 0
	svc.readyEndpoints > 0
} else := "itp-local" if {
	svc.role == "clusterIP"
	svc.internalTrafficPolicy == "Local"
	svc.localReady == 0
	svc.readyEndpoints > 0
} else := "no-endpoints" if {
	svc.endpointsKnown
	svc.readyEndpoints == 0
} else := "draining" if count(draining) > 0

else := "other"

empty_why := sprintf("%s has no ready endpoint of %s (externalTrafficPolicy: Local; its ready endpoints are on %s), and kube-proxy %s lists only local endpoints there (B6).", [node, svc.service, concat(", ", svc.readyNodes), kube_proxy_before_124]) if {
	empty_case == "etp-local"
} else := sprintf("%s has no ready endpoint of %s (internalTrafficPolicy: Local; its ready endpoints are on %s), so kube-proxy lists none on the ClusterIP (B9).", [node, svc.service, concat(", ", svc.readyNodes)]) if {
	empty_case == "itp-local"
} else := sprintf("%s has no ready endpoint anywhere (B10).", [svc.service]) if {
	empty_case == "no-endpoints"
} else := "every real server is draining (B10)." if empty_case == "draining"

else := "kube-proxy lists none although the Service has ready endpoints: it is not in sync (B10)."

empty_reason := {
	"etp-local": "externalTrafficPolicy Local without a local endpoint, before 1.24",
	"itp-local": "internalTrafficPolicy Local without a local endpoint",
	"no-endpoints": "no ready endpoint",
	"draining": "all draining",
	"other": "kube-proxy out of sync",
}[empty_case]

empty_behaviour := {"etp-local": "B6", "itp-local": "B9", "no-endpoints": "B10", "draining": "B10", "other": "B10"}[empty_case]

kube_proxy_before_124 := sprintf("%s (before 1.24)", [lib.version_string]) if lib.version_below(1, 24)

else := lib.version_string

# --- the reply path ---

# kp_masq is why kube-proxy marks the connection for masquerade, when it does (B4, B11).
kp_masq := "With externalTrafficPolicy Cluster, kube-proxy marks traffic to the NodePort, load balancer and external IPs for masquerade (KUBE-MARK-MASQ, B4)." if {
	svc.role in lib.external_roles
	svc.externalTrafficPolicy != "Local"
} else := "kube-proxy runs with masqueradeAll: it masquerades every connection to a ClusterIP (B11)." if {
	svc.role == "clusterIP"
	input.cluster.masqueradeAll
} else := sprintf("The source is outside the cluster CIDR %s, so kube-proxy masquerades it on the ClusterIP path (B11).", [input.cluster.clusterCIDR]) if {
	svc.role == "clusterIP"
	input.cluster.clusterCIDR != ""
	not in_cluster
} else := "The source is the ClusterIP itself, which kube-proxy masquerades (KUBE-CLUSTER-IP src,dst, B11)." if {
	svc.role == "clusterIP"
	input.cluster.clusterCIDR == ""
	source_case == "vip"
} else := "The pod reaches itself through the Service: kube-proxy masquerades the hairpin (KUBE-LOOP-BACK, B11)." if {
	input.from.ip != ""
	some rs in usable
	rs.ip == input.from.ip
}

no_masq_words := "With externalTrafficPolicy Local, kube-proxy does not masquerade it: KUBE-NODE-PORT-LOCAL and KUBE-LOAD-BALANCER-LOCAL return before the mark (B5, B7)." if {
	svc.role in lib.external_roles
} else := sprintf("The source is in the cluster CIDR %s, so kube-proxy does not masquerade it (B11).", [input.cluster.clusterCIDR]) if {
	input.cluster.clusterCIDR != ""
} else := "kube-proxy does not masquerade it: no clusterCIDR is set, and only a source that is a Service address is masqueraded (B11)."

# kp_behaviour is the behaviour of kube-proxy's masquerade on the path.
kp_behaviour := "B4" if svc.role in lib.external_roles

else := "B11"

# rs_case(rs) is how the reply of a connection sent to rs comes back.
rs_case(rs) := "kube-proxy-snat" if kp_masq

else := "local" if rs.local

else := "cni-snat" if {
	input.cluster.cni.class == "overlay"
	not in_cluster
	not rs.hostNetwork
} else := "pod-here" if {
	source_case == "pod"
	not remote_client
} else := "node-here" if {
	source_case == "node"
	not remote_client
} else := "vip-source" if source_case == "vip"

else := "remote-pod" if source_case == "pod"

else := "direct"

case_verdict := {
	"kube-proxy-snat": "served-without-source-ip", "cni-snat": "served-without-source-ip",
	"local": "served", "pod-here": "served", "node-here": "served",
	"vip-source": "timeout", "remote-pod": "timeout", "direct": "timeout",
}

case_behaviour := {
	"kube-proxy-snat": "B4", "cni-snat": "B8", "local": local_behaviour, "pod-here": "B8", "node-here": "B8",
	"vip-source": "B8", "remote-pod": "B8", "direct": "B8",
}

# local_behaviour is B5 for the local endpoint of an externalTrafficPolicy Local Service.
local_behaviour := "B5" if {
	svc.role in lib.external_roles
	svc.externalTrafficPolicy == "Local"
} else := ""

cases := {rs_case(rs) | some rs in usable}

# worst_case is the case of the worst verdict among the real servers.
worst_case := sort([[i, c] |
	some c in cases
	some i, v in verdicts
	v == case_verdict[c]
])[0][1]

replied := {
	"path": "replied",
	"verdict": case_verdict[worst_case],
	"what": case_what(worst_case),
	"evidence": [],
	"behaviour": object.union(case_behaviour, {"kube-proxy-snat": kp_behaviour})[worst_case],
	"reason": case_reason[worst_case],
}

masq_step := [{"what": kp_masq, "evidence": []}] if {
	outcome.path == "replied"
	kp_masq
} else := [{"what": no_masq_words, "evidence": []}] if {
	outcome.path == "replied"
} else := []

rs_of(c) := [rs | some rs in usable; rs_case(rs) == c]

case_what("kube-proxy-snat") := sprintf("The backend sees %s's address and replies to %s, which undoes both translations: the connection works, without the client's source address.", [node, node])

case_what("local") := sprintf("The real server is on %s, so its reply comes back through %s, which undoes the DNAT: the connection works and the backend sees %s.", [node, node, seen_source])

case_what("cni-snat") := sprintf("flannel masquerades traffic from outside the pod network to pods on other nodes (`! -s cluster -d cluster MASQUERADE`, B8): the backend sees %s's flannel address and replies to it, so the connection works without the client's source address.", [node])

case_what("pod-here") := sprintf("The backend replies to the pod's IP, which routes back to %s, where the DNAT is undone: the connection works and the backend sees the pod IP (B8 path 5).", [node])

case_what("node-here") := sprintf("The backend replies to %s's address, so the reply comes back to %s: the connection works (B8 path 3).", [node, node])

case_what("vip-source") := sprintf("The backend on %s replies to %s, which is bound on every node's kube-ipvs0, its own included: the reply is delivered there and never comes back, so the connection times out (B8 path 4; PR #97081).", [rs_nodes("vip-source"), input.to.ip])

case_what("remote-pod") := sprintf("The backend on %s replies straight to the pod on %s, around %s: the pod drops a reply from an address it did not connect to, so the connection times out (asymmetric path, B8 path 6; issue #74383).", [rs_nodes("remote-pod"), input.route.from, node])

case_what("direct") := sprintf("%s, not through %s: the client drops a reply from an address it did not connect to, so the connection times out (B8 path 1).", [direct_words, node])

direct_words := sprintf("The hostNetwork backend on %s replies to the client from its own node's IP", [rs_nodes("direct")]) if {
	some rs in rs_of("direct")
	rs.hostNetwork
} else := sprintf("The backend pod on %s replies straight to the client from its pod IP (the VPC routes it)", [rs_nodes("direct")])

rs_nodes(c) := concat(", ", sort({n | some rs in rs_of(c); n := node_of(rs)}))

node_of(rs) := rs.nodeName if rs.nodeName != ""

else := "another node"

seen_source := input.from.ip if {
	source_case in {"pod", "external", "node"}
	input.from.ip != ""
} else := "the client's address" if source_case in {"pod", "external"}

else := input.to.ip if source_case == "vip"

else := "the node's address"

case_reason := {
	"kube-proxy-snat": "kube-proxy masquerades it, the reply comes back through the node",
	"cni-snat": "flannel masquerades it on its way to a pod on another node",
	"local": "the backend is on the node, the reply comes back through it",
	"pod-here": "the reply to the pod IP comes back through its node",
	"node-here": "the reply to the node address comes back to the node",
	"vip-source": "the source is the load balancer IP itself and the reply is delivered on the backend's node",
	"remote-pod": "the reply goes straight to the pod, around the node that translated it",
	"direct": "the backend replies straight to the client, around the node that translated it",
}

mixed_step := [{
	"what": sprintf("Connections that IPVS sends to %s fare better (%s); the verdict is that of the worst real server.", [concat(", ", [lib.addr_port(rs.ip, rs.port) | some rs in usable; rs_case(rs) != worst_case]), concat(", ", sort({case_verdict[c] | some c in cases; c != worst_case}))]),
	"evidence": [],
}] if {
	outcome.path == "replied"
	count({case_verdict[c] | some c in cases}) > 1
} else := []

# --- conntrack and the expected state ---

conntrack_step := [{
	"what": sprintf("conntrack on %s shows %s to %s%s: %d unreplied, %d masqueraded, %d ended on the node itself (no DNAT).", [node, lib.plural(input.conntrack.flows, "flow"), lib.addr_port(input.to.ip, input.to.port), from_local_words, input.conntrack.unreplied, input.conntrack.snat, input.conntrack.noDNAT]),
	"evidence": array.slice(array.concat(input.conntrack.unrepliedSamples, [s | some s in input.conntrack.samples; not s in input.conntrack.unrepliedSamples]), 0, 3),
}] if {
	input.state == "captured"
	input.conntrack != null
} else := []

from_local_words := sprintf(" (%d from host processes of the node)", [input.conntrack.fromLocal]) if input.conntrack.fromLocal > 0

else := ""

drift_step := [{
	"what": sprintf("kube-proxy %s would list %s here, the capture lists %s: kube-proxy on %s is not in sync (ipvslint analyze tells more); the trace follows the capture.", [lib.version_string, addr_list(input.expected.realServers), addr_list(usable), node]),
	"evidence": [],
}] if {
	input.state == "captured"
	vs != null
	input.expected != null
	input.expected.known
	{lib.addr_port(rs.ip, rs.port) | some rs in input.expected.realServers} != {lib.addr_port(rs.ip, rs.port) | some rs in usable}
} else := []

addr_list(rss) := concat(", ", sort([lib.addr_port(rs.ip, rs.port) | some rs in rss])) if count(rss) > 0

else := "no real server"

health_check_step := [{
	"what": sprintf("The load balancer's health check on healthCheckNodePort %d normally keeps external traffic away from %s, which has no ready endpoint; this is what happens when it arrives anyway.", [svc.healthCheckNodePort, node]),
	"evidence": [],
}] if {
	input.from.kind == "external"
	svc.role in {"loadBalancer", "nodePort"}
	svc.externalTrafficPolicy == "Local"
	svc.localReady == 0
	svc.healthCheckNodePort != 0
} else := []

# --- refinements by a user's pack ---

# refinements are added by modules of package ipvslint.trace in a user's rule pack:
# {"verdict": one of verdicts, "what": a sentence, "evidence": [{file, line, text}]}.
refinements contains r if {
	some r in set()
}

# refined are the refinements by rank of verdict, the worst first; a verdict that is none of
# verdicts comes first, and ipvslint refuses it.
refined := sort([[rank(r.verdict), r.verdict, r.what] | some r in refinements])

rank(v) := i if {
	some i, x in verdicts
	x == v
} else := -1

verdict := refined[0][1] if count(refined) > 0

else := outcome.verdict

# reason says why the verdict is what it is: the built-in outcome's reason, or, when a refinement
# changed the verdict, which one did and from what.
reason := sprintf("a loaded rule pack refined %s to %s: %s", [outcome.verdict, verdict, refined[0][2]]) if {
	verdict != outcome.verdict
} else := outcome.reason

refinement_steps := [{"what": r.what, "evidence": object.get(r, "evidence", [])} | some r in refinements]

# --- assumptions ---

assumptions := [a | some part in [version_assumptions, cni_assumptions, externalip_assumptions, refinement_assumptions]; some a in part]

version_assumptions := ["The Kubernetes version is unknown; assumed 1.26 or later, where KUBE-IPVS-FILTER refuses a port of a kube-ipvs0 address without a virtual service. Before 1.26 the node's own stack would take the connection: refused, or answered by a local process listening on that port."] if {
	not lib.version_known
	outcome.path == "unserved"
	input.address.kind == "kube-ipvs0"
} else := []

cni_assumptions := ["The CNI is unknown; assumed it routes pod IPs without SNAT (a VPC CNI). With an overlay that masquerades (flannel --ip-masq) the connection would work, without the client's source address (--cni flannel to see it)."] if {
	outcome.path == "replied"
	input.cluster.cni.class == "unknown"
	some rs in usable
	rs_case(rs) in {"direct", "vip-source"}
	not rs.hostNetwork
} else := []

externalip_assumptions := [sprintf("kube-proxy %s may carry the fix of the KUBE-IPVS-FILTER regression for external IPs of externalTrafficPolicy Local Services (PR #121928 for 1.28, PR #122323 for 1.29); assumed it does. Without it the connection is refused.", [lib.version_string])] if {
	externalip_filter_case == "maybe"
	outcome.path == "replied"
} else := []

refinement_assumptions := ["A rule of a loaded rule pack refined this trace (package ipvslint.trace, refinements)."] if count(refinements) > 0

else := []

# --- the result ---

outcome_step := [{"what": outcome.what, "evidence": outcome.evidence}]

steps := [s |
	some part in [
		client_step, route_step, address_step, vs_step, rs_step, masq_step, health_check_step,
		outcome_step, mixed_step, conntrack_step, drift_step, refinement_steps,
	]
	some s in part
]

behaviours := sort(({b |
	some b in array.concat([outcome.behaviour], [b1 | input.address.kind == "kube-ipvs0"; b1 := "B1"])
	b != ""
} | fallback_behaviour))

fallback_behaviour := {"B7"} if {
	fallback
	outcome.path == "replied"
} else := set()

# result is what `ipvslint trace` prints.
result := {
	"verdict": verdict,
	"reason": reason,
	"steps": steps,
	"assumptions": assumptions,
	"behaviours": behaviours,
}
