package bundle

// Kind is what a capture holds, whatever its file is called. Parsers are
// chosen by kind.
type Kind string

// The kinds of capture. Each parsed kind has a parser package under analyze/;
// the others are kept and listed but not parsed.
const (
	KindManifest       Kind = "manifest"        // manifest.json
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
	{Name: "pods.yaml", Kind: KindKube, Command: "kubectl get pods -A -o yaml (reduced)"},
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
	{Name: "proxy-mode.txt", Kind: KindProxyMode, Command: "curl -s http://localhost:10249/proxyMode"},
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
