package diff

import (
	"fmt"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
)

// bigDocument returns a document of the size of the performance bundle
// (docs/performance.md): services Services with two ports, two ready
// endpoints each on node-(i%nodes), and nodes captured nodes that bind
// every ClusterIP and have a virtual service per port and one per NodePort
// on two node addresses. Every tenth Service differs by seed: its
// endpoints move to the next node and its real servers follow.
func bigDocument(services, nodes, seed int) *input.Document {
	doc := document()
	c := &doc.Cluster
	c.Services = make(map[string]*input.Service, services)
	doc.Nodes = map[string]*input.Node{}
	for n := range nodes {
		withNode(fmt.Sprintf("node-%d", n))(doc)
	}
	for i := range services {
		key := fmt.Sprintf("team-%02d/svc-%d", i%50, i)
		ip := fmt.Sprintf("10.%d.%d.%d", 96+i/65536, i/256%256, i%256)
		home := i % nodes
		if i%10 == 0 {
			home = (home + seed) % nodes
		}
		withService(key, func(s *input.Service) {
			s.Type = "NodePort"
			s.ClusterIPs = []string{ip}
			s.Ports = []input.ServicePort{{Name: "http", Protocol: "TCP", Port: 80, TargetPort: "8080", NodePort: 30000 + i%2000}, {Name: "metrics", Protocol: "TCP", Port: 9100, TargetPort: "9100"}}
			for e := range 2 {
				s.Endpoints = append(s.Endpoints, input.Endpoint{IP: fmt.Sprintf("10.244.%d.%d", i/128%256, i%128*2+e), NodeName: fmt.Sprintf("node-%d", home), Ready: true})
			}
		})(doc)
		for n := range nodes {
			name := fmt.Sprintf("node-%d", n)
			doc.Nodes[name].IPVS0[ip] = &input.BoundAddress{Prefix: ip + "/32"}
			svc := c.Services[key]
			servers := []string{svc.Endpoints[0].IP + ":8080=1", svc.Endpoints[1].IP + ":8080=1"}
			withVS(name, "TCP/"+ip+":80", key+" clusterIP", servers...)(doc)
			withVS(name, "TCP/"+ip+":9100", key+" clusterIP", svc.Endpoints[0].IP+":9100=1", svc.Endpoints[1].IP+":9100=1")(doc)
			if i < 2000 {
				for _, a := range []string{"10.0.0.%d", "10.0.16.%d"} {
					withVS(name, fmt.Sprintf("TCP/"+a+":%d", 10+n, 30000+i), key+" nodePort", servers...)(doc)
				}
			}
		}
	}
	return doc
}

// bigFindings returns n findings, one per Service of bigDocument.
func bigFindings(n, seed int) []engine.Finding {
	out := make([]engine.Finding, 0, n)
	for i := range n {
		sev := engine.SeverityInfo
		if (i+seed)%7 == 0 {
			sev = engine.SeverityWarning
		}
		out = append(out, finding("source-ip-lost", sev, fmt.Sprintf("node-%d", i%5), fmt.Sprintf("team-%02d/svc-%d", i%50, i), ""))
	}
	return out
}

// BenchmarkCompare compares two States of 10,000 Services and 5 nodes of
// about 24,000 virtual services each, a tenth of the Services moved:
//
//	go test -run '^$' -bench Compare -benchmem ./analyze/diff/
func BenchmarkCompare(b *testing.B) {
	old := StateOf(nil, bigDocument(10_000, 5, 0), bigFindings(10_000, 0))
	new := StateOf(nil, bigDocument(10_000, 5, 1), bigFindings(10_000, 1))
	b.ResetTimer()
	for b.Loop() {
		d := Compare(old, new)
		if d.Summary.EndpointsChanged != 1000 {
			b.Fatalf("%d endpoints changed, want 1000", d.Summary.EndpointsChanged)
		}
	}
}

// BenchmarkStateOf takes the State of a document of 10,000 Services and 5
// nodes:
//
//	go test -run '^$' -bench StateOf -benchmem ./analyze/diff/
func BenchmarkStateOf(b *testing.B) {
	doc, findings := bigDocument(10_000, 5, 0), bigFindings(10_000, 0)
	b.ResetTimer()
	for b.Loop() {
		StateOf(nil, doc, findings)
	}
}
