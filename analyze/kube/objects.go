package kube

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Objects is what [Parse] read from one capture. The zero Objects holds no
// objects (an empty capture, an empty List, or "No resources found").
type Objects struct {
	Services       []Service       `json:"services,omitempty"`
	EndpointSlices []EndpointSlice `json:"endpointSlices,omitempty"`
	Endpoints      []Endpoints     `json:"endpoints,omitempty"`
	Nodes          []Node          `json:"nodes,omitempty"`
	Pods           []Pod           `json:"pods,omitempty"`
	// ProxyConfig is the kube-proxy configuration, nil when the capture
	// holds no kube-proxy ConfigMap.
	ProxyConfig *ProxyConfig `json:"proxyConfig,omitempty"`
	// Version is a `kubectl version -o json|yaml` document found among the
	// objects, nil if none.
	Version *Version `json:"version,omitempty"`
	// DroppedConfigMaps counts the ConfigMaps other than kube-proxy's,
	// which are dropped unread.
	DroppedConfigMaps int `json:"droppedConfigMaps,omitempty"`
	// DroppedSecrets counts the Secrets, which are dropped unread (each
	// with a warning).
	DroppedSecrets int              `json:"droppedSecrets,omitempty"`
	Warnings       []source.Warning `json:"warnings,omitempty"`
	// Failure is kubectl's error message when the capture holds one
	// instead of (or before) the objects; nil otherwise.
	Failure *source.Failure `json:"failure,omitempty"`
}

// Service is a Service and the place of its first line, less the metadata
// ipvslint does not read (trimMeta) and its selector.
type Service struct {
	corev1.Service
	// HasSelector reports that spec.selector is not empty. Parse keeps that
	// and drops the selector: ipvslint matches no Pod by its labels.
	HasSelector bool       `json:"hasSelector,omitempty"`
	Pos         source.Pos `json:"pos"`
}

// EndpointSlice is a discovery.k8s.io/v1 EndpointSlice and the place of its
// first line, less the metadata ipvslint does not read (trimMeta) and all
// of its endpoints' target references but the kind, namespace and name.
type EndpointSlice struct {
	discoveryv1.EndpointSlice
	// ServiceName is the slice's kubernetes.io/service-name label, the one
	// label of a slice ipvslint reads: Parse keeps it here and drops the
	// labels.
	ServiceName string `json:"serviceName,omitempty"`
	// ConvertedFrom is the apiVersion the slice was written in when it was
	// converted to v1 ("discovery.k8s.io/v1beta1"), empty otherwise.
	ConvertedFrom string     `json:"convertedFrom,omitempty"`
	Pos           source.Pos `json:"pos"`
}

// Endpoints is a core/v1 Endpoints object (older clusters) and the place of
// its first line.
type Endpoints struct {
	corev1.Endpoints
	Pos source.Pos `json:"pos"`
}

// Node is a Node and the place of its first line.
type Node struct {
	corev1.Node
	Pos source.Pos `json:"pos"`
}

// maxObjectJSON bounds the JSON form of one YAML object, so that a YAML
// alias bomb cannot exhaust memory. The API server stores objects of at most
// 1.5 MiB.
const maxObjectJSON = 8 << 20

// MaxObject is the largest object Parse reads, in bytes of its text: one
// item of a List, or one document or JSON value that is not a List (and
// the kubectl version output ParseVersion reads). Lists themselves may be
// of any size: their items are read one by one. The API server stores
// objects of at most 1.5 MiB.
const MaxObject = 16 << 20

// ErrTooLarge is the cause of the error for an object over [MaxObject].
var ErrTooLarge = fmt.Errorf("object larger than %d MiB: ipvslint reads Kubernetes objects of at most that size", MaxObject>>20)

// rawObject is one object (or list) of the input before it is decoded:
// enough of it to choose a type, and a way to get it as JSON.
type rawObject struct {
	pos             source.Pos
	isMap           bool
	text            string // a non-object's text, for the warning
	kind            string
	apiVersion      string
	name, namespace string
	items           []rawObject
	hasItems        bool
	block           int             // the items block of the input that holds (more of) its items, 0 if none
	versionInfo     bool            // has clientVersion or serverVersion: kubectl version output
	node            *yaml.Node      // set for YAML input
	place           *place          // where node's text is in the input
	data            []byte          // set for JSON input and YAML read by the fast path: the object as JSON
	itemsErr        *source.Warning // a list cut short (truncated input)
}

// cutShortWarning is the warning for a List whose reading stopped at pos
// with err, after kept complete items.
func cutShortWarning(pos source.Pos, err error, kept int) source.Warning {
	return source.Warnf(pos, "", "%v: list cut short, %d complete item(s) kept", err, kept)
}

// body returns the object as JSON.
func (o *rawObject) body() ([]byte, error) {
	if o.node != nil {
		return yamlToJSON(o.node, o.place)
	}
	return o.data, nil
}

// id names the object in messages: "Service default/kubernetes".
func (o *rawObject) id() string {
	name := o.name
	if o.namespace != "" {
		name = o.namespace + "/" + name
	}
	if name == "" {
		return o.kind
	}
	return o.kind + " " + name
}

// isList reports whether o is a list to read the items of.
func (o *rawObject) isList() bool {
	return o.hasItems && (o.kind == "" || strings.HasSuffix(o.kind, "List"))
}

// inherit gives an object item of a List the List's kind (less "List") and
// apiVersion where it has none, as raw API lists such as ServiceList leave
// them out of their items.
func (o *rawObject) inherit(kind, apiVersion string) {
	if !o.isMap {
		return
	}
	if o.kind == "" {
		o.kind = kind
	}
	if o.apiVersion == "" {
		o.apiVersion = apiVersion
	}
}

// entry is an object of the input decoded as far as it can be on its own:
// what a worker hands to the parser, which files entries in input order.
type entry struct {
	o       rawObject
	items   []entry          // a list's items
	value   any              // *Service, *EndpointSlice, *Endpoints, *Node, *Pod, *ProxyConfig or *Version; nil when dropped
	warns   []source.Warning // met while decoding, in order
	more    []source.Warning // the kube-proxy ConfigMap's settings warnings, added unless it is a second one
	pending bool             // a list item whose kind or apiVersion come from its list: decoded when filed
	err     error            // with raw, why the object cannot be had as JSON
}

// decodeObject decodes an object (a list's items with it) by its kind, or
// with raw only gets it as JSON (see [Each]). It touches no parser state,
// so workers run it in parallel.
func decodeObject(o *rawObject, raw bool) entry {
	e := entry{o: *o}
	if o.isList() {
		kind, apiVersion := strings.TrimSuffix(o.kind, "List"), o.apiVersion
		e.items = make([]entry, len(o.items))
		for i := range o.items {
			it := &o.items[i]
			it.inherit(kind, apiVersion)
			e.items[i] = decodeItem(it, true, raw)
		}
		e.o.items = nil
	}
	if raw {
		e.keepJSON()
		return e
	}
	if o.isList() {
		return e
	}
	switch o.kind {
	case "Service":
		var v Service
		ok := e.decode(&v.Service)
		v.HasSelector, v.Spec.Selector = len(v.Spec.Selector) > 0, nil
		fitService(&v.Service)
		e.setObject(ok, &v.ObjectMeta, &v.Pos, &v)
	case "EndpointSlice":
		var v EndpointSlice
		ok := e.decodeSlice(&v)
		v.ServiceName = v.Labels[discoveryv1.LabelServiceName]
		e.setObject(ok, &v.ObjectMeta, &v.Pos, &v)
		fitSlice(&v.EndpointSlice)
		trimRefs(v.Endpoints)
	case "Endpoints":
		var v Endpoints
		e.setObject(e.decode(&v.Endpoints), &v.ObjectMeta, &v.Pos, &v)
	case "Node":
		var v Node
		e.setObject(e.decode(&v.Node), &v.ObjectMeta, &v.Pos, &v)
	case "Pod":
		var v Pod
		if e.decode(&v) {
			fitPod(&v)
			v.Pos = o.pos
			e.value = &v
		}
	case "ConfigMap":
		e.configMap()
	case "":
		if o.versionInfo {
			e.version()
		}
	}
	e.o.node, e.o.data = nil, nil
	return e
}

// setObject makes v, an API object decoded (ok) with metadata m and place
// pos, the entry's value, less the metadata no rule reads.
func (e *entry) setObject(ok bool, m *metav1.ObjectMeta, pos *source.Pos, v any) {
	if ok {
		trimMeta(m)
		*pos = e.o.pos
		e.value = v
	}
}

// keepJSON keeps the object as JSON, for Each, in place of its decoding.
// JSON input is checked here: the splitters only match its brackets.
func (e *entry) keepJSON() {
	data, err := e.o.body()
	if err == nil && e.o.node == nil {
		err = json.Unmarshal(data, &struct{}{})
	}
	e.o.node, e.o.data = nil, data
	if err != nil {
		e.err = source.Errorf(e.o.pos, "", "%s cannot be read: %v", e.o.id(), err)
	}
}

// decodeItem decodes an item of a list, or with raw gets it as JSON. When
// known says the list's kind and apiVersion are not known yet, an item that
// needs them is kept undecoded.
func decodeItem(it *rawObject, known, raw bool) entry {
	if !it.isMap {
		return entry{o: *it}
	}
	if !known && !raw && (it.kind == "" || it.apiVersion == "") {
		return entry{o: *it, pending: true}
	}
	return decodeObject(it, raw)
}

// decode decodes the object into v, a pointer to an API object. A field of
// the wrong type is a warning and leaves that field empty; an object that
// cannot be decoded at all is dropped with a warning.
func (e *entry) decode(v any) bool {
	body, err := e.o.body()
	if err == nil {
		err = unmarshal(body, v)
	}
	if err == nil {
		return true
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		e.warns = append(e.warns, source.Warnf(e.o.pos, "", "%s: %v", e.o.id(), err))
		return true
	}
	e.warns = append(e.warns, source.Warnf(e.o.pos, "", "%s dropped: %v", e.o.id(), err))
	return false
}

// parser accumulates the objects of one capture, filing the entries the
// workers decoded in input order.
type parser struct {
	out     *Objects
	seen    map[string]int // kind/namespace/name → index in its slice
	dups    int
	dupPos  source.Pos
	unknown map[string]*unknownKind
	kinds   []string                                 // unknown kinds in order of appearance
	found   bool                                     // at least one object was read
	visit   func(at source.Pos, object []byte) error // see options.visit
	// approx is set when the result may differ from reading the input
	// whole: an object of a kind that is not a List had an items block, or
	// JSON input needed a second reading as YAML that was no longer
	// possible. Tests comparing both readings skip such inputs.
	approx bool
}

// unknownKind counts the objects of a kind this package does not read.
type unknownKind struct {
	pos   source.Pos
	count int
}

// options choose how Parse reads; tests read whole, one object at a time,
// to compare.
type options struct {
	workers int  // goroutines decoding objects
	split   bool // cut Lists into their items
	fast    bool // read simple block YAML without the YAML library
	// visit, set by Each, is handed every object as JSON, in input order,
	// instead of its decoding and filing.
	visit func(at source.Pos, object []byte) error
}

// raw reports whether objects are only got as JSON, for Each.
func (opts options) raw() bool { return opts.visit != nil }

// Parse reads Kubernetes objects as kubectl prints them (see the package
// documentation) from r, whose first line is at. It returns an error only
// when the input is not YAML or JSON objects at all; odd objects become
// warnings, and kubectl's error messages the result's Failure.
//
// Lists are read item by item, decoded on all cores, so that a List of any
// size is read in memory bounded by its largest item (at most [MaxObject])
// plus the objects kept.
func Parse(r io.Reader, at source.Pos) (*Objects, error) {
	o, _, err := parse(r, at, options{workers: runtime.GOMAXPROCS(0), split: true, fast: true})
	return o, err
}

// Each reads the objects of r, whose first line is at, as Parse reads
// them, and hands each to fn as JSON (valid during the call) with the place
// of its first line, in input order: objects of every kind, Secrets too;
// the items of a List, then the List itself without the items cut out of
// it. What Parse passes over (kubectl's messages, documents and items that
// are not objects) is passed over. Where Parse would leave out what it
// cannot read (invalid YAML or JSON, an object over [MaxObject], a List
// cut short, an object that does not convert to JSON), Each stops with a
// *source.ParseError at its place; it stops with fn's error too.
func Each(r io.Reader, at source.Pos, fn func(at source.Pos, object []byte) error) error {
	_, _, err := parse(r, at, options{workers: runtime.GOMAXPROCS(0), split: true, fast: true, visit: fn})
	return err
}

// parse is Parse with options; approx tells that the result may differ from
// a reading of the input whole (see parser.approx).
func parse(r io.Reader, at source.Pos, opts options) (o *Objects, approx bool, err error) {
	if at.Line <= 0 {
		at.Line = 1
	}
	in := newLineReader(r, at)
	p := &parser{out: &Objects{}, seen: map[string]int{}, unknown: map[string]*unknownKind{}, visit: opts.visit}
	switch first := in.firstByte(); first {
	case 0:
	case '{', '[':
		js := &jsonSplitter{p: p, in: in, at: at, opts: opts}
		err = p.run(js.split, opts.workers)
		if err != nil && !p.found && first == '{' {
			// Not JSON: maybe a YAML flow mapping.
			if js.keep == nil {
				p.approx = true
			} else {
				in.again(js.keep, js.keepLine)
				ys := &yamlSplitter{p: p, in: in, at: at, opts: opts}
				if yerr := p.run(ys.split, opts.workers); yerr == nil {
					err = nil
				}
			}
		}
	default:
		ys := &yamlSplitter{p: p, in: in, at: at, opts: opts}
		err = p.run(ys.split, opts.workers)
	}
	if derr := in.drain(); derr != nil && err == nil {
		err = &source.ParseError{Pos: at, Err: derr}
	}
	if p.visit != nil {
		return nil, p.approx, err
	}
	p.finish()
	p.out.Warnings = append(in.msgs.warnings, p.out.Warnings...)
	p.out.Failure = in.msgs.result(!p.found)
	if err != nil {
		var pe *source.ParseError
		if !p.found && p.out.Failure == nil && errors.As(err, &pe) {
			return nil, p.approx, err
		}
		p.out.Warnings = append(p.out.Warnings, warningOf(err))
	}
	return p.out, p.approx, nil
}

// warningOf turns a parse error met after some objects were read into a
// warning: the objects before it are kept.
func warningOf(err error) source.Warning {
	var pe *source.ParseError
	if errors.As(err, &pe) {
		return source.Warning{Pos: pe.Pos, Msg: pe.Err.Error() + " (rest of the input ignored)", Text: pe.Text}
	}
	return source.Warning{Msg: err.Error()}
}

// add files a top-level object (or list) of the input. first tells the
// first document, where something other than an object means the input is
// not Kubernetes objects at all.
func (p *parser) add(e *entry, first bool) error {
	if p.visit != nil {
		return p.visitEntry(e)
	}
	o := &e.o
	if !o.isMap && o.hasItems { // a bare YAML sequence or JSON array of objects
		p.addList(e, "", "")
		return nil
	}
	if !o.isMap {
		if first && !p.found {
			return source.Errorf(o.pos, o.text, "not a Kubernetes object")
		}
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, o.text, "not a Kubernetes object (ignored)"))
		return nil
	}
	p.file(e)
	return nil
}

// fileItems files the items of a List cut out of the input, decoded by a
// worker, as its document's root will take them; for Each, it hands them
// over at once.
func (p *parser) fileItems(items *[]entry, entries []entry) error {
	if p.visit == nil {
		*items = append(*items, entries...)
		return nil
	}
	for i := range entries {
		if err := p.visitEntry(&entries[i]); err != nil {
			return err
		}
	}
	return nil
}

// visitEntry hands an object, or a list's items then the list, to Each's
// function; an object that cannot be had as JSON, or a list cut short, is
// an error. What is not an object is passed over, as Parse ignores it.
func (p *parser) visitEntry(e *entry) error {
	if w := e.o.itemsErr; w != nil {
		return source.Errorf(w.Pos, w.Text, "%s", w.Msg)
	}
	for i := range e.items {
		if err := p.visitEntry(&e.items[i]); err != nil {
			return err
		}
	}
	if !e.o.isMap {
		return nil
	}
	p.found = true // as for Parse, an object that cannot be read was found
	if e.err != nil {
		return e.err
	}
	return p.visit(e.o.pos, e.o.data)
}

// addList files the items of a list; items without kind or apiVersion (as
// in raw API lists such as ServiceList) get the list's.
func (p *parser) addList(e *entry, kind, apiVersion string) {
	p.found = true
	p.grow(e.items, kind)
	for i := range e.items {
		it := &e.items[i]
		if !it.o.isMap {
			p.out.Warnings = append(p.out.Warnings, source.Warnf(it.o.pos, it.o.text, "list item is not an object (ignored)"))
			continue
		}
		it.o.inherit(kind, apiVersion)
		if it.pending {
			*it = decodeObject(&it.o, false)
		}
		p.file(it)
	}
	if e.o.itemsErr != nil {
		p.out.Warnings = append(p.out.Warnings, *e.o.itemsErr)
	}
}

// grow makes room in the object slices for the items of a list whose kind
// is kind (less "List"), so that filing a large cluster's objects grows
// each slice once instead of copying it again and again.
func (p *parser) grow(items []entry, kind string) {
	var services, endpointSlices, endpoints, nodes, pods int
	for i := range items {
		k := items[i].o.kind
		if k == "" {
			k = kind
		}
		switch k {
		case "Service":
			services++
		case "EndpointSlice":
			endpointSlices++
		case "Endpoints":
			endpoints++
		case "Node":
			nodes++
		case "Pod":
			pods++
		}
	}
	out := p.out
	out.Services = growBy(out.Services, services)
	out.EndpointSlices = growBy(out.EndpointSlices, endpointSlices)
	out.Endpoints = growBy(out.Endpoints, endpoints)
	out.Nodes = growBy(out.Nodes, nodes)
	out.Pods = growBy(out.Pods, pods)
}

// growBy is slices.Grow, less the empty slice it makes of a nil one: a
// capture without objects of a kind keeps a nil slice.
func growBy[T any](s []T, n int) []T {
	if n == 0 {
		return s
	}
	return slices.Grow(s, n)
}

// file files one decoded object by its kind.
func (p *parser) file(e *entry) {
	o := &e.o
	if o.isList() {
		p.addList(e, strings.TrimSuffix(o.kind, "List"), o.apiVersion)
		return
	}
	if o.kind != "" || o.versionInfo {
		p.found = true
	}
	p.out.Warnings = append(p.out.Warnings, e.warns...)
	switch v := e.value.(type) {
	case *Service:
		keep(p, &p.out.Services, o, *v)
	case *EndpointSlice:
		keep(p, &p.out.EndpointSlices, o, *v)
	case *Endpoints:
		keep(p, &p.out.Endpoints, o, *v)
	case *Node:
		keep(p, &p.out.Nodes, o, *v)
	case *Pod:
		keep(p, &p.out.Pods, o, *v)
	}
	switch o.kind {
	case "Service", "EndpointSlice", "Endpoints", "Node", "Pod": // kept above, unless dropped
	case "ConfigMap":
		p.fileConfigMap(e)
	case "Secret":
		p.out.DroppedSecrets++
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, "", "%s dropped unread: ipvslint never reads Secrets", o.id()))
	case "":
		if o.versionInfo {
			p.fileVersion(e)
			return
		}
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, "", "object without kind (ignored)"))
	default:
		key := o.apiVersion + " " + o.kind
		u := p.unknown[key]
		if u == nil {
			u = &unknownKind{pos: o.pos}
			p.unknown[key] = u
			p.kinds = append(p.kinds, key)
		}
		u.count++
	}
}

// keep appends v to list, or replaces the earlier copy of the same object
// (a watch prints an object again each time it changes).
func keep[T any](p *parser, list *[]T, o *rawObject, v T) {
	if o.name == "" {
		*list = append(*list, v)
		return
	}
	key := o.kind + "/" + o.namespace + "/" + o.name
	if i, ok := p.seen[key]; ok {
		if p.dups == 0 {
			p.dupPos = o.pos
		}
		p.dups++
		(*list)[i] = v
		return
	}
	p.seen[key] = len(*list)
	*list = append(*list, v)
}

// finish adds the warnings that summarise the whole input.
func (p *parser) finish() {
	for _, k := range p.kinds {
		u := p.unknown[k]
		p.out.Warnings = append(p.out.Warnings, source.Warnf(u.pos, "", "%d object(s) of kind %s ignored", u.count, strings.TrimSpace(k)))
	}
	if p.dups > 0 {
		p.out.Warnings = append(p.out.Warnings, source.Warnf(p.dupPos, "", "%d object(s) appear more than once (watch output?): the last copy of each is kept", p.dups))
	}
}

// lastApplied is the annotation `kubectl apply` leaves: a second copy of the
// object, which may hold what was meant to stay out of the bundle.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// LabelServiceProxyName is the label that hands a Service to another
// proxy (KEP-2447; pkg/proxy/apis LabelServiceProxyName).
const LabelServiceProxyName = "service.kubernetes.io/service-proxy-name"

// trimMeta drops the metadata ipvslint does not read, so that a large
// cluster's objects take less memory: the identity and history of the
// object (uid, resourceVersion, generation, creationTimestamp, owners,
// finalizers, managedFields), the labels but [LabelServiceProxyName], the
// one ipvslint reads (a slice's Service is kept in
// [EndpointSlice.ServiceName]), and the copy of the object that `kubectl
// apply` leaves in an annotation. The
// other annotations stay: the rules' input document holds a Service's.
// Each map, even of one entry, takes some 300 bytes.
func trimMeta(m *metav1.ObjectMeta) {
	m.UID, m.ResourceVersion, m.Generation, m.CreationTimestamp = "", "", 0, metav1.Time{}
	m.OwnerReferences, m.Finalizers, m.ManagedFields = nil, nil, nil
	maps.DeleteFunc(m.Labels, func(k, _ string) bool { return k != LabelServiceProxyName })
	if len(m.Labels) == 0 {
		m.Labels = nil
	}
	delete(m.Annotations, lastApplied)
	if len(m.Annotations) == 0 {
		m.Annotations = nil
	}
}

// trimRefs drops what ipvslint does not read of the endpoints' target
// references: all but the kind, namespace and name that find the Pod.
func trimRefs(endpoints []discoveryv1.Endpoint) {
	for i := range endpoints {
		if r := endpoints[i].TargetRef; r != nil {
			*r = corev1.ObjectReference{Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}
		}
	}
}

// version decodes a `kubectl version` document found among the objects.
func (e *entry) version() {
	body, err := e.o.body()
	var v *Version
	if err == nil {
		v, err = versionFromJSON(body, e.o.pos)
	}
	if err != nil {
		e.warns = append(e.warns, source.Warnf(e.o.pos, "", "kubectl version document: %v", err))
		return
	}
	e.value = v
}

// fileVersion files a `kubectl version` document found among the objects.
func (p *parser) fileVersion(e *entry) {
	v, ok := e.value.(*Version)
	if !ok {
		return
	}
	if p.out.Version != nil {
		p.out.Warnings = append(p.out.Warnings, source.Warnf(e.o.pos, "", "second kubectl version document (ignored)"))
		return
	}
	p.out.Version = v
}
