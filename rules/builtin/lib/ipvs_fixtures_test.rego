# METADATA
# title: test fixtures for the ipvs, conntrack, kernel and bundle rules
# description: >-
#   A small consistent input document (docs/input.md) on which none of these
#   rules fires, and helpers to break one fact at a time. Cluster: Service
#   default/web (LoadBalancer 192.168.1.200, ClusterIP 10.96.100.1, port 80/TCP
#   to 8080, NodePort 30080, endpoints 10.244.1.5 on node-a and 10.244.2.7 on
#   node-b) and kube-system/kube-dns (ClusterIP 10.96.0.10, 53/UDP and 53/TCP,
#   endpoints 10.244.1.3 on node-a and 10.244.2.3 on node-b). Node node-a has
#   eth0 192.168.1.11/24 and kernel 5.15.
package ipvslint.lib.ipvs_fixtures_test

import data.ipvslint.lib.fixtures_test

# ver(major, minor) is a known cluster version.
ver(major, minor) := {
	"value": sprintf("v%d.%d.0", [major, minor]),
	"major": major, "minor": minor, "patch": 0,
	"source": "cluster/version.json", "known": true,
}

no_version := {"value": "", "major": 0, "minor": 0, "patch": 0, "source": "", "known": false}

capture(file) := {"status": "ok", "file": file, "line": 1, "detail": ""}

# ep(ip, node_name, ports) is a ready endpoint; ports are [name, protocol, port] triples.
ep(ip, node_name, ports) := {
	"ip": ip, "nodeName": node_name, "ready": true, "serving": true, "terminating": false,
	"hostNetwork": false,
	"ports": [{"name": p[0], "protocol": p[1], "port": p[2]} | some p in ports],
}

web_ports := [["http", "TCP", 8080]]

dns_ports := [["dns", "UDP", 53], ["dns-tcp", "TCP", 53]]

web := {
	"namespace": "default", "name": "web", "type": "LoadBalancer",
	"clusterIPs": ["10.96.100.1"], "headless": false, "externalIPs": [],
	"ingress": [{"ip": "192.168.1.200", "hostname": "", "ipMode": ""}],
	"ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "8080", "nodePort": 30080}],
	"externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
	"healthCheckNodePort": 0, "sessionAffinity": "None", "affinityTimeout": 0,
	"selector": true, "annotations": {},
	"endpoints": [ep("10.244.1.5", "node-a", web_ports), ep("10.244.2.7", "node-b", web_ports)],
	"endpointsSource": "endpointslices",
	"file": "cluster/services.yaml", "line": 10,
}

dns := {
	"namespace": "kube-system", "name": "kube-dns", "type": "ClusterIP",
	"clusterIPs": ["10.96.0.10"], "headless": false, "externalIPs": [], "ingress": [],
	"ports": [
		{"name": "dns", "protocol": "UDP", "port": 53, "targetPort": "53", "nodePort": 0},
		{"name": "dns-tcp", "protocol": "TCP", "port": 53, "targetPort": "53", "nodePort": 0},
	],
	"externalTrafficPolicy": "", "internalTrafficPolicy": "Cluster",
	"healthCheckNodePort": 0, "sessionAffinity": "None", "affinityTimeout": 0,
	"selector": true, "annotations": {},
	"endpoints": [ep("10.244.1.3", "node-a", dns_ports), ep("10.244.2.3", "node-b", dns_ports)],
	"endpointsSource": "endpointslices",
	"file": "cluster/services.yaml", "line": 40,
}

services := {"default/web": web, "kube-system/dns": dns}

# rs(ip, port) is a weight-1 real server without connections.
rs(ip, port) := {
	"ip": ip, "port": port, "forward": "Masq", "weight": 1, "activeConn": 0, "inActConn": 0,
	"local": false, "endpoint": null,
}

# vs(proto, ip, port, line, owners, rss) is a virtual service of node-a; owners are
# [service, role, port name] triples, rss real servers built with rs().
vs(proto, ip, port, line, owners, rss) := {
	"protocol": proto, "ip": ip, "port": port, "fwmark": 0,
	"scheduler": "rr", "flags": [], "persistent": 0, "netmask": "",
	"file": "nodes/node-a/ipvsadm.txt", "line": line,
	"text": sprintf("%s  %s:%d rr", [proto, ip, port]),
	"services": [{"service": o[0], "role": o[1], "port": o[2]} | some o in owners],
	"realServers": [object.union(r, {
		"file": "nodes/node-a/ipvsadm.txt", "line": (line + 1) + i,
		"text": sprintf("  -> %s:%d Masq %d %d %d", [r.ip, r.port, r.weight, r.activeConn, r.inActConn]),
	}) |
		some i, r in rss
	],
}

web_rss := [rs("10.244.1.5", 8080), rs("10.244.2.7", 8080)]

dns_rss := [rs("10.244.1.3", 53), rs("10.244.2.3", 53)]

# web_vss(rss) are the three virtual services of web on node-a, all with rss.
web_vss(rss) := [
	vs("TCP", "10.96.100.1", 80, 20, [["default/web", "clusterIP", "http"]], rss),
	vs("TCP", "192.168.1.200", 80, 23, [["default/web", "loadBalancer", "http"]], rss),
	vs("TCP", "192.168.1.11", 30080, 26, [["default/web", "nodePort", "http"]], rss),
]

dns_vss(rss) := [
	vs("UDP", "10.96.0.10", 53, 4, [["kube-system/dns", "clusterIP", "dns"]], rss),
	vs("TCP", "10.96.0.10", 53, 8, [["kube-system/dns", "clusterIP", "dns-tcp"]], rss),
]

base_vss := array.concat(dns_vss(dns_rss), web_vss(web_rss))

key(v) := sprintf("%s/%s:%d", [v.protocol, v.ip, v.port])

# node_a(vss) is node-a with all captures read and the virtual services vss.
node_a(vss) := object.union(n, fixtures_test.indexes(n.virtualServers)) if n := {
	"name": "node-a",
	"captures": {c: capture(sprintf("nodes/node-a/%s", [f])) | some c, f in {
		"ip-addr": "ip-addr.txt", "ipvsadm": "ipvsadm.txt", "conntrack": "conntrack.txt",
		"sysctl": "sysctl.txt", "uname": "uname.txt",
	}},
	"ipvsComplete": true,
	"ipvs0": {ip: {
		"prefix": sprintf("%s/32", [ip]), "file": "nodes/node-a/ip-addr.txt", "line": 30 + i,
		"text": sprintf("    inet %s/32 scope global kube-ipvs0", [ip]),
	} |
		some i, ip in ["10.96.0.10", "10.96.100.1", "192.168.1.200"]
	},
	"addresses": {"192.168.1.11": {
		"interface": "eth0", "prefix": "192.168.1.11/24",
		"file": "nodes/node-a/ip-addr.txt", "line": 8,
	}},
	"virtualServers": {key(v): v | some v in vss},
	"conntrack": {
		"file": "nodes/node-a/conntrack.txt", "format": "extended",
		"flows": 100, "unreplied": 0, "nonLocal": 0, "byState": {},
		"max": {"value": 262144, "source": "kube-proxy default (8 cores)"},
		"dests": {},
	},
	"listeners": [],
	"sysctl": {},
	"kernel": {"release": "5.15.0-91-generic", "major": 5, "minor": 15, "patch": 0, "file": "nodes/node-a/uname.txt", "line": 1},
	"proxyMode": "ipvs",
	"localEndpoints": {"default/web": ["10.244.1.5"], "kube-system/dns": ["10.244.1.3"]},
}

kube_proxy := {
	"present": true, "mode": "ipvs", "strictARP": true, "scheduler": "rr",
	"nodePortAddresses": [], "clusterCIDR": "10.244.0.0/16", "masqueradeAll": false,
	"featureGates": {}, "conntrackMaxPerCore": 32768, "conntrackMin": 131072,
	"file": "cluster/kube-proxy-config.yaml", "line": 1,
}

# doc(version, svcs, nodes) is a whole input document.
doc(version, svcs, nodes) := {
	"schemaVersion": "ipvslint.input/v1",
	"options": {"expect": []},
	"cluster": {
		"version": version,
		"cni": {"name": "flannel", "class": "overlay", "source": "cluster/pods.yaml"},
		"kubeProxy": kube_proxy,
		"services": svcs,
		"nodes": {},
		"captures": {c: capture(sprintf("cluster/%s.yaml", [c])) |
			some c in ["services", "endpointslices", "nodes", "pods", "kubeProxyConfig"]
		},
	},
	"nodes": nodes,
}

# base is the consistent document at v1.28.
base := doc(ver(1, 28), services, {"node-a": node_a(base_vss)})

# with_node(d, patch) is d with node-a's facts patched.
with_node(d, patch) := object.union(d, {"nodes": {"node-a": object.union(d.nodes["node-a"], patch)}})

# with_vss(d, vss) is d with node-a's virtual services replaced.
with_vss(d, vss) := json.patch(d, [{"op": "replace", "path": sprintf("/nodes/node-a/%s", [k]), "value": v} |
	some k, v in object.union({"virtualServers": obj}, fixtures_test.indexes(obj))
]) if obj := {key(v): v | some v in vss}

# with_cluster(d, patch) is d with cluster facts patched.
with_cluster(d, patch) := object.union(d, {"cluster": object.union(d.cluster, patch)})

# with_service(d, k, patch) is d with Service k's fields replaced.
with_service(d, k, patch) := with_cluster(d, {"services": object.union(d.cluster.services, {k: object.union(d.cluster.services[k], patch)})})

# with_kube_proxy(d, patch) is d with kube-proxy config fields replaced.
with_kube_proxy(d, patch) := with_cluster(d, {"kubeProxy": object.union(d.cluster.kubeProxy, patch)})

# with_version(d, v) is d at version v.
with_version(d, v) := with_cluster(d, {"version": v})

# with_capture(d, name, status) is d with node-a's capture name in that status.
with_capture(d, name, status) := json.patch(d, [{"op": "replace", "path": sprintf("/nodes/node-a/captures/%s/status", [name]), "value": status}])

# only(findings) is the one finding of a set that must hold exactly one.
only(findings) := f if {
	count(findings) == 1
	some f in findings
}

# dest(proto, ip, port, fields) is a conntrack destination summary of node-a with fields set.
dest(proto, ip, port, fields) := object.union(
	{
		"protocol": proto, "ip": ip, "port": port, "flows": 0, "states": {}, "unreplied": 0,
		"assured": 0, "noDNAT": 0, "snat": 0, "fromLocal": 0, "fromLocalUnreplied": 0,
		"backends": {}, "unrepliedBackends": {}, "clients": {}, "samples": [], "unrepliedSamples": [],
	},
	fields,
)

# sample(line, text) is a conntrack sample line of node-a.
sample(line, text) := {"file": "nodes/node-a/conntrack.txt", "line": line, "text": text}

# with_dests(d, dests) is d with node-a's conntrack destinations set.
with_dests(d, dests) := fx_with_conntrack(d, {"dests": {sprintf("%s/%s:%d", [x.protocol, x.ip, x.port]): x | some x in dests}})

fx_with_conntrack(d, patch) := with_node(d, {"conntrack": patch})
