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
