package engine

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

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

// structValue converts a struct by its json tags. A struct with embedded
// fields or tag options other than omitempty is left to
// ast.InterfaceToValue.
func structValue(v reflect.Value, sel *docpath.Set) (ast.Value, error) {
	t := v.Type()
	pairs := make([][2]*ast.Term, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return ast.InterfaceToValue(v.Interface())
		}
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if opts != "" && opts != "omitempty" {
			return ast.InterfaceToValue(v.Interface())
		}
		if name == "" {
			name = f.Name
		}
		child := sel.Child(name)
		if child == nil {
			continue
		}
		fv := v.Field(i)
		if opts == "omitempty" && empty(fv) {
			continue
		}
		e, err := reflectValue(fv, child)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(name), ast.NewTerm(e)})
	}
	return ast.NewObject(pairs...), nil
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
