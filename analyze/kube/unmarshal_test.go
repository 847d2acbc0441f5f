package kube

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	discoveryv1beta1 "k8s.io/api/discovery/v1beta1"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// decodeTargets make the values Parse decodes objects into.
var decodeTargets = []func() any{
	func() any { return new(corev1.Service) },
	func() any { return new(discoveryv1.EndpointSlice) },
	func() any { return new(discoveryv1beta1.EndpointSlice) },
	func() any { return new(corev1.Endpoints) },
	func() any { return new(corev1.Node) },
	func() any { return new(Pod) },
}

// TestUnmarshal checks that unmarshal decodes as encoding/json does, the
// errors included: what go-json refuses is decoded again by encoding/json.
func TestUnmarshal(t *testing.T) {
	for _, in := range []string{
		`{"metadata":{"name":"a","labels":{"x":"y"}},"spec":{"ports":[{"port":80,"targetPort":"http"},{"port":443,"targetPort":8443}]}}`,
		`{"Metadata":{"NAME":"a"},"SPEC":{"clusterIP":"10.96.0.1"}}`,             // keys match in any case
		`{"metadata":{"name":"a"},"metadata":{"namespace":"b"}}`,                 // a key twice
		`{"metadata":{"name":"a"},"spec":{"ports":[{"port":"80"},{"port":81}]}}`, // a type error: the rest is kept
		`{"metadata":{"name":"a","creationTimestamp":"yesterday"}}`,              // an error from a field's own decoder
		`{"metadata":{"name":"a"}`, // cut short
		`{"spec":{"clusterIP":"\ud800x","type":"\u00e9"},"status":{"capacity":{"cpu":"2"}}}`, // a lone surrogate
	} {
		for _, newV := range decodeTargets {
			got, want := newV(), newV()
			gerr, werr := unmarshal([]byte(in), got), json.Unmarshal([]byte(in), want)
			if !sameError(gerr, werr) {
				t.Errorf("%T %s: error %v, want %v", got, in, gerr, werr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%T %s:\n got %+v\nwant %+v", got, in, got, want)
			}
		}
	}
}

// sameError reports whether two errors are both nil or say the same.
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	var ta, tb *json.UnmarshalTypeError
	return a.Error() == b.Error() && errors.As(a, &ta) == errors.As(b, &tb)
}

// FuzzUnmarshal checks unmarshal's premise: whatever go-json decodes
// without error into a type Parse decodes into, encoding/json decodes
// without error to the same value.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range append(splitSeeds, specList, betaSlice, v1Slices, nodesPods, serviceKinds, string(serviceList(3))) {
		_ = Each(strings.NewReader(s), source.Pos{File: "f", Line: 1}, func(_ source.Pos, object []byte) error {
			f.Add(bytes.Clone(object))
			return nil
		})
	}
	f.Add([]byte(`{"Metadata":{"NAME":"a"},"spec":{"ports":[{"port":80,"PORT":81}]},"spec":null}`))
	f.Add([]byte(`{"spec":{"ports":[{"targetPort":"8080"},{"targetPort":8080},{"targetPort":null}],"externalIPs":["a",null]}}`))
	f.Add([]byte(`{"endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":true,"serving":null},"hints":{"forZones":[{"name":"a"}]}}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, newV := range decodeTargets {
			got, want := newV(), newV()
			if !quickUnmarshal(in, got) {
				continue
			}
			if err := json.Unmarshal(in, want); err != nil {
				t.Fatalf("%T %q: go-json decodes it, encoding/json: %v", got, in, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%T %q:\ngo-json:       %+v\nencoding/json: %+v", got, in, got, want)
			}
		}
	})
}

// TestFit checks that the slices Parse keeps of each object take no more
// room than they hold: go-json decodes them with room for four.
func TestFit(t *testing.T) {
	in := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec:
    clusterIPs: [10.96.0.10]
    ipFamilies: [IPv4]
    externalIPs: [192.0.2.10]
    ports:
    - {port: 80, protocol: TCP}
  status:
    loadBalancer:
      ingress:
      - {ip: 203.0.113.10}
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: web-abc, namespace: shop, labels: {kubernetes.io/service-name: web}}
  addressType: IPv4
  endpoints:
  - addresses: [10.244.1.5]
  ports:
  - {port: 8080}
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-1
    namespace: shop
    ownerReferences: [{kind: ReplicaSet, name: web-5d, uid: x, apiVersion: apps/v1}]
  status:
    podIPs: [{ip: 10.244.1.5}]
    hostIPs: [{ip: 192.168.10.11}]
`
	o, err := Parse(strings.NewReader(in), source.Pos{File: "x.yaml", Line: 1})
	if err != nil || len(o.Services) != 1 || len(o.EndpointSlices) != 1 || len(o.Pods) != 1 {
		t.Fatalf("%v, %+v", err, o)
	}
	s, sl, p := o.Services[0].Spec, o.EndpointSlices[0], o.Pods[0]
	for name, lc := range map[string][2]int{
		"ports":       {len(s.Ports), cap(s.Ports)},
		"clusterIPs":  {len(s.ClusterIPs), cap(s.ClusterIPs)},
		"ipFamilies":  {len(s.IPFamilies), cap(s.IPFamilies)},
		"externalIPs": {len(s.ExternalIPs), cap(s.ExternalIPs)},
		"ingress":     {len(o.Services[0].Status.LoadBalancer.Ingress), cap(o.Services[0].Status.LoadBalancer.Ingress)},
		"endpoints":   {len(sl.Endpoints), cap(sl.Endpoints)},
		"addresses":   {len(sl.Endpoints[0].Addresses), cap(sl.Endpoints[0].Addresses)},
		"slice ports": {len(sl.Ports), cap(sl.Ports)},
		"owners":      {len(p.OwnerReferences), cap(p.OwnerReferences)},
		"podIPs":      {len(p.Status.PodIPs), cap(p.Status.PodIPs)},
		"hostIPs":     {len(p.Status.HostIPs), cap(p.Status.HostIPs)},
	} {
		if lc[0] != 1 || lc[1] != 1 {
			t.Errorf("%s: length %d, capacity %d; want 1 and 1", name, lc[0], lc[1])
		}
	}
}
