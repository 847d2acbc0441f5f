package input

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// modelDoc is a small document for the model: default/web (LoadBalancer
// 192.0.2.10, external IP 198.51.100.5, port 80/TCP → 8080, NodePort
// 30080) with one ready endpoint on node-b, and node-a with the addresses
// 10.0.0.1 (eth0) and 10.244.0.1 (cni0).
func modelDoc(v Version, change func(*Service, *Document)) *Document {
	svc := &Service{
		Namespace: "default", Name: "web", Type: "LoadBalancer", ClusterIPs: []string{"10.96.0.20"},
		ExternalIPs: []string{"198.51.100.5"}, Ingress: []Ingress{{IP: "192.0.2.10"}},
		Ports:                 []ServicePort{{Name: "http", Protocol: "TCP", Port: 80, TargetPort: "8080", NodePort: 30080}},
		ExternalTrafficPolicy: "Cluster", InternalTrafficPolicy: "Cluster",
		Endpoints: []Endpoint{
			{IP: "10.244.1.5", NodeName: "node-b", Ready: true, Serving: true, Ports: []EndpointPort{{Name: "http", Protocol: "TCP", Port: 8080}}},
		},
	}
	d := &Document{
		Cluster: Cluster{
			Version:   v,
			KubeProxy: KubeProxy{Present: true, Mode: "ipvs", FeatureGates: map[string]bool{}},
			Services:  map[string]*Service{"default/web": svc},
			Nodes:     map[string]*ClusterNode{"node-a": {Addresses: []NodeAddress{{Type: "InternalIP", Address: "10.0.0.1"}}}},
		},
		Nodes: map[string]*Node{"node-a": {Name: "node-a", Addresses: map[string]*NodeInterface{
			"10.0.0.1": {Interface: "eth0"}, "10.244.0.1": {Interface: "cni0"},
		}}},
	}
	if change != nil {
		change(svc, d)
	}
	return d
}

// v1 returns a known version 1.minor.patch.
func v1(minor, patch int) Version {
	return Version{Value: "test", Major: 1, Minor: minor, Patch: patch, Known: true}
}

// remote and local are the expected real servers of the endpoint on node-b
// and of one on node-a.
var (
	remote = ExpectedRealServer{IP: "10.244.1.5", Port: 8080, NodeName: "node-b", Ready: true, Serving: true}
	local  = ExpectedRealServer{IP: "10.244.0.7", Port: 8080, NodeName: "node-a", Local: true, Ready: true, Serving: true}
)

func TestModelAt(t *testing.T) {
	localEP := Endpoint{IP: "10.244.0.7", NodeName: "node-a", Ready: true, Serving: true, Ports: []EndpointPort{{Name: "http", Protocol: "TCP", Port: 8080}}}
	etpLocal := func(s *Service, _ *Document) { s.ExternalTrafficPolicy = "Local" }
	tests := []struct {
		name      string
		v         Version
		change    func(*Service, *Document)
		ip        string
		port      int
		wantRole  string
		wantBound bool
		wantKnown bool
		want      []ExpectedRealServer // nil: no virtual service at all
	}{
		{name: "cluster policy lists every ready endpoint", v: v1(28, 3), ip: "192.0.2.10", port: 80,
			wantRole: RoleLoadBalancer, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "clusterIP", v: v1(28, 3), ip: "10.96.0.20", port: 80,
			wantRole: RoleClusterIP, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "nodePort on eth0", v: v1(28, 3), ip: "10.0.0.1", port: 30080,
			wantRole: RoleNodePort, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "nodePort on cni0", v: v1(28, 3), ip: "10.244.0.1", port: 30080,
			wantRole: RoleNodePort, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "nodePortAddresses leaves cni0 out", v: v1(28, 3), ip: "10.244.0.1", port: 30080,
			change: func(_ *Service, d *Document) { d.Cluster.KubeProxy.NodePortAddresses = []string{"10.0.0.0/24"} }},
		{name: "nodePortAddresses primary keeps the InternalIP", v: v1(28, 3), ip: "10.0.0.1", port: 30080,
			change:   func(_ *Service, d *Document) { d.Cluster.KubeProxy.NodePortAddresses = []string{"primary"} },
			wantRole: RoleNodePort, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "no virtual service on another port", v: v1(28, 3), ip: "192.0.2.10", port: 443},
		{name: "eTP Local without local endpoint before 1.24: empty", v: v1(22, 15), change: etpLocal, ip: "192.0.2.10", port: 80,
			wantRole: RoleLoadBalancer, wantBound: true, wantKnown: true, want: []ExpectedRealServer{}},
		{name: "eTP Local without local endpoint from 1.24: every endpoint (PR 97081)", v: v1(24, 0), change: etpLocal, ip: "192.0.2.10", port: 80,
			wantRole: RoleLoadBalancer, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "eTP Local does not touch the ClusterIP", v: v1(22, 15), change: etpLocal, ip: "10.96.0.20", port: 80,
			wantRole: RoleClusterIP, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "eTP Local with a local endpoint: only it", v: v1(24, 0), ip: "10.0.0.1", port: 30080,
			change: func(s *Service, d *Document) {
				etpLocal(s, d)
				s.Endpoints = append(s.Endpoints, localEP)
			},
			wantRole: RoleNodePort, wantKnown: true, want: []ExpectedRealServer{local}},
		{name: "eTP Local at an unknown version: unknown", change: etpLocal, ip: "192.0.2.10", port: 80,
			wantRole: RoleLoadBalancer, wantBound: true},
		{name: "topology hints: unknown", v: v1(28, 3), ip: "192.0.2.10", port: 80,
			change:   func(s *Service, _ *Document) { s.TrafficDistribution = "PreferClose" },
			wantRole: RoleLoadBalancer, wantBound: true},
		{name: "iTP Local ClusterIP of an external Service from 1.24: every endpoint", v: v1(24, 0), ip: "10.96.0.20", port: 80,
			change:   func(s *Service, _ *Document) { s.InternalTrafficPolicy = "Local" },
			wantRole: RoleClusterIP, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "iTP Local ClusterIP-only Service: empty", v: v1(28, 0), ip: "10.96.0.20", port: 80,
			change: func(s *Service, _ *Document) {
				s.InternalTrafficPolicy, s.Type, s.Ingress, s.ExternalIPs = "Local", "ClusterIP", nil, nil
				s.Ports[0].NodePort = 0
			},
			wantRole: RoleClusterIP, wantBound: true, wantKnown: true, want: []ExpectedRealServer{}},
		{name: "ipMode Proxy bound before 1.29", v: v1(28, 3), ip: "192.0.2.10", port: 80,
			change:   func(s *Service, _ *Document) { s.Ingress[0].IPMode = "Proxy" },
			wantRole: RoleLoadBalancer, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "ipMode Proxy honoured from 1.30", v: v1(30, 0), ip: "192.0.2.10", port: 80,
			change: func(s *Service, _ *Document) { s.Ingress[0].IPMode = "Proxy" }},
		{name: "ipMode Proxy with the gate off in 1.30", v: v1(30, 0), ip: "192.0.2.10", port: 80,
			change: func(s *Service, d *Document) {
				s.Ingress[0].IPMode = "Proxy"
				d.Cluster.KubeProxy.FeatureGates["LoadBalancerIPMode"] = false
			},
			wantRole: RoleLoadBalancer, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "external IP on the node bound before 1.28", v: v1(27, 4), ip: "10.0.0.1", port: 80,
			change:   func(s *Service, _ *Document) { s.ExternalIPs = []string{"10.0.0.1"} },
			wantRole: RoleExternalIP, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "external IP on the node not bound from 1.28", v: v1(28, 0), ip: "10.0.0.1", port: 80,
			change:   func(s *Service, _ *Document) { s.ExternalIPs = []string{"10.0.0.1"} },
			wantRole: RoleExternalIP, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "no ready endpoint, terminating fallback off in 1.25", v: v1(25, 0), ip: "10.96.0.20", port: 80,
			change: func(s *Service, _ *Document) {
				s.Endpoints[0].Ready, s.Endpoints[0].Terminating = false, true
			},
			wantRole: RoleClusterIP, wantBound: true, wantKnown: true, want: []ExpectedRealServer{}},
		{name: "no ready endpoint, terminating fallback on in 1.26", v: v1(26, 0), ip: "10.96.0.20", port: 80,
			change: func(s *Service, _ *Document) {
				s.Endpoints[0].Ready, s.Endpoints[0].Terminating = false, true
			},
			wantRole: RoleClusterIP, wantBound: true, wantKnown: true,
			want: []ExpectedRealServer{{IP: "10.244.1.5", Port: 8080, NodeName: "node-b", Serving: true, Terminating: true}}},
		{name: "eTP Local prefers the local terminating endpoint from 1.28", v: v1(28, 0), ip: "192.0.2.10", port: 80,
			change: func(s *Service, d *Document) {
				etpLocal(s, d)
				ep := localEP
				ep.Ready, ep.Terminating = false, true
				s.Endpoints = append(s.Endpoints, ep)
			},
			wantRole: RoleLoadBalancer, wantBound: true, wantKnown: true,
			want: []ExpectedRealServer{{IP: "10.244.0.7", Port: 8080, NodeName: "node-a", Local: true, Serving: true, Terminating: true}}},
		{name: "endpoint without ports: the targetPort", v: v1(28, 3), ip: "10.96.0.20", port: 80,
			change:   func(s *Service, _ *Document) { s.Endpoints[0].Ports = nil },
			wantRole: RoleClusterIP, wantBound: true, wantKnown: true, want: []ExpectedRealServer{remote}},
		{name: "hostNetwork endpoint of the node is local", v: v1(28, 3), ip: "10.96.0.20", port: 80,
			change: func(s *Service, _ *Document) {
				s.Endpoints = []Endpoint{{IP: "10.0.0.1", NodeName: "", Ready: true, Serving: true, HostNetwork: true}}
			},
			wantRole: RoleClusterIP, wantBound: true, wantKnown: true,
			want: []ExpectedRealServer{{IP: "10.0.0.1", Port: 8080, Local: true, HostNetwork: true, Ready: true, Serving: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewModel(modelDoc(tt.v, tt.change), Version{})
			got := m.At("node-a", tt.ip, tt.port, "TCP")
			if tt.want == nil && tt.wantRole == "" {
				if len(got) != 0 {
					t.Fatalf("At = %+v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("At = %+v, want one virtual service", got)
			}
			vs := got[0]
			if vs.Role != tt.wantRole || vs.Bound != tt.wantBound || vs.Known != tt.wantKnown || vs.Service != "default/web" {
				t.Errorf("role %s bound %v known %v service %s, want %s %v %v default/web", vs.Role, vs.Bound, vs.Known, vs.Service, tt.wantRole, tt.wantBound, tt.wantKnown)
			}
			if tt.wantKnown && !reflect.DeepEqual(vs.RealServers, tt.want) {
				t.Errorf("real servers %+v, want %+v", vs.RealServers, tt.want)
			}
			if !tt.wantKnown && vs.RealServers != nil {
				t.Errorf("real servers %+v of an unknown set, want nil", vs.RealServers)
			}
		})
	}
}

func TestModelVersionAndBinds(t *testing.T) {
	d := modelDoc(v1(28, 3), func(s *Service, _ *Document) {
		s.Ingress = append(s.Ingress, Ingress{IP: "192.0.2.11", IPMode: "Proxy"})
	})
	at := func(minor int) *Model { return NewModel(d, v1(minor, 0)) }
	if got := NewModel(d, Version{}).Version(); got != v1(28, 3) {
		t.Errorf("Version() = %+v, want the document's", got)
	}
	tests := []struct {
		m    *Model
		ip   string
		want []string
	}{
		{at(28), "192.0.2.10", []string{"default/web"}},
		{at(28), "192.0.2.11", []string{"default/web"}},
		{at(30), "192.0.2.11", nil},
		{at(30), "10.96.0.20", []string{"default/web"}},
		{at(30), "10.0.0.1", nil},
		{at(30), "203.0.113.1", nil},
	}
	for _, tt := range tests {
		if got := tt.m.Binds("node-a", tt.ip); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("v%s Binds(%s) = %v, want %v", tt.m.Version().Value, tt.ip, got, tt.want)
		}
	}
}

func TestModelVirtualServers(t *testing.T) {
	m := NewModel(modelDoc(v1(28, 3), nil), Version{})
	var keys []string
	for _, vs := range m.VirtualServers("node-a", "default/web") {
		keys = append(keys, vs.Key+" "+vs.Role)
	}
	want := []string{
		"TCP/10.0.0.1:30080 nodePort", "TCP/10.244.0.1:30080 nodePort", "TCP/10.96.0.20:80 clusterIP",
		"TCP/192.0.2.10:80 loadBalancer", "TCP/198.51.100.5:80 externalIP",
	}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("VirtualServers = %q, want %q", keys, want)
	}
	// A node without captures has the NodePorts on its Node object's addresses.
	keys = nil
	for _, vs := range m.VirtualServers("node-z", "default/web") {
		keys = append(keys, vs.Key)
	}
	if len(keys) != 3 {
		t.Errorf("node-z: %q, want the three Service addresses and no NodePort", keys)
	}
	if got := m.VirtualServers("node-a", "default/nope"); got != nil {
		t.Errorf("unknown Service: %+v", got)
	}
}

func TestParseVersion(t *testing.T) {
	v, err := ParseVersion("v1.24.6-aliyun.1", "--to")
	if err != nil || v != (Version{Value: "v1.24.6-aliyun.1", Major: 1, Minor: 24, Patch: 6, Source: "--to", Known: true}) {
		t.Errorf("ParseVersion = %+v, %v", v, err)
	}
	if _, err := ParseVersion("latest", "--to"); err == nil || err.Error() != `invalid version "latest": want major.minor.patch` {
		t.Errorf("ParseVersion(latest) error = %v", err)
	}
}

func TestModelNodePortIP(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Service, *Document)
		node   string
		want   string
	}{
		{name: "the InternalIP", node: "node-a", want: "10.0.0.1"},
		{name: "nodePortAddresses leaves the InternalIP out", node: "node-a", want: "10.244.0.1",
			change: func(_ *Service, d *Document) { d.Cluster.KubeProxy.NodePortAddresses = []string{"10.244.0.0/16"} }},
		{name: "no Node object: the first address", node: "node-a", want: "10.0.0.1",
			change: func(_ *Service, d *Document) { d.Cluster.Nodes = nil }},
		{name: "an InternalIP the node lacks: the first address", node: "node-a", want: "10.0.0.1",
			change: func(_ *Service, d *Document) { d.Cluster.Nodes["node-a"].InternalIP = "10.0.0.9" }},
		{name: "nodePortAddresses matches none", node: "node-a",
			change: func(_ *Service, d *Document) { d.Cluster.KubeProxy.NodePortAddresses = []string{"192.168.0.0/16"} }},
		{name: "an unknown node", node: "node-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := modelDoc(v1(28, 3), func(s *Service, d *Document) {
				d.Cluster.Nodes["node-a"].InternalIP = "10.0.0.1"
				if tt.change != nil {
					tt.change(s, d)
				}
			})
			if got := NewModel(d, Version{}).NodePortIP(tt.node); got != tt.want {
				t.Errorf("NodePortIP(%s) = %q, want %q", tt.node, got, tt.want)
			}
		})
	}
}

func TestModelOwners(t *testing.T) {
	cilium := "cilium"
	mesh := &Service{Namespace: "default", Name: "mesh", ClusterIPs: []string{"10.96.0.30"}, ExternalIPs: []string{"192.0.2.10"},
		Ports: []ServicePort{{Protocol: "TCP", Port: 443, NodePort: 30080}}, ServiceProxyName: &cilium, HealthCheckNodePort: 32000, File: "cluster/services.yaml", Line: 40}
	d := modelDoc(v1(28, 3), func(_ *Service, d *Document) { d.Cluster.Services["default/mesh"] = mesh })
	m := NewModel(d, Version{})
	owners := func(node, ip string, port int, protocol string) []string {
		var out []string
		for _, o := range m.Owners(node, ip, port, protocol) {
			s := o.Service + " " + o.Role
			if o.Port != nil {
				s += fmt.Sprintf(" port %d", o.Port.Port)
			}
			if o.ServiceProxyName != nil {
				s += " proxy " + *o.ServiceProxyName
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		name               string
		node, ip, protocol string
		port               int
		want               []string
	}{
		{"a load balancer IP another Service's external IP", "node-a", "192.0.2.10", "TCP", 80, []string{"default/mesh externalIP proxy cilium", "default/web loadBalancer port 80"}},
		{"the other Service's port", "node-a", "192.0.2.10", "TCP", 443, []string{"default/mesh externalIP port 443 proxy cilium", "default/web loadBalancer"}},
		{"a ClusterIP, another protocol", "node-a", "10.96.0.20", "UDP", 80, []string{"default/web clusterIP"}},
		{"a NodePort both Services have", "node-a", "10.0.0.1", "TCP", 30080, []string{"default/mesh nodePort port 443 proxy cilium", "default/web nodePort port 80"}},
		{"a NodePort on another node's address", "node-b", "10.0.0.1", "TCP", 30080, []string{}},
		{"an address no Service names", "node-a", "203.0.113.1", "TCP", 80, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := owners(tt.node, tt.ip, tt.port, tt.protocol); !slices.Equal(got, tt.want) {
				t.Errorf("Owners = %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := m.PortsAt("node-a", "192.0.2.10"), map[string][]int{"TCP": {80, 443}}; !reflect.DeepEqual(got, want) {
		t.Errorf("PortsAt(192.0.2.10) = %v, want %v", got, want)
	}
	if got, want := m.PortsAt("node-a", "10.0.0.1"), map[string][]int{"TCP": {30080}}; !reflect.DeepEqual(got, want) {
		t.Errorf("PortsAt(10.0.0.1) = %v, want %v", got, want)
	}
	if !m.HealthCheckPort(32000) || m.HealthCheckPort(30080) {
		t.Errorf("HealthCheckPort(32000), HealthCheckPort(30080) = %v, %v; want true, false", m.HealthCheckPort(32000), m.HealthCheckPort(30080))
	}
}
