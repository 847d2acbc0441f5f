package snapshot

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/ipaddr"
	"github.com/ipvslint/ipvslint/analyze/kube"
)

// applyManifest joins what the collector recorded (exit codes, stderr) onto
// the captures of one bundle.
func applyManifest(m *bundle.Manifest, cluster []*Capture, nodes map[string]*Node) {
	byPath := map[string]*Capture{}
	for _, c := range cluster {
		byPath[c.Path] = c
	}
	for _, n := range nodes {
		for _, c := range n.Captures {
			byPath[c.Path] = c
		}
	}
	for _, f := range m.Files {
		c := byPath[f.Path]
		if f.Path == "" || c == nil {
			continue
		}
		code := f.ExitCode
		c.ExitCode = &code
		if code != 0 && (c.Status == StatusEmpty || c.Status == StatusOK && c.Bytes == 0) {
			c.Status, c.Detail = StatusFailed, commandFailure(f)
		}
	}
}

// commandFailure describes a command the collector ran without success.
func commandFailure(f bundle.ManifestFile) string {
	msg := fmt.Sprintf("%s: exit code %d", f.Command, f.ExitCode)
	if f.ExitCode == 127 {
		msg = f.Command + ": command not found"
	}
	if first, _, _ := strings.Cut(strings.TrimSpace(f.Stderr), "\n"); first != "" {
		msg += ": " + first
	}
	return msg
}

// mergeNode adds a node read from bs to the run. A node that two collected
// bundles both hold is an error unless their captures are identical; loose
// captures add to whatever the node already has.
func (b *builder) mergeNode(bs *Bundle, n *Node) error {
	if !bs.Loose {
		n.bundle = bs
	}
	have := b.nodes[n.Name]
	if have == nil {
		b.nodes[n.Name] = n
		return nil
	}
	if have.bundle != nil && n.bundle != nil {
		if sameNodeFiles(n.Name, have.bundle, bs) {
			bs.Warnings = append(bs.Warnings, warnNoPos(fmt.Sprintf("node %s is also in %s with identical captures: read once", n.Name, have.bundle.Arg)))
			return nil
		}
		return fmt.Errorf("node %s is in both %s and %s with different captures: give one bundle per node", n.Name, have.bundle.Arg, bs.Arg)
	}
	have.adopt(n)
	return nil
}

// sameNodeFiles reports whether two bundles hold the same bytes for node.
func sameNodeFiles(node string, a, b *Bundle) bool {
	prefix := "nodes/" + node + "/"
	count := 0
	for p, sum := range a.sums {
		if strings.HasPrefix(p, prefix) {
			count++
			if b.sums[p] != sum {
				return false
			}
		}
	}
	for p := range b.sums {
		if strings.HasPrefix(p, prefix) {
			count--
		}
	}
	return count == 0
}

// adopt moves the captures of src, another reading of the same node, into
// n; slots go to the capture of higher rank.
func (n *Node) adopt(src *Node) {
	if n.bundle == nil {
		n.bundle = src.bundle
	}
	n.Captures = append(n.Captures, src.Captures...)
	n.deferred = append(n.deferred, src.deferred...)
	for _, name := range slices.Sorted(maps.Keys(src.slots)) {
		s := src.slots[name]
		n.claim(name, s.capture, s.rank, s.result)
	}
	if res, ok := n.slots["ip-addr"].result.(*ipaddr.Result); ok {
		n.setLocal(res)
	}
}

// objectKey names a cluster object across bundles.
type objectKey struct{ kind, namespace, name string }

// objectEntry is the object kept so far (a pointer into the objects of its
// bundle) and the age of its bundle.
type objectEntry struct {
	seq       int // first-seen order, for a stable output
	createdAt time.Time
	obj       any
}

// addObjects merges the cluster objects of one bundle: for an object several
// bundles hold, the newest bundle's copy wins (manifest createdAt; loose
// bundles count as oldest, and among equals the later argument wins).
func (b *builder) addObjects(bs *Bundle, o *kube.Objects) {
	put := func(kind, ns, name string, obj any) {
		k := objectKey{kind, ns, name}
		e, ok := b.objects[k]
		if ok && bs.CreatedAt.Before(e.createdAt) {
			return
		}
		if !ok {
			e.seq = len(b.objects)
		}
		e.createdAt, e.obj = bs.CreatedAt, obj
		b.objects[k] = e
	}
	// Pointers into o, so that the objects are copied once, by mergedObjects.
	for i := range o.Services {
		s := &o.Services[i]
		put("Service", s.Namespace, s.Name, s)
	}
	for i := range o.EndpointSlices {
		s := &o.EndpointSlices[i]
		put("EndpointSlice", s.Namespace, s.Name, s)
	}
	for i := range o.Endpoints {
		e := &o.Endpoints[i]
		put("Endpoints", e.Namespace, e.Name, e)
	}
	for i := range o.Nodes {
		n := &o.Nodes[i]
		put("Node", "", n.Name, n)
	}
	for i := range o.Pods {
		p := &o.Pods[i]
		put("Pod", p.Namespace, p.Name, p)
	}
	if o.ProxyConfig != nil {
		put("ProxyConfig", "", "", o.ProxyConfig)
	}
	if o.Version != nil && (b.version == nil || !bs.CreatedAt.Before(b.vFrom.CreatedAt)) {
		b.version, b.vFrom = o.Version, bs
	}
}

// mergedObjects returns the merged cluster objects in first-seen order.
func (b *builder) mergedObjects() *kube.Objects {
	entries := make([]objectEntry, len(b.objects))
	for _, e := range b.objects {
		entries[e.seq] = e
	}
	// Size the lists first: their objects are large.
	var services, endpointSlices, pods int
	for _, e := range entries {
		switch e.obj.(type) {
		case *kube.Service:
			services++
		case *kube.EndpointSlice:
			endpointSlices++
		case *kube.Pod:
			pods++
		}
	}
	o := &kube.Objects{Services: sized[kube.Service](services), EndpointSlices: sized[kube.EndpointSlice](endpointSlices), Pods: sized[kube.Pod](pods)}
	for _, e := range entries {
		switch x := e.obj.(type) {
		case *kube.Service:
			o.Services = append(o.Services, *x)
		case *kube.EndpointSlice:
			o.EndpointSlices = append(o.EndpointSlices, *x)
		case *kube.Endpoints:
			o.Endpoints = append(o.Endpoints, *x)
		case *kube.Node:
			o.Nodes = append(o.Nodes, *x)
		case *kube.Pod:
			o.Pods = append(o.Pods, *x)
		case *kube.ProxyConfig:
			o.ProxyConfig = x
		}
	}
	return o
}

// sized returns an empty list with room for n elements, nil for none.
func sized[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

// looseRequired are the node captures the rules cannot do without, by slot,
// with the layout file that would hold them.
var looseRequired = []struct{ slot, file string }{
	{"ip-addr", "ip-addr.txt"},
	{"ipvsadm", "ipvsadm.txt"},
	{"conntrack", "conntrack.txt"},
}

// missingNodeFiles lists the captures a node lacks: every file of the layout
// for a collected bundle, the required ones for loose captures.
func missingNodeFiles(n *Node) []Missing {
	var out []Missing
	if n.bundle == nil {
		for _, r := range looseRequired {
			if _, ok := n.slots[r.slot]; ok {
				continue
			}
			e := layoutEntry(bundle.NodeFiles, r.file)
			out = append(out, Missing{Name: e.Name, Command: e.Command, Required: true, Reason: "no such capture was given"})
		}
		return out
	}
	have := map[string]bool{}
	for _, c := range n.Captures {
		have[path.Base(c.Path)] = true
	}
	for _, e := range bundle.NodeFiles {
		if !have[e.Name] {
			out = append(out, Missing{Name: e.Name, Command: e.Command, Required: e.Required,
				Reason: manifestReason(n.bundle.manifest, n.Name, e)})
		}
	}
	return out
}

// missingClusterFiles lists the cluster captures the run lacks.
func missingClusterFiles(c *Cluster) []Missing {
	var out []Missing
	if len(c.Objects.Services) == 0 && !hasCapture(c.Captures, "services.yaml") {
		e := layoutEntry(bundle.ClusterFiles, "services.yaml")
		out = append(out, Missing{Name: e.Name, Command: e.Command, Required: true, Reason: "no Service objects were given"})
	}
	return out
}

func hasCapture(caps []*Capture, name string) bool {
	for _, c := range caps {
		if path.Base(c.Path) == name {
			return true
		}
	}
	return false
}

// manifestReason says why the collector did not write node's file e, from
// what its manifest recorded for the file's path, or for its command on the
// node (a cluster bundle says which node each command ran on).
func manifestReason(m *bundle.Manifest, node string, e bundle.Entry) string {
	if m != nil {
		for _, mn := range m.Nodes {
			if mn.Name == node && mn.Status == "failed" {
				return "the node was not collected: " + mn.Error
			}
		}
		p := "nodes/" + node + "/" + e.Name
		for _, f := range m.Files {
			if f.Path == p || f.Path == "" && f.Command == e.Command && (f.Node == "" || f.Node == node) {
				return commandFailure(f)
			}
		}
	}
	return "not in the bundle"
}

func layoutEntry(entries []bundle.Entry, name string) bundle.Entry {
	for _, e := range entries {
		if e.Name == name {
			return e
		}
	}
	return bundle.Entry{Name: name}
}
