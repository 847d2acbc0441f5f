# METADATA
# title: udp flows answered by a former endpoint
# description: >-
#   conntrack holds UDP flows to a Service address whose reply comes from an
#   address that is no longer a ready (or terminating but serving) endpoint of
#   the Service. Clients that keep sending from the same source port (DNS
#   resolvers do) stay pinned to the departed backend until the entry expires,
#   and get no answer: the stale DNS case. kube-proxy deletes the UDP conntrack
#   entries of removed endpoints on each sync; these were not deleted.
# related_resources:
#   - ref: https://github.com/kubernetes/kubernetes/blob/v1.28.0/pkg/proxy/conntrack/cleanup.go
#     description: kube-proxy deletes UDP conntrack entries of removed endpoints
#   - ref: https://github.com/kubernetes/kubernetes/issues/76664
#     description: UDP traffic black-holed after an endpoint change in IPVS mode
# custom:
#   id: conntrack-stale-udp
#   severity: warning
#   behaviour: B14
#   remediation: >-
#     Delete the stale entries on the node (`conntrack -D -p udp --orig-dst VIP
#     --reply-src OLD_IP`), then find why kube-proxy did not: read its log, and
#     for older kube-proxy images check that the conntrack binary is present.
package ipvslint.rules.conntrack_stale_udp

import data.ipvslint.lib
import data.ipvslint.lib.ipvs

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name, node in input.nodes
	lib.capture_ok(node, "conntrack")
	some k, d in node.conntrack.dests
	d.protocol == "UDP"
	some o in ipvs.dest_owners(node, k, d)
	o.service != ""
	svc := input.cluster.services[o.service]
	ipvs.endpoints_known(svc)
	stale := {ip: n |
		some b, _ in ipvs.counts(d.backends)
		ip := ipvs.hostport_ip(b)
		ip != d.ip
		not current(svc, ip)
		n := sum([c | some b2, c in ipvs.counts(d.backends); ipvs.hostport_ip(b2) == ip])
	}
	count(stale) > 0
	f := {
		"node": node_name,
		"service": o.service,
		"target": lib.target(d.ip, d.port, d.protocol),
		"message": sprintf(
			"%s to %s (%s of %s) on %s %s answered by %s, which %s no longer a ready endpoint of the Service. Clients pinned to these entries get no answer until they expire; kube-proxy deletes the UDP conntrack entries of removed endpoints, and these were not deleted.",
			[
				ipvs.plural(sum([n | some n in stale]), "UDP flow"), lib.addr_port(d.ip, d.port),
				lib.role_name(o.role), o.service, node_name, verb(sum([n | some n in stale])),
				ipvs.top(stale, 5), verb(count(stale)),
			],
		),
		"evidence": array.concat(ipvs.vs_evidence(node, k), samples(d, object.keys(stale))),
	}
}

current(svc, ip) if {
	some ep in svc.endpoints
	ep.ip == ip
	ipvs.usable(ep)
}

verb(1) := "is"

verb(n) := "are" if n != 1

# samples are the sample flows whose reply comes from a stale address, else all samples.
samples(d, ips) := s if {
	s := [x |
		some x in object.get(d, "samples", [])
		some ip in ips
		contains(x.text, sprintf("src=%s ", [ip]))
	]
	count(s) > 0
} else := [x | some x in object.get(d, "samples", [])]
