package report

import (
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
)

// pathClients is, for every built-in rule, the client whose connection to
// a finding's target the HTML report draws, as `ipvslint trace --from`
// names it: "pod" (a pod on the finding's node), "host" (a host process
// there) or "external" (a client outside the cluster entering through
// it); "" for a rule whose findings are not about one connection, and why.
var pathClients = map[string]string{
	"lb-ip-unserved-port":            "pod",      // in-cluster clients use the port; refused from 1.26, a local stack before
	"lb-ip-local-listener":           "pod",      // a pod of the node reaches the local process
	"lb-ip-host-client-timeout":      "host",     // a host process, whose source is the load balancer IP itself
	"etp-local-remote-backends":      "external", // eTP=Local is about clients outside the cluster
	"etp-local-no-endpoints-refused": "external", // a client sent to the node without a local endpoint
	"externalip-local-rejected":      "external", // external IPs are for clients outside the cluster
	"source-ip-lost":                 "external", // the client whose address the backend does not see
	"itp-local-no-endpoints":         "pod",      // iTP=Local is about clients inside the cluster
	"vs-missing":                     "pod",      // a pod of the node reaches every Service address, its NodePorts too
	"vs-no-real-servers":             "pod",
	"vip-not-bound":                  "pod", // the packet follows the routing table off the node
	"orphan-vip":                     "pod", // the node takes traffic to the leftover address
	"lb-ip-bound-in-cluster":         "pod", // in-cluster clients never reach the real load balancer
	"ipmode-proxy-still-bound":       "pod",

	"bundle-incomplete":        "", // the captures themselves
	"conntrack-near-full":      "", // the node's conntrack table, every connection
	"conntrack-stale-udp":      "", // flows pinned to a former endpoint: conntrack's state, which trace does not follow
	"conntrack-unreplied-vip":  "", // clients conntrack saw; the cause (a dead backend, a firewall) is beyond the captures
	"etp-local-upgrade-change": "", // another version: upgrade-check traces it
	"upgrade-behaviour-change": "", // upgrade-check's own findings, traced at both versions
	"ipvs-conn-reuse-risk":     "", // the kernel's handling of reused source ports
	"strict-arp-disabled":      "", // ARP answers, not a connection
	"lb-hostname-hairpin":      "", // the real load balancer, beyond the captures
	"missing-real-server":      "", // an endpoint, not a destination of clients
	"stale-real-server":        "",
	"real-server-draining":     "",
}

// pathsPerRule is how many connections of one rule get a diagram: those of
// its first findings, worst first; the others refer to the first. Only
// errors and warnings get one.
const pathsPerRule = 3

// PathQuery is a connection to trace for a finding: the --from and --to of
// `ipvslint trace` that follow it.
type PathQuery struct {
	Finding  int    // the index of the finding in [Analysis.Findings]
	From, To string // pod:NODE, host:NODE or external:NODE; the finding's target
}

// pathQuery returns the connection finding f is about; false when its rule
// is not about one, or f names no node or target.
func pathQuery(i int, f engine.Finding) (PathQuery, bool) {
	client := pathClients[f.Rule]
	if client == "" || f.Node == "" || f.Target == "" {
		return PathQuery{}, false
	}
	return PathQuery{Finding: i, From: client + ":" + f.Node, To: f.Target}, true
}

// PathQueries returns the connections whose diagrams the HTML report of a
// draws: those of its errors and warnings, each connection once (for the
// first finding about it), at most pathsPerRule per rule, in the order of
// the findings.
func PathQueries(a *Analysis) []PathQuery {
	var out []PathQuery
	perRule := map[string]int{}
	seen := map[connection]bool{}
	for i, f := range a.Findings {
		q, ok := pathQuery(i, f)
		if !ok || !f.Severity.AtLeast(engine.SeverityWarning) || seen[q.connection()] || perRule[f.Rule] == pathsPerRule {
			continue
		}
		perRule[f.Rule]++
		seen[q.connection()] = true
		out = append(out, q)
	}
	return out
}

// connection is the connection a query follows, whichever finding it is
// about.
type connection struct{ from, to string }

func (q PathQuery) connection() connection { return connection{q.From, q.To} }

// Path is the connection of a finding as `ipvslint trace` follows it
// through the node's captured state: the facts of the trace input and the
// verdict of package ipvslint.trace, which its diagram is drawn from.
type Path struct {
	PathQuery
	// Err says why the connection could not be traced (a port the target
	// does not tell, a capture the node lacks); nothing below is set then.
	Err string

	// Client is pod, host or external; ClientNode is its node (or the node
	// it enters through); Node is the node the packet goes through.
	Client, ClientNode, Node string
	// IP, Port and Protocol are the destination.
	IP       string
	Port     int
	Protocol string
	// Address is what IP is on Node: "kube-ipvs0", "node" (an address of
	// Interface) or "none"; Served are the ports with a virtual service on
	// it ("80/TCP").
	Address   string
	Interface string
	Served    []string
	// VirtualService is the IPVS virtual service at the destination as
	// ipvsadm lists it ("TCP 10.0.0.12:30745 rr"), "" when there is none;
	// Service and Role are the Service port it serves and in which role
	// (input.RoleNodePort...), "" when none.
	VirtualService string
	Service, Role  string
	RealServers    []PathRealServer
	// Listener is the socket of a local process on the destination's port;
	// nil when none.
	Listener *input.Listener

	// Verdict, Reason and Behaviours are those of the trace.
	Verdict, Reason string
	Behaviours      []string
	Steps           []PathStep
	Assumptions     []string
}

// PathRealServer is a real server of the virtual service.
type PathRealServer struct {
	Addr        string // IP:PORT
	Weight      int
	Local       bool   // on the node the packet goes through
	NodeName    string // the endpoint's node; "" when not known
	HostNetwork bool
}

// PathStep is one step of the trace's story, with its evidence.
type PathStep struct {
	What     string
	Evidence []engine.Evidence
}
