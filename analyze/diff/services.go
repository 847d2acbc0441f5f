package diff

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/input"
)

// compareServices returns the Services added, removed and changed; nothing
// when one side did not read services.yaml.
func compareServices(old, new map[string]*service) ServiceChanges {
	out := ServiceChanges{Added: []ServiceEntry{}, Removed: []ServiceEntry{}, Changed: []ServiceChange{}}
	if old == nil || new == nil {
		return out
	}
	for key, o := range old {
		n, ok := new[key]
		if !ok {
			out.Removed = append(out.Removed, entryOf(key, o))
			continue
		}
		if changes := compareService(o, n); len(changes) > 0 {
			out.Changed = append(out.Changed, ServiceChange{Service: key, Changes: changes})
		}
	}
	for key, n := range new {
		if _, ok := old[key]; !ok {
			out.Added = append(out.Added, entryOf(key, n))
		}
	}
	byName := func(a, b ServiceEntry) int { return cmp.Compare(a.Service, b.Service) }
	slices.SortFunc(out.Added, byName)
	slices.SortFunc(out.Removed, byName)
	slices.SortFunc(out.Changed, func(a, b ServiceChange) int { return cmp.Compare(a.Service, b.Service) })
	return out
}

// entryOf names a Service added or removed.
func entryOf(key string, s *service) ServiceEntry {
	e := ServiceEntry{Service: key, Type: s.typ, ClusterIPs: nonNil(s.clusterIPs), Ports: []string{}}
	for _, p := range s.ports {
		e.Ports = append(e.Ports, portText(p))
	}
	return e
}

// portText writes a Service port as PORT/PROTO, with →NODEPORT when it
// has one.
func portText(p input.ServicePort) string {
	s := portKey(p)
	if p.NodePort != 0 {
		s += fmt.Sprintf("→%d", p.NodePort)
	}
	return s
}

// portKey is the key of a Service port: PORT/PROTO, unique in a Service.
func portKey(p input.ServicePort) string { return fmt.Sprintf("%d/%s", p.Port, p.Protocol) }

// compareService returns the changes of one Service's compared fields.
func compareService(o, n *service) []Change {
	var out []Change
	out = appendChange(out, "type", o.typ, n.typ)
	out = appendChange(out, "headless", btoa(o.headless), btoa(n.headless))
	out = appendListChange(out, "clusterIPs", o.clusterIPs, n.clusterIPs)
	out = appendListChange(out, "externalIPs", o.extIPs, n.extIPs)
	if !slices.Equal(o.ingress, n.ingress) {
		out = appendChange(out, "ingress", ingressText(o.ingress), ingressText(n.ingress))
	}
	out = appendChange(out, "externalTrafficPolicy", o.externalTrafficPolicy, n.externalTrafficPolicy)
	out = appendChange(out, "internalTrafficPolicy", o.internalTrafficPolicy, n.internalTrafficPolicy)
	out = appendChange(out, "healthCheckNodePort", zeroless(o.healthCheckNodePort), zeroless(n.healthCheckNodePort))
	out = appendChange(out, "selector", btoa(o.selector), btoa(n.selector))
	out = appendChange(out, "sessionAffinity", o.sessionAffinity, n.sessionAffinity)
	out = appendChange(out, "affinityTimeout", zeroless(o.affinityTimeout), zeroless(n.affinityTimeout))
	out = appendChange(out, "trafficDistribution", o.trafficDistribution, n.trafficDistribution)
	out = appendChange(out, "serviceProxyName", o.serviceProxyName, n.serviceProxyName)
	for _, k := range unionKeys(o.annotations, n.annotations) {
		out = appendChange(out, "annotations["+k+"]", o.annotations[k], n.annotations[k])
	}
	return append(out, comparePortLists(o.ports, n.ports)...)
}

// comparePortLists returns the changes of a Service's ports, both lists
// sorted by port and protocol: a port added or removed as ports[KEY], a
// port's name, targetPort or nodePort as ports[KEY].FIELD.
func comparePortLists(old, new []input.ServicePort) []Change {
	var out []Change
	i, j := 0, 0
	for i < len(old) || j < len(new) {
		var c int
		switch {
		case i == len(old):
			c = 1
		case j == len(new):
			c = -1
		default:
			c = comparePorts(old[i], new[j])
		}
		switch {
		case c < 0:
			out = append(out, Change{Field: "ports[" + portKey(old[i]) + "]", Old: portDetail(old[i])})
			i++
		case c > 0:
			out = append(out, Change{Field: "ports[" + portKey(new[j]) + "]", New: portDetail(new[j])})
			j++
		default:
			if o, n := old[i], new[j]; o != n {
				field := "ports[" + portKey(o) + "]."
				out = appendChange(out, field+"name", o.Name, n.Name)
				out = appendChange(out, field+"targetPort", o.TargetPort, n.TargetPort)
				out = appendChange(out, field+"nodePort", zeroless(o.NodePort), zeroless(n.NodePort))
			}
			i++
			j++
		}
	}
	return out
}

// portDetail writes a Service port added or removed: its name, target port
// and NodePort.
func portDetail(p input.ServicePort) string {
	s := fmt.Sprintf("name %s, targetPort %s", cmp.Or(p.Name, `""`), p.TargetPort)
	if p.NodePort != 0 {
		s += fmt.Sprintf(", nodePort %d", p.NodePort)
	}
	return s
}

// ingressText writes the load balancer ingress entries: the IP or the
// hostname, with the ipMode when set.
func ingressText(ingress []input.Ingress) string {
	var parts []string
	for _, ing := range ingress {
		s := cmp.Or(ing.IP, ing.Hostname)
		if ing.IP != "" && ing.Hostname != "" {
			s += " (" + ing.Hostname + ")"
		}
		if ing.IPMode != "" {
			s += " ipMode " + ing.IPMode
		}
		parts = append(parts, s)
	}
	return list(parts)
}

// zeroless writes a port number, "" for 0 (none).
func zeroless(n int) string {
	if n == 0 {
		return ""
	}
	return itoa(n)
}

// compareEndpoints returns the Services on both sides whose ready
// endpoints per node differ, when both sides hold their endpoints.
func compareEndpoints(old, new map[string]*service) []EndpointChange {
	out := []EndpointChange{}
	for key, o := range old {
		n := new[key]
		if n == nil || o.ready == nil || n.ready == nil || maps.Equal(o.ready, n.ready) {
			continue
		}
		ec := EndpointChange{Service: key, Nodes: []NodeCount{}}
		for _, name := range unionKeys(o.ready, n.ready) {
			ec.OldReady += o.ready[name]
			ec.NewReady += n.ready[name]
			if o.ready[name] != n.ready[name] {
				ec.Nodes = append(ec.Nodes, NodeCount{Node: name, Old: o.ready[name], New: n.ready[name]})
			}
		}
		out = append(out, ec)
	}
	slices.SortFunc(out, func(a, b EndpointChange) int { return cmp.Compare(a.Service, b.Service) })
	return out
}
