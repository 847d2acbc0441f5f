package kube

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
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

// Service is a Service and the place of its first line. Its managedFields
// and last-applied-configuration annotation are dropped.
type Service struct {
	corev1.Service
	Pos source.Pos `json:"pos"`
}

// EndpointSlice is a discovery.k8s.io/v1 EndpointSlice and the place of its
// first line.
type EndpointSlice struct {
	discoveryv1.EndpointSlice
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

// Pod is a Pod reduced to what the rules use, and the place of its first
// line: metadata name, namespace, uid, labels, ownerReferences and
// deletionTimestamp; spec nodeName and hostNetwork; status phase, podIP(s)
// and hostIP(s). Container specs, environment and volumes are never kept.
type Pod struct {
	corev1.Pod
	Pos source.Pos `json:"pos"`
}

// maxObjectJSON bounds the JSON form of one YAML object, so that a YAML
// alias bomb cannot exhaust memory. The API server stores objects of at most
// 1.5 MiB.
const maxObjectJSON = 8 << 20

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
	versionInfo     bool            // has clientVersion or serverVersion: kubectl version output
	node            *yaml.Node      // set for YAML input
	data            []byte          // set for JSON input: the object's bytes
	itemsErr        *source.Warning // a list cut short (truncated input)
}

// body returns the object as JSON.
func (o *rawObject) body() ([]byte, error) {
	if o.node != nil {
		return yamlToJSON(o.node)
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

// parser accumulates the objects of one capture.
type parser struct {
	out     *Objects
	seen    map[string]int // kind/namespace/name → index in its slice
	dups    int
	dupPos  source.Pos
	unknown map[string]*unknownKind
	kinds   []string // unknown kinds in order of appearance
	found   bool     // at least one object was read
}

// unknownKind counts the objects of a kind this package does not read.
type unknownKind struct {
	pos   source.Pos
	count int
}

// MaxInput is the largest capture Parse and ParseVersion read. Kubernetes
// objects are decoded whole, at several times their size in memory; a
// capture over this size is refused with [ErrTooLarge] instead. kubectl's
// output for 10,000 Services is about 7 MiB.
const MaxInput = 128 << 20

// ErrTooLarge is the cause of the error for a capture over [MaxInput].
var ErrTooLarge = errors.New("capture larger than 128 MiB: Kubernetes objects are read whole, so ipvslint refuses larger ones")

// readInput reads a whole capture, up to [MaxInput].
func readInput(r io.Reader, at source.Pos) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, &source.ParseError{Pos: at, Err: err}
	}
	if len(data) > MaxInput {
		return nil, &source.ParseError{Pos: at, Err: ErrTooLarge}
	}
	return bytes.TrimPrefix(data, []byte("\ufeff")), nil
}

// Parse reads Kubernetes objects as kubectl prints them (see the package
// documentation) from r, whose first line is at. It returns an error only
// when the input is not YAML or JSON objects at all; odd objects become
// warnings, and kubectl's error messages the result's Failure.
func Parse(r io.Reader, at source.Pos) (*Objects, error) {
	if at.Line <= 0 {
		at.Line = 1
	}
	data, err := readInput(r, at)
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	ms := stripMessages(data, at)
	p := &parser{out: &Objects{}, seen: map[string]int{}, unknown: map[string]*unknownKind{}}
	p.out.Warnings = ms.warnings
	if first := firstByte(data); first == '{' || first == '[' {
		err = p.parseJSON(data, at)
		if err != nil && !p.found && first == '{' {
			// Not JSON: maybe a YAML flow mapping.
			if yerr := p.parseYAML(data, at); yerr == nil {
				err = nil
			}
		}
	} else {
		err = p.parseYAML(data, at)
	}
	p.finish()
	p.out.Failure = ms.result(!p.found)
	if err != nil {
		var pe *source.ParseError
		if !p.found && p.out.Failure == nil && errors.As(err, &pe) {
			return nil, err
		}
		p.out.Warnings = append(p.out.Warnings, warningOf(err))
	}
	return p.out, nil
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

// firstByte returns the first byte of data that is not white space, or 0.
func firstByte(data []byte) byte {
	for _, c := range data {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

// add files a top-level object (or list) of the input. first tells the
// first document, where something other than an object means the input is
// not Kubernetes objects at all.
func (p *parser) add(o *rawObject, first bool) error {
	if !o.isMap && o.hasItems { // a bare YAML sequence or JSON array of objects
		p.addList(o, "", "")
		return nil
	}
	if !o.isMap {
		if first && !p.found {
			return source.Errorf(o.pos, o.text, "not a Kubernetes object")
		}
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, o.text, "not a Kubernetes object (ignored)"))
		return nil
	}
	p.object(o)
	return nil
}

// addList files the items of a list; items without kind or apiVersion (as
// in raw API lists such as ServiceList) get the list's.
func (p *parser) addList(o *rawObject, kind, apiVersion string) {
	p.found = true
	for i := range o.items {
		it := &o.items[i]
		if !it.isMap {
			p.out.Warnings = append(p.out.Warnings, source.Warnf(it.pos, it.text, "list item is not an object (ignored)"))
			continue
		}
		if it.kind == "" {
			it.kind = kind
		}
		if it.apiVersion == "" {
			it.apiVersion = apiVersion
		}
		p.object(it)
	}
	if o.itemsErr != nil {
		p.out.Warnings = append(p.out.Warnings, *o.itemsErr)
	}
}

// object files one object by its kind.
func (p *parser) object(o *rawObject) {
	if o.hasItems && (o.kind == "" || strings.HasSuffix(o.kind, "List")) {
		p.addList(o, strings.TrimSuffix(o.kind, "List"), o.apiVersion)
		return
	}
	switch o.kind {
	case "Service":
		var v Service
		if p.decode(o, &v.Service) {
			trimMeta(&v.ObjectMeta)
			v.Pos = o.pos
			keep(p, &p.out.Services, o, v)
		}
	case "EndpointSlice":
		var v EndpointSlice
		if p.decodeSlice(o, &v) {
			trimMeta(&v.ObjectMeta)
			v.Pos = o.pos
			keep(p, &p.out.EndpointSlices, o, v)
		}
	case "Endpoints":
		var v Endpoints
		if p.decode(o, &v.Endpoints) {
			trimMeta(&v.ObjectMeta)
			v.Pos = o.pos
			keep(p, &p.out.Endpoints, o, v)
		}
	case "Node":
		var v Node
		if p.decode(o, &v.Node) {
			trimMeta(&v.ObjectMeta)
			v.Pos = o.pos
			keep(p, &p.out.Nodes, o, v)
		}
	case "Pod":
		var full corev1.Pod
		if p.decode(o, &full) {
			keep(p, &p.out.Pods, o, Pod{Pod: reducePod(&full), Pos: o.pos})
		}
	case "ConfigMap":
		p.configMap(o)
	case "Secret":
		p.found = true
		p.out.DroppedSecrets++
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, "", "%s dropped unread: ipvslint never reads Secrets", o.id()))
	case "":
		if o.versionInfo {
			p.version(o)
			return
		}
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, "", "object without kind (ignored)"))
	default:
		p.found = true
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

// decode decodes o into v, a pointer to an API object. A field of the wrong
// type is a warning and leaves that field empty; an object that cannot be
// decoded at all is dropped with a warning.
func (p *parser) decode(o *rawObject, v any) bool {
	p.found = true
	body, err := o.body()
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err == nil {
		return true
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, "", "%s: %v", o.id(), err))
		return true
	}
	p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, "", "%s dropped: %v", o.id(), err))
	return false
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

// trimMeta drops the bulky metadata no rule reads.
func trimMeta(m *metav1.ObjectMeta) {
	m.ManagedFields = nil
	if _, ok := m.Annotations[lastApplied]; ok {
		delete(m.Annotations, lastApplied)
		if len(m.Annotations) == 0 {
			m.Annotations = nil
		}
	}
}

// reducePod keeps the fields of a Pod the rules use (see [Pod]).
func reducePod(in *corev1.Pod) corev1.Pod {
	return corev1.Pod{
		TypeMeta: in.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{
			Name:              in.Name,
			Namespace:         in.Namespace,
			UID:               in.UID,
			Labels:            in.Labels,
			OwnerReferences:   in.OwnerReferences,
			DeletionTimestamp: in.DeletionTimestamp,
		},
		Spec: corev1.PodSpec{NodeName: in.Spec.NodeName, HostNetwork: in.Spec.HostNetwork},
		Status: corev1.PodStatus{
			Phase:   in.Status.Phase,
			PodIP:   in.Status.PodIP,
			PodIPs:  in.Status.PodIPs,
			HostIP:  in.Status.HostIP,
			HostIPs: in.Status.HostIPs,
		},
	}
}

// version files a `kubectl version` document found among the objects.
func (p *parser) version(o *rawObject) {
	p.found = true
	body, err := o.body()
	var v *Version
	if err == nil {
		v, err = versionFromJSON(body, o.pos)
	}
	if err != nil {
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, "", "kubectl version document: %v", err))
		return
	}
	if p.out.Version != nil {
		p.out.Warnings = append(p.out.Warnings, source.Warnf(o.pos, "", "second kubectl version document (ignored)"))
		return
	}
	p.out.Version = v
}
