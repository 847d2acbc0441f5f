# METADATA
# title: second
# custom:
#   id: same-id
#   severity: info
package ipvslint.rules.second

findings contains "x" if false
