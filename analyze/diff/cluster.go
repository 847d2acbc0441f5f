package diff

import (
	"maps"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/input"
)

// compareCluster returns the changes of the cluster facts: version, CNI,
// kube-proxy's configuration (fields named as in the input document), and
// the states of the cluster captures.
func compareCluster(old, new *State) []Change {
	var out []Change
	out = appendChange(out, "version", old.version, new.version)
	out = appendChange(out, "cni.name", old.cni.Name, new.cni.Name)
	out = appendChange(out, "cni.class", old.cni.Class, new.cni.Class)
	out = append(out, compareKubeProxy(old.kubeProxy, new.kubeProxy)...)
	out = append(out, compareStatuses(old.captures, new.captures)...)
	return nonNil(out)
}

// compareKubeProxy returns the changes of kube-proxy's configuration: its
// fields only when both sides have its ConfigMap (else they are defaults).
func compareKubeProxy(o, n input.KubeProxy) []Change {
	var out []Change
	out = appendChange(out, "kubeProxy.present", btoa(o.Present), btoa(n.Present))
	if !o.Present || !n.Present {
		return out
	}
	out = appendChange(out, "kubeProxy.mode", o.Mode, n.Mode)
	out = appendChange(out, "kubeProxy.strictARP", btoa(o.StrictARP), btoa(n.StrictARP))
	out = appendChange(out, "kubeProxy.scheduler", o.Scheduler, n.Scheduler)
	out = appendListChange(out, "kubeProxy.nodePortAddresses", o.NodePortAddresses, n.NodePortAddresses)
	out = appendListChange(out, "kubeProxy.excludeCIDRs", o.ExcludeCIDRs, n.ExcludeCIDRs)
	out = appendChange(out, "kubeProxy.clusterCIDR", o.ClusterCIDR, n.ClusterCIDR)
	out = appendChange(out, "kubeProxy.masqueradeAll", btoa(o.MasqueradeAll), btoa(n.MasqueradeAll))
	gate := func(gates map[string]bool, name string) string {
		if v, ok := gates[name]; ok {
			return btoa(v)
		}
		return ""
	}
	for _, name := range unionKeys(o.FeatureGates, n.FeatureGates) {
		out = appendChange(out, "kubeProxy.featureGates["+name+"]", gate(o.FeatureGates, name), gate(n.FeatureGates, name))
	}
	out = appendChange(out, "kubeProxy.conntrackMaxPerCore", itoa(o.ConntrackMaxPerCore), itoa(n.ConntrackMaxPerCore))
	out = appendChange(out, "kubeProxy.conntrackMin", itoa(o.ConntrackMin), itoa(n.ConntrackMin))
	return out
}

// compareStatuses returns the changes of the captures' states, as
// captures[NAME], by name.
func compareStatuses(old, new map[string]string) []Change {
	var out []Change
	for _, name := range unionKeys(old, new) {
		out = appendChange(out, "captures["+name+"]", old[name], new[name])
	}
	return out
}

// unionKeys returns the keys of a and b, sorted, each once.
func unionKeys[V any](a, b map[string]V) []string {
	keys := slices.AppendSeq(slices.Collect(maps.Keys(a)), maps.Keys(b))
	slices.Sort(keys)
	return slices.Compact(keys)
}
