# METADATA
# title: fetches something
# custom:
#   id: fetch
#   severity: info
package ipvslint.rules.fetch

findings contains f if {
	resp := http.send({"method": "GET", "url": "https://example.com"})
	f := {"node": "", "service": "", "target": "", "message": resp.body, "evidence": []}
}
