# METADATA
# title: takes forever
# custom:
#   id: slow
#   severity: info
package ipvslint.rules.slow

findings contains f if {
	n := count([x | some x in numbers.range(1, 100000000); x % 7 == 0])
	f := {"node": "", "service": "", "target": "", "message": sprintf("%d", [n]), "evidence": []}
}
