// Package jsonfields lists the JSON fields of Go struct types as
// encoding/json writes them, for the code that walks a document without
// encoding it whole: the rule engine's conversion to Rego values and the
// streaming JSON writer of the reports.
package jsonfields

import (
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Field is a JSON field of a struct type: its name, where it is (through
// embedded structs), and whether omitempty leaves it out when empty.
type Field struct {
	Name      string
	Index     []int
	OmitEmpty bool
}

// cache holds Of's answers by type: a document has many values of few
// types.
var cache sync.Map // reflect.Type → []Field, or nil when Of answers false

// Of returns the JSON fields of struct type t in order, embedded structs'
// fields promoted where the embedded struct is. It reports false for what
// it does not handle, which its callers leave to encoding/json whole: tag
// options other than omitempty, and embedded fields that are not structs
// or have a name.
func Of(t reflect.Type) ([]Field, bool) {
	if cached, ok := cache.Load(t); ok {
		fs, _ := cached.([]Field)
		return fs, fs != nil
	}
	fs, ok := collect(t, nil)
	if !ok {
		fs = nil
	}
	cache.Store(t, fs)
	return fs, ok
}

// collect lists the fields of t below the index path at.
func collect(t reflect.Type, at []int) ([]Field, bool) {
	var out []Field
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		index := append(slices.Clone(at), i)
		if f.Anonymous {
			if name != "" || f.Type.Kind() != reflect.Struct {
				return nil, false
			}
			promoted, ok := collect(f.Type, index)
			if !ok {
				return nil, false
			}
			out = append(out, promoted...)
			continue
		}
		if !f.IsExported() || tag == "-" { // "-," names the field "-"
			continue
		}
		if opts != "" && opts != "omitempty" {
			return nil, false
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, Field{Name: name, Index: index, OmitEmpty: opts == "omitempty"})
	}
	return out, true
}

// Empty tells the values that omitempty leaves out, as encoding/json does.
func Empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}
