package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// The printers of the cluster files. kubectl prints lists of unstructured
// objects through sigs.k8s.io/yaml: keys in alphabetical order, 2-space
// indent, sequences not indented.

// kubeList prints items as `kubectl get -o yaml` does. Items are printed
// one at a time and indented into the list, which gives the bytes of
// printing the whole list at once without building all of it in memory.
func kubeList[T any](items []T) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("apiVersion: v1\nitems:")
	if len(items) == 0 {
		b.WriteString(" []")
	}
	b.WriteByte('\n')
	for i := range items {
		data, err := yaml.Marshal(&items[i])
		if err != nil {
			return nil, err
		}
		for j, line := range bytes.SplitAfter(data, []byte("\n")) {
			switch {
			case len(line) == 0:
				continue
			case j == 0:
				b.WriteString("- ")
			case line[0] != '\n':
				b.WriteString("  ")
			}
			b.Write(line)
		}
	}
	b.WriteString("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
	return b.Bytes(), nil
}

// meta returns the metadata of an object the API server returns.
func meta(ns, name, uid string, created time.Time, labels map[string]string, r *rand.Rand) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: ns, UID: types.UID(uid), Labels: labels,
		ResourceVersion: strconv.Itoa(1000 + r.IntN(9_000_000)), CreationTimestamp: metav1.NewTime(created)}
}

// versionInfo is one half of `kubectl version -o json`, in kubectl's field
// order.
type versionInfo struct {
	Major        string `json:"major"`
	Minor        string `json:"minor"`
	GitVersion   string `json:"gitVersion"`
	GitCommit    string `json:"gitCommit"`
	GitTreeState string `json:"gitTreeState"`
	BuildDate    string `json:"buildDate"`
	GoVersion    string `json:"goVersion"`
	Compiler     string `json:"compiler"`
	Platform     string `json:"platform"`
}

// versionJSON prints `kubectl version -o json`.
func (c *cluster) versionJSON() ([]byte, error) {
	v := versionInfo{"1", strconv.Itoa(c.minor), c.cfg.Version, "0000000000000000000000000000000000000000", "clean",
		"2025-01-01T00:00:00Z", "go1.22.5", "gc", "linux/amd64"}
	doc := struct {
		Client    versionInfo `json:"clientVersion"`
		Kustomize string      `json:"kustomizeVersion"`
		Server    versionInfo `json:"serverVersion"`
	}{v, "v5.0.4-0.20230601165947-6ce0bf390ce3", v}
	data, err := json.MarshalIndent(doc, "", "  ")
	return append(data, '\n'), err
}

// servicesYAML prints `kubectl get services -A -o yaml`.
func (c *cluster) servicesYAML() ([]byte, error) {
	r := rng(c.cfg.Seed, "services.yaml")
	items := make([]corev1.Service, 0, len(c.services))
	for _, s := range c.services {
		o := corev1.Service{TypeMeta: metav1.TypeMeta{Kind: "Service", APIVersion: "v1"},
			ObjectMeta: meta(s.ns, s.name, s.uid, s.created, s.labels, r)}
		sp := &o.Spec
		sp.Type = corev1.ServiceType(s.typ)
		sp.ClusterIP, sp.ClusterIPs = s.clusterIP.String(), []string{s.clusterIP.String()}
		sp.Selector = s.selector
		sp.IPFamilies = []corev1.IPFamily{corev1.IPv4Protocol}
		single, cluster := corev1.IPFamilyPolicySingleStack, corev1.ServiceInternalTrafficPolicyCluster
		sp.IPFamilyPolicy, sp.InternalTrafficPolicy = &single, &cluster
		sp.SessionAffinity = corev1.ServiceAffinityNone
		if s.affinity {
			timeout := int32(10800)
			sp.SessionAffinity = corev1.ServiceAffinityClientIP
			sp.SessionAffinityConfig = &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: &timeout}}
		}
		for _, p := range s.ports {
			sp.Ports = append(sp.Ports, corev1.ServicePort{Name: p.name, Protocol: corev1.Protocol(p.proto), Port: p.port,
				TargetPort: intstr.FromInt32(p.target), NodePort: p.nodePort})
		}
		if s.external() {
			sp.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyCluster
			if s.local {
				sp.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
			}
		}
		if s.typ == "LoadBalancer" {
			yes := true
			sp.AllocateLoadBalancerNodePorts = &yes
			sp.HealthCheckNodePort = s.hcNodePort
			ing := corev1.LoadBalancerIngress{IP: s.lbIP.String()}
			if c.minor >= 30 { // LoadBalancerIPMode is on by default from 1.30
				vip := corev1.LoadBalancerIPModeVIP
				ing.IPMode = &vip
			}
			o.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{ing}
		}
		items = append(items, o)
	}
	return kubeList(items)
}

// endpointSlicesYAML prints `kubectl get endpointslices -A -o yaml`: one
// slice per Service, sorted like the Services (slice names start with the
// Service's).
func (c *cluster) endpointSlicesYAML() ([]byte, error) {
	r := rng(c.cfg.Seed, "endpointslices.yaml")
	items := make([]discoveryv1.EndpointSlice, 0, len(c.services))
	yes, no := true, false
	for _, s := range c.services {
		labels := map[string]string{discoveryv1.LabelServiceName: s.name, discoveryv1.LabelManagedBy: "endpointslice-controller.k8s.io"}
		if s.name == "kubernetes" {
			delete(labels, discoveryv1.LabelManagedBy)
		}
		o := discoveryv1.EndpointSlice{TypeMeta: metav1.TypeMeta{Kind: "EndpointSlice", APIVersion: "discovery.k8s.io/v1"},
			ObjectMeta:  meta(s.ns, s.slice, uid(r), s.created, labels, r),
			AddressType: discoveryv1.AddressTypeIPv4}
		if s.selector != nil {
			o.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Service", Name: s.name, UID: types.UID(s.uid),
				Controller: &yes, BlockOwnerDeletion: &yes}}
		}
		for _, p := range s.eps {
			ep := discoveryv1.Endpoint{Addresses: []string{p.ip.String()},
				Conditions: discoveryv1.EndpointConditions{Ready: &yes, Serving: &yes, Terminating: &no}}
			if s.selector != nil { // the API server's own endpoints name no pod
				node := p.node.name
				ep.NodeName = &node
				ep.TargetRef = &corev1.ObjectReference{Kind: "Pod", Namespace: p.ns, Name: p.name, UID: types.UID(p.uid)}
			}
			o.Endpoints = append(o.Endpoints, ep)
		}
		for _, sp := range s.ports {
			name, proto, port := sp.name, corev1.Protocol(sp.proto), sp.target
			o.Ports = append(o.Ports, discoveryv1.EndpointPort{Name: &name, Protocol: &proto, Port: &port})
		}
		items = append(items, o)
	}
	return kubeList(items)
}

// nodesYAML prints `kubectl get nodes -o yaml`.
func (c *cluster) nodesYAML() ([]byte, error) {
	r := rng(c.cfg.Seed, "nodes.yaml")
	items := make([]corev1.Node, 0, len(c.nodes))
	for _, n := range c.nodes {
		labels := map[string]string{"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}
		if n.idx == 0 {
			labels["node-role.kubernetes.io/control-plane"] = ""
		}
		created := c.created.Add(-time.Duration(200*24*3600-n.idx*60) * time.Second)
		o := corev1.Node{TypeMeta: metav1.TypeMeta{Kind: "Node", APIVersion: "v1"}, ObjectMeta: meta("", n.name, uid(r), created, labels, r)}
		o.Spec.PodCIDR, o.Spec.PodCIDRs = n.podCIDR.String(), []string{n.podCIDR.String()}
		res := corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse(strconv.Itoa(cores)),
			corev1.ResourceMemory: resource.MustParse("32863092Ki"),
			corev1.ResourcePods:   resource.MustParse("110"),
		}
		o.Status.Capacity, o.Status.Allocatable = res, res
		o.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: n.ip.String()}, {Type: corev1.NodeHostName, Address: n.name}}
		beat := metav1.NewTime(c.created.Add(-time.Duration(r.IntN(60)) * time.Second))
		o.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: beat,
			LastTransitionTime: metav1.NewTime(created.Add(time.Minute)), Reason: "KubeletReady", Message: "kubelet is posting ready status"}}
		o.Status.NodeInfo = corev1.NodeSystemInfo{MachineID: strings.ReplaceAll(uid(r), "-", ""), SystemUUID: uid(r), BootID: uid(r),
			KernelVersion: kernelRelease, OSImage: "Ubuntu 22.04.5 LTS", ContainerRuntimeVersion: "containerd://1.7.12",
			KubeletVersion: c.cfg.Version, KubeProxyVersion: c.cfg.Version, OperatingSystem: "linux", Architecture: "amd64"}
		items = append(items, o)
	}
	return kubeList(items)
}

// podsYAML prints the collector's reduced pods: its go-template prints the
// fields in a fixed order and quotes strings with %q.
func (c *cluster) podsYAML() []byte {
	var b bytes.Buffer
	q := strconv.Quote
	b.WriteString("apiVersion: v1\nkind: List\nitems:")
	for _, p := range c.pods {
		fmt.Fprintf(&b, "\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: %s\n    namespace: %s\n    labels:", q(p.name), q(p.ns))
		for _, k := range slices.Sorted(maps.Keys(p.labels)) {
			fmt.Fprintf(&b, "\n      %s: %s", q(k), q(p.labels[k]))
		}
		apiVersion := "apps/v1"
		if p.ownerKind == "Node" {
			apiVersion = "v1"
		}
		fmt.Fprintf(&b, "\n    ownerReferences:\n    - apiVersion: %s\n      kind: %s\n      name: %s\n      uid: %s\n      controller: true",
			q(apiVersion), q(p.ownerKind), q(p.ownerName), q(p.ownerUID))
		fmt.Fprintf(&b, "\n  spec:\n    nodeName: %s", q(p.node.name))
		if p.hostNetwork {
			b.WriteString("\n    hostNetwork: true")
		}
		fmt.Fprintf(&b, "\n  status:\n    phase: \"Running\"\n    podIP: %s\n    podIPs:\n    - ip: %s\n    hostIP: %s",
			q(p.ip.String()), q(p.ip.String()), q(p.node.ip.String()))
	}
	b.WriteString("\n")
	return b.Bytes()
}

// proxyConfigYAML prints the kube-proxy ConfigMap as kubeadm writes it.
func (c *cluster) proxyConfigYAML() ([]byte, error) {
	perCore := "null"
	if c.perCore != 0 {
		perCore = strconv.Itoa(int(c.perCore))
	}
	conf := fmt.Sprintf(`apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
clusterCIDR: %s
conntrack:
  maxPerCore: %s
  min: null
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
kind: KubeProxyConfiguration
metricsBindAddress: ""
mode: ipvs
nodePortAddresses: null
`, clusterCIDR, perCore)
	o := corev1.ConfigMap{TypeMeta: metav1.TypeMeta{Kind: "ConfigMap", APIVersion: "v1"},
		ObjectMeta: meta("kube-system", "kube-proxy", uid(rng(c.cfg.Seed, "kube-proxy")), c.created.Add(-200*24*time.Hour),
			map[string]string{"app": "kube-proxy"}, rng(c.cfg.Seed, "kube-proxy-config.yaml")),
		Data: map[string]string{"config.conf": conf}}
	return yaml.Marshal(o)
}
