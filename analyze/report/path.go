package report

import (
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
)

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

// pathClients returns the client of each rule of a that names one
// ([engine.Rule.Client]), by rule ID.
func pathClients(a *Analysis) map[string]string {
	clients := map[string]string{}
	for _, r := range a.Rules {
		if r.Client != "" {
			clients[r.ID] = r.Client
		}
	}
	return clients
}

// pathQuery returns the connection finding f is about, whose client is
// clients[f.Rule]; false when its rule is not about one, or f names no node
// or target.
func pathQuery(i int, f engine.Finding, clients map[string]string) (PathQuery, bool) {
	client := clients[f.Rule]
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
	clients := pathClients(a)
	for i, f := range a.Findings {
		q, ok := pathQuery(i, f, clients)
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
