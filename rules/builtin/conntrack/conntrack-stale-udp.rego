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

findings contains f if {
	lib.cluster_capture_ok("services")
	some node_name
	some d in input.nodes[node_name].traffic.staleUDP
	lib.capture_ok(node_name, "conntrack")
	n := sum([c | some c in d.stale])
	f := {
		"node": node_name,
		"service": d.owner.service,
		"target": lib.target(d.ip, d.port, d.protocol),
		"message": sprintf(
			"%s to %s (%s of %s) on %s %s answered by %s, which %s no longer a ready endpoint of the Service. Clients pinned to these entries get no answer until they expire; kube-proxy deletes the UDP conntrack entries of removed endpoints, and these were not deleted.",
			[
				lib.plural(n, "UDP flow"), lib.addr_port(d.ip, d.port),
				lib.role_name(d.owner.role), d.owner.service, node_name, verb(n),
				lib.top(d.stale, 5), verb(count(d.stale)),
			],
		),
		"evidence": array.concat(d.virtualServer, d.samples),
	}
}

verb(1) := "is"

verb(n) := "are" if n != 1
