# METADATA
# title: a rule whose findings name no known client
# custom:
#   id: bad-client
#   severity: warning
#   client: laptop
package ipvslint.rules.bad_client

findings contains f if {
	false
	f := {}
}
