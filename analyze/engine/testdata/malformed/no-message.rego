# METADATA
# title: forgets its message
# custom:
#   id: no-message
#   severity: info
package ipvslint.rules.no_message

findings contains {"node": "a", "service": "", "target": "", "evidence": []}
