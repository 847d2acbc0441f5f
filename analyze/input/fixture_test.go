package input

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// fixture is a bundle of two nodes in layout v1, by path: node-a holds a
// local endpoint of default/web, node-b only a terminating one. Tests copy
// it and change files.
var fixture = map[string]string{
	"manifest.json": `{"format":"ipvslint.bundle/v1","collector":{"name":"test","version":"0"},"createdAt":"2026-11-25T10:15:00Z","node":"node-a","files":[]}`,
	"cluster/version.json": `{
  "clientVersion": {"major": "1", "minor": "24", "gitVersion": "v1.24.6"},
  "serverVersion": {"major": "1", "minor": "24", "gitVersion": "v1.24.6-aliyun.1"}
}
`,
	"cluster/services.yaml": `apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: kubernetes
    namespace: default
  spec:
    clusterIP: 10.96.0.1
    clusterIPs:
    - 10.96.0.1
    ports:
    - name: https
      port: 443
      protocol: TCP
      targetPort: 6443
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
- apiVersion: v1
  kind: Service
  metadata:
    annotations:
      service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-123
    name: web
    namespace: default
  spec:
    clusterIP: 10.96.100.10
    clusterIPs:
    - 10.96.100.10
    externalIPs:
    - 192.0.2.10
    externalTrafficPolicy: Local
    healthCheckNodePort: 32000
    trafficDistribution: PreferClose
    internalTrafficPolicy: Cluster
    ports:
    - name: http
      nodePort: 30080
      port: 80
      protocol: TCP
      targetPort: http
    selector:
      app: web
    sessionAffinity: ClientIP
    type: LoadBalancer
  status:
    loadBalancer:
      ingress:
      - ip: 47.1.1.1
        ipMode: VIP
- apiVersion: v1
  kind: Service
  metadata:
    name: db
    namespace: default
  spec:
    clusterIP: None
    clusterIPs:
    - None
    ports:
    - port: 5432
      protocol: TCP
      targetPort: 5432
    selector:
      app: db
    type: ClusterIP
  status:
    loadBalancer: {}
kind: List
metadata:
  resourceVersion: ""
`,
	"cluster/endpointslices.yaml": `apiVersion: v1
items:
- addressType: IPv4
  apiVersion: discovery.k8s.io/v1
  endpoints:
  - addresses:
    - 192.168.10.11
    conditions:
      ready: true
  kind: EndpointSlice
  metadata:
    labels:
      kubernetes.io/service-name: kubernetes
    name: kubernetes
    namespace: default
  ports:
  - name: https
    port: 6443
    protocol: TCP
- addressType: IPv4
  apiVersion: discovery.k8s.io/v1
  endpoints:
  - addresses:
    - 10.244.2.7
    conditions:
      ready: false
      serving: true
      terminating: true
    nodeName: node-b
    targetRef:
      kind: Pod
      name: web-2
      namespace: default
  - addresses:
    - 10.244.1.5
    conditions:
      ready: true
    nodeName: node-a
    targetRef:
      kind: Pod
      name: web-1
      namespace: default
  kind: EndpointSlice
  metadata:
    labels:
      kubernetes.io/service-name: web
    name: web-abcde
    namespace: default
  ports:
  - name: http
    port: 8080
    protocol: TCP
- addressType: IPv4
  apiVersion: discovery.k8s.io/v1
  endpoints:
  - addresses:
    - 10.244.1.5
    conditions:
      ready: true
    nodeName: node-a
  kind: EndpointSlice
  metadata:
    labels:
      kubernetes.io/service-name: web
    name: web-fghij
    namespace: default
  ports:
  - name: http
    port: 8080
    protocol: TCP
kind: List
metadata:
  resourceVersion: ""
`,
	"cluster/nodes.yaml": `apiVersion: v1
items:
- apiVersion: v1
  kind: Node
  metadata:
    annotations:
      flannel.alpha.coreos.com/backend-type: vxlan
    name: node-a
  spec:
    podCIDR: 10.244.1.0/24
    podCIDRs:
    - 10.244.1.0/24
  status:
    addresses:
    - address: 192.168.10.11
      type: InternalIP
    - address: node-a
      type: Hostname
    capacity:
      cpu: "4"
    nodeInfo:
      kubeProxyVersion: v1.24.6
      kubeletVersion: v1.24.6
- apiVersion: v1
  kind: Node
  metadata:
    name: node-b
  spec:
    podCIDR: 10.244.2.0/24
  status:
    addresses:
    - address: 192.168.10.12
      type: InternalIP
    capacity:
      cpu: "2"
    nodeInfo:
      kubeProxyVersion: v1.23.17
      kubeletVersion: v1.23.17
kind: List
metadata:
  resourceVersion: ""
`,
	"cluster/pods.yaml": `apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: kube-flannel-ds-x2k4p
    namespace: kube-flannel
  spec:
    hostNetwork: true
    nodeName: node-a
  status:
    podIP: 192.168.10.11
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-1
    namespace: default
  spec:
    nodeName: node-a
  status:
    podIP: 10.244.1.5
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-2
    namespace: default
  spec:
    nodeName: node-b
  status:
    podIP: 10.244.2.7
kind: List
metadata:
  resourceVersion: ""
`,
	"cluster/kube-proxy-config.yaml": `apiVersion: v1
data:
  config.conf: |-
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    clusterCIDR: 10.244.0.0/16
    conntrack:
      maxPerCore: 65536
      min: null
    ipvs:
      strictARP: true
    kind: KubeProxyConfiguration
    mode: ipvs
kind: ConfigMap
metadata:
  name: kube-proxy
  namespace: kube-system
`,
	"nodes/node-a/ip-addr.txt": `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
    link/ether 00:16:3e:0a:0b:0c brd ff:ff:ff:ff:ff:ff
    inet 192.168.10.11/24 brd 192.168.10.255 scope global eth0
       valid_lft forever preferred_lft forever
4: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000
    link/ether 1a:d9:9e:32:37:c0 brd ff:ff:ff:ff:ff:ff
    inet 10.244.1.1/24 brd 10.244.1.255 scope global cni0
       valid_lft forever preferred_lft forever
5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
    link/ether 02:67:68:41:61:e5 brd ff:ff:ff:ff:ff:ff
    inet 10.96.0.1/32 scope global kube-ipvs0
       valid_lft forever preferred_lft forever
    inet 10.96.100.10/32 scope global kube-ipvs0
       valid_lft forever preferred_lft forever
    inet 47.1.1.1/32 scope global kube-ipvs0
       valid_lft forever preferred_lft forever
    inet 192.0.2.10/32 scope global kube-ipvs0
       valid_lft forever preferred_lft forever
`,
	"nodes/node-a/ipvsadm.txt": `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  192.168.10.11:30080 rr persistent 10800
  -> 10.244.1.5:8080              Masq    1      0          0         
TCP  10.96.0.1:443 rr
  -> 192.168.10.11:6443           Masq    1      4          0         
TCP  10.96.100.10:80 rr persistent 10800
  -> 10.244.1.5:8080              Masq    1      2          1         
  -> 10.244.2.7:8080              Masq    1      0          0         
TCP  47.1.1.1:80 rr persistent 10800
  -> 10.244.1.5:8080              Masq    1      0          0         
TCP  192.0.2.10:80 rr persistent 10800
  -> 10.244.1.5:8080              Masq    1      0          0         
TCP  10.96.50.50:80 rr
  -> 10.244.9.9:80                Masq    0      3          0         
`,
	"nodes/node-a/conntrack.txt": `ipv4     2 tcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=40000 dport=443 src=192.168.10.11 dst=10.244.1.5 sport=6443 dport=40000 [ASSURED] mark=0 use=1
ipv4     2 tcp      6 118 SYN_SENT src=47.1.1.1 dst=47.1.1.1 sport=51000 dport=443 [UNREPLIED] src=47.1.1.1 dst=47.1.1.1 sport=443 dport=51000 mark=0 use=1
ipv4     2 tcp      6 110 TIME_WAIT src=203.0.113.5 dst=8.8.8.8 sport=50000 dport=443 src=8.8.8.8 dst=203.0.113.5 sport=443 dport=50000 [ASSURED] mark=0 use=1
`,
	"nodes/node-a/sysctl.txt": `net.ipv4.vs.conntrack = 1
net.ipv4.vs.conn_reuse_mode = 0
net.netfilter.nf_conntrack_max = 262144
`,
	"nodes/node-a/ss-listen.txt": `tcp   LISTEN 0      4096         0.0.0.0:443        0.0.0.0:*    users:(("nginx",pid=812,fd=6))
tcp   LISTEN 0      4096       127.0.0.1:10249      0.0.0.0:*    users:(("kube-proxy",pid=900,fd=11))
tcp   LISTEN 0      4096               *:10250            *:*    users:(("kubelet",pid=700,fd=20))
udp   UNCONN 0      0               [::]:8472          [::]:*
`,
	"nodes/node-a/uname.txt":      "Linux node-a 5.4.0-150-generic #167-Ubuntu SMP Tue Mar 7 12:00:00 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n",
	"nodes/node-a/proxy-mode.txt": "ipvs",
	"nodes/node-b/ip-addr.txt": `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
    link/ether 00:16:3e:0a:0b:0d brd ff:ff:ff:ff:ff:ff
    inet 192.168.10.12/24 brd 192.168.10.255 scope global eth0
       valid_lft forever preferred_lft forever
5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
    link/ether 02:67:68:41:61:e6 brd ff:ff:ff:ff:ff:ff
    inet 10.96.100.10/32 scope global kube-ipvs0
       valid_lft forever preferred_lft forever
`,
	"nodes/node-b/ipvsadm.txt": `TCP  10.96.100.10:80 rr persistent 10800
  -> 10.244.1.5:8080              Masq    1      0          0         
  -> 10.244.2.7:8080              Masq    1      0          0         
TCP  192.168.10.12:30080 rr persistent 10800
`,
	"nodes/node-b/conntrack.txt": "bash: conntrack: command not found\n",
}

// withFiles returns a copy of fixture with files set (an empty value
// deletes the file).
func withFiles(files map[string]string) map[string]string {
	out := maps.Clone(fixture)
	for p, data := range files {
		if data == "" {
			delete(out, p)
			continue
		}
		out[p] = data
	}
	return out
}

// snap writes files as a layout bundle in a temporary directory and reads
// it back. Invalid captures are kept, with their status.
func snap(t testing.TB, files map[string]string) *snapshot.Snapshot {
	t.Helper()
	dir := t.TempDir()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := snapshot.Build([]string{dir}, bundle.Options{})
	if s == nil {
		t.Fatalf("snapshot.Build: %v", err)
	}
	return s // an error names invalid captures, which tests may want
}

// build builds the document of files with opts.
func build(t testing.TB, files map[string]string, opts Options) *Document {
	t.Helper()
	doc, err := Build(snap(t, files), opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return doc
}
