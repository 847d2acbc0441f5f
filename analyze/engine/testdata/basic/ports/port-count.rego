# METADATA
# title: number of ports
# description: Says how many ports the input lists.
# custom:
#   id: port-count
#   severity: info
#   behaviour: "-"
#   remediation: Nothing to do.
package ipvslint.rules.port_count

findings contains {
	"node": "",
	"service": "",
	"target": "",
	"message": sprintf("%d ports", [count(input.ports)]),
	"evidence": [],
}
