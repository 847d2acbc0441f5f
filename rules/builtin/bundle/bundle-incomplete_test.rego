package ipvslint.rules.bundle_incomplete_test

import data.ipvslint.lib.ipvs_fixtures_test as fx
import data.ipvslint.rules.bundle_incomplete

test_complete_bundle_is_silent if {
	count(bundle_incomplete.findings) == 0 with input as fx.base
}

test_missing_conntrack_fires if {
	f := fx.only(bundle_incomplete.findings) with input as fx.with_capture(fx.base, "conntrack", "missing")
	f.node == "node-a"
	f.service == ""
	f.target == ""
	f.message == "On node-a, nodes/node-a/conntrack.txt is missing. Rules that could not run there: conntrack-near-full, conntrack-stale-udp, conntrack-unreplied-vip."
}

test_failed_ipvsadm_quotes_the_error if {
	d := json.patch(fx.base, [{"op": "replace", "path": "/nodes/node-a/captures/ipvsadm", "value": {
		"status": "failed", "file": "nodes/node-a/ipvsadm.txt", "line": 1,
		"detail": "Can't initialize ipvs: Protocol not available",
	}}])
	f := fx.only(bundle_incomplete.findings) with input as d
	contains(f.message, "nodes/node-a/ipvsadm.txt holds a command failure instead of output (Can't initialize ipvs: Protocol not available)")
	contains(f.message, "vs-no-real-servers")
	f.evidence == [{"file": "nodes/node-a/ipvsadm.txt", "line": 1, "text": "Can't initialize ipvs: Protocol not available"}]
}

test_several_problems_are_one_finding if {
	d := fx.with_capture(fx.with_capture(fx.base, "ip-addr", "invalid"), "conntrack", "missing")
	f := fx.only(bundle_incomplete.findings) with input as d
	contains(f.message, "nodes/node-a/ip-addr.txt could not be read as ip-addr output; nodes/node-a/conntrack.txt is missing")
	contains(f.message, "strict-arp-disabled")
}

test_unlisted_capture_counts_as_missing if {
	d := json.patch(fx.base, [{"op": "remove", "path": "/nodes/node-a/captures/conntrack"}])
	f := fx.only(bundle_incomplete.findings) with input as d
	contains(f.message, "conntrack is missing")
}

# An empty conntrack table can come from a working command.
test_empty_conntrack_is_not_incomplete if {
	count(bundle_incomplete.findings) == 0 with input as fx.with_capture(fx.base, "conntrack", "empty")
}

# An empty ipvsadm -Ln cannot: ipvsadm always prints its header.
test_empty_ipvsadm_is_incomplete if {
	f := fx.only(bundle_incomplete.findings) with input as fx.with_capture(fx.base, "ipvsadm", "empty")
	contains(f.message, "nodes/node-a/ipvsadm.txt is empty")
}

test_empty_services_is_cluster_wide if {
	d := json.patch(fx.base, [{"op": "replace", "path": "/cluster/captures/services/status", "value": "empty"}])
	f := fx.only(bundle_incomplete.findings) with input as d
	startswith(f.message, "cluster/services.yaml is empty.")
}

test_optional_capture_is_not_incomplete if {
	count(bundle_incomplete.findings) == 0 with input as fx.with_capture(fx.base, "sysctl", "missing")
}

test_partial_listing_is_reported if {
	f := fx.only(bundle_incomplete.findings) with input as fx.with_node(fx.base, {"ipvsComplete": false})
	f.message == "On node-a, the ipvsadm listing is partial (no `ipvsadm -Ln` header, or filtered). Rules that could not run there: missing-real-server, orphan-vip, vs-missing, vs-no-real-servers."
}

test_missing_services_is_cluster_wide if {
	d := json.patch(fx.base, [{"op": "replace", "path": "/cluster/captures/services/status", "value": "missing"}])
	f := fx.only(bundle_incomplete.findings) with input as d
	f.node == ""
	startswith(f.message, "cluster/services.yaml is missing. Rules that could not run: conntrack-stale-udp,")
}
