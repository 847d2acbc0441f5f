package redact

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/source"
)

// collector gathers, before anything is rewritten, the names a bundle
// holds and the words that must stay: so that a name is replaced by the
// same token in every capture, whatever the order they are read in.
type collector struct {
	kinds  map[string]Kind // name -> kind of best rank
	order  []string        // names in the order first seen
	keep   map[string]bool // words never taken for names: keys of the YAML documents
	system map[string]bool // names of cluster components, kept but for a node name at their end
}

func newCollector() *collector {
	return &collector{kinds: map[string]Kind{}, keep: map[string]bool{}, system: map[string]bool{}}
}

// add records name as a name of kind k.
func (c *collector) add(name string, k Kind) {
	name = strings.TrimSpace(name)
	if !nameLike(name) || genericNames[name] || systemNamespaces[name] || keptWords[strings.ToLower(name)] {
		return
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return
	}
	old, ok := c.kinds[name]
	if !ok {
		c.order = append(c.order, name)
	}
	if !ok || rank(k) < rank(old) {
		c.kinds[name] = k
	}
}

// addIn records a name of an object in namespace ns: the names of cluster
// components are kept.
func (c *collector) addIn(ns, name string, k Kind) {
	if systemName(ns, name) {
		c.system[name] = true
		return
	}
	c.add(name, k)
}

// addIDs records the cloud IDs among the runs of s.
func (c *collector) addIDs(s string) {
	for _, r := range runs(s) {
		if idLike(r) {
			c.add(r, KindID)
		}
	}
}

// addHosts records the hostnames in s: a comma-separated list or a URL.
func (c *collector) addHosts(s string) {
	for _, h := range strings.Split(s, ",") {
		h = strings.TrimSpace(h)
		if u, err := url.Parse(h); err == nil && u.Host != "" {
			h = u.Hostname()
		}
		c.add(h, KindHost)
	}
}

// kube collects the names in capture capt of Kubernetes objects, read
// from r as analyze reads it: YAML or JSON, one or several documents, Lists
// of any size item by item, kubectl's messages passed over. A capture it
// cannot read to its end (a piece that does not decode, an object over
// kube.MaxObject) is an error naming the place: the names after it would
// stay in clear.
func (c *collector) kube(r io.Reader, capt bundle.Capture) error {
	err := kube.Each(r, source.Pos{File: capt.Path, Line: capt.Line}, func(at source.Pos, obj []byte) error {
		var v any
		if err := json.Unmarshal(obj, &v); err != nil {
			return source.Errorf(at, "", "%v", err)
		}
		c.keys(v)
		c.object(v)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: %w", err, ErrUnreadable)
	}
	return nil
}

// keys keeps the words of every mapping key of v.
func (c *collector) keys(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			for _, w := range runs(k) {
				c.keep[w] = true
			}
			c.keys(e)
		}
	case []any:
		for _, e := range x {
			c.keys(e)
		}
	}
}

// object collects the names of one object; the items of a list are
// objects of their own (see kube.Each).
func (c *collector) object(v any) {
	m, _ := v.(map[string]any)
	if m == nil {
		return
	}
	kind := str(m["kind"])
	md := dict(m["metadata"])
	ns, name := str(md["namespace"]), str(md["name"])
	c.add(ns, KindNamespace)
	switch kind {
	case "Namespace":
		c.add(name, KindNamespace)
	case "Service", "Endpoints":
		c.addIn(ns, name, KindService)
	case "Pod":
		c.addIn(ns, name, KindPod)
	case "Node":
		c.add(name, KindNode)
	case "EndpointSlice":
		c.addIn(ns, name, KindSlice)
	case "ConfigMap":
		c.addIn(ns, name, KindObject)
		c.proxyConfig(dict(m["data"]))
	case "List", "":
	default:
		c.addIn(ns, name, KindObject)
	}
	for k, v := range dict(md["labels"]) {
		c.label(ns, k, str(v))
	}
	for k, v := range dict(md["annotations"]) {
		c.annotation(k, str(v))
	}
	for _, o := range list(md["ownerReferences"]) {
		c.owner(ns, dict(o))
	}
	spec, status := dict(m["spec"]), dict(m["status"])
	c.add(str(spec["nodeName"]), KindNode)
	c.add(str(spec["hostname"]), KindHost)
	c.add(str(spec["subdomain"]), KindObject)
	c.addHosts(str(spec["externalName"]))
	c.addIDs(str(spec["providerID"]))
	for k, v := range dict(spec["selector"]) {
		c.label(ns, k, str(v))
	}
	for _, a := range list(status["addresses"]) {
		a := dict(a)
		switch str(a["type"]) {
		case "Hostname":
			c.add(str(a["address"]), KindNode)
		case "InternalDNS", "ExternalDNS":
			c.add(str(a["address"]), KindHost)
		}
	}
	for _, ing := range list(dict(status["loadBalancer"])["ingress"]) {
		c.addHosts(str(dict(ing)["hostname"]))
	}
	for _, e := range list(m["endpoints"]) { // EndpointSlice
		c.endpoint(dict(e))
	}
	for _, s := range list(m["subsets"]) { // Endpoints
		for _, key := range []string{"addresses", "notReadyAddresses"} {
			for _, e := range list(dict(s)[key]) {
				c.endpoint(dict(e))
			}
		}
	}
}

// label collects a label or selector value of an object in namespace ns.
func (c *collector) label(ns, key, value string) {
	switch {
	case key == "kubernetes.io/service-name":
		c.add(value, KindService)
	case key == "kubernetes.io/hostname":
		c.add(value, KindNode)
	case keptLabelKeys[key]:
	case strings.HasSuffix(key, "id") || strings.HasSuffix(key, "ids"):
		c.addIDs(value)
	default:
		c.addIn(ns, value, KindLabel)
	}
}

// annotation collects the hostnames and cloud IDs of an annotation.
func (c *collector) annotation(key, value string) {
	name := key[strings.LastIndexByte(key, '/')+1:]
	switch {
	case strings.Contains(name, "hostname"):
		c.addHosts(value)
	case strings.HasSuffix(name, "id") || strings.HasSuffix(name, "ids"):
		c.addIDs(value)
	case name == "last-applied-configuration":
		var v any
		if yaml.Unmarshal([]byte(value), &v) == nil {
			c.keys(v)
			c.object(v)
		}
	}
}

// owner collects an owner reference.
func (c *collector) owner(ns string, o map[string]any) {
	name := str(o["name"])
	switch str(o["kind"]) {
	case "Node":
		c.add(name, KindNode)
	case "ReplicaSet", "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob", "ReplicationController":
		c.addIn(ns, name, KindWorkload)
	default:
		c.addIn(ns, name, KindObject)
	}
}

// endpoint collects an endpoint of an EndpointSlice or Endpoints.
func (c *collector) endpoint(e map[string]any) {
	c.add(str(e["nodeName"]), KindNode)
	c.add(str(e["hostname"]), KindHost)
	for k, v := range dict(e["deprecatedTopology"]) {
		c.label("", k, str(v))
	}
	ref := dict(e["targetRef"])
	ns := str(ref["namespace"])
	c.add(ns, KindNamespace)
	if str(ref["kind"]) == "Pod" {
		c.addIn(ns, str(ref["name"]), KindPod)
	} else {
		c.addIn(ns, str(ref["name"]), KindObject)
	}
}

// proxyConfig collects the node name kube-proxy is told to use and the
// API server's hostname from the kube-proxy ConfigMap's data.
func (c *collector) proxyConfig(data map[string]any) {
	for _, key := range []string{"config.conf", "kubeconfig.conf"} {
		var v any
		if yaml.Unmarshal([]byte(str(data[key])), &v) != nil {
			continue
		}
		c.keys(v)
		m := dict(v)
		c.add(str(m["hostnameOverride"]), KindNode)
		for _, cl := range list(m["clusters"]) {
			c.addHosts(str(dict(dict(cl)["cluster"])["server"]))
		}
	}
}

// uname collects the hostname of uname -a: its second field.
func (c *collector) uname(r io.Reader) {
	line, _ := bufio.NewReader(io.LimitReader(r, 64<<10)).ReadString('\n')
	if f := strings.Fields(line); len(f) >= 2 && f[0] == "Linux" {
		c.add(f[1], KindHost)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func dict(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}
