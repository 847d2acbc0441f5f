package input

// SchemaVersion is the version of the input document this package builds.
const SchemaVersion = "ipvslint.input/v2"

// Document is the Rego input document. Its JSON form is what rules see as
// `input`; docs/input.md describes every field. Its small facts are always
// built; its inventory (every address, virtual service and conntrack
// destination of each node) only as far as [Options.Reads] asks.
type Document struct {
	SchemaVersion string           `json:"schemaVersion"`
	Options       Asked            `json:"options"`
	Cluster       Cluster          `json:"cluster"`
	Nodes         map[string]*Node `json:"nodes"` // by node name
}

// Asked is what the user asked on the command line, as rules see it.
type Asked struct {
	// Expect are the --expect targets in the order given; empty when none.
	Expect []Expect `json:"expect"`
}

// Capture is the state of one capture the rules depend on. Rules check it
// before concluding anything from an absence.
type Capture struct {
	// Status is "ok", "empty", "failed", "invalid" or "missing".
	Status string `json:"status"`
	// File and Line name the capture; "" and 0 when it is missing.
	File string `json:"file"`
	Line int    `json:"line"`
	// Detail is the failure text or parse error, what the collector
	// recorded for a missing capture, or a one-line description.
	Detail string `json:"detail"`
}

// Cluster holds the cluster-wide facts.
type Cluster struct {
	Version   Version             `json:"version"`
	CNI       CNI                 `json:"cni"`
	KubeProxy KubeProxy           `json:"kubeProxy"`
	Services  map[string]*Service `json:"services"` // by namespace/name
	// LoadBalancers are the Services of type LoadBalancer or with a load
	// balancer ingress or external IPs; LocalPolicies those with
	// externalTrafficPolicy or internalTrafficPolicy Local. By
	// namespace/name.
	LoadBalancers map[string]*ServiceSummary `json:"loadBalancers"`
	LocalPolicies map[string]*ServiceSummary `json:"localPolicies"`
	Nodes         map[string]*ClusterNode    `json:"nodes"`    // by node name, from nodes.yaml
	Captures      map[string]Capture         `json:"captures"` // by capture name (see ClusterCaptures)
	// NodeNames are the names of every node the bundle names, in nodes.yaml
	// or by its captures, sorted; CapturedNodes those it has captures of
	// (the keys of [Document.Nodes]), sorted. Rules see one node at a time
	// (see [Document.SplitNodes]): these tell them the others.
	NodeNames     []string `json:"nodeNames"`
	CapturedNodes []string `json:"capturedNodes"`
}

// Version is the Kubernetes version of the cluster. The zero Version (Known
// false) means nothing said it.
type Version struct {
	Value  string `json:"value"` // "v1.24.6-aliyun.1"; "" when unknown
	Major  int    `json:"major"`
	Minor  int    `json:"minor"`
	Patch  int    `json:"patch"`
	Source string `json:"source"` // where it comes from; "" when unknown
	Known  bool   `json:"known"`
}

// AtLeast reports whether v is known and at least major.minor.
func (v Version) AtLeast(major, minor int) bool {
	return v.Known && (v.Major > major || v.Major == major && v.Minor >= minor)
}

// Below reports whether v is known and below major.minor.
func (v Version) Below(major, minor int) bool {
	return v.Known && !v.AtLeast(major, minor)
}

// CNI is the cluster's CNI and the class of its datapath.
type CNI struct {
	Name   string `json:"name"`   // "flannel", "terway-eniip"...; "" when not known
	Class  string `json:"class"`  // ClassOverlay, ClassVPC or ClassUnknown
	Source string `json:"source"` // the evidence; "" when nothing told
}

// KubeProxy is kube-proxy's configuration from its ConfigMap, or its
// defaults when the bundle has none (Present false).
type KubeProxy struct {
	Present             bool            `json:"present"`
	Mode                string          `json:"mode"` // as written; "" is the platform default (iptables)
	StrictARP           bool            `json:"strictARP"`
	Scheduler           string          `json:"scheduler"` // "rr" when not set
	NodePortAddresses   []string        `json:"nodePortAddresses"`
	ExcludeCIDRs        []string        `json:"excludeCIDRs"` // ipvs.excludeCIDRs: kube-proxy never deletes a virtual service there; [] when not set
	ClusterCIDR         string          `json:"clusterCIDR"`
	MasqueradeAll       bool            `json:"masqueradeAll"`
	FeatureGates        map[string]bool `json:"featureGates"`
	ConntrackMaxPerCore int             `json:"conntrackMaxPerCore"` // 32768 when not set
	ConntrackMin        int             `json:"conntrackMin"`        // 131072 when not set
	File                string          `json:"file"`
	Line                int             `json:"line"`
}

// Service is one Service with its endpoints.
type Service struct {
	Namespace             string            `json:"namespace"`
	Name                  string            `json:"name"`
	Type                  string            `json:"type"`
	ClusterIPs            []string          `json:"clusterIPs"`
	Headless              bool              `json:"headless"`
	ExternalIPs           []string          `json:"externalIPs"`
	Ingress               []Ingress         `json:"ingress"`
	Ports                 []ServicePort     `json:"ports"`
	ExternalTrafficPolicy string            `json:"externalTrafficPolicy"`
	InternalTrafficPolicy string            `json:"internalTrafficPolicy"`
	HealthCheckNodePort   int               `json:"healthCheckNodePort"`
	TrafficDistribution   string            `json:"trafficDistribution"`
	SessionAffinity       string            `json:"sessionAffinity"`
	AffinityTimeout       int               `json:"affinityTimeout"`
	Selector              bool              `json:"selector"`
	Annotations           map[string]string `json:"annotations"`
	ServiceProxyName      *string           `json:"serviceProxyName"` // label service.kubernetes.io/service-proxy-name, null when absent: kube-proxy ignores a Service that has it
	Endpoints             []Endpoint        `json:"endpoints"`
	EndpointsSource       string            `json:"endpointsSource"`
	File                  string            `json:"file"`
	Line                  int               `json:"line"`
}

// Ingress is one status.loadBalancer.ingress entry.
type Ingress struct {
	IP       string `json:"ip"`
	Hostname string `json:"hostname"`
	IPMode   string `json:"ipMode"` // "" when unset
}

// ServicePort is one entry of spec.ports.
type ServicePort struct {
	Name       string `json:"name"`
	Protocol   string `json:"protocol"`
	Port       int    `json:"port"`
	TargetPort string `json:"targetPort"`
	NodePort   int    `json:"nodePort"` // 0 when none
}

// Endpoint is one endpoint address of a Service.
type Endpoint struct {
	IP          string         `json:"ip"`
	NodeName    string         `json:"nodeName"`
	Ready       bool           `json:"ready"`
	Serving     bool           `json:"serving"`
	Terminating bool           `json:"terminating"`
	HostNetwork bool           `json:"hostNetwork"`
	Ports       []EndpointPort `json:"ports"`
}

// EndpointPort is one port of an endpoint.
type EndpointPort struct {
	Name     string `json:"name"`
	Protocol string `json:"protocol"`
	Port     int    `json:"port"`
}

// ClusterNode is a Node object of nodes.yaml.
type ClusterNode struct {
	Addresses        []NodeAddress `json:"addresses"`
	InternalIP       string        `json:"internalIP"`
	PodCIDRs         []string      `json:"podCIDRs"`
	KubeletVersion   string        `json:"kubeletVersion"`
	KubeProxyVersion string        `json:"kubeProxyVersion"`
	CPUs             int           `json:"cpus"` // status.capacity.cpu; 0 when not given
	File             string        `json:"file"`
	Line             int           `json:"line"`
}

// NodeAddress is one status.addresses entry of a Node.
type NodeAddress struct {
	Type    string `json:"type"`
	Address string `json:"address"`
}

// Node holds what one node's captures say: the captures and small facts,
// the model's facts (what kube-proxy should have programmed, how the node
// differs, the Service addresses, the Local traffic policies without a
// local endpoint, what clients did), and the inventory of everything the
// node shows, which is built only when a rule reads it.
type Node struct {
	Name         string             `json:"name"`
	Captures     map[string]Capture `json:"captures"` // by capture name (see NodeCaptures)
	IPVSComplete bool               `json:"ipvsComplete"`
	// AddressesComplete is true when the ip addr capture was read and is
	// whole: not grep'd fragments (address lines without their link line),
	// nor the output of `ip addr show dev X`, in which an address it lacks
	// may still be on the node. IPVS0Complete is true when it holds every
	// address of kube-ipvs0 at least (whole, or `ip addr show kube-ipvs0`).
	AddressesComplete bool              `json:"addressesComplete"`
	IPVS0Complete     bool              `json:"ipvs0Complete"`
	Listeners         []Listener        `json:"listeners"`
	Sysctl            map[string]Sysctl `json:"sysctl"`
	Kernel            *Kernel           `json:"kernel,omitempty"`
	ProxyMode         string            `json:"proxyMode"`

	Expected    Expected         `json:"expected"`
	Actual      Actual           `json:"actual"`
	Diff        Diff             `json:"diff"`
	ServiceIPs  []ServiceIP      `json:"serviceIPs"`
	LocalPolicy []LocalPolicyGap `json:"localPolicy"`
	Traffic     Traffic          `json:"traffic"`

	IPVS0          map[string]*BoundAddress  `json:"ipvs0,omitempty"`
	Addresses      map[string]*NodeInterface `json:"addresses,omitempty"`
	VirtualServers map[string]*VirtualServer `json:"virtualServers,omitempty"`
	// VirtualServersByService indexes VirtualServers by the Services they
	// serve: Service key → the virtual services serving one of its ports,
	// ordered by key and role. Services without one are left out.
	VirtualServersByService map[string][]VirtualServerRef `json:"virtualServersByService,omitempty"`
	// VirtualServersByIP indexes VirtualServers by address: IP → the keys
	// of the virtual services on it, sorted. Firewall marks are left out.
	VirtualServersByIP map[string][]string `json:"virtualServersByIP,omitempty"`
	Conntrack          *Conntrack          `json:"conntrack,omitempty"`
	LocalEndpoints     map[string][]string `json:"localEndpoints,omitempty"`
}

// Actual counts what the node shows.
type Actual struct {
	VirtualServers int `json:"virtualServers"`
	RealServers    int `json:"realServers"`
	Addresses      int `json:"addresses"` // on kube-ipvs0
}

// newDiff returns a Diff with every list empty.
func newDiff() Diff {
	return Diff{
		MissingVirtualServers: []MissingVirtualServer{}, OrphanVirtualServers: []OrphanVirtualServer{},
		OrphanAddresses: []OrphanAddress{}, UnboundAddresses: []UnboundAddress{},
		MissingRealServers: []MissingRealServer{}, StaleRealServers: []StaleRealServer{},
		DrainingRealServers: []DrainingRealServer{}, EmptyVirtualServers: []EmptyVirtualServer{},
	}
}

// BoundAddress is an address on kube-ipvs0.
type BoundAddress struct {
	Prefix string `json:"prefix"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Text   string `json:"text"`
}

// NodeInterface is one address of the node on an interface other than
// kube-ipvs0 and loopback.
type NodeInterface struct {
	Interface string `json:"interface"`
	Prefix    string `json:"prefix"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Text      string `json:"text"`
}

// VirtualServer is one IPVS virtual service with the Service ports it
// serves and its real servers.
type VirtualServer struct {
	Protocol           string       `json:"protocol"`
	IP                 string       `json:"ip"`
	Port               int          `json:"port"`
	FWMark             int          `json:"fwmark"`
	Scheduler          string       `json:"scheduler"`
	Flags              []string     `json:"flags"`
	Persistent         int          `json:"persistent"`
	Netmask            string       `json:"netmask"`
	File               string       `json:"file"`
	Line               int          `json:"line"`
	Text               string       `json:"text"`
	Services           []ServiceRef `json:"services"`
	RealServers        []RealServer `json:"realServers"`
	RealServersLeftOut int          `json:"realServersLeftOut"`
}

// ServiceRef names a Service port a virtual service serves, and in which
// role.
type ServiceRef struct {
	Service  string `json:"service"`
	Role     string `json:"role"` // RoleClusterIP, RoleExternalIP, RoleLoadBalancer or RoleNodePort
	PortName string `json:"portName"`
	Port     int    `json:"port"`
}

// VirtualServerRef names a virtual service of the node (its key in
// [Node.VirtualServers]) and the role in which it serves a Service.
type VirtualServerRef struct {
	Key  string `json:"key"`
	Role string `json:"role"`
}

// The roles in which a virtual service serves a Service port.
const (
	RoleClusterIP    = "clusterIP"
	RoleExternalIP   = "externalIP"
	RoleLoadBalancer = "loadBalancer"
	RoleNodePort     = "nodePort"
)

// RealServer is one real server of a virtual service.
type RealServer struct {
	IP         string       `json:"ip"`
	Port       int          `json:"port"`
	Forward    string       `json:"forward"`
	Weight     int          `json:"weight"`
	ActiveConn uint64       `json:"activeConn"`
	InActConn  uint64       `json:"inActConn"`
	File       string       `json:"file"`
	Line       int          `json:"line"`
	Text       string       `json:"text"`
	Local      bool         `json:"local"`
	Endpoint   *EndpointRef `json:"endpoint"` // nil (null) when no endpoint matches
}

// EndpointRef is the Service endpoint a real server stands for.
type EndpointRef struct {
	Service     string `json:"service"`
	NodeName    string `json:"nodeName"`
	Ready       bool   `json:"ready"`
	Serving     bool   `json:"serving"`
	Terminating bool   `json:"terminating"`
	HostNetwork bool   `json:"hostNetwork"`
}

// Conntrack is a node's conntrack summary.
type Conntrack struct {
	File      string                    `json:"file"`
	Format    string                    `json:"format"`
	Flows     int                       `json:"flows"`
	Unreplied int                       `json:"unreplied"`
	NonLocal  int                       `json:"nonLocal"`
	Unkeyed   int                       `json:"unkeyed"`
	ByState   map[string]int            `json:"byState"`
	Max       *ConntrackMax             `json:"max,omitempty"`
	Dests     map[string]*ConntrackDest `json:"dests,omitempty"` // built only when read
}

// ConntrackMax is the size of the node's conntrack table and where it comes
// from.
type ConntrackMax struct {
	Value  int    `json:"value"`
	Source string `json:"source"` // MaxFromSysctl or MaxFromKubeProxy
	// Detail tells how it was found: the sysctl's name, or kube-proxy's
	// formula.
	Detail string `json:"detail"`
	// File and Line are the sysctl line or the Node object; Text the
	// sysctl line, "" for the Node object.
	File string `json:"file"`
	Line int    `json:"line"`
	Text string `json:"text"`
}

// The sources of [ConntrackMax].
const (
	MaxFromSysctl    = "sysctl"
	MaxFromKubeProxy = "kube-proxy"
)

// ConntrackDest summarises the flows to one of the node's own addresses.
type ConntrackDest struct {
	Protocol               string         `json:"protocol"`
	IP                     string         `json:"ip"`
	Port                   int            `json:"port"`
	Flows                  int            `json:"flows"`
	States                 map[string]int `json:"states"`
	Unreplied              int            `json:"unreplied"`
	Assured                int            `json:"assured"`
	NoDNAT                 int            `json:"noDNAT"`
	SNAT                   int            `json:"snat"`
	FromLocal              int            `json:"fromLocal"`
	FromLocalUnreplied     int            `json:"fromLocalUnreplied"`
	Backends               map[string]int `json:"backends"`
	BackendsOther          int            `json:"backendsOther"`
	UnrepliedBackends      map[string]int `json:"unrepliedBackends"`
	UnrepliedBackendsOther int            `json:"unrepliedBackendsOther"`
	Clients                map[string]int `json:"clients"`
	ClientsOther           int            `json:"clientsOther"`
	Samples                []Evidence     `json:"samples"`
	UnrepliedSamples       []Evidence     `json:"unrepliedSamples"`
}

// Evidence is one capture line quoted as evidence.
type Evidence struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Text string `json:"text"`
}

// Listener is one socket of `ss -Hlntu`.
type Listener struct {
	Protocol  string `json:"protocol"`
	State     string `json:"state"`
	IP        string `json:"ip"`       // "" for a wildcard
	Wildcard  string `json:"wildcard"` // "v4", "v6", "any", or "" for a specific IP
	Port      int    `json:"port"`
	Interface string `json:"interface"`
	Process   string `json:"process"`
	File      string `json:"file"`
	Line      int    `json:"line"`
}

// Sysctl is one kernel parameter as printed.
type Sysctl struct {
	Value string `json:"value"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	Text  string `json:"text"`
}

// Kernel is the node's kernel release from `uname -a`.
type Kernel struct {
	Release string `json:"release"`
	Major   int    `json:"major"`
	Minor   int    `json:"minor"`
	Patch   int    `json:"patch"`
	File    string `json:"file"`
	Line    int    `json:"line"`
}

// SplitNodes returns d without its nodes (an empty nodes map, the rest
// shared with d) and its nodes by name: the parts the rule engine
// evaluates one node at a time, so that rules see `input.nodes` holding a
// single node and learn of the others from [Cluster.NodeNames] and
// [Cluster.CapturedNodes].
func (d *Document) SplitNodes() (rest any, nodes map[string]any) {
	r := *d
	r.Nodes = map[string]*Node{}
	nodes = make(map[string]any, len(d.Nodes))
	for name, n := range d.Nodes {
		nodes[name] = n
	}
	return &r, nodes
}

// Size tells the engine (engine.Sizer) how large the node's facts are: the
// entries of the lists the rules walk.
func (n *Node) Size() int {
	t := &n.Traffic
	return len(t.Unreplied) + len(t.Masqueraded) + len(t.UnservedPorts) + len(t.StaleUDP) +
		len(n.LocalPolicy) + len(n.ServiceIPs) + len(n.VirtualServers)
}
