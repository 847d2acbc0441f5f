# METADATA
# title: every virtual service
# description: One finding per virtual service of the inventory, to check that the inventory holds them all.
# custom:
#   id: every-vs
#   severity: info
#   behaviour: "-"
#   remediation: Nothing to do.
package ipvslint.rules.every_vs

findings contains f if {
	some node_name
	some key, vs in input.nodes[node_name].virtualServers
	f := {
		"node": node_name, "service": "", "target": key,
		"message": sprintf("%d real servers", [count(vs.realServers)]),
		"evidence": [{"file": vs.file, "line": vs.line, "text": vs.text}],
	}
}
