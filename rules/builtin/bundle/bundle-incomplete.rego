# METADATA
# title: required capture missing or unusable
# description: >-
#   A capture the bundle format marks REQUIRED (ip addr, ipvsadm -Ln and
#   conntrack -L on each node; the Services of the cluster) is missing, holds
#   the command's error instead of its output, is empty (all but conntrack,
#   whose table can be empty), or could not be read. The rules
#   that need it stay silent, so the report says less than it could. A partial
#   ipvsadm listing (no header, filtered with grep) or an ip addr capture that
#   lacks addresses of kube-ipvs0 (grep'd lines, another interface's) is
#   reported too, since the rules that conclude from an absence in it do not run.
# related_resources:
#   - ref: https://github.com/ipvslint/ipvslint/blob/main/docs/input.md
#     description: the captures the rules read
# custom:
#   id: bundle-incomplete
#   severity: info
#   behaviour: "-"
#   remediation: >-
#     Collect the bundle again with ipvslint collect-script on the node, as root
#     and in the host network namespace, with ipvsadm and conntrack installed;
#     or paste the full output of the missing commands.
package ipvslint.rules.bundle_incomplete

import data.ipvslint.lib

node_required := ["ip-addr", "ipvsadm", "conntrack"]

# unusable(name, c) is true when the capture c of that name stops the rules
# that need it. An empty ip addr, ipvsadm -Ln or Service list cannot come from
# a command that worked (ip addr always prints lo, ipvsadm -Ln its header);
# an empty conntrack table can.
unusable(_, c) if c.status in {"missing", "failed", "invalid"}

unusable(name, c) if {
	c.status == "empty"
	name != "conntrack"
}

# absence_rules are the rules that do not run on a partial ipvsadm listing.
absence_rules := ["missing-real-server", "orphan-vip", "vs-missing", "vs-no-real-servers"]

# address_absence_rules are the rules that do not run on an ip addr capture without all of
# kube-ipvs0 (vs-missing still checks the Service addresses, not the NodePorts).
address_absence_rules := ["vip-not-bound"]

findings contains f if {
	some node_name
	input.nodes[node_name].name
	problems := [[name, c] |
		some name in node_required
		c := capture(node_name, name)
		unusable(name, c)
	]
	partial := array.concat(partial_listing(node_name), partial_addresses(node_name))
	count(problems) + count(partial) > 0
	stopped := ({r |
		some [name, _] in problems
		some r in lib.rules_needing[name]
	} | stopped_by(partial_listing(node_name), absence_rules)) | stopped_by(partial_addresses(node_name), address_absence_rules)
	f := {
		"node": node_name,
		"service": "",
		"target": "",
		"message": sprintf("On %s, %s. Rules that could not run there: %s.", [
			node_name,
			concat("; ", array.concat([describe(c, name) | some [name, c] in problems], partial)),
			lib.join_sorted(stopped),
		]),
		"evidence": [evidence(c) | some [_, c] in problems; has_file(c)],
	}
}

findings contains f if {
	c := object.get(input.cluster.captures, "services", {"status": "missing"})
	unusable("services", c)
	f := {
		"node": "",
		"service": "",
		"target": "",
		"message": sprintf("%s. Rules that could not run: %s.", [
			describe(c, "services"),
			lib.join_sorted({r | some r in lib.rules_needing.services}),
		]),
		"evidence": [evidence(c) | has_file(c)],
	}
}

partial_listing(node_name) := ["the ipvsadm listing is partial (no `ipvsadm -Ln` header, or filtered)"] if {
	capture(node_name, "ipvsadm").status == "ok"
	input.nodes[node_name].ipvsComplete != true
} else := []

# stopped_by(notes, rules) is the set of rules when a partial capture has notes, else empty.
stopped_by(notes, rules) := {r | count(notes) > 0; some r in rules}

# partial_addresses(node_name) notes an ip addr capture that was read but lacks addresses of
# kube-ipvs0. (One that shows kube-ipvs0 only stops no rule: it is not noted.)
partial_addresses(node_name) := ["the ip addr capture is partial (grep'd address lines, or not every interface), so NodePorts and unbound addresses were not checked"] if {
	capture(node_name, "ip-addr").status == "ok"
	input.nodes[node_name].ipvs0Complete != true
} else := []

# capture(node_name, name) is the node's capture entry, {"status": "missing"} when not listed.
capture(node_name, name) := object.get(input.nodes[node_name].captures, name, {"status": "missing"})

file_of(c, name) := c.file if {
	c.file != ""
} else := name

describe(c, name) := sprintf("%s is missing", [file_of(c, name)]) if c.status == "missing"

describe(c, name) := sprintf("%s is empty", [file_of(c, name)]) if c.status == "empty"

describe(c, name) := sprintf("%s holds a command failure instead of output%s", [file_of(c, name), detail(c)]) if c.status == "failed"

describe(c, name) := sprintf("%s could not be read as %s output%s", [file_of(c, name), name, detail(c)]) if c.status == "invalid"

detail(c) := sprintf(" (%s)", [c.detail]) if {
	object.get(c, "detail", "") != ""
} else := ""

# has_file(c) is true for a capture that exists as a file: a missing one has
# no line to cite.
has_file(c) if object.get(c, "file", "") != ""

evidence(c) := {"file": object.get(c, "file", ""), "line": object.get(c, "line", 0), "text": object.get(c, "detail", "")}
