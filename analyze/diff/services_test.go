package diff

import (
	"encoding/json"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/input"
)

// same fails t when got and want differ in JSON, which is how the diff is
// read (null and [] differ).
func same(t *testing.T, got, want any) {
	t.Helper()
	g, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("got\n%s\nwant\n%s", g, w)
	}
}

func TestCompareServices(t *testing.T) {
	noChanges := ServiceChanges{Added: []ServiceEntry{}, Removed: []ServiceEntry{}, Changed: []ServiceChange{}}
	changed := func(changes ...Change) ServiceChanges {
		return ServiceChanges{Added: []ServiceEntry{}, Removed: []ServiceEntry{}, Changed: []ServiceChange{{Service: "default/web", Changes: changes}}}
	}
	web := func(edit func(*input.Service)) edit { return withService("default/web", edit) }
	tests := []struct {
		name     string
		old, new []edit
		want     ServiceChanges
	}{
		{name: "same", want: noChanges},
		{
			name: "added and removed, by name",
			old:  []edit{withService("b/old", func(s *input.Service) { s.ClusterIPs = []string{"10.96.0.20"} })},
			new: []edit{
				withService("z/dns", func(s *input.Service) {
					s.ClusterIPs = []string{"10.96.0.53", "fd00::53"}
					s.Ports = []input.ServicePort{{Protocol: "UDP", Port: 53}, {Protocol: "TCP", Port: 53}}
				}),
				withService("a/np", func(s *input.Service) {
					s.Type = "NodePort"
					s.Ports = []input.ServicePort{{Protocol: "TCP", Port: 443, NodePort: 30443}, {Protocol: "TCP", Port: 80, NodePort: 30080}}
				}),
			},
			want: ServiceChanges{
				Added: []ServiceEntry{
					{Service: "a/np", Type: "NodePort", ClusterIPs: []string{}, Ports: []string{"80/TCP→30080", "443/TCP→30443"}},
					{Service: "z/dns", Type: "ClusterIP", ClusterIPs: []string{"10.96.0.53", "fd00::53"}, Ports: []string{"53/TCP", "53/UDP"}},
				},
				Removed: []ServiceEntry{{Service: "b/old", Type: "ClusterIP", ClusterIPs: []string{"10.96.0.20"}, Ports: []string{}}},
				Changed: []ServiceChange{},
			},
		},
		{
			name: "fields in order",
			new: []edit{web(func(s *input.Service) {
				s.Type = "NodePort"
				s.ClusterIPs = []string{"10.96.0.10", "fd00::10"}
				s.ExternalIPs = []string{"198.51.100.7"}
				s.ExternalTrafficPolicy = "Local"
				s.InternalTrafficPolicy = "Local"
				s.HealthCheckNodePort = 32415
				s.Selector = false
				s.SessionAffinity = "ClientIP"
				s.AffinityTimeout = 10800
				s.TrafficDistribution = "PreferClose"
				s.ServiceProxyName = new("cilium")
			})},
			want: changed(
				Change{Field: "type", Old: "LoadBalancer", New: "NodePort"},
				Change{Field: "clusterIPs", Old: "10.96.0.10", New: "10.96.0.10, fd00::10"},
				Change{Field: "externalIPs", Old: "", New: "198.51.100.7"},
				Change{Field: "externalTrafficPolicy", Old: "Cluster", New: "Local"},
				Change{Field: "internalTrafficPolicy", Old: "Cluster", New: "Local"},
				Change{Field: "healthCheckNodePort", Old: "", New: "32415"},
				Change{Field: "selector", Old: "true", New: "false"},
				Change{Field: "sessionAffinity", Old: "None", New: "ClientIP"},
				Change{Field: "affinityTimeout", Old: "", New: "10800"},
				Change{Field: "trafficDistribution", Old: "", New: "PreferClose"},
				Change{Field: "serviceProxyName", Old: "", New: "cilium"},
			),
		},
		{
			name: "service-proxy-name label present but empty",
			old:  []edit{web(func(s *input.Service) { s.ServiceProxyName = new("") })},
			want: changed(Change{Field: "serviceProxyName", Old: `""`, New: ""}),
		},
		{
			name: "ingress: hostname and ipMode",
			new: []edit{web(func(s *input.Service) {
				s.Ingress = []input.Ingress{{IP: "203.0.113.10", IPMode: "Proxy"}, {Hostname: "web.example.com"}}
			})},
			want: changed(Change{Field: "ingress", Old: "203.0.113.10", New: "203.0.113.10 ipMode Proxy, web.example.com"}),
		},
		{
			name: "load balancer and topology annotations, not the others",
			new: []edit{web(func(s *input.Service) {
				delete(s.Annotations, "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id")
				s.Annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname"] = "web.example.com"
				s.Annotations["service.kubernetes.io/topology-mode"] = "Auto"
				s.Annotations["meta.helm.sh/release-name"] = "web"
			})},
			want: changed(
				Change{Field: "annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-hostname]", Old: "", New: "web.example.com"},
				Change{Field: "annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id]", Old: "lb-1", New: ""},
				Change{Field: "annotations[service.kubernetes.io/topology-mode]", Old: "", New: "Auto"},
			),
		},
		{
			name: "ports added, removed and changed, by port",
			new: []edit{web(func(s *input.Service) {
				s.Ports = []input.ServicePort{
					{Name: "https", Protocol: "TCP", Port: 443, TargetPort: "8443", NodePort: 30443},
					{Name: "web", Protocol: "TCP", Port: 80, TargetPort: "http", NodePort: 0},
					{Name: "dns", Protocol: "UDP", Port: 53, TargetPort: "53"},
				}
			})},
			old: []edit{web(func(s *input.Service) {
				s.Ports = append(s.Ports, input.ServicePort{Name: "metrics", Protocol: "TCP", Port: 9100, TargetPort: "9100", NodePort: 30910})
			})},
			want: changed(
				Change{Field: "ports[53/UDP]", New: "name dns, targetPort 53"},
				Change{Field: "ports[80/TCP].name", Old: "http", New: "web"},
				Change{Field: "ports[80/TCP].targetPort", Old: "8080", New: "http"},
				Change{Field: "ports[80/TCP].nodePort", Old: "30080", New: ""},
				Change{Field: "ports[443/TCP]", New: "name https, targetPort 8443, nodePort 30443"},
				Change{Field: "ports[9100/TCP]", Old: "name metrics, targetPort 9100, nodePort 30910"},
			),
		},
		{
			name: "endpoints are not a Service change",
			new:  []edit{web(func(s *input.Service) { s.Endpoints = nil })},
			want: noChanges,
		},
		{
			name: "services.yaml not read on one side: nothing compared",
			new: []edit{
				withoutService("default/web"),
				func(d *input.Document) { d.Cluster.Captures["services"] = input.Capture{Status: "missing"} },
			},
			want: noChanges,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(state(tt.old...), state(tt.new...)).Services
			same(t, got, tt.want)
		})
	}
}

func TestCompareEndpoints(t *testing.T) {
	moved := withService("default/web", func(s *input.Service) {
		s.Endpoints = []input.Endpoint{
			{IP: "10.244.1.5", NodeName: "node-a", Ready: true},
			{IP: "10.244.3.5", NodeName: "node-c", Ready: true},
			{IP: "10.244.3.6", NodeName: "node-c", Ready: true},
			{IP: "10.244.9.9", Ready: true},
			{IP: "10.244.2.5", NodeName: "node-b", Ready: true},
		}
	})
	tests := []struct {
		name     string
		old, new []edit
		want     []EndpointChange
	}{
		{name: "same", want: []EndpointChange{}},
		{
			name: "not ready endpoints do not count",
			new: []edit{withService("default/web", func(s *input.Service) {
				s.Endpoints = append(s.Endpoints, input.Endpoint{IP: "10.244.2.7", NodeName: "node-b", Serving: true, Terminating: true})
			})},
			want: []EndpointChange{},
		},
		{
			name: "per node, by node name",
			new:  []edit{moved},
			want: []EndpointChange{{Service: "default/web", OldReady: 3, NewReady: 5, Nodes: []NodeCount{
				{Node: "", Old: 0, New: 1},
				{Node: "node-a", Old: 2, New: 1},
				{Node: "node-c", Old: 0, New: 2},
			}}},
		},
		{
			name: "endpoints not read on one side",
			new:  []edit{moved, func(d *input.Document) { d.Cluster.Captures["endpointslices"] = input.Capture{Status: "failed"} }},
			want: []EndpointChange{},
		},
		{
			name: "a Service without endpoints source",
			old:  []edit{withService("default/web", func(s *input.Service) { s.EndpointsSource = "" })},
			new:  []edit{moved},
			want: []EndpointChange{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			same(t, Compare(state(tt.old...), state(tt.new...)).Endpoints, tt.want)
		})
	}
}
