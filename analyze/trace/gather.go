package trace

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// Gather resolves the destination of plan against doc (built with
// [Plan.Reads]; model is of doc) and gathers the facts of the path into the trace input
// document, for the model's version: state StateCaptured follows the
// node's captures, StateExpected what kube-proxy of that version would
// program. notes say how the destination was resolved, for the trace's
// assumptions. An error says what is wrong with --to.
func Gather(doc *input.Document, plan *Plan, model *input.Model, state string) (in *Input, notes []string, err error) {
	n := doc.Nodes[plan.Node]
	if n == nil {
		return nil, nil, fmt.Errorf("the bundle has no captures of node %s", plan.Node)
	}
	if err := Usable(n, state); err != nil {
		return nil, nil, err
	}
	g := &gatherer{doc: doc, plan: plan, node: n, model: model, state: state}
	target, notes, err := g.target()
	if err != nil {
		return nil, nil, err
	}
	if state == StateCaptured && !n.IPVSComplete {
		notes = append(notes, fmt.Sprintf("The ipvsadm capture of %s is not a whole `ipvsadm -Ln` listing: a virtual service or real server it lacks may only be left out of it.", plan.Node))
	}
	owners := model.Owners(plan.Node, target.IP, target.Port, target.Protocol)
	if err := kubeProxyServes(target, owners); err != nil {
		return nil, nil, err
	}
	kp := doc.Cluster.KubeProxy
	in = &Input{
		SchemaVersion: InputSchema,
		Cluster:       Cluster{Version: model.Version(), CNI: doc.Cluster.CNI, MasqueradeAll: kp.MasqueradeAll, ClusterCIDR: kp.ClusterCIDR},
		From:          Client{Spec: plan.From.Spec, Kind: plan.From.Kind, Node: plan.ClientNode, Evidence: plan.FromEvidence},
		To:            target,
		Node:          plan.Node,
		State:         state,
		Owners:        owners,
	}
	if plan.From.IP.IsValid() {
		in.From.IP = plan.From.IP.String()
	}
	in.Address = g.address(target)
	if plan.Remote() && in.Address.Evidence != nil {
		in.Route = &Route{From: plan.ClientNode, Evidence: *in.Address.Evidence}
	}
	g.virtualServer(in)
	in.Listener = input.ListenerFor(n.Listeners, target.Protocol, target.IP, target.Port)
	in.HealthCheckPort = model.HealthCheckPort(target.Port)
	if c := n.Captures["ipvsadm"]; c.Status == string(snapshot.StatusOK) {
		in.IPVSAdm = &input.Evidence{File: c.File}
	}
	if state == StateCaptured && n.Conntrack != nil {
		if d := n.Conntrack.Dests[input.AddrKey(target.Protocol, target.IP, target.Port)]; d != nil {
			in.Conntrack = &Conntrack{Flows: d.Flows, Unreplied: d.Unreplied, NoDNAT: d.NoDNAT, SNAT: d.SNAT,
				FromLocal: d.FromLocal, FromLocalUnreplied: d.FromLocalUnreplied, Samples: d.Samples, UnrepliedSamples: d.UnrepliedSamples}
		}
	}
	return in, notes, nil
}

// kubeProxyServes refuses a destination that only Services handed to
// another proxy name (their label service.kubernetes.io/service-proxy-name):
// kube-proxy programs nothing for them, and a trace follows kube-proxy.
func kubeProxyServes(t Target, owners []Owner) error {
	var others []string
	for _, o := range owners {
		if o.ServiceProxyName == nil {
			return nil
		}
		others = append(others, fmt.Sprintf("the %s of %s (%s:%d), whose label service.kubernetes.io/service-proxy-name hands it to %q",
			o.Role, o.Service, o.Evidence.File, o.Evidence.Line, *o.ServiceProxyName))
	}
	if len(others) == 0 {
		return nil
	}
	return fmt.Errorf("%s/%s is %s: kube-proxy does not handle it, and trace follows kube-proxy only", input.HostPort(t.IP, t.Port), t.Protocol, strings.Join(others, "; "))
}

// Usable checks that the node's captures can carry a trace in state:
// kube-proxy in IPVS mode, its addresses read, and for a captured trace
// its IPVS table.
func Usable(n *input.Node, state string) error {
	if n.ProxyMode != "" && n.ProxyMode != "ipvs" {
		return fmt.Errorf("kube-proxy runs in %s mode on %s (%s): trace follows IPVS mode only", n.ProxyMode, n.Name, n.Captures["proxy-mode"].File)
	}
	need := []string{"ip-addr"}
	if state == StateCaptured {
		need = append(need, "ipvsadm")
	}
	for _, name := range need {
		if c := n.Captures[name]; c.Status != string(snapshot.StatusOK) {
			return fmt.Errorf("%s has no usable %s capture (%s: %s): trace needs it", n.Name, name, c.Status, cmp.Or(c.Detail, c.File))
		}
	}
	return nil
}

// gatherer holds what Gather shares between its parts.
type gatherer struct {
	doc   *input.Document
	plan  *Plan
	node  *input.Node
	model *input.Model
	state string
}

// portWords writes the ports of a Service as "80/TCP (http), 443/TCP".
func portWords(ports []input.ServicePort) string {
	var out []string
	for _, p := range ports {
		w := fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		if p.Name != "" {
			w += " (" + p.Name + ")"
		}
		out = append(out, w)
	}
	return strings.Join(out, ", ")
}

// target resolves --to to an address, port and protocol.
func (g *gatherer) target() (Target, []string, error) {
	to := g.plan.To
	t := Target{Spec: to.Spec, Port: to.Port, Protocol: to.Protocol, Service: to.Service, Evidence: []input.Evidence{}}
	if to.Service == "" {
		t.IP = to.IP.String()
		return g.addressPort(t)
	}
	svc := g.doc.Cluster.Services[to.Service]
	if svc == nil {
		return Target{}, nil, fmt.Errorf("--to %q: the bundle has no Service %s", to.Spec, to.Service)
	}
	t.Evidence = append(t.Evidence, input.Evidence{File: svc.File, Line: svc.Line})
	var ports []input.ServicePort
	for _, p := range svc.Ports {
		if (to.Port == 0 || p.Port == to.Port) && (to.PortName == "" || p.Name == to.PortName) && (to.Protocol == "" || p.Protocol == to.Protocol) {
			ports = append(ports, p)
		}
	}
	switch {
	case len(ports) == 0:
		return Target{}, nil, fmt.Errorf("--to %q: %s has no such port (it has %s)", to.Spec, to.Service, portWords(svc.Ports))
	case len(ports) > 1:
		return Target{}, nil, fmt.Errorf("--to %q: say which port of %s: %s", to.Spec, to.Service, portWords(ports))
	}
	p := ports[0]
	t.Port, t.Protocol = p.Port, p.Protocol
	var how string
	switch {
	case g.plan.From.Kind != KindExternal && len(svc.ClusterIPs) > 0:
		t.IP, how = svc.ClusterIPs[0], "its ClusterIP, which a pod or host process reaching it by name connects to"
	case g.plan.From.Kind != KindExternal:
		return Target{}, nil, fmt.Errorf("--to %q: %s has no ClusterIP (headless or ExternalName): no virtual service to trace", to.Spec, to.Service)
	case slices.ContainsFunc(svc.Ingress, func(i input.Ingress) bool { return i.IP != "" }):
		i := slices.IndexFunc(svc.Ingress, func(i input.Ingress) bool { return i.IP != "" })
		t.IP, how = svc.Ingress[i].IP, "its load balancer IP"
	case len(svc.ExternalIPs) > 0:
		t.IP, how = svc.ExternalIPs[0], "its external IP"
	case p.NodePort != 0 && g.model.NodePortIP(g.plan.Node) != "":
		t.IP, t.Port, how = g.model.NodePortIP(g.plan.Node), p.NodePort, fmt.Sprintf("its NodePort on %s", g.plan.Node)
	default:
		return Target{}, nil, fmt.Errorf("--to %q: %s has no load balancer IP, external IP or NodePort that a client outside the cluster could reach", to.Spec, to.Service)
	}
	note := fmt.Sprintf("%s resolved to %s/%s, %s.", to.Spec, input.HostPort(t.IP, t.Port), t.Protocol, how)
	return t, []string{note}, nil
}

// addressPort fills the port and protocol of an address destination that
// lacks them from the Service ports and virtual services there, when they
// tell one.
func (g *gatherer) addressPort(t Target) (Target, []string, error) {
	if t.Port != 0 {
		if t.Protocol == "" {
			t.Protocol = "TCP"
			if ps := g.portsAt(t.IP); !slices.Contains(ps, [2]string{strconv.Itoa(t.Port), "TCP"}) {
				for _, p := range ps {
					if p[0] == strconv.Itoa(t.Port) {
						t.Protocol = p[1]
					}
				}
			}
		}
		return t, nil, nil
	}
	ps := g.portsAt(t.IP)
	if t.Protocol != "" {
		ps = slices.DeleteFunc(ps, func(p [2]string) bool { return p[1] != t.Protocol })
	}
	if len(ps) != 1 {
		var words []string
		for _, p := range ps {
			words = append(words, p[0]+"/"+p[1])
		}
		if len(words) == 0 {
			return Target{}, nil, fmt.Errorf("--to %q: give the port: no Service port or virtual service of %s tells it", t.Spec, t.IP)
		}
		return Target{}, nil, fmt.Errorf("--to %q: give the port, one of %s", t.Spec, strings.Join(words, ", "))
	}
	t.Port, _ = strconv.Atoi(ps[0][0])
	t.Protocol = ps[0][1]
	return t, []string{fmt.Sprintf("%s has one port, %s/%s.", t.IP, ps[0][0], ps[0][1])}, nil
}

// portsAt returns the ports and protocols of the Services at ip (their
// ports on their addresses, their NodePorts on the node's addresses) and
// of the node's virtual services there, sorted and unique.
func (g *gatherer) portsAt(ip string) [][2]string {
	set := map[[2]string]bool{}
	for proto, ports := range g.model.PortsAt(g.plan.Node, ip) {
		for _, p := range ports {
			set[[2]string{strconv.Itoa(p), proto}] = true
		}
	}
	for _, vs := range g.node.VirtualServers {
		if vs.IP == ip {
			set[[2]string{strconv.Itoa(vs.Port), vs.Protocol}] = true
		}
	}
	return slices.SortedFunc(maps.Keys(set), func(a, b [2]string) int {
		x, _ := strconv.Atoi(a[0])
		y, _ := strconv.Atoi(b[0])
		return cmp.Or(cmp.Compare(x, y), cmp.Compare(a[1], b[1]))
	})
}

// address tells what the destination address is on the node: bound on
// kube-ipvs0 (as captured, or as the model binds it), an address of its
// other interfaces, or neither.
func (g *gatherer) address(t Target) Address {
	a := Address{Kind: AddressNone, Served: []string{}}
	bound := g.node.IPVS0[t.IP]
	switch {
	case g.state == StateCaptured && bound != nil, g.state == StateExpected && len(g.model.Binds(g.plan.Node, t.IP)) > 0:
		a.Kind = AddressIPVS
		if bound != nil {
			a.Evidence = &input.Evidence{File: bound.File, Line: bound.Line, Text: bound.Text}
		}
		a.Served = g.served(t.IP)
	case g.node.Addresses[t.IP] != nil:
		ni := g.node.Addresses[t.IP]
		a.Kind, a.Interface = AddressNode, ni.Interface
		a.Evidence = &input.Evidence{File: ni.File, Line: ni.Line, Text: ni.Text}
	}
	return a
}

// served returns the ports with a virtual service on ip: the node's, or
// the model's for an expected trace.
func (g *gatherer) served(ip string) []string {
	type port struct {
		n     int
		proto string
	}
	set := map[port]bool{}
	if g.state == StateCaptured {
		for _, vs := range g.node.VirtualServers {
			if vs.IP == ip {
				set[port{vs.Port, vs.Protocol}] = true
			}
		}
	} else {
		for _, k := range g.model.Binds(g.plan.Node, ip) {
			for _, vs := range g.model.VirtualServers(g.plan.Node, k) {
				if vs.IP == ip {
					set[port{vs.Port, vs.Protocol}] = true
				}
			}
		}
	}
	out := []string{}
	for _, p := range slices.SortedFunc(maps.Keys(set), func(a, b port) int { return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.proto, b.proto)) }) {
		out = append(out, fmt.Sprintf("%d/%s", p.n, p.proto))
	}
	return out
}

// virtualServer fills the virtual service at the destination, the Service
// port it serves and, for a captured trace, what the model expects there.
func (g *gatherer) virtualServer(in *Input) {
	t := in.To
	expected := g.model.At(g.plan.Node, t.IP, t.Port, t.Protocol)
	if g.state == StateExpected {
		if len(expected) == 0 {
			return
		}
		e := expected[0]
		in.VirtualServer = &VirtualServer{Key: e.Key, Protocol: e.Protocol, IP: e.IP, Port: e.Port, RealServers: expectedRealServers(e)}
		in.Service = g.serviceFacts(e.Service, e.Role, e.ServicePort)
		return
	}
	vs := g.node.VirtualServers[input.AddrKey(t.Protocol, t.IP, t.Port)]
	if vs == nil {
		return
	}
	in.VirtualServer = &VirtualServer{Key: input.AddrKey(t.Protocol, t.IP, t.Port), Protocol: vs.Protocol, IP: vs.IP, Port: vs.Port, Scheduler: vs.Scheduler,
		Evidence: &input.Evidence{File: vs.File, Line: vs.Line, Text: vs.Text}, RealServers: []RealServer{}}
	for _, rs := range vs.RealServers {
		r := RealServer{IP: rs.IP, Port: rs.Port, Weight: rs.Weight, Local: rs.Local,
			Evidence: &input.Evidence{File: rs.File, Line: rs.Line, Text: rs.Text}}
		if ep := rs.Endpoint; ep != nil {
			r.Endpoint, r.NodeName, r.HostNetwork, r.Ready, r.Terminating = true, ep.NodeName, ep.HostNetwork, ep.Ready, ep.Terminating
		}
		in.VirtualServer.RealServers = append(in.VirtualServer.RealServers, r)
	}
	in.Service = &ServiceFacts{ReadyNodes: []string{}, Evidence: *in.VirtualServer.Evidence}
	if len(vs.Services) > 0 {
		ref := vs.Services[0]
		svc := g.doc.Cluster.Services[ref.Service]
		if i := slices.IndexFunc(svc.Ports, func(p input.ServicePort) bool { return p.Name == ref.PortName && p.Port == ref.Port }); i >= 0 {
			in.Service = g.serviceFacts(ref.Service, ref.Role, svc.Ports[i])
		}
	}
	if len(expected) > 0 && expected[0].Known {
		in.Expected = &Expected{Known: true, RealServers: expectedRealServers(expected[0])}
	}
}

// expectedRealServers returns the real servers the model lists, weight 1.
func expectedRealServers(e input.ExpectedVirtualServer) []RealServer {
	out := []RealServer{}
	for _, rs := range e.RealServers {
		out = append(out, RealServer{IP: rs.IP, Port: rs.Port, Weight: 1, Local: rs.Local, NodeName: rs.NodeName, Endpoint: true,
			HostNetwork: rs.HostNetwork, Ready: rs.Ready, Terminating: rs.Terminating})
	}
	return out
}

// serviceFacts returns the facts of the Service key in role at port p.
func (g *gatherer) serviceFacts(key, role string, p input.ServicePort) *ServiceFacts {
	svc := g.doc.Cluster.Services[key]
	f := &ServiceFacts{
		Service: key, Role: role, Port: p, Type: svc.Type,
		ExternalTrafficPolicy: svc.ExternalTrafficPolicy, InternalTrafficPolicy: svc.InternalTrafficPolicy,
		HealthCheckNodePort: svc.HealthCheckNodePort,
		EndpointsKnown:      g.doc.Cluster.EndpointsKnown(svc),
		ReadyNodes:          []string{}, Evidence: input.Evidence{File: svc.File, Line: svc.Line},
	}
	for _, ep := range svc.Endpoints {
		if !ep.Ready {
			continue
		}
		f.ReadyEndpoints++
		if ep.NodeName == g.plan.Node {
			f.LocalReady++
		}
		if !slices.Contains(f.ReadyNodes, ep.NodeName) {
			f.ReadyNodes = append(f.ReadyNodes, ep.NodeName)
		}
	}
	slices.Sort(f.ReadyNodes)
	return f
}
