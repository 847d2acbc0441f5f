# METADATA
# title: port is open
# description: Flags every port of the input, an error from port 1000 up.
# related_resources:
#   - ref: https://example.com/open-port
#     description: why open ports matter
#   - ref: https://example.com/more
# custom:
#   id: open-port
#   severity: warning
#   behaviour: B1
#   remediation: Close the port.
package ipvslint.rules.open_port

import data.ipvslint.lib

findings contains f if {
	some p in input.ports
	p.port < 1000
	f := {
		"node": p.node,
		"service": "default/web",
		"target": sprintf("10.0.0.1:%d/TCP", [p.port]),
		"message": sprintf("port %d is open", [p.port]),
		"evidence": [lib.evidence(p)],
	}
}

# The same finding again, with the rule's own severity spelt out: the engine
# drops it as an exact duplicate of the one above.
findings contains f if {
	some p in input.ports
	p.port < 1000
	f := {
		"node": p.node,
		"service": "default/web",
		"target": sprintf("10.0.0.1:%d/TCP", [p.port]),
		"message": sprintf("port %d is open", [p.port]),
		"evidence": [lib.evidence(p)],
		"severity": "warning",
	}
}

findings contains f if {
	some p in input.ports
	p.port >= 1000
	f := {
		"node": p.node,
		"service": "default/web",
		"target": sprintf("10.0.0.1:%d/TCP", [p.port]),
		"message": sprintf("port %d is open and high", [p.port]),
		"evidence": [lib.evidence(p)],
		"severity": "error",
		"remediation": "Close the port now.",
		"assumptions": ["the port is TCP; for UDP nothing would change"],
	}
}
