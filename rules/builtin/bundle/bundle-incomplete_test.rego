package ipvslint.rules.bundle_incomplete_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.lib.ipvs_fixtures_test as ifx
import data.ipvslint.rules.bundle_incomplete

base := ifx.doc({"node-a": {}})

test_complete_bundle_is_silent if {
	count(bundle_incomplete.findings) == 0 with input as base
}

test_missing_conntrack_fires if {
	f := fx.only(bundle_incomplete.findings) with input as fx.with_capture(base, "node-a", "conntrack", "missing")
	f.node == "node-a"
	f.service == ""
	f.target == ""
	f.message == "On node-a, nodes/node-a/conntrack.txt is missing. Rules that could not run there: conntrack-near-full, conntrack-stale-udp, conntrack-unreplied-vip."
	f.evidence == [{"file": "nodes/node-a/conntrack.txt", "line": 1, "text": ""}]
}

test_failed_ipvsadm_quotes_the_error if {
	d := json.patch(base, [{"op": "replace", "path": "/nodes/node-a/captures/ipvsadm", "value": {
		"status": "failed", "file": "nodes/node-a/ipvsadm.txt", "line": 1,
		"detail": "Can't initialize ipvs: Protocol not available",
	}}])
	f := fx.only(bundle_incomplete.findings) with input as d
	f.message == "On node-a, nodes/node-a/ipvsadm.txt holds a command failure instead of output (Can't initialize ipvs: Protocol not available). Rules that could not run there: etp-local-no-endpoints-refused, etp-local-remote-backends, itp-local-no-endpoints, lb-ip-host-client-timeout, lb-ip-local-listener, lb-ip-unserved-port, missing-real-server, orphan-vip, real-server-draining, source-ip-lost, stale-real-server, vip-not-bound, vs-missing, vs-no-real-servers."
	f.evidence == [{"file": "nodes/node-a/ipvsadm.txt", "line": 1, "text": "Can't initialize ipvs: Protocol not available"}]
}

test_several_problems_are_one_finding if {
	d := fx.with_capture(fx.with_capture(base, "node-a", "ip-addr", "invalid"), "node-a", "conntrack", "missing")
	f := fx.only(bundle_incomplete.findings) with input as d
	f.message == "On node-a, nodes/node-a/ip-addr.txt could not be read as ip-addr output; nodes/node-a/conntrack.txt is missing. Rules that could not run there: conntrack-near-full, conntrack-stale-udp, conntrack-unreplied-vip, externalip-local-rejected, lb-ip-bound-in-cluster, lb-ip-local-listener, lb-ip-unserved-port, orphan-vip, strict-arp-disabled, vip-not-bound."
}

test_unlisted_capture_counts_as_missing if {
	d := json.patch(base, [{"op": "remove", "path": "/nodes/node-a/captures/conntrack"}])
	f := fx.only(bundle_incomplete.findings) with input as d
	startswith(f.message, "On node-a, conntrack is missing.")
	f.evidence == []
}

# An empty conntrack table can come from a working command.
test_empty_conntrack_is_not_incomplete if {
	count(bundle_incomplete.findings) == 0 with input as fx.with_capture(base, "node-a", "conntrack", "empty")
}

# An empty ipvsadm -Ln cannot: ipvsadm always prints its header.
test_empty_ipvsadm_is_incomplete if {
	f := fx.only(bundle_incomplete.findings) with input as fx.with_capture(base, "node-a", "ipvsadm", "empty")
	startswith(f.message, "On node-a, nodes/node-a/ipvsadm.txt is empty. Rules that could not run there:")
}

test_optional_capture_is_not_incomplete if {
	count(bundle_incomplete.findings) == 0 with input as fx.with_capture(base, "node-a", "sysctl", "missing")
}

test_partial_listing_is_reported if {
	f := fx.only(bundle_incomplete.findings) with input as fx.with_node(base, "node-a", {"ipvsComplete": false})
	f.message == "On node-a, the ipvsadm listing is partial (no `ipvsadm -Ln` header, or filtered). Rules that could not run there: missing-real-server, orphan-vip, vs-missing, vs-no-real-servers."
	f.evidence == []
}

grepd := {"addressesComplete": false, "ipvs0Complete": false}

test_partial_ip_addr_is_reported if {
	f := fx.only(bundle_incomplete.findings) with input as fx.with_node(base, "node-a", grepd)
	f.message == "On node-a, the ip addr capture is partial (grep'd address lines, or not every interface), so NodePorts and unbound addresses were not checked. Rules that could not run there: vip-not-bound."
	f.evidence == []
}

# ip addr show kube-ipvs0 stops no rule: vs-missing only leaves the NodePorts out.
test_kube_ipvs0_alone_is_not_reported if {
	count(bundle_incomplete.findings) == 0 with input as fx.with_node(base, "node-a", {"addressesComplete": false})
}

test_both_partial_captures_are_one_finding if {
	f := fx.only(bundle_incomplete.findings) with input as fx.with_node(base, "node-a", object.union(grepd, {"ipvsComplete": false}))
	f.message == "On node-a, the ipvsadm listing is partial (no `ipvsadm -Ln` header, or filtered); the ip addr capture is partial (grep'd address lines, or not every interface), so NodePorts and unbound addresses were not checked. Rules that could not run there: missing-real-server, orphan-vip, vip-not-bound, vs-missing, vs-no-real-servers."
}

# A missing ip addr capture is said to be missing, not partial.
test_missing_ip_addr_is_not_also_partial if {
	d := fx.with_node(fx.with_capture(base, "node-a", "ip-addr", "missing"), "node-a", grepd)
	f := fx.only(bundle_incomplete.findings) with input as d
	startswith(f.message, "On node-a, nodes/node-a/ip-addr.txt is missing. Rules that could not run there:")
	not contains(f.message, "partial")
}

test_empty_services_is_cluster_wide if {
	d := fx.with_cluster_capture(base, "services", "empty")
	f := fx.only(bundle_incomplete.findings) with input as d
	f.node == ""
	startswith(f.message, "cluster/services.yaml is empty. Rules that could not run: conntrack-stale-udp,")
}

test_missing_services_is_cluster_wide if {
	d := json.patch(base, [{"op": "replace", "path": "/cluster/captures/services", "value": {"status": "missing", "file": "", "line": 0, "detail": "not captured"}}])
	f := fx.only(bundle_incomplete.findings) with input as d
	f.node == ""
	f.message == "services is missing. Rules that could not run: conntrack-stale-udp, etp-local-no-endpoints-refused, etp-local-remote-backends, etp-local-upgrade-change, externalip-local-rejected, ipmode-proxy-still-bound, itp-local-no-endpoints, lb-hostname-hairpin, lb-ip-bound-in-cluster, lb-ip-host-client-timeout, lb-ip-local-listener, lb-ip-unserved-port, missing-real-server, orphan-vip, source-ip-lost, stale-real-server, strict-arp-disabled, vs-missing, vs-no-real-servers."
	f.evidence == []
}
