package input

// This file holds the types of the facts the model computes (schema v2):
// what kube-proxy of the cluster's version should have programmed on a
// node, how the node differs from it, and the summaries of the Services
// and of the conntrack table that the rules judge. They are small: a
// healthy node has next to none, whatever the cluster's size.

// Expected counts what kube-proxy of the cluster's version programs on a
// node, as far as the bundle tells.
type Expected struct {
	// ProxiedServices are the Services kube-proxy programs (not headless,
	// not ExternalName, with a cluster IP, not handed to another proxy by
	// the service-proxy-name label).
	ProxiedServices int `json:"proxiedServices"`
	// VirtualServers are the virtual services those Services need on the
	// node, in the IP families the node serves.
	VirtualServers int `json:"virtualServers"`
	// Addresses are the addresses kube-proxy binds on kube-ipvs0.
	Addresses int `json:"addresses"`
}

// VSRef names a virtual service of the node and where it is listed.
type VSRef struct {
	Key      string   `json:"key"`
	Protocol string   `json:"protocol"` // TCP, UDP, SCTP or FWM
	IP       string   `json:"ip"`       // "" for a firewall mark
	Port     int      `json:"port"`     // 0 for a firewall mark
	FWMark   int      `json:"fwmark"`
	Evidence Evidence `json:"evidence"` // its service line
}

// RSRef is a real server of a virtual service, with the endpoint it
// stands for when one does.
type RSRef struct {
	IP          string   `json:"ip"`
	Port        int      `json:"port"`
	Weight      int      `json:"weight"`
	ActiveConn  uint64   `json:"activeConn"`
	InActConn   uint64   `json:"inActConn"`
	Local       bool     `json:"local"`       // on this node (see RealServer.Local)
	NodeName    string   `json:"nodeName"`    // the endpoint's node; "" when no endpoint matches or it names none
	Endpoint    bool     `json:"endpoint"`    // an endpoint of the Service matches it
	HostNetwork bool     `json:"hostNetwork"` // that endpoint is on the host network
	Evidence    Evidence `json:"evidence"`
}

// Diff is how a node differs from what kube-proxy of the cluster's version
// programs there. Each list is empty when the captures cannot tell (an
// incomplete listing, no Services; for NodePorts an ip addr capture that is
// not whole, for unbound addresses one without all of kube-ipvs0, see
// [Node.AddressesComplete]): the node's captures say why. A Service handed to another proxy by the service-proxy-name label is
// no part of it: kube-proxy does not see it, so nothing of it is expected,
// and its virtual services and addresses are that proxy's, not orphans.
type Diff struct {
	MissingVirtualServers []MissingVirtualServer `json:"missingVirtualServers"`
	OrphanVirtualServers  []OrphanVirtualServer  `json:"orphanVirtualServers"`
	OrphanAddresses       []OrphanAddress        `json:"orphanAddresses"`
	UnboundAddresses      []UnboundAddress       `json:"unboundAddresses"`
	MissingRealServers    []MissingRealServer    `json:"missingRealServers"`
	StaleRealServers      []StaleRealServer      `json:"staleRealServers"`
	DrainingRealServers   []DrainingRealServer   `json:"drainingRealServers"`
	EmptyVirtualServers   []EmptyVirtualServer   `json:"emptyVirtualServers"`
}

// MissingVirtualServer is a Service port kube-proxy makes a virtual
// service for on the node that the node's complete listing lacks.
type MissingVirtualServer struct {
	Key      string `json:"key"`
	Service  string `json:"service"`
	Role     string `json:"role"`
	IP       string `json:"ip"`
	Port     int    `json:"port"` // the NodePort for role nodePort
	Protocol string `json:"protocol"`
	// OnOtherAddresses is true for a NodePort that has a virtual service on
	// another address of the node.
	OnOtherAddresses bool       `json:"onOtherAddresses"`
	Evidence         []Evidence `json:"evidence"` // the Service, and the node address of a NodePort
}

// OrphanVirtualServer is a virtual service that serves no Service port
// and that kube-proxy deletes on its syncs: not one in ipvs.excludeCIDRs
// (kube-proxy leaves those alone), not one of a Service handed to another
// proxy, and not one at a NodePort's protocol and port while an ip addr
// fragment may lack the node address it is on.
type OrphanVirtualServer struct {
	VSRef
	RealServers []RSRef `json:"realServers"`
	// Owner is the Service whose address it is when exactly one Service
	// names the address (then that Service has no such port); "" otherwise.
	Owner string `json:"owner"`
	// EndpointsOf are the Services whose endpoints it forwards to on one of
	// their ports (the same port and protocol, a real server that is their
	// endpoint): whose virtual service it was, for instance. Sorted.
	EndpointsOf []string `json:"endpointsOf"`
	// Bound is the kube-ipvs0 entry of its address; null when not bound.
	Bound *Evidence `json:"bound"`
	// OnOrphanAddress is true when it is on a kube-ipvs0 address no Service
	// names (an OrphanAddress).
	OnOrphanAddress bool `json:"onOrphanAddress"`
}

// OrphanAddress is an address on kube-ipvs0 that no Service names.
type OrphanAddress struct {
	IP             string   `json:"ip"`
	Evidence       Evidence `json:"evidence"`
	VirtualServers []VSRef  `json:"virtualServers"` // those on the address, by key
}

// UnboundAddress is a ClusterIP, external or load balancer IP that has a
// virtual service of its Service but is not on kube-ipvs0 (nor another
// interface of the node).
type UnboundAddress struct {
	IP             string   `json:"ip"`
	Service        string   `json:"service"`
	Roles          []string `json:"roles"`          // sorted
	VirtualServers []VSRef  `json:"virtualServers"` // the Service's virtual services on the address, by key
}

// MissingRealServer is an endpoint that kube-proxy lists with weight 1 on
// virtual services of the node (the ready ones the Service's traffic
// policy selects, else the serving and terminating ones, B10) where it is
// not a real server with weight above 0.
type MissingRealServer struct {
	Service  string `json:"service"`
	IP       string `json:"ip"`
	Port     int    `json:"port"` // 0 when the endpoint lists no port of the Service port's name
	Protocol string `json:"protocol"`
	// NodeName is the endpoint's node, "" when it names none.
	NodeName string `json:"nodeName"`
	// Ready is false for a serving, terminating endpoint, listed because
	// no ready one is left.
	Ready           bool            `json:"ready"`
	VirtualServers  []MissingFromVS `json:"virtualServers"` // by key
	ServiceEvidence Evidence        `json:"serviceEvidence"`
}

// MissingFromVS is a virtual service an endpoint is missing from.
type MissingFromVS struct {
	VSRef
	// WeightZero is true when the endpoint is listed there with weight 0.
	WeightZero bool `json:"weightZero"`
}

// StaleRealServer is a real server with weight above 0 that is no usable
// (ready, or serving and terminating) endpoint of the Service its virtual
// services serve.
type StaleRealServer struct {
	Service  string `json:"service"`
	IP       string `json:"ip"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	// State is what the address is to the Service: StaleNoEndpoint,
	// StaleNotServing or StaleOtherPort.
	State           string         `json:"state"`
	Entries         []RealServerIn `json:"entries"` // by virtual service key
	ServiceEvidence Evidence       `json:"serviceEvidence"`
}

// The states of a stale real server's address.
const (
	StaleNoEndpoint = "no-endpoint" // no endpoint of the Service has the address
	StaleNotServing = "not-serving" // an endpoint has it, neither ready nor serving
	StaleOtherPort  = "other-port"  // a usable endpoint has it, at another port
)

// RealServerIn is a real server in one virtual service.
type RealServerIn struct {
	VS VSRef `json:"vs"`
	RS RSRef `json:"rs"`
}

// DrainingRealServer is a real server with weight 0, in the virtual
// services of one Service (or of none).
type DrainingRealServer struct {
	Service  string         `json:"service"` // "" when its virtual services serve no Service
	IP       string         `json:"ip"`
	Port     int            `json:"port"`
	Protocol string         `json:"protocol"`
	Entries  []RealServerIn `json:"entries"` // by virtual service key
	// ReadyEndpoint is true when it is still a ready endpoint of Service.
	ReadyEndpoint bool `json:"readyEndpoint"`
	// Policy tells whether the Service's traffic policy puts it on these
	// virtual services: PolicyListed (on one of them at least), PolicyKeptOff
	// (on none of them) or PolicyUnknown (it depends on what the bundle does
	// not say); "" when it is no ready endpoint.
	Policy string `json:"policy"`
}

// The values of [DrainingRealServer.Policy].
const (
	PolicyListed  = "listed"
	PolicyKeptOff = "kept-off"
	PolicyUnknown = "unknown"
)

// EmptyVirtualServer is a virtual service of a Service with no real
// server, and what the Service's endpoints say about it.
type EmptyVirtualServer struct {
	VSRef
	Service string `json:"service"`
	Role    string `json:"role"`
	// Endpoints counts the Service's endpoints: all, ready, serving and
	// terminating, and ready in the virtual service's IP family.
	Endpoints EndpointCounts `json:"endpoints"`
	// Expected are the endpoint IPs kube-proxy lists here with weight 1
	// (as for MissingRealServer), sorted; null when that depends on what
	// the bundle does not say (version, topology hints).
	Expected []string `json:"expected"`
	// ExpectedTerminating tells that Expected are serving, terminating
	// endpoints: kube-proxy falls back to them because none of the ready
	// ones is for this virtual service.
	ExpectedTerminating bool `json:"expectedTerminating"`
	// Selector tells whether the Service has a selector.
	Selector        bool     `json:"selector"`
	ServiceEvidence Evidence `json:"serviceEvidence"`
}

// EndpointCounts counts a Service's endpoints.
type EndpointCounts struct {
	All                int `json:"all"`
	Ready              int `json:"ready"`
	ServingTerminating int `json:"servingTerminating"`
	ReadyInFamily      int `json:"readyInFamily"`
}

// ServiceIP is a load balancer ingress IP or external IP of a Service, and
// what the node does with it.
type ServiceIP struct {
	Service string `json:"service"`
	IP      string `json:"ip"`
	Role    string `json:"role"`   // loadBalancer or externalIP
	IPMode  string `json:"ipMode"` // the ingress's ipMode; "" when unset or for an external IP
	// Bound is the address's kube-ipvs0 entry; null when not bound.
	Bound *Evidence `json:"bound"`
	// NodeAddress is the address on another interface of the node; null
	// when it is not the node's own.
	NodeAddress *NodeAddressRef `json:"nodeAddress"`
	// Subnets are the node's subnets (addresses of other interfaces, not
	// host routes) that hold the address.
	Subnets []NodeAddressRef `json:"subnets"`
	// VirtualServers are the virtual services on the address, of any
	// Service, by key.
	VirtualServers  []VSRef  `json:"virtualServers"`
	ServiceEvidence Evidence `json:"serviceEvidence"`
}

// NodeAddressRef is an address of the node on an interface.
type NodeAddressRef struct {
	Interface string   `json:"interface"`
	Prefix    string   `json:"prefix"`
	Evidence  Evidence `json:"evidence"`
}

// ServiceSummary is what rules need of a Service without its endpoint
// list.
type ServiceSummary struct {
	Namespace             string            `json:"namespace"`
	Name                  string            `json:"name"`
	Type                  string            `json:"type"`
	ExternalIPs           []string          `json:"externalIPs"`
	Ingress               []Ingress         `json:"ingress"`
	Ports                 []ServicePort     `json:"ports"`
	ExternalTrafficPolicy string            `json:"externalTrafficPolicy"`
	InternalTrafficPolicy string            `json:"internalTrafficPolicy"`
	HealthCheckNodePort   int               `json:"healthCheckNodePort"`
	Annotations           map[string]string `json:"annotations"`
	// ExternallyAccessible is kube-proxy's ExternallyAccessible: a NodePort,
	// a load balancer ingress IP or an external IP.
	ExternallyAccessible bool `json:"externallyAccessible"`
	// EndpointsKnown is true when the bundle holds the Service's endpoints
	// (its endpointsSource capture was read).
	EndpointsKnown bool `json:"endpointsKnown"`
	// ReadyEndpointNodes are the nodes of its ready endpoints, sorted ("" for
	// an endpoint that names none).
	ReadyEndpointNodes []string `json:"readyEndpointNodes"`
	// HostNetworkReady is true when a ready endpoint is on the host network.
	HostNetworkReady bool     `json:"hostNetworkReady"`
	Evidence         Evidence `json:"evidence"` // the Service in services.yaml
}

// LocalPolicyGap is a Service with externalTrafficPolicy or
// internalTrafficPolicy Local that has no ready endpoint on the node, with
// the virtual services those policies govern there.
type LocalPolicyGap struct {
	Service string `json:"service"`
	// ReadyRemote counts the Service's ready endpoints (all on other nodes).
	ReadyRemote int `json:"readyRemote"`
	// VirtualServers are the Service's virtual services on the node in the
	// roles its Local policies govern: NodePort, load balancer and external
	// IP for eTP; ClusterIP for iTP from 1.22 (beta, on by default) or at an
	// unknown version, none before. By key and role.
	VirtualServers []PolicyVS `json:"virtualServers"`
}

// PolicyVS is a virtual service a Local traffic policy governs.
type PolicyVS struct {
	VSRef
	Role        string  `json:"role"`
	RealServers []RSRef `json:"realServers"` // in printed order
	// Bound is the kube-ipvs0 entry of its address; null when not bound or
	// for a NodePort.
	Bound *Evidence `json:"bound"`
	// Conntrack sums up the flows to it; null when conntrack shows none.
	Conntrack *DestFlows `json:"conntrack"`
}

// DestFlows sums up the conntrack flows to one destination for the rules
// that judge a virtual service.
type DestFlows struct {
	Flows              int `json:"flows"`
	Unreplied          int `json:"unreplied"`
	SNAT               int `json:"snat"`
	FromLocalUnreplied int `json:"fromLocalUnreplied"`
	// FromSelf counts the flows whose client is the destination's address
	// itself (a host process connecting to a kube-ipvs0 address).
	FromSelf int `json:"fromSelf"`
	// FromOutside counts the flows whose client is outside the cluster: none
	// of the addresses of the node, of the Node objects or of the captured
	// nodes, of the pods (pods.yaml) or the endpoints, and in none of the
	// Nodes' pod CIDRs or kube-proxy's clusterCIDR. The conntrack summary
	// keeps 32 distinct clients per destination, so this is a lower bound:
	// the flows of further clients are FromUnlisted. 0 when the bundle's
	// Node objects were not read (other nodes' addresses are then unknown).
	FromOutside int `json:"fromOutside"`
	// FromUnlisted counts the flows from clients past the 32 the summary
	// keeps: their sources are unknown, some may be outside the cluster.
	FromUnlisted int `json:"fromUnlisted"`
	// SelfSamples are the unreplied sample flows from the address itself;
	// OutsideSamples the sample flows (of Samples and the unreplied samples)
	// from a client outside the cluster.
	SelfSamples    []Evidence `json:"selfSamples"`
	OutsideSamples []Evidence `json:"outsideSamples"`
	Samples        []Evidence `json:"samples"`
}

// Traffic holds what conntrack (and --expect) show clients doing on the
// node, aggregated per destination.
type Traffic struct {
	UnservedPorts []UnservedPort    `json:"unservedPorts"`
	Unreplied     []UnrepliedDest   `json:"unreplied"`
	Masqueraded   []MasqueradedDest `json:"masqueraded"`
	StaleUDP      []StaleUDPDest    `json:"staleUDP"`
}

// Owner is a Service whose address a destination is, and in which role.
type Owner struct {
	Service  string   `json:"service"`
	Role     string   `json:"role"`
	Evidence Evidence `json:"evidence"` // the Service; empty when Service is ""
}

// UnservedPort is a port of a load balancer or external IP bound on the
// node's kube-ipvs0 that has no virtual service there while clients use
// it (B2): conntrack shows flows to it that ended on the node, or --expect
// names it and the node's IPVS listing is a whole `ipvsadm -Ln` with no
// service line left out (a listing of chosen virtual services does not
// show the others missing). The Services' healthCheckNodePorts are left
// out: kube-proxy's KUBE-IPVS-FILTER lets them through.
type UnservedPort struct {
	IP       string   `json:"ip"`
	Protocol string   `json:"protocol"`
	Port     int      `json:"port"`
	Owners   []Owner  `json:"owners"` // the Services whose load balancer or external IP it is
	Bound    Evidence `json:"bound"`
	// Served are the virtual services on the address, by key.
	Served []VSRef `json:"served"`
	Uses   []Use   `json:"uses"` // conntrack first, then --expect
	// Listener is the ss-listen socket that takes connections to it (bound
	// to the address, else to a wildcard of its family or of any); null
	// when none.
	Listener *Listener `json:"listener"`
}

// Use is evidence that clients use a destination.
type Use struct {
	Source string `json:"source"` // "conntrack" or "expect"
	Count  int    `json:"count"`  // flows that ended on the node; 0 for expect
	// ProvesStack is true when some flows are replied or come from clients
	// other than the node's own addresses: only kube-proxy before 1.26 lets
	// such flows end on the node (KUBE-IPVS-FILTER rejects them later).
	ProvesStack bool       `json:"provesStack"`
	Evidence    []Evidence `json:"evidence"`
}

// UnrepliedDest is a TCP destination of the node's own addresses with
// unreplied flows.
type UnrepliedDest struct {
	Key                string  `json:"key"`
	Protocol           string  `json:"protocol"`
	IP                 string  `json:"ip"`
	Port               int     `json:"port"`
	Flows              int     `json:"flows"`
	Unreplied          int     `json:"unreplied"`
	SynSent            int     `json:"synSent"`
	FromLocalUnreplied int     `json:"fromLocalUnreplied"`
	Owners             []Owner `json:"owners"`
	// TopClients are the 3 original sources with the most flows (ties by
	// address), with their flows; the inventory's conntrack.dests keeps 32.
	TopClients       map[string]int `json:"topClients"`
	VirtualServer    []Evidence     `json:"virtualServer"` // the virtual service of the key; [] when none
	UnrepliedSamples []Evidence     `json:"unrepliedSamples"`
	// RealServers are the reply sources of the unreplied flows (the real
	// servers IPVS sent them to), by IP and port, with the flows each
	// answered and what it is to the owner Services. A reply source that is
	// the destination's own address names no real server and is left out,
	// and so are those past the 32 reply sources the summary keeps.
	RealServers []UnrepliedRealServer `json:"realServers"`
}

// UnrepliedRealServer is a real server that unreplied flows to a
// destination were sent to: the source of their reply tuple.
type UnrepliedRealServer struct {
	IP        string `json:"ip"`
	Port      int    `json:"port"`
	Unreplied int    `json:"unreplied"` // its unreplied flows, in any state (states are counted per destination only)
	// Replied counts its flows that were replied (all of its flows minus
	// the unreplied ones); null when the summary did not count all of its
	// flows (it keeps 32 reply sources per destination).
	Replied *int `json:"replied"`
	// State is what the address is to the owner Services, the best of them:
	// RealServerReady or RealServerTerminating (an endpoint at that port),
	// StaleOtherPort (a usable endpoint at another port), StaleNotServing
	// or StaleNoEndpoint; "" when no owner Service's endpoints were read.
	State string `json:"state"`
	// NodeName is the node of the owner Service's endpoint with the
	// address; "" when none names one.
	NodeName string `json:"nodeName"`
	// Entry is its line under the virtual service of the key; null when
	// the node has no such virtual service or it does not list the address.
	Entry *Evidence `json:"entry"`
}

// The states of an unreplied real server that stands for an endpoint (the
// others are those of a stale real server).
const (
	RealServerReady       = "ready"       // a ready endpoint
	RealServerTerminating = "terminating" // terminating but serving, not ready
)

// MasqueradedDest is a NodePort, load balancer or external IP virtual
// service of a Service whose flows conntrack shows masqueraded (the reply
// goes to another address than the client).
type MasqueradedDest struct {
	Service               string    `json:"service"`
	ExternalTrafficPolicy string    `json:"externalTrafficPolicy"`
	Role                  string    `json:"role"`
	VS                    VSRef     `json:"vs"`
	Flows                 DestFlows `json:"flows"`
	// LocalReady counts the Service's ready endpoints on the node.
	LocalReady int `json:"localReady"`
}

// StaleUDPDest is a UDP destination of a Service whose flows are answered
// by addresses that are no usable endpoint of the Service.
type StaleUDPDest struct {
	Key      string `json:"key"`
	Protocol string `json:"protocol"`
	IP       string `json:"ip"`
	Port     int    `json:"port"`
	Owner    Owner  `json:"owner"`
	// Stale counts the flows by the address that answered them.
	Stale         map[string]int `json:"stale"`
	VirtualServer []Evidence     `json:"virtualServer"`
	Samples       []Evidence     `json:"samples"` // those answered by a stale address, else all
}
