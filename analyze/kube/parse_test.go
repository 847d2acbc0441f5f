package kube

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// specList is the List example of input-formats.md section 4.
const specList = `apiVersion: v1
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
    ipFamilies:
    - IPv4
    ports:
    - name: https
      port: 443
      protocol: TCP
      targetPort: 6443
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
kind: List
metadata:
  resourceVersion: ""
`

const emptyList = `apiVersion: v1
items: []
kind: List
metadata:
  resourceVersion: ""
  selfLink: ""
`

const serviceKinds = `apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: db
    namespace: shop
  spec:
    clusterIP: None
    clusterIPs:
    - None
    ports:
    - port: 5432
      protocol: TCP
      targetPort: 5432
    type: ClusterIP
- apiVersion: v1
  kind: Service
  metadata:
    name: ext
    namespace: shop
  spec:
    externalName: db.example.com
    sessionAffinity: None
    type: ExternalName
- apiVersion: v1
  kind: Service
  metadata:
    name: dual
    namespace: shop
  spec:
    clusterIP: 10.96.10.10
    clusterIPs:
    - 10.96.10.10
    - fd00:10:96::a
    ipFamilies:
    - IPv4
    - IPv6
    ipFamilyPolicy: PreferDualStack
    ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: http
    type: ClusterIP
- apiVersion: v1
  kind: Service
  metadata:
    annotations:
      service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname: lb.example.com
    name: web
    namespace: shop
  spec:
    clusterIP: 10.96.20.20
    clusterIPs:
    - 10.96.20.20
    externalIPs:
    - 192.0.2.10
    externalTrafficPolicy: Local
    healthCheckNodePort: 32000
    internalTrafficPolicy: Cluster
    ports:
    - name: http
      nodePort: 30080
      port: 80
      protocol: TCP
      targetPort: 8080
    - name: dns
      nodePort: 30053
      port: 53
      protocol: UDP
      targetPort: 53
    sessionAffinity: ClientIP
    sessionAffinityConfig:
      clientIP:
        timeoutSeconds: 10800
    type: LoadBalancer
  status:
    loadBalancer:
      ingress:
      - ip: 198.51.100.7
        ipMode: Proxy
      - hostname: a1b2.elb.example.com
      - ip: 198.51.100.8
- apiVersion: v1
  kind: Service
  metadata:
    name: old
    namespace: legacy
  spec:
    clusterIP: 10.0.0.50
    ports:
    - nodePort: 31000
      port: 8080
      protocol: TCP
      targetPort: 8080
    sessionAffinity: None
    type: NodePort
  status:
    loadBalancer: {}
kind: List
metadata:
  resourceVersion: ""
`

const serviceListJSON = `{
    "kind": "ServiceList",
    "apiVersion": "v1",
    "metadata": {
        "selfLink": "/api/v1/services",
        "resourceVersion": "12345"
    },
    "items": [
        {
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "selfLink": "/api/v1/namespaces/default/services/kubernetes"
            },
            "spec": {
                "ports": [
                    {
                        "name": "https",
                        "protocol": "TCP",
                        "port": 443,
                        "targetPort": 6443
                    }
                ],
                "clusterIP": "10.96.0.1",
                "type": "ClusterIP"
            }
        }
    ]
}
`

const betaSlice = `apiVersion: discovery.k8s.io/v1beta1
kind: EndpointSlice
metadata:
  labels:
    kubernetes.io/service-name: web
  name: web-abcde
  namespace: shop
addressType: IPv4
endpoints:
- addresses:
  - 10.244.1.5
  conditions:
    ready: true
  topology:
    kubernetes.io/hostname: node-a
    topology.kubernetes.io/zone: zone-1
    example.com/rack: r1
ports:
- name: http
  port: 8080
  protocol: TCP
`

const v1Slices = `apiVersion: v1
items:
- addressType: IPv4
  apiVersion: discovery.k8s.io/v1
  endpoints:
  - addresses:
    - 10.244.1.5
    conditions:
      ready: true
      serving: true
      terminating: false
    nodeName: node-a
    targetRef:
      kind: Pod
      name: web-1
      namespace: shop
  - addresses:
    - 10.244.2.9
    conditions:
      ready: false
      serving: true
      terminating: true
    nodeName: node-b
  kind: EndpointSlice
  metadata:
    labels:
      kubernetes.io/service-name: web
    managedFields:
    - apiVersion: discovery.k8s.io/v1
      manager: kube-controller-manager
      operation: Update
    name: web-xyz12
    namespace: shop
  ports:
  - name: http
    port: 8080
    protocol: TCP
kind: List
metadata:
  resourceVersion: ""
`

// watchJSON is `kubectl get svc -w -o json`: the object again after a change.
const watchJSON = `{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "name": "web",
        "namespace": "shop"
    },
    "spec": {
        "clusterIP": "10.96.20.20",
        "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}],
        "type": "ClusterIP"
    }
}
{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "name": "api",
        "namespace": "shop"
    },
    "spec": {
        "clusterIP": "10.96.30.30",
        "type": "ClusterIP"
    }
}
{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "name": "web",
        "namespace": "shop"
    },
    "spec": {
        "clusterIP": "10.96.20.20",
        "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080, "nodePort": 30080}],
        "type": "NodePort"
    }
}
`

const configMaps = `apiVersion: v1
items:
- apiVersion: v1
  data:
    password: hunter2
  kind: Secret
  metadata:
    name: db-credentials
    namespace: shop
  type: Opaque
- apiVersion: v1
  data:
    app.properties: |
      db.password=hunter2
  kind: ConfigMap
  metadata:
    name: app-config
    namespace: shop
- apiVersion: v1
  data:
    config.conf: |-
      apiVersion: kubeproxy.config.k8s.io/v1alpha1
      kind: KubeProxyConfiguration
      clusterCIDR: 10.244.0.0/16
      conntrack:
        maxPerCore: null
        min: null
      iptables:
        masqueradeAll: false
      ipvs:
        scheduler: ""
        strictARP: true
      mode: ipvs
      nodePortAddresses: null
    kubeconfig.conf: |-
      apiVersion: v1
      kind: Config
  kind: ConfigMap
  metadata:
    labels:
      app: kube-proxy
    name: kube-proxy
    namespace: kube-system
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api
    namespace: shop
kind: List
metadata:
  resourceVersion: ""
`

const nodesPods = `apiVersion: v1
kind: Node
metadata:
  name: node-a
spec:
  podCIDR: 10.244.1.0/24
  podCIDRs:
  - 10.244.1.0/24
status:
  addresses:
  - address: 10.0.0.11
    type: InternalIP
  - address: node-a
    type: Hostname
  nodeInfo:
    kubeProxyVersion: v1.24.6-aliyun.1
    kubeletVersion: v1.24.6-aliyun.1
---
apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"secret":"x"}'
  name: web-1
  namespace: shop
spec:
  containers:
  - env:
    - name: PASSWORD
      value: hunter2
    image: web:1
    name: web
  hostNetwork: false
  nodeName: node-a
status:
  phase: Running
  podIP: 10.244.1.5
  podIPs:
  - ip: 10.244.1.5
`

// podUnreadFields is a Pod whose fields the rules do not read are
// malformed: an invalid timestamp and quantity, a list of the wrong type.
const podUnreadFields = `apiVersion: v1
kind: Pod
metadata:
  annotations: 5
  creationTimestamp: yesterday
  name: web-2
  namespace: shop
  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: web-6d8f7c9b5
    uid: 0d7c3a51-2b1e-4e0a-9f6d-3c2b1a0f9e8d
spec:
  containers:
  - image: web:1
    name: web
    resources:
      limits:
        cpu: lots
  hostNetwork: true
  nodeName: node-b
  volumes: none
status:
  conditions:
  - lastTransitionTime: never
    type: Ready
  hostIP: 10.0.0.12
  hostIPs:
  - ip: 10.0.0.12
  - ip: fd00::12
  phase: Running
  podIP: 10.244.2.7
  podIPs:
  - ip: 10.244.2.7
  - ip: fd00::7
`

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string
	}{
		{name: "empty", in: ""},
		{name: "blank lines", in: "\n\n  \n"},
		{name: "spec List", in: specList, want: []string{
			"Service default/kubernetes @3 ClusterIP clusterIP=10.96.0.1 clusterIPs=10.96.0.1 families=IPv4 ports=https:443/TCP>6443",
		}},
		{name: "empty List", in: emptyList},
		{name: "items null", in: "apiVersion: v1\nitems: null\nkind: List\n"},
		{name: "no resources", in: "No resources found in default namespace.\n"},
		{name: "service kinds", in: serviceKinds, want: []string{
			"Service shop/db @3 ClusterIP clusterIP=None clusterIPs=None ports=:5432/TCP>5432",
			"Service shop/ext @17 ExternalName externalName=db.example.com",
			"Service shop/dual @26 ClusterIP clusterIP=10.96.10.10 clusterIPs=10.96.10.10,fd00:10:96::a families=IPv4,IPv6 ports=http:80/TCP>http",
			"Service shop/web @46 LoadBalancer clusterIP=10.96.20.20 clusterIPs=10.96.20.20 ports=http:80/TCP>8080(np30080),dns:53/UDP>53(np30053) eTP=Local iTP=Cluster hcnp=32000 externalIPs=192.0.2.10 ingress=198.51.100.7//Proxy,/a1b2.elb.example.com,198.51.100.8/ affinity=ClientIP/10800 annotations=service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname=lb.example.com",
			"Service legacy/old @85 NodePort clusterIP=10.0.0.50 ports=:8080/TCP>8080(np31000)",
		}},
		{name: "multi-document CRLF", in: "---\r\n" + strings.ReplaceAll(betaSlice, "\n", "\r\n") + "---\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web\r\n  namespace: shop\r\nspec:\r\n  clusterIP: 10.96.20.20\r\n---\r\n", want: []string{
			"Service shop/web @24  clusterIP=10.96.20.20",
			"EndpointSlice shop/web-abcde @2 discovery.k8s.io/v1 svc=web IPv4 ports=http:8080/TCP eps=[10.244.1.5 node=node-a zone=zone-1 ready=true topology=map[example.com/rack:r1]] from=discovery.k8s.io/v1beta1",
		}},
		{name: "ServiceList JSON", in: serviceListJSON, want: []string{
			"Service default/kubernetes @9 ClusterIP clusterIP=10.96.0.1 ports=https:443/TCP>6443",
		}},
		{name: "v1 EndpointSlices", in: v1Slices, want: []string{
			"EndpointSlice shop/web-xyz12 @3 discovery.k8s.io/v1 svc=web IPv4 ports=http:8080/TCP eps=[10.244.1.5 node=node-a ready=true serving=true terminating=false; 10.244.2.9 node=node-b ready=false serving=true terminating=true]",
		}},
		{name: "JSON watch", in: watchJSON, want: []string{
			"Service shop/web @26 NodePort clusterIP=10.96.20.20 ports=:80/TCP>8080(np30080)",
			"Service shop/api @14 ClusterIP clusterIP=10.96.30.30",
			"W x.yaml:26: 1 object(s) appear more than once (watch output?): the last copy of each is kept",
		}},
		{name: "secrets and config maps", in: configMaps, want: []string{
			`ProxyConfig kube-system/kube-proxy @19 mode="ipvs" scheduler="" strictARP=true masqueradeAll=false clusterCIDR=10.244.0.0/16 nodePortAddresses=`,
			"dropped configMaps=1 secrets=1",
			"W x.yaml:3: Secret shop/db-credentials dropped unread: ipvslint never reads Secrets",
			"W x.yaml:44: 2 object(s) of kind apps/v1 Deployment ignored",
		}},
		{name: "nodes and pods", in: nodesPods, want: []string{
			"Node node-a @1 InternalIP=10.0.0.11,Hostname=node-a podCIDRs=10.244.1.0/24 kubelet=v1.24.6-aliyun.1 kubeProxy=v1.24.6-aliyun.1",
			"Pod shop/web-1 @19 node=node-a ip=10.244.1.5 ips=10.244.1.5",
		}},
		{name: "pod read for its kept fields only", in: podUnreadFields, want: []string{
			"Pod shop/web-2 @1 node=node-b ip=10.244.2.7 hostNetwork ips=10.244.2.7,fd00::7 hostIP=10.0.0.12 hostIPs=10.0.0.12,fd00::12 owners=ReplicaSet/web-6d8f7c9b5",
		}},
		{name: "pod kept field of the wrong type", in: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-3\nspec:\n  hostNetwork: \"yes\"\n  nodeName: node-a\n", want: []string{
			"Pod /web-3 @1 node=node-a ip=",
			`W x.yaml:1: Pod web-3: json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool`,
		}},
		{name: "kubectl error", in: "error: the server doesn't have a resource type \"endpointslices\"\n", want: []string{
			`F x.yaml:1: error: the server doesn't have a resource type "endpointslices"`,
		}},
		{name: "forbidden", in: "Error from server (Forbidden): services is forbidden: User \"dev\" cannot list resource \"services\" in API group \"\" at the cluster scope\n", want: []string{
			`F x.yaml:1: Error from server (Forbidden): services is forbidden: User "dev" cannot list resource "services" in API group "" at the cluster scope`,
		}},
		{name: "connection refused", in: "E1125 10:15:00.123456   12345 memcache.go:265] couldn't get current server API group list: Get \"http://localhost:8080/api?timeout=32s\": dial tcp 127.0.0.1:8080: connect: connection refused\n" +
			"The connection to the server localhost:8080 was refused - did you specify the right host or port?\n", want: []string{
			`W x.yaml:1: kubectl log line: "E1125 10:15:00.123456   12345 memcache.go:265] couldn't get current server API g…"`,
			"F x.yaml:2: The connection to the server localhost:8080 was refused - did you specify the right host or port?",
		}},
		{name: "klog error only", in: "E1125 10:15:00.123456   12345 memcache.go:265] couldn't get current server API group list\n", want: []string{
			`W x.yaml:1: kubectl log line: "E1125 10:15:00.123456   12345 memcache.go:265] couldn't get current server API g…"`,
			"F x.yaml:1: E1125 10:15:00.123456   12345 memcache.go:265] couldn't get current server API group list",
		}},
		{name: "command not found", in: "bash: kubectl: command not found\n", want: []string{
			"F x.yaml:1: bash: kubectl: command not found",
		}},
		{name: "deprecation warning", in: "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: web\n  namespace: shop\nsubsets:\n- addresses:\n  - ip: 10.244.1.5\n  notReadyAddresses:\n  - ip: 10.244.2.9\n  ports:\n  - port: 8080\n    protocol: TCP\n", want: []string{
			"Endpoints shop/web @2 10.244.1.5 10.244.2.9(notready) :8080/TCP",
			`W x.yaml:1: kubectl warning: "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointS…"`,
		}},
		{name: "version document", in: `{"clientVersion": {"gitVersion": "v1.28.2"}, "serverVersion": {"gitVersion": "v1.24.6-aliyun.1"}}`, want: []string{
			"Version @1 client=v1.28.2 server=v1.24.6-aliyun.1",
		}},
		{name: "wrong field type", in: "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  clusterIP: 10.96.0.9\n  ports:\n  - port: eighty\n", want: []string{
			"Service /bad @1  clusterIP=10.96.0.9 ports=:0/>0",
			`W x.yaml:1: Service bad: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32`,
		}},
		{name: "complex key in a later document", in: "kind: Node\n---\nkind: Service\nmetadata:\n  name: k\n? [a]\n: b\n", want: []string{
			"Node  @1  podCIDRs= kubelet= kubeProxy=",
			"W x.yaml:3: Service k dropped: line 6: mapping key is not a string",
		}},
		{name: "bad merge in a List item", in: "kind: List\nitems:\n- kind: Service\n  metadata:\n    name: m\n  spec:\n    <<: [1]\n", want: []string{
			"W x.yaml:3: Service m dropped: line 7: merge key value is not a mapping",
		}},
		{name: "object without kind", in: "foo: bar\n", want: []string{
			"W x.yaml:1: object without kind (ignored)",
		}},
		{name: "anchors", in: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: &l {app: a}\n  annotations: *l\nspec:\n  <<: {type: NodePort}\n  clusterIP: 10.96.0.2\n", want: []string{
			"Service /a @1 NodePort clusterIP=10.96.0.2 annotations=app=a",
		}},
		{name: "truncated JSON list", in: "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\"kind\": \"Service\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"a\"}},\n        {\"kind\": \"Service\", \"metadata\": {\"na", want: []string{
			"Service /a @4 ",
			"W x.yaml:5: unexpected end of JSON input: list cut short, 1 complete item(s) kept",
		}},
		{name: "truncated JSON list before a complete item", in: "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\"kind\": \"Service\", \"metadata\": {\"na",
			wantErr: `x.yaml:4: invalid JSON: unexpected end of JSON input: "{\"kind\": \"Service\", \"metadata\": {\"na"`},
		{name: "second document broken", in: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\nkind: [\n", want: []string{
			"Service /a @1 ",
			`W x.yaml:6: invalid YAML: did not find expected node content (rest of the input ignored): "kind: ["`,
		}},
		{name: "broken item of a List", in: "apiVersion: v1\nitems:\n- kind: Service\n  metadata:\n    name: a\n- kind: Service\n  metadata: {name: [\n",
			wantErr: `x.yaml:7: invalid YAML: did not find expected node content: "  metadata: {name: ["`},
		{name: "quote left open in a List", in: "kind: Node\nmetadata:\n  name: n\n---\napiVersion: v1\nitems:\n- kind: Service\n  metadata:\n    name: a\n- kind: Service\n  metadata:\n    name: \"b\nkind: List\n", want: []string{
			"Node n @1  podCIDRs= kubelet= kubeProxy=",
			`W x.yaml:12: invalid YAML: found unexpected end of stream (rest of the input ignored): "    name: \"b"`,
		}},
		{name: "not YAML", in: "hello world\n", wantErr: `x.yaml:1: not a Kubernetes object: "hello world"`},
		{name: "ip addr text", in: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN\n", wantErr: `x.yaml:1: invalid YAML: mapping values are not allowed in this context`},
		{name: "bad YAML", in: "apiVersion: v1\nkind: Service\n  name: x\n", wantErr: `x.yaml:3: invalid YAML: mapping values are not allowed in this context: "  name: x"`},
		{name: "bad JSON", in: "{\"kind\": \"Service\" \"x\"}\n", wantErr: `x.yaml:1: invalid JSON: expected ',' or '}' after a member, found '"': "{\"kind\": \"Service\" \"x\"}"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), source.Pos{File: "x.yaml", Line: 1})
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Parse = %q, want error %q", summarize(got), tt.wantErr)
				}
				var pe *source.ParseError
				if !errors.As(err, &pe) {
					t.Errorf("error %T is not a *source.ParseError", err)
				}
				if err.Error() != tt.wantErr {
					t.Errorf("error = %q\n   want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			compareLines(t, summarize(got), tt.want)
		})
	}
}

// compareLines reports the differences between got and want.
func compareLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	t.Errorf("got %d lines, want %d", len(got), len(want))
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("line %d:\n got %q\nwant %q", i, g, w)
		}
	}
}

func TestParseAliasBombs(t *testing.T) {
	laughs := "apiVersion: v1\nkind: Service\nmetadata:\n  name: lol\n  labels:\n    a0: &a0 \"lol\"\n"
	for i := 1; i < 30; i++ {
		laughs += fmt.Sprintf("    a%d: &a%d [*a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1)
	}
	tests := []struct {
		name, in, want string
	}{
		{"cycle", "apiVersion: v1\nkind: Service\nmetadata: &m\n  name: x\n  labels: [*m]\n", "x.yaml:1: Service x dropped: YAML alias refers to itself"},
		{"laughs", laughs, "x.yaml:1: Service lol dropped: object too large or too deep (YAML aliases expanded too far)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), source.Pos{File: "x.yaml", Line: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Services) != 0 || len(got.Warnings) != 1 || got.Warnings[0].String() != tt.want {
				t.Errorf("got %q, want one warning %q", summarize(got), tt.want)
			}
		})
	}
}

// TestParseOffset checks that positions count from the first line given: a
// piece cut out of a pasted transcript keeps the transcript's line numbers.
func TestParseOffset(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		wantErr  string
	}{
		{name: "yaml", in: specList, want: []string{
			"Service default/kubernetes @12 ClusterIP clusterIP=10.96.0.1 clusterIPs=10.96.0.1 families=IPv4 ports=https:443/TCP>6443",
		}},
		{name: "json", in: watchJSON, want: []string{
			"Service shop/web @35 NodePort clusterIP=10.96.20.20 ports=:80/TCP>8080(np30080)",
			"Service shop/api @23 ClusterIP clusterIP=10.96.30.30",
			"W paste.txt:35: 1 object(s) appear more than once (watch output?): the last copy of each is kept",
		}},
		{name: "yaml error", in: "apiVersion: v1\nkind: Service\n  name: x\n", wantErr: `paste.txt:12: invalid YAML: mapping values are not allowed in this context: "  name: x"`},
		{name: "json error", in: "{\n\"kind\": \"Service\" \"x\"}\n", wantErr: `paste.txt:11: invalid JSON: expected ',' or '}' after a member, found '"': "\"kind\": \"Service\" \"x\"}"`},
		{name: "unclosed quote, no final newline", in: `"`, wantErr: `paste.txt:10: invalid YAML: found unexpected end of stream`},
		{name: "unclosed quote in an item, no final newline", in: "items:\n- kind: Service\n- a: \"", wantErr: `paste.txt:12: invalid YAML: found unexpected end of stream`},
		{name: "line broken by a lone CR", in: "kind: Service\rmetadata: {name: a}\nx: [\n", wantErr: `paste.txt:11: invalid YAML: did not find expected node content: "x: ["`},
		{name: "line broken by LS", in: "kind: List\nitems:\n- kind: Service\n  metadata: {name: \"a\u2028b\"}\n  x: [\n", wantErr: `paste.txt:14: invalid YAML: did not find expected node content: "  x: ["`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), source.Pos{File: "paste.txt", Line: 10})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			compareLines(t, summarize(got), tt.want)
		})
	}
}

// TestParseTooLarge refuses an object over MaxObject, naming where it
// starts: an item of a List cuts the List short (its complete items are
// kept, with a warning) whether the List is YAML or JSON; the first item of
// a List, or another object, is an error when nothing came before it, else
// a warning that ends the reading. A kubectl version output over it is an
// error.
func TestParseTooLarge(t *testing.T) {
	at := source.Pos{File: "cluster/services.yaml", Line: 1}
	big := strings.Repeat("x", MaxObject)
	tests := []struct {
		name, in string
		services int    // the Services kept
		wantErr  string // the error expected, "" for none
		wantWarn string // the last warning expected without an error
	}{
		{name: "yaml item", in: "apiVersion: v1\nitems:\n- kind: Service\n  metadata:\n    name: a\n- kind: Service\n  metadata:\n    name: b\n    labels:\n      x: " + big + "\n",
			services: 1, wantWarn: "cluster/services.yaml:6: object larger than 16 MiB: ipvslint reads Kubernetes objects of at most that size: list cut short, 1 complete item(s) kept"},
		{name: "yaml first item", in: "apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata:\n    labels:\n      x: " + big + "\n",
			wantErr: "cluster/services.yaml:4: object larger than 16 MiB: ipvslint reads Kubernetes objects of at most that size"},
		{name: "yaml first item after a document", in: "kind: Service\nmetadata:\n  name: a\n---\nkind: List\nitems:\n- kind: Service\n  metadata:\n    labels:\n      x: " + big + "\n",
			services: 1, wantWarn: "cluster/services.yaml:7: object larger than 16 MiB: ipvslint reads Kubernetes objects of at most that size (rest of the input ignored)"},
		{name: "yaml sequence item", in: "- kind: Service\n  metadata:\n    name: a\n- kind: Service\n  x: " + big + "\n",
			services: 1, wantWarn: "cluster/services.yaml:4: object larger than 16 MiB: ipvslint reads Kubernetes objects of at most that size: list cut short, 1 complete item(s) kept"},
		{name: "yaml document", in: "kind: Service\nmetadata:\n  name: a\n---\nkind: Service\nmetadata:\n  labels:\n    x: " + big + "\n",
			services: 1, wantWarn: "cluster/services.yaml:5: object larger than 16 MiB: ipvslint reads Kubernetes objects of at most that size (rest of the input ignored)"},
		{name: "yaml first document", in: "kind: Service\nmetadata:\n  labels:\n    x: " + big + "\n",
			wantErr: "cluster/services.yaml:1: object larger than 16 MiB: ipvslint reads Kubernetes objects of at most that size"},
		{name: "json item", in: `{"items": [{"kind": "Service"},` + "\n" + `{"kind": "Service", "x": "` + big + `"}]}`,
			services: 1, wantWarn: "cluster/services.yaml:2: object larger than 16 MiB: ipvslint reads Kubernetes objects of at most that size: list cut short, 1 complete item(s) kept"},
		{name: "json first item", in: `{"kind": "List", "items": [` + "\n" + `{"kind": "Service", "x": "` + big + `"}]}`,
			wantErr: "cluster/services.yaml:2: object larger than 16 MiB: ipvslint reads Kubernetes objects of at most that size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse(strings.NewReader(tt.in), at)
			if parsertest.Err(t, err, tt.wantErr) {
				if !errors.Is(err, ErrTooLarge) {
					t.Errorf("err = %v, want ErrTooLarge", err)
				}
				return
			}
			if n := len(o.Warnings); n == 0 || o.Warnings[n-1].String() != tt.wantWarn {
				t.Errorf("warnings %v, want last %s", o.Warnings, tt.wantWarn)
			}
			if len(o.Services) != tt.services {
				t.Errorf("%d services, want %d", len(o.Services), tt.services)
			}
		})
	}
	if _, err := ParseVersion(io.LimitReader(zeros{}, MaxObject+1), at); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ParseVersion err = %v, want ErrTooLarge", err)
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
