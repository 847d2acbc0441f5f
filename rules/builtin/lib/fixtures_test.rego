# METADATA
# title: test fixtures of the built-in rules
# description: >-
#   Builders of small input documents (docs/input.md, ipvslint.input/v2) for the
#   tests of rules/builtin. A document holds the cluster facts and, per node, the
#   captures and the model's facts (expected, actual, diff, serviceIPs,
#   localPolicy, traffic); the tests set the facts a rule judges and check what it
#   says. Node names are node-a, node-b...; the Service in most tests is
#   default/web, type LoadBalancer, load balancer IP 192.0.2.10, port 80/TCP to
#   8080, NodePort 30080, endpoints on node-b and node-c.
package ipvslint.lib.fixtures_test

# ver(major, minor, patch) is a known cluster version.
ver(major, minor, patch) := {
	"value": sprintf("v%d.%d.%d", [major, minor, patch]),
	"major": major, "minor": minor, "patch": patch,
	"source": "cluster/version.json", "known": true,
}

# no_version is the version of a bundle that does not say it.
no_version := {"value": "", "major": 0, "minor": 0, "patch": 0, "source": "", "known": false}

cni_names := {"overlay": "flannel", "vpc": "terway-eniip", "unknown": ""}

# capture(file) is a capture that was read.
capture(file) := {"status": "ok", "file": file, "line": 1, "detail": ""}

cluster_captures := {name: capture(sprintf("cluster/%s.yaml", [name])) |
	some name in ["services", "endpointslices", "nodes", "pods", "kubeProxyConfig"]
}

node_capture_files := {
	"ip-addr": "ip-addr.txt", "ipvsadm": "ipvsadm.txt", "conntrack": "conntrack.txt",
	"sysctl": "sysctl.txt", "ss-listen": "ss-listen.txt", "uname": "uname.txt",
}

kube_proxy := {
	"present": true, "mode": "ipvs", "strictARP": true, "scheduler": "rr",
	"nodePortAddresses": [], "clusterCIDR": "10.244.0.0/16", "masqueradeAll": false,
	"featureGates": {}, "conntrackMaxPerCore": 32768, "conntrackMin": 131072,
	"file": "cluster/kube-proxy-config.yaml", "line": 1,
}

# ev(file, line, text) is an evidence entry.
ev(file, line, text) := {"file": file, "line": line, "text": text}

# svc_ev(line) is the evidence of a Service in cluster/services.yaml.
svc_ev(line) := ev("cluster/services.yaml", line, "")

# ipvs0_ev(node, ip, line) is the kube-ipvs0 entry of ip on node.
ipvs0_ev(node, ip, line) := ev(sprintf("nodes/%s/ip-addr.txt", [node]), line, sprintf("inet %s/32 scope global kube-ipvs0", [ip]))

# vs(node, protocol, ip, port, line) is a VSRef of node's ipvsadm.txt.
vs(node, protocol, ip, port, line) := {
	"key": sprintf("%s/%s:%d", [protocol, ip, port]),
	"protocol": protocol, "ip": ip, "port": port, "fwmark": 0,
	"evidence": ev(sprintf("nodes/%s/ipvsadm.txt", [node]), line, sprintf("%s  %s:%d rr", [protocol, ip, port])),
}

# rs(node, ip, port, line, fields) is an RSRef of node's ipvsadm.txt: weight 1, an endpoint on
# no node, with fields set.
rs(node, ip, port, line, fields) := object.union(
	{
		"ip": ip, "port": port, "weight": 1, "activeConn": 0, "inActConn": 0,
		"local": false, "nodeName": "", "endpoint": true, "hostNetwork": false,
		"evidence": ev(sprintf("nodes/%s/ipvsadm.txt", [node]), line, sprintf("  -> %s:%d Masq 1 0 0", [ip, port])),
	},
	fields,
)

# web is the summary of default/web (input.cluster.loadBalancers), with fields set.
web(fields) := object.union(
	{
		"namespace": "default", "name": "web", "type": "LoadBalancer",
		"externalIPs": [], "ingress": [{"ip": "192.0.2.10", "hostname": "", "ipMode": ""}],
		"ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "8080", "nodePort": 30080}],
		"externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster", "healthCheckNodePort": 0,
		"annotations": {}, "externallyAccessible": true, "endpointsKnown": true,
		"readyEndpointNodes": ["node-b", "node-c"], "hostNetworkReady": false,
		"evidence": svc_ev(12),
	},
	fields,
)

empty_diff := {
	"missingVirtualServers": [], "orphanVirtualServers": [], "orphanAddresses": [],
	"unboundAddresses": [], "missingRealServers": [], "staleRealServers": [],
	"drainingRealServers": [], "emptyVirtualServers": [],
}

empty_traffic := {"unservedPorts": [], "unreplied": [], "masqueraded": [], "staleUDP": []}

# node(name) is a node with every capture read, a complete listing, IPVS mode, and no fact.
node(name) := {
	"name": name,
	"captures": {c: capture(sprintf("nodes/%s/%s", [name, f])) | some c, f in node_capture_files},
	"ipvsComplete": true,
	"listeners": [],
	"sysctl": {},
	"proxyMode": "ipvs",
	"expected": {"proxiedServices": 1, "virtualServers": 3, "addresses": 2},
	"actual": {"virtualServers": 3, "realServers": 6, "addresses": 2},
	"diff": empty_diff,
	"serviceIPs": [],
	"localPolicy": [],
	"traffic": empty_traffic,
}

# doc(version, cni_class, cluster, nodes) is a whole input document: cluster patches the cluster
# facts (services, loadBalancers, localPolicies...), nodes maps node names to patches of node(name).
doc(version, cni_class, cluster, nodes) := {
	"schemaVersion": "ipvslint.input/v2",
	"options": {"expect": []},
	"cluster": object.union(
		{
			"version": version,
			"cni": {"name": cni_names[cni_class], "class": cni_class, "source": "cluster/pods.yaml"},
			"kubeProxy": kube_proxy,
			"services": {},
			"loadBalancers": {},
			"localPolicies": {},
			"nodes": {name: {
				"addresses": [], "internalIP": "", "podCIDRs": [],
				"kubeletVersion": version.value, "kubeProxyVersion": version.value, "cpus": 0,
				"file": "cluster/nodes.yaml", "line": 1,
			} |
				some name, _ in nodes
			},
			"captures": cluster_captures,
			"nodeNames": sort([name | some name, _ in nodes]),
			"capturedNodes": sort([name | some name, _ in nodes]),
		},
		cluster,
	),
	"nodes": {name: object.union(node(name), patch) | some name, patch in nodes},
}

# with_node(d, name, patch) is d with the node's facts patched (object.union: nested objects merge).
with_node(d, name, patch) := object.union(d, {"nodes": {name: patch}})

# with_cluster(d, patch) is d with cluster facts patched.
with_cluster(d, patch) := object.union(d, {"cluster": patch})

# with_kube_proxy(d, patch) is d with kube-proxy config fields replaced.
with_kube_proxy(d, patch) := with_cluster(d, {"kubeProxy": patch})

# with_capture(d, name, capture, status) is d with the node's capture in that status.
with_capture(d, name, capture, status) := json.patch(d, [{"op": "replace", "path": sprintf("/nodes/%s/captures/%s/status", [name, capture]), "value": status}])

# with_cluster_capture(d, capture, status) is d with a cluster capture in that status.
with_cluster_capture(d, capture, status) := json.patch(d, [{"op": "replace", "path": sprintf("/cluster/captures/%s/status", [capture]), "value": status}])

# only(findings) is the one finding of a set that must hold exactly one.
only(findings) := f if {
	count(findings) == 1
	some f in findings
}
