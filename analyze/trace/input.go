package trace

import "github.com/ipvslint/ipvslint/analyze/input"

// InputSchema is the schema version of the trace input document.
const InputSchema = "ipvslint.trace-input/v1"

// The states a trace follows.
const (
	// StateCaptured follows the node's captures: its kube-ipvs0 addresses
	// and IPVS table as kube-proxy of the cluster's version left them.
	StateCaptured = "captured"
	// StateExpected follows what kube-proxy of the trace's version would
	// program (the model, [input.Model]): a what-if for another version.
	StateExpected = "expected"
)

// Input is the trace input document: the facts of one path, what package
// ipvslint.trace reads as `input`. Lists are never nil; an absent object is
// null.
type Input struct {
	SchemaVersion string  `json:"schemaVersion"`
	Cluster       Cluster `json:"cluster"`
	From          Client  `json:"from"`
	To            Target  `json:"to"`
	// Node is the node whose state the packet goes through.
	Node string `json:"node"`
	// State is StateCaptured or StateExpected.
	State string `json:"state"`
	// Route is set when the client is on another node than Node: the packet
	// left it for an address of Node.
	Route   *Route  `json:"route"`
	Address Address `json:"address"`
	// Owners are the Services that name the destination address, in each
	// role, with their port of the destination's port when they have one;
	// sorted by Service and role.
	Owners []Owner `json:"owners"`
	// VirtualServer is the IPVS virtual service at the destination; null
	// when there is none. Service is the Service port it serves (null with
	// it).
	VirtualServer *VirtualServer `json:"virtualServer"`
	Service       *ServiceFacts  `json:"service"`
	// Expected are the real servers kube-proxy of the cluster's version
	// lists at the destination, for a captured trace; null when the model
	// has no virtual service there or for an expected trace.
	Expected *Expected `json:"expected"`
	// Listener is the socket of ss-listen that takes the destination (bound
	// to its address, else to a wildcard); null when none.
	Listener *input.Listener `json:"listener"`
	// HealthCheckPort is true when the port is a Service's
	// healthCheckNodePort, which KUBE-IPVS-FILTER lets through.
	HealthCheckPort bool `json:"healthCheckPort"`
	// Conntrack sums up the captured flows to the destination; null when
	// conntrack shows none.
	Conntrack *Conntrack `json:"conntrack"`
	// IPVSAdm is the node's ipvsadm capture as whole-file evidence; null
	// when it was not read.
	IPVSAdm *input.Evidence `json:"ipvsadm"`
}

// Cluster is what the trace needs of the cluster: the version the trace is
// of, the CNI and kube-proxy's masquerade settings.
type Cluster struct {
	Version       input.Version `json:"version"`
	CNI           input.CNI     `json:"cni"`
	MasqueradeAll bool          `json:"masqueradeAll"`
	ClusterCIDR   string        `json:"clusterCIDR"`
}

// Client is the client of a trace.
type Client struct {
	Spec string `json:"spec"` // --from as given
	Kind string `json:"kind"` // KindPod, KindHost or KindExternal
	// Node is the pod's or host's node, or the node an external client
	// enters through.
	Node string `json:"node"`
	IP   string `json:"ip"` // "" when not given
	// Evidence tells how an IP given as --from was placed.
	Evidence []input.Evidence `json:"evidence"`
}

// Target is the destination of a trace, resolved to an address and port.
type Target struct {
	Spec     string `json:"spec"` // --to as given
	IP       string `json:"ip"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	// Service is the Service --to named; "" for an address.
	Service  string           `json:"service"`
	Evidence []input.Evidence `json:"evidence"` // the Service --to named
}

// Route is how the packet reached Node from the client's node.
type Route struct {
	From     string         `json:"from"`     // the client's node
	Evidence input.Evidence `json:"evidence"` // the destination address on Node
}

// The kinds of [Address].
const (
	AddressIPVS = "kube-ipvs0" // bound on the node's kube-ipvs0
	AddressNode = "node"       // an address of the node's other interfaces
	AddressNone = "none"       // not the node's: the packet leaves it
)

// Address is what the destination address is on Node.
type Address struct {
	Kind      string `json:"kind"`      // AddressIPVS, AddressNode or AddressNone
	Interface string `json:"interface"` // for AddressNode
	// Evidence is its ip addr line; null for AddressNone, or when an
	// expected trace binds an address the capture lacks.
	Evidence *input.Evidence `json:"evidence"`
	// Served are the ports with a virtual service on the address, as
	// "80/TCP", sorted by port.
	Served []string `json:"served"`
}

// Owner is a Service that names the destination address in a role.
type Owner = input.AddressOwner

// VirtualServer is the virtual service at the destination.
type VirtualServer struct {
	Key       string `json:"key"`
	Protocol  string `json:"protocol"`
	IP        string `json:"ip"`
	Port      int    `json:"port"`
	Scheduler string `json:"scheduler"` // "" for an expected one
	// Evidence is its ipvsadm line; null for an expected one.
	Evidence    *input.Evidence `json:"evidence"`
	RealServers []RealServer    `json:"realServers"`
}

// RealServer is a real server of the virtual service, with the endpoint it
// stands for.
type RealServer struct {
	IP          string          `json:"ip"`
	Port        int             `json:"port"`
	Weight      int             `json:"weight"`
	Local       bool            `json:"local"`    // on Node
	NodeName    string          `json:"nodeName"` // the endpoint's node; "" when none
	Endpoint    bool            `json:"endpoint"` // an endpoint of the Service
	HostNetwork bool            `json:"hostNetwork"`
	Ready       bool            `json:"ready"`
	Terminating bool            `json:"terminating"`
	Evidence    *input.Evidence `json:"evidence"` // its ipvsadm line; null for an expected one
}

// ServiceFacts is the Service port the virtual service serves, and what
// its traffic policies need.
type ServiceFacts struct {
	Service               string            `json:"service"` // "" for a virtual service of no Service
	Role                  string            `json:"role"`
	Port                  input.ServicePort `json:"port"`
	Type                  string            `json:"type"`
	ExternalTrafficPolicy string            `json:"externalTrafficPolicy"`
	InternalTrafficPolicy string            `json:"internalTrafficPolicy"`
	HealthCheckNodePort   int               `json:"healthCheckNodePort"`
	EndpointsKnown        bool              `json:"endpointsKnown"`
	ReadyEndpoints        int               `json:"readyEndpoints"`
	LocalReady            int               `json:"localReady"` // on Node
	ReadyNodes            []string          `json:"readyNodes"` // sorted
	Evidence              input.Evidence    `json:"evidence"`
}

// Expected is what the model says the virtual service lists.
type Expected struct {
	Known       bool         `json:"known"`
	RealServers []RealServer `json:"realServers"`
}

// Conntrack sums up the flows to the destination.
type Conntrack struct {
	Flows              int              `json:"flows"`
	Unreplied          int              `json:"unreplied"`
	NoDNAT             int              `json:"noDNAT"`
	SNAT               int              `json:"snat"`
	FromLocal          int              `json:"fromLocal"`
	FromLocalUnreplied int              `json:"fromLocalUnreplied"`
	Samples            []input.Evidence `json:"samples"`
	UnrepliedSamples   []input.Evidence `json:"unrepliedSamples"`
}
