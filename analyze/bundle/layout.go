package bundle

import "strings"

// FormatV1 is the manifest's "format" value of the layout described here.
const FormatV1 = "ipvslint.bundle/v1"

// The top-level names of the layout: a bundle root holds ManifestName, a
// ClusterDir folder with the [ClusterFiles] and a NodesDir folder with one
// folder per node holding the [NodeFiles].
const (
	ManifestName = "manifest.json"
	ClusterDir   = "cluster"
	NodesDir     = "nodes"
)

// Kind is what a capture holds, whatever its file is called. Parsers are
// chosen by kind.
type Kind string

// The kinds of capture. Each parsed kind has a parser package under analyze/;
// the others are kept and listed but not parsed.
const (
	KindIPAddr         Kind = "ip-addr"         // ip [-d] [-o] addr, text or -j JSON (analyze/ipaddr)
	KindIPVS           Kind = "ipvsadm"         // ipvsadm -Ln and its variants (analyze/ipvs)
	KindConntrack      Kind = "conntrack"       // conntrack -L [-o extended|xml], /proc/net/nf_conntrack (analyze/conntrack)
	KindConntrackStats Kind = "conntrack-stats" // conntrack -S
	KindSysctl         Kind = "sysctl"          // sysctl lines (analyze/sysctl)
	KindListen         Kind = "ss-listen"       // ss -Hlntu (analyze/ss)
	KindUname          Kind = "uname"           // uname -a (analyze/uname)
	KindIPRoute        Kind = "ip-route"        // ip route show table all
	KindIptables       Kind = "iptables-save"   // iptables-save
	KindIPSet          Kind = "ipset"           // ipset list
	KindProxyMode      Kind = "proxy-mode"      // kube-proxy's /proxyMode answer
	KindKube           Kind = "kube"            // Kubernetes objects, YAML or JSON (analyze/kube)
	KindKubeVersion    Kind = "kube-version"    // kubectl version [-o json|yaml] (analyze/kube)
	KindUnknown        Kind = ""                // not classified
)

// Entry is one file of the bundle layout v1 (bundle-format.md).
type Entry struct {
	Name     string // file name under cluster/ or nodes/<node>/
	Kind     Kind
	Command  string // the command that writes it
	Required bool   // REQUIRED in the format: its absence is reported
}

// ClusterFiles lists the files under cluster/, in the order they are read.
var ClusterFiles = []Entry{
	{Name: "version.json", Kind: KindKubeVersion, Command: "kubectl version -o json"},
	{Name: "version.yaml", Kind: KindKubeVersion, Command: "kubectl version -o yaml"},
	{Name: "services.yaml", Kind: KindKube, Command: "kubectl get services -A -o yaml", Required: true},
	{Name: "endpointslices.yaml", Kind: KindKube, Command: "kubectl get endpointslices -A -o yaml"},
	{Name: "endpoints.yaml", Kind: KindKube, Command: "kubectl get endpoints -A -o yaml"},
	{Name: "nodes.yaml", Kind: KindKube, Command: "kubectl get nodes -o yaml"},
	{Name: "pods.yaml", Kind: KindKube, Command: "kubectl get pods -A -o go-template=<reduced pods>"},
	{Name: "kube-proxy-config.yaml", Kind: KindKube, Command: "kubectl -n kube-system get configmap kube-proxy -o yaml"},
}

// NodeFiles lists the files under nodes/<node>/, in the order they are read:
// addresses before the tables that refer to them, conntrack last.
var NodeFiles = []Entry{
	{Name: "ip-addr.txt", Kind: KindIPAddr, Command: "ip -d addr", Required: true},
	{Name: "ip-addr.json", Kind: KindIPAddr, Command: "ip -d -j addr"},
	{Name: "ip-route.txt", Kind: KindIPRoute, Command: "ip route show table all"},
	{Name: "uname.txt", Kind: KindUname, Command: "uname -a"},
	{Name: "sysctl.txt", Kind: KindSysctl, Command: "sysctl net.ipv4.vs net.netfilter net.ipv4.ip_forward net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce"},
	{Name: "proxy-mode.txt", Kind: KindProxyMode, Command: "curl -sSf -m 2 http://127.0.0.1:10249/proxyMode"},
	{Name: "ss-listen.txt", Kind: KindListen, Command: "ss -Hlntu"},
	{Name: "ipvsadm.txt", Kind: KindIPVS, Command: "ipvsadm -Ln", Required: true},
	{Name: "ipvsadm-stats.txt", Kind: KindIPVS, Command: "ipvsadm -Ln --stats"},
	{Name: "ipvsadm-save.txt", Kind: KindIPVS, Command: "ipvsadm -Sn"},
	{Name: "ipvsadm-conn.txt", Kind: KindIPVS, Command: "ipvsadm -Lnc"},
	{Name: "iptables-save.txt", Kind: KindIptables, Command: "iptables-save"},
	{Name: "ipset.txt", Kind: KindIPSet, Command: "ipset list"},
	{Name: "conntrack-stats.txt", Kind: KindConntrackStats, Command: "conntrack -S"},
	{Name: "conntrack.txt", Kind: KindConntrack, Command: "conntrack -L -o extended", Required: true},
}

// lookup returns the layout entry for a path relative to the bundle root
// ("cluster/services.yaml", "nodes/node-a/ipvsadm.txt") and the node it
// belongs to ("" for cluster files). ok is false for any other path.
func lookup(rel string) (e Entry, node string, ok bool) {
	parts := strings.Split(rel, "/")
	switch {
	case len(parts) == 2 && parts[0] == ClusterDir:
		e, ok = find(ClusterFiles, parts[1])
	case len(parts) == 3 && parts[0] == NodesDir && parts[1] != "":
		e, ok = find(NodeFiles, parts[2])
		node = parts[1]
	}
	if !ok {
		return Entry{}, "", false
	}
	return e, node, true
}

// layoutOrder returns the paths of all layout files of the given nodes, in
// reading order: the manifest, the cluster files, then each node's files.
func layoutOrder(nodes []string) []string {
	order := []string{ManifestName}
	for _, e := range ClusterFiles {
		order = append(order, ClusterDir+"/"+e.Name)
	}
	for _, n := range nodes {
		for _, e := range NodeFiles {
			order = append(order, NodesDir+"/"+n+"/"+e.Name)
		}
	}
	return order
}

// named returns the layout entry whose file name is name, in either folder,
// so that "cat ipvsadm.txt" in a transcript tells what it prints.
func named(name string) (Entry, bool) {
	if e, ok := find(ClusterFiles, name); ok {
		return e, true
	}
	return find(NodeFiles, name)
}

func find(list []Entry, name string) (Entry, bool) {
	for _, e := range list {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}
