package ipvslint.rules.conntrack_near_full_test

import data.ipvslint.lib.fixtures_test as fx
import data.ipvslint.rules.conntrack_near_full as rule

sysctl_max := {"value": 1000, "source": "sysctl", "detail": "net.netfilter.nf_conntrack_max", "file": "nodes/node-a/sysctl.txt", "line": 12, "text": "net.netfilter.nf_conntrack_max = 1000"}

kube_proxy_max := {"value": 262144, "source": "kube-proxy", "detail": "max(32768 × 8 cores, 131072)", "file": "cluster/nodes.yaml", "line": 3, "text": ""}

doc(flows, max) := fx.doc(fx.ver(1, 28, 3), "vpc", {}, {"node-a": {"conntrack": {"file": "nodes/node-a/conntrack.txt", "flows": flows, "max": max}}})

test_89_percent_is_silent if {
	count(rule.findings) == 0 with input as doc(899, sysctl_max)
}

test_90_percent_fires if {
	f := fx.only(rule.findings) with input as doc(900, sysctl_max)
	f.node == "node-a"
	f.service == ""
	f.target == ""
	f.message == "The conntrack table of node-a holds 900 entries, 90 % of its limit of 1000 (net.netfilter.nf_conntrack_max). At the limit the kernel drops packets of new connections, which shows as timeouts to every Service on the node; `conntrack -S` (drop, insert_failed) confirms drops."
	f.evidence == [
		{"file": "nodes/node-a/conntrack.txt", "line": 1, "text": ""},
		{"file": "nodes/node-a/sysctl.txt", "line": 12, "text": "net.netfilter.nf_conntrack_max = 1000"},
	]
	not f.assumptions
}

test_old_sysctl_name if {
	old := object.union(sysctl_max, {"detail": "net.nf_conntrack_max", "text": "net.nf_conntrack_max = 1000"})
	f := fx.only(rule.findings) with input as doc(950, old)
	contains(f.message, "95 % of its limit of 1000 (net.nf_conntrack_max)")
	f.evidence[1].text == "net.nf_conntrack_max = 1000"
}

# Without the sysctl, the limit kube-proxy sets is an assumption, with the node's CPU count as
# evidence.
test_kube_proxy_limit_is_an_assumption if {
	f := fx.only(rule.findings) with input as doc(240000, kube_proxy_max)
	f.message == "The conntrack table of node-a holds 240000 entries, 91 % of its limit of 262144 (what kube-proxy sets: max(32768 × 8 cores, 131072)). At the limit the kernel drops packets of new connections, which shows as timeouts to every Service on the node; `conntrack -S` (drop, insert_failed) confirms drops."
	f.evidence == [{"file": "nodes/node-a/conntrack.txt", "line": 1, "text": ""}, {"file": "cluster/nodes.yaml", "line": 3, "text": ""}]
	f.assumptions == ["nf_conntrack_max was not captured; assumed what kube-proxy sets from the node's CPU count, max(32768 × 8 cores, 131072) = 262144. If the sysctl was set otherwise, the limit differs."]
}

test_no_limit_known_is_silent if {
	count(rule.findings) == 0 with input as doc(240000, null)
}

test_without_conntrack_capture_is_silent if {
	d := fx.with_capture(doc(1000, sysctl_max), "node-a", "conntrack", "missing")
	count(rule.findings) == 0 with input as d
}
