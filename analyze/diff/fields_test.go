package diff

import (
	"reflect"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/input"
)

// TestEveryFieldCompared changes each field of input.Service and
// input.KubeProxy in turn and checks that the diff reports the change,
// unless the field is listed as not compared, with the reason: a field
// added to the input document is compared, or said not to be.
func TestEveryFieldCompared(t *testing.T) {
	tests := []struct {
		name string
		// notCompared are the fields the diff leaves out, with why.
		notCompared map[string]string
		// at returns the struct of the document to change.
		at func(*input.Document) reflect.Value
		// reported tells whether the diff reports a change of it.
		reported func(*Diff) bool
	}{
		{
			name: "Service",
			notCompared: map[string]string{
				"Namespace":       "the Service's key",
				"Name":            "the Service's key",
				"Endpoints":       "compared apart, as the ready endpoints per node (Diff.Endpoints)",
				"EndpointsSource": "what the endpoints were read from, not a setting of the Service",
				"File":            "evidence: where services.yaml holds it",
				"Line":            "evidence: where services.yaml holds it",
			},
			at: func(d *input.Document) reflect.Value {
				return reflect.ValueOf(d.Cluster.Services["default/web"]).Elem()
			},
			reported: func(d *Diff) bool { return len(d.Services.Changed) > 0 },
		},
		{
			name: "KubeProxy",
			notCompared: map[string]string{
				"File": "evidence: where the ConfigMap is",
				"Line": "evidence: where the ConfigMap is",
			},
			at:       func(d *input.Document) reflect.Value { return reflect.ValueOf(&d.Cluster.KubeProxy).Elem() },
			reported: func(d *Diff) bool { return len(d.Cluster) > 0 },
		},
	}
	for _, tt := range tests {
		typ := tt.at(document()).Type()
		for name := range tt.notCompared {
			if _, ok := typ.FieldByName(name); !ok {
				t.Errorf("input.%s has no field %s: take it off notCompared", tt.name, name)
			}
		}
		for f := range typ.Fields() {
			if _, skip := tt.notCompared[f.Name]; skip {
				continue
			}
			t.Run(tt.name+"."+f.Name, func(t *testing.T) {
				changed := state(func(d *input.Document) { alter(t, tt.at(d).FieldByIndex(f.Index)) })
				if !tt.reported(Compare(state(), changed)) {
					t.Errorf("a change of input.%s.%s is not reported: compare it, or list it in notCompared with the reason", tt.name, f.Name)
				}
			})
		}
	}
}

// alter changes the value v holds: a string gains a suffix, a number grows,
// a bool flips, a list gains an altered element, a map an altered value
// under a key the diff compares, a nil pointer points to an altered value.
func alter(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "-changed")
	case reflect.Int:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Slice:
		e := reflect.New(v.Type().Elem()).Elem()
		alter(t, e)
		v.Set(reflect.Append(v, e))
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		k := reflect.ValueOf(comparedPrefixes[0] + "changed").Convert(v.Type().Key())
		e := reflect.New(v.Type().Elem()).Elem()
		alter(t, e)
		v.SetMapIndex(k, e)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		alter(t, v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			alter(t, v.Field(i))
		}
	default:
		t.Fatalf("cannot alter a %s", v.Type())
	}
}
