# METADATA
# title: differences only
# description: Reads the model of each node and nothing of its inventory.
# custom:
#   id: diff-only
#   severity: info
#   behaviour: "-"
#   remediation: Nothing to do.
package ipvslint.rules.diff_only

findings contains f if {
	some node_name
	n := count(input.nodes[node_name].diff.missingVirtualServers)
	f := {"node": node_name, "service": "", "target": "", "message": sprintf("%d missing", [n]), "evidence": []}
}
