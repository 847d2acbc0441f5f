package input

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// kube-proxy's default ClientIP affinity timeout, in seconds.
const defaultAffinityTimeout = 10800

// The endpointsSource values.
const (
	fromSlices    = "endpointslices"
	fromEndpoints = "endpoints"
)

// ServicesKnown reports whether the bundle's Services were read: without
// them nothing is expected of a node.
func (c *Cluster) ServicesKnown() bool {
	return c.Captures["services"].Status == string(snapshot.StatusOK)
}

// EndpointsKnown reports whether the bundle holds the Service's endpoints:
// its endpointsSource capture was read.
func (c *Cluster) EndpointsKnown(svc *Service) bool {
	return svc.EndpointsSource != "" && c.Captures[svc.EndpointsSource].Status == string(snapshot.StatusOK)
}

// services returns the Services with their endpoints, taken from
// EndpointSlices when the bundle has them and from Endpoints otherwise.
func (b *builder) services(captures map[string]Capture) map[string]*Service {
	source := ""
	switch {
	case len(b.objs.EndpointSlices) > 0 || captures["endpointslices"].Status == string(snapshot.StatusOK):
		source = fromSlices
	case len(b.objs.Endpoints) > 0 || captures["endpoints"].Status == string(snapshot.StatusOK):
		source = fromEndpoints
	}
	eps := map[string][]Endpoint{}
	switch source {
	case fromSlices:
		eps = b.sliceEndpoints()
	case fromEndpoints:
		eps = b.legacyEndpoints()
	}
	out := map[string]*Service{}
	for i := range b.objs.Services {
		s := &b.objs.Services[i]
		key := s.Namespace + "/" + s.Name
		svc := service(s)
		svc.EndpointsSource = source
		svc.Endpoints = nonNil(eps[key])
		out[key] = svc
	}
	return out
}

// service returns the facts of one Service, without its endpoints.
func service(s *kube.Service) *Service {
	spec := &s.Spec
	svc := &Service{
		Namespace:             s.Namespace,
		Name:                  s.Name,
		Type:                  string(spec.Type),
		ExternalIPs:           canonicalAll(spec.ExternalIPs),
		Ingress:               []Ingress{},
		Ports:                 []ServicePort{},
		ExternalTrafficPolicy: string(spec.ExternalTrafficPolicy),
		InternalTrafficPolicy: "Cluster",
		HealthCheckNodePort:   int(spec.HealthCheckNodePort),
		SessionAffinity:       string(spec.SessionAffinity),
		Selector:              s.HasSelector,
		Annotations:           map[string]string{},
		File:                  s.Pos.File,
		Line:                  s.Pos.Line,
	}
	if svc.Type == "" {
		svc.Type = string(corev1.ServiceTypeClusterIP)
	}
	svc.Headless = spec.ClusterIP == corev1.ClusterIPNone
	switch {
	case svc.Headless || svc.Type == string(corev1.ServiceTypeExternalName):
		svc.ClusterIPs = []string{}
	case len(spec.ClusterIPs) > 0:
		svc.ClusterIPs = canonicalAll(spec.ClusterIPs)
	case spec.ClusterIP != "":
		svc.ClusterIPs = []string{canonical(spec.ClusterIP)}
	default:
		svc.ClusterIPs = []string{}
	}
	for _, ing := range s.Status.LoadBalancer.Ingress {
		in := Ingress{IP: canonical(ing.IP), Hostname: ing.Hostname}
		if ing.IPMode != nil {
			in.IPMode = string(*ing.IPMode)
		}
		svc.Ingress = append(svc.Ingress, in)
	}
	for _, p := range spec.Ports {
		sp := ServicePort{Name: p.Name, Protocol: protocol(p.Protocol), Port: int(p.Port), TargetPort: p.TargetPort.String(), NodePort: int(p.NodePort)}
		if p.TargetPort.IntVal == 0 && p.TargetPort.StrVal == "" {
			sp.TargetPort = strconv.Itoa(sp.Port) // the API server's default
		}
		svc.Ports = append(svc.Ports, sp)
	}
	if svc.ExternalTrafficPolicy == "" && (spec.Type == corev1.ServiceTypeNodePort || spec.Type == corev1.ServiceTypeLoadBalancer) {
		svc.ExternalTrafficPolicy = "Cluster"
	}
	if d := spec.TrafficDistribution; d != nil {
		svc.TrafficDistribution = *d
	}
	if p := spec.InternalTrafficPolicy; p != nil && *p != "" {
		svc.InternalTrafficPolicy = string(*p)
	}
	if svc.SessionAffinity == "" {
		svc.SessionAffinity = string(corev1.ServiceAffinityNone)
	}
	if spec.SessionAffinity == corev1.ServiceAffinityClientIP {
		svc.AffinityTimeout = defaultAffinityTimeout
		if c := spec.SessionAffinityConfig; c != nil && c.ClientIP != nil && c.ClientIP.TimeoutSeconds != nil {
			svc.AffinityTimeout = int(*c.ClientIP.TimeoutSeconds)
		}
	}
	for k, v := range s.Annotations {
		if k != corev1.LastAppliedConfigAnnotation {
			svc.Annotations[k] = v
		}
	}
	if name, ok := s.Labels[kube.LabelServiceProxyName]; ok {
		svc.ServiceProxyName = &name
	}
	return svc
}

// protocol returns a Kubernetes protocol in upper case, TCP when unset.
func protocol(p corev1.Protocol) string {
	if p == "" {
		return string(corev1.ProtocolTCP)
	}
	return string(p)
}

// endpointSet collects the endpoints of one Service, one per IP: an IP that
// several slices (or subsets) list keeps the conditions it was first seen
// with and the union of its ports.
type endpointSet struct {
	byIP map[string]*Endpoint
}

// add adds an endpoint, or its ports to the endpoint of the same IP.
func (s *endpointSet) add(ep Endpoint) {
	if have := s.byIP[ep.IP]; have != nil {
		for _, p := range ep.Ports {
			if !slices.Contains(have.Ports, p) {
				have.Ports = append(have.Ports, p)
			}
		}
		return
	}
	s.byIP[ep.IP] = &ep
}

// list returns the endpoints ordered by IP, their ports by name, protocol
// and number.
func (s *endpointSet) list() []Endpoint {
	out := make([]Endpoint, 0, len(s.byIP))
	for _, ep := range s.byIP {
		slices.SortFunc(ep.Ports, func(a, b EndpointPort) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Port, b.Port))
		})
		out = append(out, *ep)
	}
	slices.SortFunc(out, func(a, b Endpoint) int { return CompareIP(a.IP, b.IP) })
	return out
}

// sets returns the endpoint set of a Service key, making it when needed.
func sets(m map[string]*endpointSet, key string) *endpointSet {
	s := m[key]
	if s == nil {
		s = &endpointSet{byIP: map[string]*Endpoint{}}
		m[key] = s
	}
	return s
}

// sliceEndpoints returns the endpoints of every Service from its
// EndpointSlices (label kubernetes.io/service-name), by Service key. Only an
// endpoint's first address counts, as for kube-proxy.
func (b *builder) sliceEndpoints() map[string][]Endpoint {
	all := map[string]*endpointSet{}
	for i := range b.objs.EndpointSlices {
		sl := &b.objs.EndpointSlices[i]
		name := sl.ServiceName
		if name == "" {
			continue
		}
		set := sets(all, sl.Namespace+"/"+name)
		ports := make([]EndpointPort, 0, len(sl.Ports))
		for _, p := range sl.Ports {
			ep := EndpointPort{Protocol: "TCP"}
			if p.Name != nil {
				ep.Name = *p.Name
			}
			if p.Protocol != nil {
				ep.Protocol = protocol(*p.Protocol)
			}
			if p.Port != nil {
				ep.Port = int(*p.Port)
			}
			ports = append(ports, ep)
		}
		for _, e := range sl.Endpoints {
			if len(e.Addresses) == 0 {
				continue
			}
			c := e.Conditions
			ep := Endpoint{IP: canonical(e.Addresses[0]), Ready: c.Ready == nil || *c.Ready, Ports: slices.Clone(ports)}
			ep.Serving = ep.Ready
			if c.Serving != nil {
				ep.Serving = *c.Serving
			}
			ep.Terminating = c.Terminating != nil && *c.Terminating
			if e.NodeName != nil {
				ep.NodeName = *e.NodeName
			}
			b.complete(&ep, e.TargetRef, sl.Namespace)
			set.add(ep)
		}
	}
	return lists(all)
}

// legacyEndpoints returns the endpoints of every Service from its Endpoints
// object, by Service key: addresses are ready and serving, notReadyAddresses
// neither.
func (b *builder) legacyEndpoints() map[string][]Endpoint {
	all := map[string]*endpointSet{}
	for i := range b.objs.Endpoints {
		eo := &b.objs.Endpoints[i]
		set := sets(all, eo.Namespace+"/"+eo.Name)
		for _, sub := range eo.Subsets {
			ports := make([]EndpointPort, 0, len(sub.Ports))
			for _, p := range sub.Ports {
				ports = append(ports, EndpointPort{Name: p.Name, Protocol: protocol(p.Protocol), Port: int(p.Port)})
			}
			add := func(addrs []corev1.EndpointAddress, ready bool) {
				for _, a := range addrs {
					ep := Endpoint{IP: canonical(a.IP), Ready: ready, Serving: ready, Ports: slices.Clone(ports)}
					if a.NodeName != nil {
						ep.NodeName = *a.NodeName
					}
					b.complete(&ep, a.TargetRef, eo.Namespace)
					set.add(ep)
				}
			}
			add(sub.Addresses, true)
			add(sub.NotReadyAddresses, false)
		}
	}
	return lists(all)
}

// complete fills in the node name from the endpoint's pod when the
// endpoint lacks it, and tells whether the endpoint is on the host network:
// its pod says so, or its IP is a node's address.
func (b *builder) complete(ep *Endpoint, ref *corev1.ObjectReference, namespace string) {
	if ref != nil && ref.Kind == "Pod" {
		ns := ref.Namespace
		if ns == "" {
			ns = namespace
		}
		if p := b.pods[ns+"/"+ref.Name]; p != nil {
			ep.HostNetwork = p.Spec.HostNetwork
			if ep.NodeName == "" {
				ep.NodeName = p.Spec.NodeName
			}
		}
	}
	if ip, err := netip.ParseAddr(ep.IP); err == nil && b.nodeAddrs[ip] {
		ep.HostNetwork = true
	}
}

// lists returns the endpoint lists of the sets.
func lists(all map[string]*endpointSet) map[string][]Endpoint {
	out := make(map[string][]Endpoint, len(all))
	for k, s := range all {
		out[k] = s.list()
	}
	return out
}
