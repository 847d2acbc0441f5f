# METADATA
# title: test fixtures for the lb and etp rules
# description: >-
#   Small input documents (docs/input.md) shared by the tests of rules/builtin/lb
#   and rules/builtin/etp. The scenario is the field report's: Service default/web,
#   type LoadBalancer, load balancer IP 192.0.2.10, port 80/TCP to 8080, NodePort
#   30080, endpoints 10.244.2.5 on node-b and 10.244.3.7 on node-c; node-a
#   (10.0.0.1) has no endpoint, node-b (10.0.0.2) has one.
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

capture(file) := {"status": "ok", "file": file, "line": 1, "detail": ""}

cluster_captures := {name: capture(sprintf("cluster/%s.yaml", [name])) |
	some name in ["services", "endpointslices", "nodes", "pods", "kubeProxyConfig"]
}

node_capture_files := {
	"ip-addr": "ip-addr.txt", "ipvsadm": "ipvsadm.txt", "conntrack": "conntrack.txt",
	"sysctl": "sysctl.txt", "ss-listen": "ss-listen.txt", "uname": "uname.txt",
}

# doc(version, cni_class, services, nodes) is a whole input document.
doc(version, cni_class, services, nodes) := {
	"schemaVersion": "ipvslint.input/v1",
	"options": {"expect": []},
	"cluster": {
		"version": version,
		"cni": {"name": cni_names[cni_class], "class": cni_class, "source": "cluster/pods.yaml"},
		"kubeProxy": {
			"present": true, "mode": "ipvs", "strictARP": true, "scheduler": "rr",
			"nodePortAddresses": [], "clusterCIDR": "10.244.0.0/16", "masqueradeAll": false,
			"featureGates": {}, "file": "cluster/kube-proxy-config.yaml", "line": 1,
		},
		"services": services,
		"nodes": {name: {
			"addresses": [{"type": "InternalIP", "address": n.nodeIP}], "internalIP": n.nodeIP,
			"podCIDRs": [], "kubeletVersion": version.value, "kubeProxyVersion": version.value,
			"file": "cluster/nodes.yaml", "line": 1,
		} |
			some name, n in nodes
		},
		"captures": cluster_captures,
	},
	"nodes": {name: object.remove(n, ["nodeIP"]) | some name, n in nodes},
}

# node(name, node_ip, ipvs0_ips, vss) is a node with all captures read. vss are built with vs().
# The helper key nodeIP is removed by doc().
node(name, node_ip, ipvs0_ips, vss) := object.union(n, indexes(n.virtualServers)) if n := {
	"name": name,
	"nodeIP": node_ip,
	"captures": {c: capture(sprintf("nodes/%s/%s", [name, f])) | some c, f in node_capture_files},
	"ipvs0": {ip: {
		"prefix": sprintf("%s/32", [ip]),
		"file": sprintf("nodes/%s/ip-addr.txt", [name]), "line": 20 + i,
		"text": sprintf("    inet %s/32 scope global kube-ipvs0", [ip]),
	} |
		some i, ip in ipvs0_ips
	},
	"addresses": {node_ip: {
		"interface": "eth0", "prefix": sprintf("%s/24", [node_ip]),
		"file": sprintf("nodes/%s/ip-addr.txt", [name]), "line": 8,
	}},
	"virtualServers": {sprintf("%s/%s:%d", [v.protocol, v.ip, v.port]): object.union(v, {
		"file": sprintf("nodes/%s/ipvsadm.txt", [name]),
		"realServers": [object.union(r, {"file": sprintf("nodes/%s/ipvsadm.txt", [name])}) | some r in v.realServers],
	}) |
		some v in vss
	},
	"listeners": [],
	"sysctl": {},
	"proxyMode": "ipvs",
	"localEndpoints": {},
}

# indexes(vss) are the virtualServersByService and virtualServersByIP indexes of a node's
# virtualServers object, as ipvslint builds them.
indexes(vss) := {
	"virtualServersByService": {svc_key: refs |
		some v in vss
		some s in v.services
		svc_key := s.service
		refs := [{"key": k, "role": x.role} | some k, w in vss; some x in w.services; x.service == svc_key]
	},
	"virtualServersByIP": {v.ip: keys |
		some v in vss
		v.protocol != "FWM"
		keys := [k | some k, w in vss; w.protocol != "FWM"; w.ip == v.ip]
	},
}

# vs(proto, ip, port, line, svc_key, role, rss) is a virtual service; rss are built with rs().
vs(proto, ip, port, line, svc_key, role, rss) := {
	"protocol": proto, "ip": ip, "port": port, "fwmark": 0,
	"scheduler": "rr", "flags": [], "persistent": 0, "netmask": "",
	"line": line, "text": sprintf("%s  %s:%d rr", [proto, ip, port]),
	"services": [{"service": svc_key, "role": role, "port": "http"} | svc_key != ""],
	"realServers": [object.union(r, {
		"line": (line + 1) + i,
		"text": sprintf("  -> %s:%d              Masq    1      0          0", [r.ip, r.port]),
	}) |
		some i, r in rss
	],
}

# rs(ip, port, local, ep_node, host_network) is a real server that is an endpoint on ep_node.
rs(ip, port, local, ep_node, host_network) := {
	"ip": ip, "port": port, "forward": "Masq", "weight": 1, "activeConn": 0, "inActConn": 0,
	"local": local,
	"endpoint": {
		"service": "default/web", "nodeName": ep_node, "ready": true,
		"serving": true, "terminating": false, "hostNetwork": host_network,
	},
}

# endpoint(ip, node_name) is a ready pod endpoint of default/web.
endpoint(ip, node_name) := {
	"ip": ip, "nodeName": node_name, "ready": true, "serving": true, "terminating": false,
	"hostNetwork": false, "ports": [{"name": "http", "protocol": "TCP", "port": 8080}],
}

# web is Service default/web with externalTrafficPolicy Local.
web := {
	"namespace": "default", "name": "web", "type": "LoadBalancer",
	"clusterIPs": ["10.96.0.10"], "headless": false, "externalIPs": [],
	"ingress": [{"ip": "192.0.2.10", "hostname": "", "ipMode": ""}],
	"ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "8080", "nodePort": 30080}],
	"externalTrafficPolicy": "Local", "internalTrafficPolicy": "Cluster",
	"healthCheckNodePort": 32000, "sessionAffinity": "None", "affinityTimeout": 0,
	"selector": true, "annotations": {},
	"endpoints": [endpoint("10.244.2.5", "node-b"), endpoint("10.244.3.7", "node-c")],
	"endpointsSource": "endpointslices",
	"file": "cluster/services.yaml", "line": 12,
}

# web_with(patch) is web with some fields replaced.
web_with(patch) := object.union(web, patch)

remote_rss := [rs("10.244.2.5", 8080, false, "node-b", false), rs("10.244.3.7", 8080, false, "node-c", false)]

# node_a(rss) is node-a (no endpoint of web) whose external virtual services of web hold rss:
# remote_rss from 1.24 (PR #97081), [] before.
node_a(rss) := node("node-a", "10.0.0.1", ["10.96.0.10", "192.0.2.10"], [
	vs("TCP", "10.96.0.10", 80, 10, "default/web", "clusterIP", remote_rss),
	vs("TCP", "192.0.2.10", 80, 13, "default/web", "loadBalancer", rss),
	vs("TCP", "10.0.0.1", 30080, 16, "default/web", "nodePort", rss),
])

# node_b is node-b, which holds the endpoint 10.244.2.5 of web.
node_b := node("node-b", "10.0.0.2", ["10.96.0.10", "192.0.2.10"], [
	vs("TCP", "10.96.0.10", 80, 10, "default/web", "clusterIP", remote_rss),
	vs("TCP", "192.0.2.10", 80, 13, "default/web", "loadBalancer", [rs("10.244.2.5", 8080, true, "node-b", false)]),
	vs("TCP", "10.0.0.2", 30080, 16, "default/web", "nodePort", [rs("10.244.2.5", 8080, true, "node-b", false)]),
])

# web_doc(version, cni_class, nodes) is the input of the scenario with web as it is.
web_doc(version, cni_class, nodes) := doc(version, cni_class, {"default/web": web}, nodes)

# conntrack(dests) is a conntrack summary holding dests (built with dest()).
conntrack(node_name, dests) := {
	"file": sprintf("nodes/%s/conntrack.txt", [node_name]), "format": "default",
	"flows": 10, "unreplied": 0, "nonLocal": 0, "byState": {},
	"dests": {sprintf("%s/%s:%d", [d.protocol, d.ip, d.port]): d | some d in dests},
}

# dest(node_name, proto, ip, port, counts, samples) is a per-destination summary: counts sets
# flows, noDNAT, snat, unreplied, fromLocal, fromLocalUnreplied, clients; samples are texts.
dest(node_name, proto, ip, port, counts, samples) := object.union(
	{
		"protocol": proto, "ip": ip, "port": port, "flows": 0, "states": {}, "unreplied": 0,
		"assured": 0, "noDNAT": 0, "snat": 0, "fromLocal": 0, "fromLocalUnreplied": 0,
		"backends": {}, "unrepliedBackends": {}, "clients": {},
		"samples": [{"file": sprintf("nodes/%s/conntrack.txt", [node_name]), "line": 3 + i, "text": t} |
			some i, t in samples
		],
		"unrepliedSamples": [{"file": sprintf("nodes/%s/conntrack.txt", [node_name]), "line": 3 + i, "text": t} |
			some i, t in samples
			contains(t, "[UNREPLIED]")
		],
	},
	counts,
)

# with_node(d, name, patch) is document d with node name's facts patched.
with_node(d, name, patch) := object.union(d, {"nodes": {name: object.union(d.nodes[name], patch)}})

# with_cluster(d, patch) is document d with cluster facts patched.
with_cluster(d, patch) := object.union(d, {"cluster": object.union(d.cluster, patch)})

# only(findings) is the one finding of a set that must hold exactly one.
only(findings) := f if {
	count(findings) == 1
	some f in findings
}
