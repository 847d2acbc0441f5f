package engine

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/open-policy-agent/opa/v1/ast"
)

// toValue converts the parts of x that sel holds to the Rego value of their
// JSON form, as ast.InterfaceToValue does for all of x, but without the
// JSON round trip that ast.InterfaceToValue makes for Go structs: for a
// large input document that round trip costs more time and memory than
// the value itself. Object keys that no path of sel goes through are left
// out; with a nil sel the value is an empty object. Strings are shared with
// x. Types with their own JSON or text encoding, and ast.Values, are
// converted whole.
func toValue(x any, sel *docpath.Set) (ast.Value, error) {
	if sel == nil {
		return ast.NewObject(), nil
	}
	if v, ok := x.(ast.Value); ok {
		return v, nil
	}
	return reflectValue(reflect.ValueOf(x), sel)
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// reflectValue converts v, keeping of its objects the keys sel goes
// through; a whole sel keeps everything.
func reflectValue(v reflect.Value, sel *docpath.Set) (ast.Value, error) {
	if !v.IsValid() {
		return ast.Null{}, nil
	}
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		return ast.InterfaceToValue(v.Interface())
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		return reflectValue(v.Elem(), sel)
	case reflect.Bool:
		return ast.Boolean(v.Bool()), nil
	case reflect.String:
		return ast.String(v.String()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.Number(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return ast.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Slice:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return ast.InterfaceToValue(v.Interface()) // base64, as encoding/json writes it
		}
		fallthrough
	case reflect.Array:
		elems := sel.Child(docpath.Any)
		if elems == nil {
			elems = docpath.All() // the array is read, not its elements' keys: keep them
		}
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			e, err := reflectValue(v.Index(i), elems)
			if err != nil {
				return nil, err
			}
			terms[i] = ast.NewTerm(e)
		}
		return ast.NewArray(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if t.Key().Kind() != reflect.String {
			return ast.InterfaceToValue(v.Interface())
		}
		pairs := make([][2]*ast.Term, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			child := sel.Child(it.Key().String())
			if child == nil {
				continue
			}
			e, err := reflectValue(it.Value(), child)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*ast.Term{ast.StringTerm(it.Key().String()), ast.NewTerm(e)})
		}
		return ast.NewObject(pairs...), nil
	case reflect.Struct:
		return structValue(v, sel)
	}
	return ast.InterfaceToValue(v.Interface()) // floats and the rare rest: as JSON has them
}

// structValue converts a struct by its json tags, its embedded structs'
// fields promoted as encoding/json promotes them. A struct with tag options
// other than omitempty, or embedded fields of other kinds, is left to
// ast.InterfaceToValue.
func structValue(v reflect.Value, sel *docpath.Set) (ast.Value, error) {
	fields, ok := fieldsOf(v.Type())
	if !ok {
		return ast.InterfaceToValue(v.Interface())
	}
	pairs := make([][2]*ast.Term, 0, len(fields))
	for _, f := range fields {
		child := sel.Child(f.name)
		if child == nil {
			continue
		}
		fv := v.FieldByIndex(f.index)
		if f.omitempty && empty(fv) {
			continue
		}
		e, err := reflectValue(fv, child)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(f.name), ast.NewTerm(e)})
	}
	return ast.NewObject(pairs...), nil
}

// field is a JSON field of a struct type: its name, where it is (through
// embedded structs), and whether omitempty leaves it out when empty.
type field struct {
	name      string
	index     []int
	omitempty bool
}

// fields caches fieldsOf by type: a document has many values of few types.
var fields sync.Map // reflect.Type → []field, or nil when it cannot be converted here

// fieldsOf returns the JSON fields of struct type t in order; false when t
// has what structValue leaves to ast.InterfaceToValue.
func fieldsOf(t reflect.Type) ([]field, bool) {
	if cached, ok := fields.Load(t); ok {
		fs, _ := cached.([]field)
		return fs, fs != nil
	}
	fs, ok := collectFields(t, nil)
	if !ok {
		fs = nil
	}
	fields.Store(t, fs)
	return fs, ok
}

// collectFields lists the fields of t below the index path at.
func collectFields(t reflect.Type, at []int) ([]field, bool) {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		index := append(slices.Clone(at), i)
		if f.Anonymous {
			if name != "" || f.Type.Kind() != reflect.Struct {
				return nil, false
			}
			promoted, ok := collectFields(f.Type, index)
			if !ok {
				return nil, false
			}
			out = append(out, promoted...)
			continue
		}
		if !f.IsExported() || name == "-" && opts == "" {
			continue
		}
		if opts != "" && opts != "omitempty" {
			return nil, false
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{name: name, index: index, omitempty: opts == "omitempty"})
	}
	return out, true
}

// empty tells the values that omitempty leaves out, as encoding/json does.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}
