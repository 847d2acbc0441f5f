package jsonschema

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// schema is a small schema using every supported keyword.
const schema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://example.com/t.schema.json",
  "title": "t",
  "description": "a test schema",
  "type": "object",
  "properties": {
    "version": {"const": "t/v1"},
    "severity": {"enum": ["error", "warning"]},
    "count": {"type": "integer", "minimum": 0, "maximum": 10},
    "ratio": {"type": "number"},
    "ok": {"type": "boolean"},
    "port": {"oneOf": [{"$ref": "#/$defs/port"}, {"type": "null"}]},
    "tags": {"type": "array", "items": {"type": "string"}},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "open": {"type": "object", "additionalProperties": true}
  },
  "required": ["version", "count"],
  "additionalProperties": false,
  "$defs": {
    "port": {"type": "integer", "minimum": 1, "maximum": 65535}
  }
}`

func TestValidate(t *testing.T) {
	s, err := Compile([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		doc     string
		want    []string
		wantErr string
	}{
		{name: "minimal", doc: `{"version": "t/v1", "count": 0}`},
		{name: "everything", doc: `{"version": "t/v1", "severity": "warning", "count": 10, "ratio": 0.5, "ok": true,
			"port": 443, "tags": ["a", "b"], "labels": {"x": "y"}, "open": {"any": [1, {}]}}`},
		{name: "null port", doc: `{"version": "t/v1", "count": 3, "port": null}`},
		{name: "integer written as a float", doc: `{"version": "t/v1", "count": 2.0}`},
		{name: "missing required", doc: `{}`, want: []string{
			"doc: version is required",
			"doc: count is required",
		}},
		{name: "not an object", doc: `[]`, want: []string{
			"doc: []interface {} is not object",
		}},
		{name: "const and enum", doc: `{"version": "t/v2", "severity": "fatal", "count": 1}`, want: []string{
			"doc.severity: fatal not in [error warning]",
			"doc.version: t/v2 is not t/v1",
		}},
		{name: "types", doc: `{"version": "t/v1", "count": 1.5, "ratio": "1", "ok": 1, "tags": {}, "labels": [], "open": null}`, want: []string{
			"doc.count: float64 is not integer",
			"doc.labels: []interface {} is not object",
			"doc.ok: float64 is not boolean",
			"doc.open: <nil> is not object",
			"doc.ratio: string is not number",
			"doc.tags: map[string]interface {} is not array",
		}},
		{name: "bounds", doc: `{"version": "t/v1", "count": -1}`, want: []string{
			"doc.count: -1 < 0",
		}},
		{name: "above maximum", doc: `{"version": "t/v1", "count": 11}`, want: []string{
			"doc.count: 11 > 10",
		}},
		{name: "oneOf matches none", doc: `{"version": "t/v1", "count": 1, "port": 70000}`, want: []string{
			"doc.port: matches 0 of oneOf",
		}},
		{name: "items and additionalProperties", doc: `{"version": "t/v1", "count": 1, "tags": ["a", 2], "labels": {"b": false, "a": "x"}}`, want: []string{
			"doc.labels[b]: bool is not string",
			"doc.tags[1]: float64 is not string",
		}},
		{name: "closed object", doc: `{"version": "t/v1", "count": 1, "zeta": 1, "extra": {}}`, want: []string{
			"doc: extra is not in the schema",
			"doc: zeta is not in the schema",
		}},
		{name: "not JSON", doc: `{"version": `, wantErr: "jsonschema: document: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Validate([]byte(tt.doc), "doc")
			if fmt.Sprint(err) != fmt.Sprint(nilIfEmpty(tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("violations = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCompile checks that a schema saying more than is checked, or saying
// it wrongly, is refused.
func TestCompile(t *testing.T) {
	tests := []struct {
		name    string
		schema  string
		wantErr string
	}{
		{name: "empty", schema: `{}`},
		{name: "boolean additionalProperties", schema: `{"additionalProperties": false}`},
		{name: "not JSON", schema: `{`, wantErr: "jsonschema: unexpected end of JSON input"},
		{name: "not an object", schema: `true`, wantErr: "jsonschema: #: a schema is an object"},
		{name: "unsupported keyword", schema: `{"properties": {"a/b": {"pattern": "^x"}}}`,
			wantErr: `jsonschema: #/properties/a~1b: keyword "pattern" is not supported`},
		{name: "unsupported keyword in a def", schema: `{"$defs": {"x": {"format": "ipv4"}}}`,
			wantErr: `jsonschema: #/$defs/x: keyword "format" is not supported`},
		{name: "unsupported keyword in oneOf", schema: `{"oneOf": [{}, {"anyOf": []}]}`,
			wantErr: `jsonschema: #/oneOf/1: keyword "anyOf" is not supported`},
		{name: "type list", schema: `{"type": ["string", "null"]}`,
			wantErr: "jsonschema: #: type must be one of object, array, string, number, integer, boolean, null"},
		{name: "unknown type", schema: `{"items": {"type": "int"}}`,
			wantErr: "jsonschema: #/items: type must be one of object, array, string, number, integer, boolean, null"},
		{name: "required not strings", schema: `{"required": ["a", 1]}`, wantErr: "jsonschema: #: required must be an array of strings"},
		{name: "enum not an array", schema: `{"enum": "a"}`, wantErr: "jsonschema: #: enum must be an array"},
		{name: "minimum not a number", schema: `{"minimum": "0"}`, wantErr: "jsonschema: #: minimum must be a number"},
		{name: "title not a string", schema: `{"title": 1}`, wantErr: "jsonschema: #: title must be a string"},
		{name: "properties not an object", schema: `{"properties": []}`, wantErr: "jsonschema: #: properties must be an object"},
		{name: "oneOf not an array", schema: `{"oneOf": {}}`, wantErr: "jsonschema: #: oneOf must be an array"},
		{name: "boolean subschema", schema: `{"items": true}`, wantErr: "jsonschema: #/items: a schema is an object, not bool"},
		{name: "dangling $ref", schema: `{"$ref": "#/$defs/x"}`, wantErr: `jsonschema: #: $ref "#/$defs/x" is not one of the root's $defs`},
		{name: "$ref outside $defs", schema: `{"$defs": {"x": {}}, "$ref": "#/properties/x"}`,
			wantErr: `jsonschema: #: $ref "#/properties/x" is not one of the root's $defs`},
		{name: "nested $defs", schema: `{"properties": {"a": {"$defs": {}}}}`, wantErr: "jsonschema: #/properties/a: $defs is supported at the root only"},
		{name: "$ref loop", schema: `{"$defs": {"a": {"oneOf": [{"$ref": "#/$defs/b"}]}, "b": {"$ref": "#/$defs/a"}}}`,
			wantErr: "jsonschema: #/$defs/a: $ref loops: a -> b -> a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]byte(tt.schema))
			if fmt.Sprint(err) != fmt.Sprint(nilIfEmpty(tt.wantErr)) {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestRecursiveSchema validates a document against a schema whose $defs
// refer to themselves through properties.
func TestRecursiveSchema(t *testing.T) {
	s, err := Compile([]byte(`{"$ref": "#/$defs/tree", "$defs": {"tree": {"type": "object",
		"properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}}}, "additionalProperties": false}}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Validate([]byte(`{"kids": [{"kids": []}, {"kids": [{"leaf": 1}]}]}`), "t")
	want := []string{"t.kids[1].kids[0]: leaf is not in the schema"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Validate = %q, %v; want %q", got, err, want)
	}
}

// nilIfEmpty is the error a test expects: nil for "".
func nilIfEmpty(msg string) any {
	if msg == "" {
		return nil
	}
	return msg
}

func TestCompileFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.schema.json")
	if err := os.WriteFile(bad, []byte(`{"format": "ipv4"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := CompileFile(bad)
	if want := bad + `: jsonschema: #: keyword "format" is not supported`; fmt.Sprint(err) != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if _, err := CompileFile(filepath.Join(dir, "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error = %v, want a missing file", err)
	}
	if _, err := CompileFile(filepath.Join("..", "..", "docs", "input.schema.json")); err != nil {
		t.Error(err)
	}
}
