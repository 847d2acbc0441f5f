package jsonschema

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
)

// Schema is a compiled schema, ready to validate documents. The zero value
// is not usable: get one from [Compile].
type Schema struct {
	root map[string]any
	defs map[string]any // the root's $defs; nil when it has none
}

// Compile decodes a schema and checks that it uses only the supported
// keywords (see the package documentation), each with a value of the right
// shape, and that every $ref names one of the root's $defs. The error names
// the place in the schema as a JSON pointer, as in
// `jsonschema: #/properties/port: keyword "pattern" is not supported`.
func Compile(data []byte) (*Schema, error) {
	var root any
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("jsonschema: %w", err)
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("jsonschema: #: a schema is an object")
	}
	s := &Schema{root: obj}
	s.defs, _ = obj["$defs"].(map[string]any)
	if err := s.compile(root, "#"); err != nil {
		return nil, fmt.Errorf("jsonschema: %w", err)
	}
	for _, name := range slices.Sorted(maps.Keys(s.defs)) {
		if err := s.checkLoop(s.defs[name].(map[string]any), []string{name}); err != nil {
			return nil, fmt.Errorf("jsonschema: #/$defs/%s: %w", pointerEscaper.Replace(name), err)
		}
	}
	return s, nil
}

// checkLoop fails when validating a value against node could come back to
// one of the $defs in seen without going down into the value, which would
// never end. node is compiled.
func (s *Schema) checkLoop(node map[string]any, seen []string) error {
	if r, ok := node["$ref"].(string); ok {
		name := strings.TrimPrefix(r, "#/$defs/")
		if slices.Contains(seen, name) {
			return fmt.Errorf("$ref loops: %s", strings.Join(append(seen, name), " -> "))
		}
		if err := s.checkLoop(s.defs[name].(map[string]any), append(seen, name)); err != nil {
			return err
		}
	}
	alts, _ := node["oneOf"].([]any)
	for _, alt := range alts {
		if err := s.checkLoop(alt.(map[string]any), seen); err != nil {
			return err
		}
	}
	return nil
}

// CompileFile reads and compiles the schema in the file at path; its
// errors start with the path.
func CompileFile(path string) (*Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Compile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// pointerEscaper escapes a name for a JSON pointer (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// types are the names the type keyword may give.
var types = []string{"object", "array", "string", "number", "integer", "boolean", "null"}

// compile checks the schema node at ptr and every schema below it.
func (s *Schema) compile(node any, ptr string) error {
	schema, ok := node.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: a schema is an object, not %T", ptr, node)
	}
	for _, k := range slices.Sorted(maps.Keys(schema)) {
		v, at := schema[k], ptr+"/"+pointerEscaper.Replace(k)
		bad := func(want string) error { return fmt.Errorf("%s: %s must be %s", ptr, k, want) }
		switch k {
		case "$schema", "$id", "title", "description":
			if _, ok := v.(string); !ok {
				return bad("a string")
			}
		case "const":
		case "enum":
			if _, ok := v.([]any); !ok {
				return bad("an array")
			}
		case "minimum", "maximum":
			if _, ok := v.(float64); !ok {
				return bad("a number")
			}
		case "type":
			if t, _ := v.(string); !slices.Contains(types, t) {
				return bad("one of " + strings.Join(types, ", "))
			}
		case "required":
			list, ok := v.([]any)
			if !ok || slices.ContainsFunc(list, func(x any) bool { _, ok := x.(string); return !ok }) {
				return bad("an array of strings")
			}
		case "$ref":
			r, _ := v.(string)
			name, found := strings.CutPrefix(r, "#/$defs/")
			if _, ok := s.defs[name]; !found || !ok {
				return fmt.Errorf("%s: $ref %q is not one of the root's $defs", ptr, r)
			}
		case "$defs", "properties":
			if k == "$defs" && ptr != "#" {
				return fmt.Errorf("%s: $defs is supported at the root only", ptr)
			}
			subs, ok := v.(map[string]any)
			if !ok {
				return bad("an object")
			}
			for _, name := range slices.Sorted(maps.Keys(subs)) {
				if err := s.compile(subs[name], at+"/"+pointerEscaper.Replace(name)); err != nil {
					return err
				}
			}
		case "oneOf":
			alts, ok := v.([]any)
			if !ok {
				return bad("an array")
			}
			for i, alt := range alts {
				if err := s.compile(alt, fmt.Sprintf("%s/%d", at, i)); err != nil {
					return err
				}
			}
		case "additionalProperties":
			if _, ok := v.(bool); ok {
				continue
			}
			if err := s.compile(v, at); err != nil {
				return err
			}
		case "items":
			if err := s.compile(v, at); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: keyword %q is not supported", ptr, k)
		}
	}
	return nil
}

// Validate checks the JSON document doc against the schema and returns
// every violation, nil when there is none. Each violation reads
// "PATH: what is wrong", where PATH is root followed by ".name" for a
// property, "[key]" for a value checked by additionalProperties and "[i]"
// for an array item, as in "report.findings[0].severity: fatal not in
// [error warning info]". Violations come in a stable order: a schema's
// keywords in a fixed order, an object's keys sorted. The error is not nil
// only when doc is not JSON. Numbers are compared as float64.
func (s *Schema) Validate(doc []byte, root string) ([]string, error) {
	var val any
	if err := json.Unmarshal(doc, &val); err != nil {
		return nil, fmt.Errorf("jsonschema: document: %w", err)
	}
	var v validator
	v.check(s, s.root, val, root)
	return v.errs, nil
}

// validator collects the violations of one document.
type validator struct {
	errs []string
}

func (v *validator) errorf(format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

// check validates val, found at path at, against one compiled schema node.
func (v *validator) check(s *Schema, schema map[string]any, val any, at string) {
	if r, ok := schema["$ref"].(string); ok {
		v.check(s, s.defs[strings.TrimPrefix(r, "#/$defs/")].(map[string]any), val, at)
	}
	if c, ok := schema["const"]; ok && !reflect.DeepEqual(c, val) {
		v.errorf("%s: %v is not %v", at, val, c)
	}
	if e, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return reflect.DeepEqual(x, val) }) {
		v.errorf("%s: %v not in %v", at, val, e)
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		matched := 0
		for _, alt := range alts {
			var sub validator
			sub.check(s, alt.(map[string]any), val, at)
			if len(sub.errs) == 0 {
				matched++
			}
		}
		if matched != 1 {
			v.errorf("%s: matches %d of oneOf", at, matched)
		}
	}
	if t, ok := schema["type"].(string); ok && !hasType(val, t) {
		v.errorf("%s: %T is not %s", at, val, t)
		return
	}
	if n, ok := val.(float64); ok {
		if m, ok := schema["minimum"].(float64); ok && n < m {
			v.errorf("%s: %v < %v", at, n, m)
		}
		if m, ok := schema["maximum"].(float64); ok && n > m {
			v.errorf("%s: %v > %v", at, n, m)
		}
	}
	switch x := val.(type) {
	case map[string]any:
		required, _ := schema["required"].([]any)
		for _, r := range required {
			if _, ok := x[r.(string)]; !ok {
				v.errorf("%s: %s is required", at, r)
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			switch p, ok := props[k].(map[string]any); {
			case ok:
				v.check(s, p, x[k], at+"."+k)
			case schema["additionalProperties"] == false:
				v.errorf("%s: %s is not in the schema", at, k)
			default:
				if ap, ok := schema["additionalProperties"].(map[string]any); ok {
					v.check(s, ap, x[k], at+"["+k+"]")
				}
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range x {
				v.check(s, items, e, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
}

// hasType reports whether a decoded JSON value is of the schema type t.
func hasType(val any, t string) bool {
	switch t {
	case "object":
		_, ok := val.(map[string]any)
		return ok
	case "array":
		_, ok := val.([]any)
		return ok
	case "string":
		_, ok := val.(string)
		return ok
	case "number":
		_, ok := val.(float64)
		return ok
	case "integer":
		n, ok := val.(float64)
		return ok && n == float64(int64(n))
	case "boolean":
		_, ok := val.(bool)
		return ok
	case "null":
		return val == nil
	}
	return false
}
