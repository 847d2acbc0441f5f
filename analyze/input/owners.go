package input

import (
	"cmp"
	"maps"
	"slices"
)

// AddressOwner is a Service that names an address in a role: the address
// is its ClusterIP, external IP or load balancer IP, or a node address
// with its NodePort.
type AddressOwner struct {
	Service string `json:"service"`
	Role    string `json:"role"`
	// Port is its port at the address's port and protocol (the NodePort
	// for role nodePort); null when it has none.
	Port     *ServicePort `json:"port"`
	Evidence Evidence     `json:"evidence"`
	// ServiceProxyName is the Service's label
	// service.kubernetes.io/service-proxy-name: another proxy serves it,
	// and kube-proxy programs nothing for it. Null when absent.
	ServiceProxyName *string `json:"serviceProxyName"`
}

// Owners returns the Services that name ip on node, Services that another
// proxy serves among them: in each role in which they name it, and with
// their NodePort when ip is an address of node. Each carries its port at
// port/protocol. They are sorted by Service, then role (clusterIP,
// externalIP, loadBalancer, nodePort).
func (m *Model) Owners(node, ip string, port int, protocol string) []AddressOwner {
	m.indexServices()
	out := []AddressOwner{}
	add := func(key, role string, match func(ServicePort) bool) {
		svc := m.doc.Cluster.Services[key]
		o := AddressOwner{Service: key, Role: role, Evidence: serviceEvidence(svc), ServiceProxyName: svc.ServiceProxyName}
		if i := slices.IndexFunc(svc.Ports, func(p ServicePort) bool { return p.Protocol == protocol && match(p) }); i >= 0 {
			o.Port = &svc.Ports[i]
		}
		out = append(out, o)
	}
	for _, key := range m.claims[ip] {
		for _, role := range serviceRoles(m.doc.Cluster.Services[key], ip) {
			add(key, role, func(p ServicePort) bool { return p.Port == port })
		}
	}
	if m.nodeHas(node, ip) {
		nodePorts := map[string]bool{}
		for _, r := range m.index.byNodePort[servicePortKey{"", protocol, port}] {
			nodePorts[r.Service] = true
		}
		for _, key := range slices.Sorted(maps.Keys(nodePorts)) {
			add(key, RoleNodePort, func(p ServicePort) bool { return p.NodePort == port })
		}
	}
	slices.SortStableFunc(out, func(a, b AddressOwner) int { return cmp.Compare(a.Service, b.Service) })
	return out
}

// PortsAt returns the ports, by protocol, of the Services at ip on node:
// their ports on their addresses and, when ip is an address of node, the
// NodePorts.
func (m *Model) PortsAt(node, ip string) map[string][]int {
	m.indexServices()
	set := map[servicePortKey]bool{}
	for _, key := range m.claims[ip] {
		for _, p := range m.doc.Cluster.Services[key].Ports {
			set[servicePortKey{protocol: p.Protocol, port: p.Port}] = true
		}
	}
	if m.nodeHas(node, ip) {
		for k := range m.index.byNodePort {
			set[k] = true
		}
	}
	out := map[string][]int{}
	for k := range set {
		out[k.protocol] = append(out[k.protocol], k.port)
	}
	for _, ports := range out {
		slices.Sort(ports)
	}
	return out
}

// HealthCheckPort reports whether port is the healthCheckNodePort of a
// Service, which KUBE-IPVS-FILTER lets through.
func (m *Model) HealthCheckPort(port int) bool {
	m.indexServices()
	return m.healthCheck[port]
}

// indexServices builds, once, the indexes of the cluster's Services the
// model asks: by address, by Service port and NodePort, and their
// healthCheckNodePorts.
func (m *Model) indexServices() {
	if m.index != nil {
		return
	}
	m.claims = claims(m.doc.Cluster.Services)
	m.index = indexServices(m.doc.Cluster.Services)
	m.healthCheck = healthCheckPorts(m.doc.Cluster.Services)
}

// healthCheckPorts returns the healthCheckNodePorts of services.
func healthCheckPorts(services map[string]*Service) map[int]bool {
	out := map[int]bool{}
	for _, svc := range services {
		if svc.HealthCheckNodePort != 0 {
			out[svc.HealthCheckNodePort] = true
		}
	}
	return out
}
