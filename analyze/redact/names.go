package redact

import (
	"strings"
)

// Kind is what a name names; it decides the prefix of its token.
type Kind string

// The kinds of names, from the most telling: a name seen as several kinds
// takes the first of them.
const (
	KindNode      Kind = "node"      // Node names, nodes/<node>/ folders, nodeName, kubernetes.io/hostname, hostnameOverride
	KindNamespace Kind = "namespace" // namespaces
	KindService   Kind = "service"   // Services, Endpoints, kubernetes.io/service-name
	KindPod       Kind = "pod"       // pods, endpoint targetRefs
	KindHost      Kind = "host"      // hostnames: ingress, annotations, uname, externalName, API server
	KindID        Kind = "id"        // cloud IDs: load balancers, instances (providerID), node pools
	KindSlice     Kind = "slice"     // EndpointSlices
	KindWorkload  Kind = "workload"  // owners: ReplicaSets, Deployments, DaemonSets...
	KindLabel     Kind = "label"     // label and selector values
	KindObject    Kind = "object"    // other objects
	KindUID       Kind = "uid"       // metadata.uid and other UUIDs
)

// kinds lists the kinds in order of precedence, with their token prefix.
var kinds = []struct {
	kind   Kind
	prefix string
}{
	{KindNode, "node"}, {KindNamespace, "ns"}, {KindService, "svc"}, {KindPod, "pod"},
	{KindHost, "host"}, {KindID, "id"}, {KindSlice, "eps"}, {KindWorkload, "wl"},
	{KindLabel, "lbl"}, {KindObject, "obj"},
}

// rank is the precedence of a kind; lower wins.
func rank(k Kind) int {
	for i, x := range kinds {
		if x.kind == k {
			return i
		}
	}
	return len(kinds)
}

// hostSuffix ends host tokens, so that they stay names of a domain
// (host-2.example) and never resolve.
const hostSuffix = ".example"

// Generic names are kept as they are: they name nothing of the customer's,
// and the analysis looks for some of them (the kube-proxy ConfigMap in
// kube-system, CNI agents' pods).
var (
	// systemNamespaces hold the cluster's own components.
	systemNamespaces = set("default", "kube-system", "kube-public", "kube-node-lease", "kube-flannel",
		"calico-system", "calico-apiserver", "tigera-operator")
	// genericNames are kept wherever they are.
	genericNames = set("kubernetes", "kube-dns", "kube-proxy", "coredns", "localhost")
	// systemPrefixes start the names of components in system namespaces
	// (pods, their owners, Services, EndpointSlices): kept, except for a node
	// name at their end (static pods: kube-apiserver-<node>).
	systemPrefixes = []string{"kube-proxy", "kube-flannel", "canal", "terway", "aws-node", "calico",
		"cilium", "coredns", "kube-dns", "metrics-server", "etcd", "kube-apiserver",
		"kube-controller-manager", "kube-scheduler", "cloud-controller-manager", "csi-", "konnectivity",
		"node-local-dns", "tigera-operator"}
	// keptWords are never taken for names: values the rules and parsers
	// read as keywords (kube-proxy modes and schedulers, protocols, traffic
	// policies) and YAML's own words.
	keptWords = set("true", "false", "yes", "no", "on", "off", "null", "none", "y", "n",
		"ipvs", "iptables", "nftables", "kernelspace", "userspace",
		"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf", "twos",
		"tcp", "udp", "sctp", "local", "cluster", "v1", "node", "ready")
	// keptLabelKeys have values that name no one: architectures, zones,
	// instance types, hashes.
	keptLabelKeys = set("kubernetes.io/os", "kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/arch",
		"node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type",
		"topology.kubernetes.io/region", "topology.kubernetes.io/zone",
		"failure-domain.beta.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone",
		"endpointslice.kubernetes.io/managed-by", "pod-template-hash", "controller-revision-hash",
		"pod-template-generation", "kubernetes.io/cluster-service", "service.kubernetes.io/headless",
		"app.kubernetes.io/managed-by")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// systemName reports whether name, in namespace ns, is a cluster
// component's.
func systemName(ns, name string) bool {
	if !systemNamespaces[ns] {
		return false
	}
	for _, p := range systemPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// nameLike reports whether s can be replaced as a whole by the scanner:
// one run of letters, digits, '.', '-' and '_', with a letter.
func nameLike(s string) bool {
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isRun(c) || c == ':' {
			return false
		}
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			letter = true
		}
	}
	return letter
}

// idLike reports whether a run looks like a cloud ID: letters and digits
// mixed, six characters at least (lb-bp1h3jq9cx2k5l7m, i-bp151c1adf8b).
func idLike(s string) bool {
	var letter, digit bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter = letter || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		digit = digit || isDigit(c)
	}
	return len(s) >= 6 && letter && digit
}

// runs splits s into the runs the scanner sees (colons included as
// separators).
func runs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r > 0x7f || !isRun(byte(r)) || r == ':' })
}
