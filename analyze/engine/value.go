package engine

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"sync"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/internal/jsonfields"
	"github.com/open-policy-agent/opa/v1/ast"
)

// toValue converts the parts of x that sel holds to the Rego value of their
// JSON form, as ast.InterfaceToValue does for all of x, but without the
// JSON round trip that ast.InterfaceToValue makes for Go structs: for a
// large input document that round trip costs more time and memory than
// the value itself. Object keys that no path of sel goes through are left
// out; with a nil sel the value is an empty object. Strings are shared with
// x, and so are terms that hold the same thing everywhere: the keys of a
// struct's fields, booleans, small integers (OPA's interned terms), and
// within one value the terms of equal short strings (addresses, states,
// file names, which repeat in every summary and evidence); neither OPA nor
// the rules change the input's terms. Types with their own JSON or text
// encoding, and ast.Values, are converted whole.
func toValue(x any, sel *docpath.Set) (ast.Value, error) {
	if sel == nil {
		return ast.NewObject(), nil
	}
	if v, ok := x.(ast.Value); ok {
		return v, nil
	}
	c := converter{strings: map[string]*ast.Term{}}
	t, err := c.term(reflect.ValueOf(x), sel)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

// maxSharedString is the longest string whose term a converter shares:
// longer ones (sample lines, messages) seldom repeat.
const maxSharedString = 64

// converter converts one value (see toValue).
type converter struct {
	strings map[string]*ast.Term // the terms of the short strings converted so far
	nested  bool                 // a run of another converter's array (see elements)
}

// stringTerm returns the term of s, shared with the equal strings before
// it when s is short.
func (c *converter) stringTerm(s string) *ast.Term {
	if len(s) > maxSharedString {
		return ast.NewTerm(ast.String(s))
	}
	t, ok := c.strings[s]
	if !ok {
		t = ast.NewTerm(ast.String(s))
		c.strings[s] = t
	}
	return t
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	nullTerm      = ast.NullTerm()
)

// term converts v, keeping of its objects the keys sel goes through; a
// whole sel keeps everything.
func (c *converter) term(v reflect.Value, sel *docpath.Set) (*ast.Term, error) {
	if !v.IsValid() {
		return nullTerm, nil
	}
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		return interfaceTerm(v)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nullTerm, nil
		}
		return c.term(v.Elem(), sel)
	case reflect.Bool:
		return ast.InternedTerm(v.Bool()), nil
	case reflect.String:
		return c.stringTerm(v.String()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if i := v.Int(); ast.HasInternedIntNumberTerm(int(i)) {
			return ast.InternedTerm(int(i)), nil
		}
		return ast.NewTerm(ast.Number(strconv.FormatInt(v.Int(), 10))), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := v.Uint(); u <= math.MaxInt32 && ast.HasInternedIntNumberTerm(int(u)) {
			return ast.InternedTerm(int(u)), nil
		}
		return ast.NewTerm(ast.Number(strconv.FormatUint(v.Uint(), 10))), nil
	case reflect.Slice:
		if v.IsNil() {
			return nullTerm, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return interfaceTerm(v) // base64, as encoding/json writes it
		}
		fallthrough
	case reflect.Array:
		elems := sel.Child(docpath.Any)
		if elems == nil {
			elems = docpath.All() // the array is read, not its elements' keys: keep them
		}
		terms := make([]*ast.Term, v.Len())
		if err := c.elements(v, elems, terms); err != nil {
			return nil, err
		}
		return ast.NewTerm(ast.NewArray(terms...)), nil
	case reflect.Map:
		if v.IsNil() {
			return nullTerm, nil
		}
		if t.Key().Kind() != reflect.String {
			return interfaceTerm(v)
		}
		pairs := make([][2]*ast.Term, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			child := sel.Child(it.Key().String())
			if child == nil {
				continue
			}
			e, err := c.term(it.Value(), child)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*ast.Term{c.stringTerm(it.Key().String()), e})
		}
		return ast.NewTerm(ast.NewObject(pairs...)), nil
	case reflect.Struct:
		return c.structTerm(v, sel)
	}
	return interfaceTerm(v) // floats and the rare rest: as JSON has them
}

// parallelElements is the length from which an array's elements are
// converted on all cores: a busy node's traffic summaries list tens of
// thousands of destinations, the largest part of a large bundle's values.
const parallelElements = 2048

// elements converts the elements of the array v into terms. A long array
// is cut into runs converted on all cores, each but the first by a
// converter of its own (which shares its short strings within its run
// only, and converts the long arrays its elements hold on one core).
func (c *converter) elements(v reflect.Value, sel *docpath.Set, terms []*ast.Term) error {
	runs := min(runtime.GOMAXPROCS(0), len(terms)/parallelElements)
	if c.nested || runs < 2 {
		return c.run(v, sel, terms, 0, len(terms))
	}
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for r := 1; r < runs; r++ {
		wg.Go(func() {
			rc := converter{strings: map[string]*ast.Term{}, nested: true}
			errs[r] = rc.run(v, sel, terms, r*len(terms)/runs, (r+1)*len(terms)/runs)
		})
	}
	errs[0] = c.run(v, sel, terms, 0, len(terms)/runs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// run converts the elements from..to-1 of the array v into terms.
func (c *converter) run(v reflect.Value, sel *docpath.Set, terms []*ast.Term, from, to int) error {
	for i := from; i < to; i++ {
		e, err := c.term(v.Index(i), sel)
		if err != nil {
			return err
		}
		terms[i] = e
	}
	return nil
}

// interfaceTerm converts v through its JSON form, with ast.InterfaceToValue.
func interfaceTerm(v reflect.Value) (*ast.Term, error) {
	x, err := ast.InterfaceToValue(v.Interface())
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(x), nil
}

// structTerm converts a struct by its json tags, its embedded structs'
// fields promoted as encoding/json promotes them. A struct with tag options
// other than omitempty, or embedded fields of other kinds, is left to
// ast.InterfaceToValue.
func (c *converter) structTerm(v reflect.Value, sel *docpath.Set) (*ast.Term, error) {
	fields, ok := fieldsOf(v.Type())
	if !ok {
		return interfaceTerm(v)
	}
	pairs := make([][2]*ast.Term, 0, len(fields))
	for _, f := range fields {
		child := sel.Child(f.Name)
		if child == nil {
			continue
		}
		fv := v.FieldByIndex(f.Index)
		if f.OmitEmpty && jsonfields.Empty(fv) {
			continue
		}
		e, err := c.term(fv, child)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]*ast.Term{f.key, e})
	}
	return ast.NewTerm(ast.NewObject(pairs...)), nil
}

// field is a JSON field of a struct type, with its name as a term shared
// by every value of the type.
type field struct {
	jsonfields.Field
	key *ast.Term
}

// fields caches fieldsOf by type.
var fields sync.Map // reflect.Type → []field, or nil when it cannot be converted here

// fieldsOf returns the JSON fields of struct type t in order
// (jsonfields.Of); false when t has what structTerm leaves to
// ast.InterfaceToValue.
func fieldsOf(t reflect.Type) ([]field, bool) {
	if cached, ok := fields.Load(t); ok {
		fs, _ := cached.([]field)
		return fs, fs != nil
	}
	jfs, ok := jsonfields.Of(t)
	var fs []field
	if ok {
		fs = make([]field, len(jfs))
		for i, f := range jfs {
			fs[i] = field{Field: f, key: ast.StringTerm(f.Name)}
		}
	}
	fields.Store(t, fs)
	return fs, ok
}
