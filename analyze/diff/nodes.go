package diff

import (
	"maps"
	"slices"

	"github.com/ipvslint/ipvslint/analyze/input"
)

// compareNodes returns what changed on each node either side names, by
// name; nodes without a change are left out.
func compareNodes(old, new *State) []NodeDiff {
	named := func(s *State) map[string]bool {
		out := map[string]bool{}
		for _, name := range s.nodeNames {
			out[name] = true
		}
		for name := range s.nodes {
			out[name] = true
		}
		return out
	}
	oldNamed, newNamed := named(old), named(new)
	oldClaims, newClaims := lazyClaims{s: old}, lazyClaims{s: new}
	out := []NodeDiff{}
	for _, name := range unionKeys(oldNamed, newNamed) {
		nd := NodeDiff{Name: name, Status: NodeChanged}
		switch {
		case !oldNamed[name]:
			nd.Status = NodeAdded
		case !newNamed[name]:
			nd.Status = NodeRemoved
		}
		o, n := old.nodes[name], new.nodes[name]
		var changes []Change
		changes = appendChange(changes, "captured", btoa(o != nil), btoa(n != nil))
		oo, no := old.objects[name], new.objects[name]
		changes = appendChange(changes, "kubeletVersion", oo.KubeletVersion, no.KubeletVersion)
		changes = appendChange(changes, "kubeProxyVersion", oo.KubeProxyVersion, no.KubeProxyVersion)
		nd.Changes = changes
		nd.VIPs = VIPChanges{Added: []VIP{}, Removed: []VIP{}}
		nd.VirtualServers = VirtualServerChanges{Added: []VirtualServer{}, Removed: []VirtualServer{}, Changed: []VirtualServerChange{}}
		if o != nil && n != nil {
			nd.Changes = appendChange(nd.Changes, "kernel", o.kernel, n.kernel)
			nd.Changes = appendChange(nd.Changes, "proxyMode", o.proxyMode, n.proxyMode)
			nd.Changes = append(nd.Changes, compareStatuses(o.captures, n.captures)...)
			if o.vips != nil && n.vips != nil {
				nd.VIPs.Removed = vipsOnlyIn(o.vips, n.vips, &oldClaims)
				nd.VIPs.Added = vipsOnlyIn(n.vips, o.vips, &newClaims)
			}
			if o.vss != nil && n.vss != nil {
				nd.VirtualServers = compareVirtualServers(o.vss, n.vss)
			}
		}
		nd.Changes = nonNil(nd.Changes)
		if len(nd.Changes)+len(nd.VIPs.Added)+len(nd.VIPs.Removed)+len(nd.VirtualServers.Added)+
			len(nd.VirtualServers.Removed)+len(nd.VirtualServers.Changed) > 0 {
			out = append(out, nd)
		}
	}
	return out
}

// vipsOnlyIn returns the addresses of a that b lacks, sorted, with the
// Services of a's side that name them.
func vipsOnlyIn(a, b map[string]bool, claims *lazyClaims) []VIP {
	var ips []string
	for ip := range a {
		if !b[ip] {
			ips = append(ips, ip)
		}
	}
	slices.SortFunc(ips, input.CompareIP)
	out := make([]VIP, 0, len(ips))
	for _, ip := range ips {
		out = append(out, VIP{IP: ip, Services: nonNil(claims.of(ip))})
	}
	return out
}

// lazyClaims indexes the addresses a side's Services name, when first
// asked: most diffs list no address.
type lazyClaims struct {
	s     *State
	index map[string][]string // address → Services, sorted
}

// of returns the Services that name ip as cluster, external or load
// balancer IP, sorted.
func (c *lazyClaims) of(ip string) []string {
	if c.index == nil {
		c.index = map[string][]string{}
		for _, key := range slices.Sorted(maps.Keys(c.s.services)) {
			svc := c.s.services[key]
			ips := slices.Concat(svc.clusterIPs, svc.extIPs)
			for _, ing := range svc.ingress {
				ips = append(ips, ing.IP)
			}
			for _, a := range ips {
				if a != "" && !slices.Contains(c.index[a], key) {
					c.index[a] = append(c.index[a], key)
				}
			}
		}
	}
	return c.index[ip]
}

// compareVirtualServers returns the virtual services added, removed and
// changed on a node. Only what changed is sorted.
func compareVirtualServers(old, new map[string]*virtualServer) VirtualServerChanges {
	out := VirtualServerChanges{Added: []VirtualServer{}, Removed: []VirtualServer{}, Changed: []VirtualServerChange{}}
	for key, o := range old {
		n, ok := new[key]
		if !ok {
			out.Removed = append(out.Removed, VirtualServer{Key: key, Services: nonNil(o.serves), RealServers: len(o.rs)})
			continue
		}
		if c, changed := compareVirtualServer(key, o, n); changed {
			out.Changed = append(out.Changed, c)
		}
	}
	for key, n := range new {
		if old[key] == nil {
			out.Added = append(out.Added, VirtualServer{Key: key, Services: nonNil(n.serves), RealServers: len(n.rs)})
		}
	}
	byKey := func(a, b VirtualServer) int { return compareVSKeys(a.Key, b.Key) }
	slices.SortFunc(out.Added, byKey)
	slices.SortFunc(out.Removed, byKey)
	slices.SortFunc(out.Changed, func(a, b VirtualServerChange) int { return compareVSKeys(a.Key, b.Key) })
	return out
}

// compareVirtualServer returns the changes of one virtual service, and
// whether there are any.
func compareVirtualServer(key string, o, n *virtualServer) (VirtualServerChange, bool) {
	var changes []Change
	changes = appendChange(changes, "scheduler", o.scheduler, n.scheduler)
	changes = appendChange(changes, "flags", o.flags, n.flags)
	changes = appendChange(changes, "persistent", itoa(o.persistent), itoa(n.persistent))
	changes = appendListChange(changes, "services", o.serves, n.serves)
	if len(changes) == 0 && maps.Equal(o.rs, n.rs) {
		return VirtualServerChange{}, false
	}
	c := VirtualServerChange{Key: key, Services: nonNil(n.serves), Changes: nonNil(changes), Added: []RealServer{}, Removed: []RealServer{}, Weights: []Weight{}}
	for rs, ow := range o.rs {
		nw, ok := n.rs[rs]
		switch {
		case !ok:
			c.Removed = append(c.Removed, RealServer{Server: rs, Weight: ow})
		case nw != ow:
			c.Weights = append(c.Weights, Weight{Server: rs, Old: ow, New: nw})
		}
	}
	for rs, nw := range n.rs {
		if _, ok := o.rs[rs]; !ok {
			c.Added = append(c.Added, RealServer{Server: rs, Weight: nw})
		}
	}
	byServer := func(a, b RealServer) int { return input.CompareHostPort(a.Server, b.Server) }
	slices.SortFunc(c.Added, byServer)
	slices.SortFunc(c.Removed, byServer)
	slices.SortFunc(c.Weights, func(a, b Weight) int { return input.CompareHostPort(a.Server, b.Server) })
	return c, true
}
