package schemacheck

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schema is a compiled schema. The zero value is not usable: get one from
// [Compile] or [CompileBytes].
type Schema struct {
	s *jsonschema.Schema
}

// errOffline is the cause of the error for a schema that refers to a
// document outside itself.
var errOffline = errors.New("refused: schemas are compiled offline, from their own file")

// offline is the loader of the compiler: it loads nothing. The metaschemas
// the validator embeds are found without it.
type offline struct{}

func (offline) Load(url string) (any, error) { return nil, errOffline }

// Compile reads and compiles the schema in the file at path; its errors
// start with the path.
func Compile(path string) (*Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := CompileBytes(filepath.Base(path), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// CompileBytes compiles the schema data, named name in errors.
func CompileBytes(name string, data []byte) (*Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if err := checkKeywords(doc, "#"); err != nil {
		return nil, err
	}
	// A file URL, so that a relative $ref goes to the loader, which refuses it.
	url := "file:///schemas/" + name
	c := jsonschema.NewCompiler()
	c.UseLoader(offline{})
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, err
	}
	return &Schema{s: s}, nil
}

// Violations validates the JSON document doc and returns what breaks the
// schema, one "PATH: message" a violation, where PATH is root followed by
// the JSON pointer of the value ("report/findings/0/severity"), sorted;
// nil when there is nothing. The error is not nil only when doc is not
// JSON.
func (s *Schema) Violations(doc []byte, root string) ([]string, error) {
	val, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("schemacheck: document: %w", err)
	}
	err = s.s.Validate(val)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	// The leaves of the tree say what is wrong; the units above them only
	// that a $ref, oneOf or properties did not validate.
	var out []string
	var walk func(u jsonschema.OutputUnit)
	walk = func(u jsonschema.OutputUnit) {
		if len(u.Errors) == 0 && u.Error != nil {
			out = append(out, root+u.InstanceLocation+": "+u.Error.String())
		}
		for _, sub := range u.Errors {
			walk(sub)
		}
	}
	walk(*ve.DetailedOutput())
	slices.Sort(out)
	return slices.Compact(out), nil
}

// keywords are the keywords of JSON Schema draft 2020-12 (core,
// applicator, unevaluated, validation, meta-data, format and content
// vocabularies).
var keywords = map[string]bool{
	"$schema": true, "$id": true, "$ref": true, "$defs": true, "$anchor": true, "$dynamicRef": true,
	"$dynamicAnchor": true, "$vocabulary": true, "$comment": true,
	"title": true, "description": true, "default": true, "examples": true, "deprecated": true,
	"readOnly": true, "writeOnly": true,
	"type": true, "enum": true, "const": true, "multipleOf": true, "maximum": true, "exclusiveMaximum": true,
	"minimum": true, "exclusiveMinimum": true, "maxLength": true, "minLength": true, "pattern": true,
	"maxItems": true, "minItems": true, "uniqueItems": true, "maxContains": true, "minContains": true,
	"maxProperties": true, "minProperties": true, "required": true, "dependentRequired": true,
	"properties": true, "patternProperties": true, "additionalProperties": true, "propertyNames": true,
	"items": true, "prefixItems": true, "contains": true, "allOf": true, "anyOf": true, "oneOf": true,
	"not": true, "if": true, "then": true, "else": true, "dependentSchemas": true,
	"unevaluatedItems": true, "unevaluatedProperties": true,
	"format": true, "contentEncoding": true, "contentMediaType": true, "contentSchema": true,
}

// Where draft 2020-12 keywords hold schemas: one schema, a map of them, or
// an array of them.
var (
	schemaKeywords = []string{"additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else",
		"unevaluatedItems", "unevaluatedProperties", "contentSchema"}
	schemaMapKeywords   = []string{"$defs", "properties", "patternProperties", "dependentSchemas"}
	schemaArrayKeywords = []string{"prefixItems", "allOf", "anyOf", "oneOf"}
)

// pointerEscaper escapes a name for a JSON pointer (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// checkKeywords fails on a keyword draft 2020-12 does not define in the
// schema node at ptr (a JSON pointer) or below it.
func checkKeywords(node any, ptr string) error {
	obj, ok := node.(map[string]any)
	if !ok {
		return nil // true, false, or a shape the validator rejects
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		at := ptr + "/" + pointerEscaper.Replace(k)
		v := obj[k]
		var err error
		switch {
		case !keywords[k]:
			return fmt.Errorf("%s: %q is not a JSON Schema 2020-12 keyword", ptr, k)
		case slices.Contains(schemaKeywords, k):
			err = checkKeywords(v, at)
		case slices.Contains(schemaMapKeywords, k):
			m, _ := v.(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(m)) {
				if err = checkKeywords(m[name], at+"/"+pointerEscaper.Replace(name)); err != nil {
					break
				}
			}
		case slices.Contains(schemaArrayKeywords, k):
			a, _ := v.([]any)
			for i, sub := range a {
				if err = checkKeywords(sub, fmt.Sprintf("%s/%d", at, i)); err != nil {
					break
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
