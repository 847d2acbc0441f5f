# METADATA
# title: first
# custom:
#   id: same-id
#   severity: info
package ipvslint.rules.first

findings contains "x" if false
