package kube

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// TestEach hands over every object as JSON at its place, the items of a
// List before the List, and stops at what Parse cannot read.
func TestEach(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // "line JSON"
		wantErr  string
	}{
		{name: "yaml list", in: "apiVersion: v1\nitems:\n- kind: Service\n  metadata:\n    name: a\n- kind: Secret\n  metadata:\n    name: s\nkind: List\nmetadata:\n  resourceVersion: \"\"\n", want: []string{
			`3 {"kind":"Service","metadata":{"name":"a"}}`,
			`6 {"kind":"Secret","metadata":{"name":"s"}}`,
			`1 {"apiVersion":"v1","items":null,"kind":"List","metadata":{"resourceVersion":""}}`,
		}},
		{name: "json list", in: "{\"apiVersion\": \"v1\", \"items\": [{\"kind\": \"Service\"},\n{\"metadata\": {\"name\": \"b\"}}], \"kind\": \"ServiceList\"}", want: []string{
			`1 {"kind": "Service"}`,
			`2 {"metadata": {"name": "b"}}`,
			`1 {"apiVersion": "v1","items":[],"kind": "ServiceList"}`,
		}},
		{name: "watch after a klog line", in: "E1125 10:15:00.123456   12345 memcache.go:265] x\n{\"kind\": \"Service\"}{\"kind\": \"Pod\"}\n", want: []string{
			`2 {"kind": "Service"}`,
			`2 {"kind": "Pod"}`,
		}},
		{name: "yaml list read whole for an anchor", in: "kind: List\nitems:\n- kind: Service\n  metadata: &m\n    name: a\n- kind: Pod\n  metadata: *m\n", want: []string{
			`3 {"kind":"Service","metadata":{"name":"a"}}`,
			`6 {"kind":"Pod","metadata":{"name":"a"}}`,
			`1 {"kind":"List","items":[{"kind":"Service","metadata":{"name":"a"}},{"kind":"Pod","metadata":{"name":"a"}}]}`,
		}},
		{name: "list in a json list", in: `{"kind": "List", "items": [{"kind": "List", "items": [{"kind": "Service"}]}]}`, want: []string{
			`1 {"kind": "Service"}`,
			`1 {"kind": "List", "items": [{"kind": "Service"}]}`,
			`1 {"kind": "List","items":[]}`,
		}},
		{name: "items of an object that is not a List", in: "kind: Service\nitems:\n- kind: Service\n  metadata: {name: b}\n", want: []string{
			`3 {"kind":"Service","metadata":{"name":"b"}}`,
			`1 {"kind":"Service","items":null}`,
		}},
		{name: "not objects", in: "- kind: Service\n- 5\n---\nhello\n", want: []string{
			`1 {"kind":"Service"}`,
		}},
		{name: "invalid YAML", in: "kind: Service\n---\nkind: Service\nx: [\n", want: []string{
			`1 {"kind":"Service"}`,
		}, wantErr: `f:4: invalid YAML: did not find expected node content: "x: ["`},
		{name: "invalid JSON item", in: "[{\"kind\": \"Service\"},\n{\"kind\": \"Pod\" 5}]", want: []string{
			`1 {"kind": "Service"}`,
		}, wantErr: `f:2: invalid JSON: expected ',' or '}' after a member, found '5': "{\"kind\": \"Pod\" 5}"`},
		{name: "JSON that encoding/json refuses", in: `{"kind": "Service", "x": tru}`,
			wantErr: "f:1: Service cannot be read: invalid character '}' in literal true (expecting 'e')"},
		{name: "alias cycle", in: "kind: Service\nmetadata: &m\n  labels: *m\n",
			wantErr: "f:1: Service cannot be read: YAML alias refers to itself"},
		{name: "item over MaxObject", in: "items:\n- kind: Service\n- kind: Service\n  x: " + strings.Repeat("x", MaxObject) + "\n", want: []string{
			`2 {"kind":"Service"}`,
		}, wantErr: "f:3: " + ErrTooLarge.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := Each(strings.NewReader(tt.in), source.Pos{File: "f", Line: 1}, func(at source.Pos, obj []byte) error {
				got = append(got, fmt.Sprintf("%d %s", at.Line, obj))
				return nil
			})
			parsertest.Err(t, err, tt.wantErr)
			parsertest.Equal(t, got, tt.want)
		})
	}
}

// FuzzEach checks that Each stops where Parse leaves out what it cannot
// read, and hands over every object Parse keeps, at its place, as JSON.
func FuzzEach(f *testing.F) {
	addSeeds(f, splitSeeds...)
	f.Fuzz(func(t *testing.T, in string) {
		at := source.Pos{File: "f", Line: 1}
		seen := map[int]bool{}
		err := Each(strings.NewReader(in), at, func(p source.Pos, obj []byte) error {
			if !json.Valid(obj) {
				t.Errorf("object at %v: not JSON: %s", p, obj)
			}
			seen[p.Line] = true
			return nil
		})
		if err != nil {
			var pe *source.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *source.ParseError: %v", err, err)
			}
			return
		}
		o, perr := Parse(strings.NewReader(in), at)
		if perr != nil && !strings.Contains(perr.Error(), "not a Kubernetes object") || perr == nil && hasReadError(o) {
			t.Fatalf("Each read the input to its end; Parse: %v, %v", perr, o)
		}
		if perr != nil {
			return
		}
		var kept []source.Pos
		for _, s := range o.Services {
			kept = append(kept, s.Pos)
		}
		for _, s := range o.EndpointSlices {
			kept = append(kept, s.Pos)
		}
		for _, p := range o.Pods {
			kept = append(kept, p.Pos)
		}
		for _, p := range kept {
			if !seen[p.Line] {
				t.Errorf("object at %v not handed over", p)
			}
		}
	})
}
