package input

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"testing"
)

// ver returns a known version major.minor.
func ver(major, minor int) Version {
	return Version{Value: fmt.Sprintf("v%d.%d.0", major, minor), Major: major, Minor: minor, Known: true}
}

// kp returns kube-proxy's behaviour at v with feature gates, set only when
// gates holds them.
func kp(v Version, gates map[string]bool) *behaviour {
	return newBehaviour(v, KubeProxy{FeatureGates: gates, NodePortAddresses: []string{}, ExcludeCIDRs: []string{}}, nil)
}

func TestBindsIngress(t *testing.T) {
	on, off := map[string]bool{"LoadBalancerIPMode": true}, map[string]bool{"LoadBalancerIPMode": false}
	tests := []struct {
		name  string
		v     Version
		gates map[string]bool
		mode  string
		want  bool
	}{
		{name: "VIP", v: ver(1, 30), mode: "VIP", want: true},
		{name: "unset", v: ver(1, 32), mode: "", want: true},
		{name: "Proxy before 1.29", v: ver(1, 28), mode: "Proxy", want: true},
		{name: "Proxy before 1.29, gate on", v: ver(1, 28), gates: on, mode: "Proxy", want: true},
		{name: "Proxy in 1.29, gate off by default", v: ver(1, 29), mode: "Proxy", want: true},
		{name: "Proxy in 1.29, gate on", v: ver(1, 29), gates: on, mode: "Proxy", want: false},
		{name: "Proxy in 1.30, gate on by default", v: ver(1, 30), mode: "Proxy", want: false},
		{name: "Proxy in 1.30, gate off", v: ver(1, 30), gates: off, mode: "Proxy", want: true},
		{name: "Proxy in 1.31, gate off", v: ver(1, 31), gates: off, mode: "Proxy", want: true},
		{name: "Proxy in 1.32, GA", v: ver(1, 32), gates: off, mode: "Proxy", want: false},
		{name: "Proxy at an unknown version", v: Version{}, mode: "Proxy", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kp(tt.v, tt.gates).bindsIngress(Ingress{IP: "192.0.2.10", IPMode: tt.mode}); got != tt.want {
				t.Errorf("bindsIngress = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVIPs(t *testing.T) {
	svc := &Service{
		ClusterIPs:  []string{"10.96.0.5"},
		ExternalIPs: []string{"192.0.2.20", "2001:db8::20"},
		Ingress:     []Ingress{{IP: "192.0.2.10"}, {Hostname: "lb.example.com"}, {IP: "2001:db8::10"}, {IP: "192.0.2.11", IPMode: "Proxy"}},
	}
	// The IPv6 external and ingress IPs are of no family of the Service, the
	// hostname has no address, and the ipMode Proxy ingress is not bound in
	// 1.30.
	want := []vip{{"10.96.0.5", RoleClusterIP}, {"192.0.2.20", RoleExternalIP}, {"192.0.2.10", RoleLoadBalancer}}
	if got := kp(ver(1, 30), nil).vips(svc); !slices.Equal(got, want) {
		t.Errorf("vips = %v, want %v", got, want)
	}
}

func TestNodePortAddress(t *testing.T) {
	primary := map[string][]string{"node-a": {"192.168.1.11"}}
	tests := []struct {
		name string
		conf []string
		ip   string
		want bool
	}{
		{name: "every address when unset", ip: "10.244.1.1", want: true},
		{name: "IPv6 global when unset", ip: "fd00::11", want: true},
		{name: "no IPv6 link-local", ip: "fe80::1", want: false},
		{name: "no IPv6 link-local, even in a CIDR", conf: []string{"fe80::/10"}, ip: "fe80::1", want: false},
		{name: "in a CIDR", conf: []string{"192.168.1.0/24"}, ip: "192.168.1.11", want: true},
		{name: "outside the CIDRs", conf: []string{"192.168.1.0/24", "10.0.0.0/8"}, ip: "172.16.0.1", want: false},
		{name: "CIDRs of the other family only", conf: []string{"fd00::/8"}, ip: "10.244.1.1", want: true},
		{name: "a CIDR of each family", conf: []string{"fd00::/8", "192.168.1.0/24"}, ip: "10.244.1.1", want: false},
		{name: "primary", conf: []string{"primary"}, ip: "192.168.1.11", want: true},
		{name: "primary, another address", conf: []string{"primary"}, ip: "10.244.1.1", want: false},
		{name: "primary and a CIDR", conf: []string{"primary", "10.244.0.0/16"}, ip: "10.244.1.1", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBehaviour(ver(1, 30), KubeProxy{NodePortAddresses: tt.conf}, nil)
			b.primaryIPs = primary
			if got := b.nodePortAddress("node-a", netip.MustParseAddr(tt.ip)); got != tt.want {
				t.Errorf("nodePortAddress(%s) with %v = %v, want %v", tt.ip, tt.conf, got, tt.want)
			}
		})
	}
}

func TestTerminatingFallback(t *testing.T) {
	on, off := map[string]bool{"ProxyTerminatingEndpoints": true}, map[string]bool{"ProxyTerminatingEndpoints": false}
	tests := []struct {
		name      string
		v         Version
		gates     map[string]bool
		on, known bool
	}{
		{name: "1.21, gate on", v: ver(1, 21), gates: on, on: false, known: true},
		{name: "1.22, alpha off by default", v: ver(1, 22), on: false, known: true},
		{name: "1.22, gate on", v: ver(1, 22), gates: on, on: true, known: true},
		{name: "1.25, gate on", v: ver(1, 25), gates: on, on: true, known: true},
		{name: "1.25, off by default", v: ver(1, 25), on: false, known: true},
		{name: "1.26, beta on by default", v: ver(1, 26), on: true, known: true},
		{name: "1.26, gate off", v: ver(1, 26), gates: off, on: false, known: true},
		{name: "1.27, gate off", v: ver(1, 27), gates: off, on: false, known: true},
		{name: "1.28, GA", v: ver(1, 28), gates: off, on: true, known: true},
		{name: "unknown version", v: Version{}, gates: on, on: false, known: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotOn, gotKnown := kp(tt.v, tt.gates).terminatingFallback()
			if gotOn != tt.on || gotKnown != tt.known {
				t.Errorf("terminatingFallback = %v, %v, want %v, %v", gotOn, gotKnown, tt.on, tt.known)
			}
		})
	}
}

func TestTopologyAware(t *testing.T) {
	tests := []struct {
		name         string
		annotations  map[string]string
		distribution string
		want         bool
	}{
		{name: "none", want: false},
		{name: "topology-mode Auto", annotations: map[string]string{"service.kubernetes.io/topology-mode": "Auto"}, want: true},
		{name: "topology-aware-hints auto", annotations: map[string]string{"service.kubernetes.io/topology-aware-hints": "auto"}, want: true},
		{name: "topology-mode Disabled", annotations: map[string]string{"service.kubernetes.io/topology-mode": "Disabled"}, want: false},
		{name: "trafficDistribution", distribution: "PreferClose", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := topologyAware(&Service{Annotations: tt.annotations, TrafficDistribution: tt.distribution}); got != tt.want {
				t.Errorf("topologyAware = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestExpectedReady checks which ready endpoints kube-proxy lists on a
// virtual service of node-a, by traffic policy, role and version: null
// when that cannot be told.
func TestExpectedReady(t *testing.T) {
	local, remote := Endpoint{IP: "10.244.1.5", NodeName: "node-a", Ready: true, Serving: true},
		Endpoint{IP: "10.244.2.7", NodeName: "node-b", Ready: true, Serving: true}
	localTerminating := Endpoint{IP: "10.244.1.6", NodeName: "node-a", Serving: true, Terminating: true}
	v6 := Endpoint{IP: "fd00::7", NodeName: "node-b", Ready: true, Serving: true}
	nodePort := []ServicePort{{Name: "http", Protocol: "TCP", Port: 80, NodePort: 30080}}
	clusterOnly := []ServicePort{{Name: "http", Protocol: "TCP", Port: 80}}
	tests := []struct {
		name  string
		v     Version
		gates map[string]bool
		svc   Service
		role  string
		want  []string // nil: unknown
	}{
		{name: "Cluster: every ready endpoint of the family", v: ver(1, 28), role: RoleLoadBalancer,
			svc: Service{ExternalTrafficPolicy: "Cluster", Ports: nodePort, Endpoints: []Endpoint{local, remote, v6}}, want: []string{"10.244.1.5", "10.244.2.7"}},
		{name: "Cluster with topology hints", v: ver(1, 28), role: RoleClusterIP,
			svc: Service{TrafficDistribution: "PreferClose", Endpoints: []Endpoint{local, remote}}},
		{name: "eTP Local: the local endpoint", v: ver(1, 23), role: RoleNodePort,
			svc: Service{ExternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{local, remote}}, want: []string{"10.244.1.5"}},
		{name: "eTP Local leaves the ClusterIP alone", v: ver(1, 23), role: RoleClusterIP,
			svc: Service{ExternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{remote}}, want: []string{"10.244.2.7"}},
		{name: "eTP Local without local endpoint in 1.23", v: ver(1, 23), role: RoleLoadBalancer,
			svc: Service{ExternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{remote}}, want: []string{}},
		{name: "eTP Local without local endpoint in 1.24", v: ver(1, 24), role: RoleLoadBalancer,
			svc: Service{ExternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{remote}}, want: []string{"10.244.2.7"}},
		{name: "eTP Local without local endpoint, unknown version", v: Version{}, role: RoleLoadBalancer,
			svc: Service{ExternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{remote}}},
		{name: "eTP Local fallback with topology hints", v: ver(1, 28), role: RoleNodePort,
			svc: Service{ExternalTrafficPolicy: "Local", TrafficDistribution: "PreferClose", Ports: nodePort, Endpoints: []Endpoint{remote}}},
		{name: "eTP Local, local terminating endpoint in 1.25", v: ver(1, 25), role: RoleNodePort,
			svc: Service{ExternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{localTerminating, remote}}, want: []string{"10.244.2.7"}},
		{name: "eTP Local, local terminating endpoint in 1.26", v: ver(1, 26), role: RoleNodePort,
			svc: Service{ExternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{localTerminating, remote}}, want: []string{}},
		{name: "eTP Local, local terminating endpoint, unknown version", v: Version{}, role: RoleNodePort,
			svc: Service{ExternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{localTerminating, remote}}},
		{name: "iTP Local before 1.22 is ignored", v: ver(1, 21), role: RoleClusterIP,
			svc: Service{InternalTrafficPolicy: "Local", Ports: clusterOnly, Endpoints: []Endpoint{local, remote}}, want: []string{"10.244.1.5", "10.244.2.7"}},
		{name: "iTP Local from 1.22", v: ver(1, 22), role: RoleClusterIP,
			svc: Service{InternalTrafficPolicy: "Local", Ports: clusterOnly, Endpoints: []Endpoint{local, remote}}, want: []string{"10.244.1.5"}},
		{name: "iTP Local without local endpoint, ClusterIP only", v: ver(1, 28), role: RoleClusterIP,
			svc: Service{InternalTrafficPolicy: "Local", Ports: clusterOnly, Endpoints: []Endpoint{remote}}, want: []string{}},
		{name: "iTP Local without local endpoint, ClusterIP only, unknown version", v: Version{}, role: RoleClusterIP,
			svc: Service{InternalTrafficPolicy: "Local", Ports: clusterOnly, Endpoints: []Endpoint{remote}}, want: []string{}},
		{name: "iTP Local without local endpoint, externally accessible, 1.23", v: ver(1, 23), role: RoleClusterIP,
			svc: Service{InternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{remote}}, want: []string{}},
		{name: "iTP Local without local endpoint, externally accessible, 1.24", v: ver(1, 24), role: RoleClusterIP,
			svc: Service{InternalTrafficPolicy: "Local", Ports: nodePort, Endpoints: []Endpoint{remote}}, want: []string{"10.244.2.7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, known := kp(tt.v, tt.gates).expectedReady(&tt.svc, "node-a", tt.role, "IPv4")
			switch {
			case tt.want == nil && known:
				t.Errorf("expectedReady = %v, want unknown", slices.Sorted(maps.Keys(set)))
			case tt.want != nil && !known:
				t.Errorf("expectedReady unknown, want %v", tt.want)
			case known && !slices.Equal(slices.Sorted(maps.Keys(set)), tt.want):
				t.Errorf("expectedReady = %v, want %v", slices.Sorted(maps.Keys(set)), tt.want)
			}
		})
	}
}

func TestExcluded(t *testing.T) {
	b := newBehaviour(ver(1, 30), KubeProxy{ExcludeCIDRs: []string{"10.200.0.1/16", " fd00:1::/64", "not-a-cidr"}}, nil)
	tests := []struct {
		ip   string
		want bool
	}{
		{"10.200.5.5", true}, // the network of a CIDR with host bits, as kube-proxy parses it
		{"10.201.0.1", false},
		{"fd00:1::5", true},
		{"fd00:2::5", false},
		{"::ffff:10.200.5.5", true},
		{"", false}, // a firewall mark
	}
	for _, tt := range tests {
		if got := b.excluded(tt.ip); got != tt.want {
			t.Errorf("excluded(%q) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}
