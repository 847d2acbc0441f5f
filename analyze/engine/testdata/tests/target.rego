# METADATA
# title: one target per port
# custom:
#   id: target
#   severity: info
package ipvslint.rules.target

import data.ipvslint.lib

findings contains f if {
	some p in input.ports
	f := {"node": "", "service": "", "target": lib.target("10.0.0.1", p, "TCP"), "message": "open", "evidence": []}
}
