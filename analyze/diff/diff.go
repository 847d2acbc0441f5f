package diff

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

// SchemaVersion is the schemaVersion of `ipvslint diff --format json`.
const SchemaVersion = "ipvslint.diff/v1"

// Diff is what changed from the old side to the new one. Its JSON form is
// the contract docs/diff.schema.json describes: every list is sorted and
// never null, so that the same two bundles always give the same bytes.
type Diff struct {
	SchemaVersion string  `json:"schemaVersion"`
	Old           Side    `json:"old"`
	New           Side    `json:"new"`
	Summary       Summary `json:"summary"`
	// Cluster are the changes of the version, the CNI, kube-proxy's
	// configuration (its fields only when both sides have its ConfigMap)
	// and the cluster captures' states, in that order.
	Cluster   []Change         `json:"cluster"`
	Services  ServiceChanges   `json:"services"`
	Endpoints []EndpointChange `json:"endpoints"` // by Service
	Nodes     []NodeDiff       `json:"nodes"`     // by name; only nodes with a change
	Findings  FindingChanges   `json:"findings"`
}

// Side describes one side of the diff.
type Side struct {
	Bundles           []string `json:"bundles"`           // the bundle arguments, as given
	KubernetesVersion string   `json:"kubernetesVersion"` // "" when the bundle does not say
	Nodes             []string `json:"nodes"`             // the captured nodes, sorted
	Findings          int      `json:"findings"`          // how many findings the rules gave
}

// Change is a field whose value differs. Values are written as the input
// document holds them, lists joined by ", "; "" is unset (or empty).
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// ServiceChanges are the Services added, removed and changed, each list
// sorted by namespace/name. All three are empty when services.yaml was
// not read on both sides (Diff.Cluster then says so).
type ServiceChanges struct {
	Added   []ServiceEntry  `json:"added"`
	Removed []ServiceEntry  `json:"removed"`
	Changed []ServiceChange `json:"changed"`
}

// ServiceEntry names a Service added or removed, with its type, cluster
// IPs and ports (PORT/PROTO, with →NODEPORT when it has one).
type ServiceEntry struct {
	Service    string   `json:"service"`
	Type       string   `json:"type"`
	ClusterIPs []string `json:"clusterIPs"`
	Ports      []string `json:"ports"`
}

// ServiceChange is a Service present on both sides whose compared fields
// differ: type, headless, clusterIPs, externalIPs, ingress,
// externalTrafficPolicy, internalTrafficPolicy, healthCheckNodePort,
// selector, sessionAffinity, affinityTimeout, trafficDistribution,
// serviceProxyName (the label that hands the Service to another proxy),
// the load balancer and topology annotations (annotations[KEY]), and ports
// (ports[PORT/PROTO] for a port added or removed, ports[PORT/PROTO].FIELD
// for one changed).
type ServiceChange struct {
	Service string   `json:"service"`
	Changes []Change `json:"changes"`
}

// EndpointChange is a Service whose ready endpoints per node differ, when
// both sides hold its endpoints. Nodes lists the nodes whose count
// changed, by name ("" for endpoints that name no node).
type EndpointChange struct {
	Service  string      `json:"service"`
	OldReady int         `json:"oldReady"`
	NewReady int         `json:"newReady"`
	Nodes    []NodeCount `json:"nodes"`
}

// NodeCount is a node's count of ready endpoints on each side.
type NodeCount struct {
	Node string `json:"node"`
	Old  int    `json:"old"`
	New  int    `json:"new"`
}

// The values of [NodeDiff.Status].
const (
	NodeAdded   = "added"   // only the new side names the node
	NodeRemoved = "removed" // only the old side names it
	NodeChanged = "changed" // both sides name it
)

// NodeDiff is what changed on one node. A node is named by nodes.yaml or
// by its captures; its addresses and virtual services are compared only
// when both sides captured them.
type NodeDiff struct {
	Name   string `json:"name"`
	Status string `json:"status"` // NodeAdded, NodeRemoved or NodeChanged
	// Changes are those of captured, kubeletVersion, kubeProxyVersion,
	// kernel, proxyMode and captures[NAME] (the capture's status), in
	// that order.
	Changes        []Change             `json:"changes"`
	VIPs           VIPChanges           `json:"vips"`
	VirtualServers VirtualServerChanges `json:"virtualServers"`
}

// VIPChanges are the addresses that appeared on kube-ipvs0 and those
// that left it, sorted by address.
type VIPChanges struct {
	Added   []VIP `json:"added"`
	Removed []VIP `json:"removed"`
}

// VIP is an address of kube-ipvs0 with the Services that name it (as
// cluster, external or load balancer IP) on the side that has it, sorted.
type VIP struct {
	IP       string   `json:"ip"`
	Services []string `json:"services"`
}

// VirtualServerChanges are the virtual services added, removed and
// changed on a node, sorted by address, port and protocol.
type VirtualServerChanges struct {
	Added   []VirtualServer       `json:"added"`
	Removed []VirtualServer       `json:"removed"`
	Changed []VirtualServerChange `json:"changed"`
}

// VirtualServer names a virtual service by its key (TCP/10.96.0.1:443),
// with the Service ports it serves ("namespace/name role", sorted) and its
// number of real servers.
type VirtualServer struct {
	Key         string   `json:"key"`
	Services    []string `json:"services"`
	RealServers int      `json:"realServers"`
}

// VirtualServerChange is a virtual service on both sides whose scheduler,
// flags, persistence, Services or real servers differ. Services are the
// new side's.
type VirtualServerChange struct {
	Key      string       `json:"key"`
	Services []string     `json:"services"`
	Changes  []Change     `json:"changes"` // scheduler, flags, persistent, services
	Added    []RealServer `json:"realServersAdded"`
	Removed  []RealServer `json:"realServersRemoved"`
	Weights  []Weight     `json:"weights"` // real servers on both sides whose weight changed
}

// RealServer is a real server (IP:PORT) and its weight.
type RealServer struct {
	Server string `json:"server"`
	Weight int    `json:"weight"`
}

// Weight is a real server's weight on each side.
type Weight struct {
	Server string `json:"server"`
	Old    int    `json:"old"`
	New    int    `json:"new"`
}

// FindingChanges sorts the findings of both sides, matched by rule, node,
// Service and target: those only the new side has (appeared), those only
// the old side has (resolved), and those of both (persisted). Each list
// is in the engine's order: severity, rule, node, Service, target.
type FindingChanges struct {
	Appeared  []Finding   `json:"appeared"`
	Resolved  []Finding   `json:"resolved"`
	Persisted []Persisted `json:"persisted"`
}

// Finding is a finding without its evidence and advice: `ipvslint
// analyze` of its side has them.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Node     string `json:"node"`    // "" for a cluster-wide finding
	Service  string `json:"service"` // "" when no Service is concerned
	Target   string `json:"target"`  // "" when none
	Message  string `json:"message"`
}

// Persisted is a finding of both sides, as the new side gives it, with the
// severity the old side gave.
type Persisted struct {
	Finding
	OldSeverity string `json:"oldSeverity"`
}

// Summary counts the differences. Identical is true when there are none:
// persisted findings with the same severity are no difference.
type Summary struct {
	Identical             bool `json:"identical"`
	Cluster               int  `json:"cluster"` // changes of Diff.Cluster
	NodesAdded            int  `json:"nodesAdded"`
	NodesRemoved          int  `json:"nodesRemoved"`
	NodesChanged          int  `json:"nodesChanged"`
	ServicesAdded         int  `json:"servicesAdded"`
	ServicesRemoved       int  `json:"servicesRemoved"`
	ServicesChanged       int  `json:"servicesChanged"`
	EndpointsChanged      int  `json:"endpointsChanged"` // Services whose ready endpoints per node changed
	VIPsAdded             int  `json:"vipsAdded"`
	VIPsRemoved           int  `json:"vipsRemoved"`
	VirtualServersAdded   int  `json:"virtualServersAdded"`
	VirtualServersRemoved int  `json:"virtualServersRemoved"`
	VirtualServersChanged int  `json:"virtualServersChanged"`
	RealServersAdded      int  `json:"realServersAdded"`   // in changed virtual services
	RealServersRemoved    int  `json:"realServersRemoved"` // in changed virtual services
	WeightsChanged        int  `json:"weightsChanged"`
	FindingsAppeared      int  `json:"findingsAppeared"`
	FindingsResolved      int  `json:"findingsResolved"`
	FindingsPersisted     int  `json:"findingsPersisted"`
	SeverityChanged       int  `json:"severityChanged"` // persisted findings whose severity changed
}

// Compare returns what changed from old to new. It runs in time linear in
// the size of both States.
func Compare(old, new *State) *Diff {
	d := &Diff{
		SchemaVersion: SchemaVersion,
		Old:           sideOf(old),
		New:           sideOf(new),
		Cluster:       compareCluster(old, new),
		Services:      compareServices(old.services, new.services),
		Endpoints:     compareEndpoints(old.services, new.services),
		Nodes:         compareNodes(old, new),
		Findings:      compareFindings(old.findings, new.findings),
	}
	d.Summary = d.summarize()
	return d
}

// sideOf describes a side.
func sideOf(s *State) Side {
	return Side{
		Bundles:           nonNil(s.bundles),
		KubernetesVersion: s.version,
		Nodes:             slices.Sorted(maps.Keys(s.nodes)),
		Findings:          len(s.findings),
	}
}

// summarize counts the differences of d.
func (d *Diff) summarize() Summary {
	s := Summary{
		Cluster:           len(d.Cluster),
		ServicesAdded:     len(d.Services.Added),
		ServicesRemoved:   len(d.Services.Removed),
		ServicesChanged:   len(d.Services.Changed),
		EndpointsChanged:  len(d.Endpoints),
		FindingsAppeared:  len(d.Findings.Appeared),
		FindingsResolved:  len(d.Findings.Resolved),
		FindingsPersisted: len(d.Findings.Persisted),
	}
	for _, p := range d.Findings.Persisted {
		if p.Severity != p.OldSeverity {
			s.SeverityChanged++
		}
	}
	for _, n := range d.Nodes {
		switch n.Status {
		case NodeAdded:
			s.NodesAdded++
		case NodeRemoved:
			s.NodesRemoved++
		default:
			s.NodesChanged++
		}
		s.VIPsAdded += len(n.VIPs.Added)
		s.VIPsRemoved += len(n.VIPs.Removed)
		s.VirtualServersAdded += len(n.VirtualServers.Added)
		s.VirtualServersRemoved += len(n.VirtualServers.Removed)
		s.VirtualServersChanged += len(n.VirtualServers.Changed)
		for _, vs := range n.VirtualServers.Changed {
			s.RealServersAdded += len(vs.Added)
			s.RealServersRemoved += len(vs.Removed)
			s.WeightsChanged += len(vs.Weights)
		}
	}
	s.Identical = s.Cluster+s.NodesAdded+s.NodesRemoved+s.NodesChanged+s.ServicesAdded+s.ServicesRemoved+
		s.ServicesChanged+s.EndpointsChanged+s.FindingsAppeared+s.FindingsResolved+s.SeverityChanged == 0
	return s
}

// Regressed reports whether the new side has a finding at least as severe
// as min that the old side did not have at that severity: a finding that
// appeared, or a persisted one whose severity rose to min or above.
func (d *Diff) Regressed(min engine.Severity) bool {
	for _, f := range d.Findings.Appeared {
		if engine.Severity(f.Severity).AtLeast(min) {
			return true
		}
	}
	for _, p := range d.Findings.Persisted {
		if engine.Severity(p.Severity).AtLeast(min) && !engine.Severity(p.OldSeverity).AtLeast(min) {
			return true
		}
	}
	return false
}

// appendChange appends the change of field from old to new, if any.
func appendChange(changes []Change, field, old, new string) []Change {
	if old == new {
		return changes
	}
	return append(changes, Change{Field: field, Old: old, New: new})
}

// appendListChange appends the change of a list field, if any.
func appendListChange(changes []Change, field string, old, new []string) []Change {
	if slices.Equal(old, new) {
		return changes
	}
	return append(changes, Change{Field: field, Old: list(old), New: list(new)})
}

// list writes a list value of a Change.
func list(values []string) string { return strings.Join(values, ", ") }

// itoa writes a number value of a Change.
func itoa(n int) string { return strconv.Itoa(n) }

// btoa writes a boolean value of a Change.
func btoa(b bool) string { return strconv.FormatBool(b) }

// nonNil returns s, or an empty slice when s is nil, so that it marshals
// as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
