package jsonfields

import (
	"reflect"
	"slices"
	"testing"
)

type inner struct {
	B int `json:"b"`
}

type plain struct {
	A      int `json:"a,omitempty"`
	inner      // promoted where it is
	Dash   int `json:"-,"`
	Skip   int `json:"-"`
	Go     int
	hidden int
}

type quoted struct {
	N int `json:"n,string"`
}

type embeddedPointer struct {
	*inner
}

type namedEmbedded struct {
	inner `json:"in"`
}

// TestOf checks the fields Of lists, in order, and the types it leaves to
// encoding/json.
func TestOf(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		want []Field // nil with ok false
	}{
		{"tags, promotion and skips", reflect.TypeFor[plain](), []Field{
			{Name: "a", Index: []int{0}, OmitEmpty: true},
			{Name: "b", Index: []int{1, 0}},
			{Name: "-", Index: []int{2}},
			{Name: "Go", Index: []int{4}},
		}},
		{"a tag option other than omitempty", reflect.TypeFor[quoted](), nil},
		{"an embedded pointer", reflect.TypeFor[embeddedPointer](), nil},
		{"a named embedded struct", reflect.TypeFor[namedEmbedded](), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Of(tt.typ)
			if ok != (tt.want != nil) || !slices.EqualFunc(got, tt.want, func(a, b Field) bool {
				return a.Name == b.Name && slices.Equal(a.Index, b.Index) && a.OmitEmpty == b.OmitEmpty
			}) {
				t.Errorf("Of = %+v, %v; want %+v", got, ok, tt.want)
			}
		})
	}
}

// TestEmpty checks the values omitempty leaves out.
func TestEmpty(t *testing.T) {
	zero := 0
	tests := []struct {
		v    any
		want bool
	}{
		{"", true}, {"x", false}, {0, true}, {1, false}, {false, true}, {[]int{}, true}, {[]int{0}, false},
		{map[string]int{}, true}, {(*int)(nil), true}, {&zero, false}, {[0]int{}, true}, {inner{}, false},
	}
	for _, tt := range tests {
		if got := Empty(reflect.ValueOf(tt.v)); got != tt.want {
			t.Errorf("Empty(%#v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
