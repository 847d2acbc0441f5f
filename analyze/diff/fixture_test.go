package diff

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
)

// This file builds small input documents for the tests: a cluster of
// Services and captured nodes, each part changed by an edit.

// edit changes a document under construction.
type edit func(*input.Document)

// document returns a document with every cluster capture ok, the Service
// default/web (a LoadBalancer at 10.96.0.10, 203.0.113.10, port 80 with
// NodePort 30080, two ready endpoints on node-a and one on node-b) and
// the captured node node-a, which binds both addresses and has the
// ClusterIP virtual service with two real servers; then the edits.
func document(edits ...edit) *input.Document {
	doc := &input.Document{
		SchemaVersion: input.SchemaVersion,
		Cluster: input.Cluster{
			Version:   input.Version{Value: "v1.28.3", Known: true},
			CNI:       input.CNI{Name: "flannel", Class: input.ClassOverlay},
			KubeProxy: input.KubeProxy{Present: true, Mode: "ipvs", Scheduler: "rr", NodePortAddresses: []string{}, FeatureGates: map[string]bool{}, ConntrackMaxPerCore: 32768, ConntrackMin: 131072},
			Services:  map[string]*input.Service{},
			Nodes:     map[string]*input.ClusterNode{},
			Captures:  map[string]input.Capture{},
		},
		Nodes: map[string]*input.Node{},
	}
	for _, name := range []string{"services", "endpointslices", "nodes", "version", "kubeProxyConfig"} {
		doc.Cluster.Captures[name] = input.Capture{Status: "ok"}
	}
	withService("default/web", func(s *input.Service) {
		s.Type = "LoadBalancer"
		s.ClusterIPs = []string{"10.96.0.10"}
		s.Ingress = []input.Ingress{{IP: "203.0.113.10"}}
		s.Ports = []input.ServicePort{{Name: "http", Protocol: "TCP", Port: 80, TargetPort: "8080", NodePort: 30080}}
		s.ExternalTrafficPolicy = "Cluster"
		s.Annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id"] = "lb-1"
		s.Endpoints = []input.Endpoint{
			{IP: "10.244.1.5", NodeName: "node-a", Ready: true},
			{IP: "10.244.1.6", NodeName: "node-a", Ready: true},
			{IP: "10.244.2.5", NodeName: "node-b", Ready: true},
			{IP: "10.244.2.6", NodeName: "node-b"},
		}
	})(doc)
	withNode("node-a", "10.96.0.10", "203.0.113.10")(doc)
	withVS("node-a", "TCP/10.96.0.10:80", "default/web clusterIP", "10.244.1.5:8080=1", "10.244.1.6:8080=1")(doc)
	for _, e := range edits {
		e(doc)
	}
	names := slices.Collect(maps.Keys(doc.Nodes))
	for name := range doc.Cluster.Nodes {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	doc.Cluster.NodeNames = names
	return doc
}

// withService adds the Service key (namespace/name), ClusterIP with a
// selector unless edited, or edits it when it exists.
func withService(key string, edit func(*input.Service)) edit {
	return func(doc *input.Document) {
		s := doc.Cluster.Services[key]
		if s == nil {
			ns, name, _ := strings.Cut(key, "/")
			s = &input.Service{Namespace: ns, Name: name, Type: "ClusterIP", Selector: true, ClusterIPs: []string{}, ExternalIPs: []string{},
				Ingress: []input.Ingress{}, Ports: []input.ServicePort{}, InternalTrafficPolicy: "Cluster", SessionAffinity: "None",
				Annotations: map[string]string{}, Endpoints: []input.Endpoint{}, EndpointsSource: "endpointslices"}
			doc.Cluster.Services[key] = s
		}
		edit(s)
	}
}

// withoutService removes a Service.
func withoutService(key string) edit {
	return func(doc *input.Document) { delete(doc.Cluster.Services, key) }
}

// withNode adds a captured node with every capture ok and the given
// kube-ipvs0 addresses, or replaces the addresses of an existing one.
func withNode(name string, vips ...string) edit {
	return func(doc *input.Document) {
		n := doc.Nodes[name]
		if n == nil {
			n = &input.Node{Name: name, Captures: map[string]input.Capture{}, ProxyMode: "ipvs",
				Kernel: &input.Kernel{Release: "6.1.0"}, VirtualServers: map[string]*input.VirtualServer{}}
			for _, c := range input.NodeCaptures {
				n.Captures[c] = input.Capture{Status: "ok"}
			}
			doc.Nodes[name] = n
		}
		n.IPVS0 = map[string]*input.BoundAddress{}
		for _, ip := range vips {
			n.IPVS0[ip] = &input.BoundAddress{Prefix: ip + "/32"}
		}
	}
}

// withVS sets a virtual service of a node: its key, the Service ports it
// serves ("namespace/name role", "" for none) and its real servers as
// IP:PORT=WEIGHT.
func withVS(node, key, serves string, servers ...string) edit {
	return func(doc *input.Document) {
		proto, addr, _ := strings.Cut(key, "/")
		i := strings.LastIndexByte(addr, ':')
		port, _ := strconv.Atoi(addr[i+1:])
		vs := &input.VirtualServer{Protocol: proto, IP: strings.Trim(addr[:i], "[]"), Port: port, Scheduler: "rr", Flags: []string{}}
		if serves != "" {
			svc, role, _ := strings.Cut(serves, " ")
			vs.Services = []input.ServiceRef{{Service: svc, Role: role}}
		}
		for _, s := range servers {
			hp, w, _ := strings.Cut(s, "=")
			j := strings.LastIndexByte(hp, ':')
			p, _ := strconv.Atoi(hp[j+1:])
			weight, _ := strconv.Atoi(w)
			vs.RealServers = append(vs.RealServers, input.RealServer{IP: strings.Trim(hp[:j], "[]"), Port: p, Weight: weight})
		}
		doc.Nodes[node].VirtualServers[key] = vs
	}
}

// withNodeEdit edits a captured node.
func withNodeEdit(name string, edit func(*input.Node)) edit {
	return func(doc *input.Document) { edit(doc.Nodes[name]) }
}

// state returns the State of the document the edits build, without
// findings.
func state(edits ...edit) *State {
	return StateOf([]string{"bundle"}, document(edits...), nil)
}

// finding returns a finding of rule at severity about node, Service and
// target.
func finding(rule string, sev engine.Severity, node, service, target string) engine.Finding {
	return engine.Finding{Rule: rule, Severity: sev, Title: rule + " title", Message: rule + " on " + node, Node: node, Service: service, Target: target}
}
