package schemacheck

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// schema is a small schema using the keywords the contract schemas use.
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
    "when": {"type": "string", "format": "date"},
    "open": {"type": "object", "additionalProperties": true}
  },
  "required": ["version", "count"],
  "additionalProperties": false,
  "$defs": {
    "port": {"type": "integer", "minimum": 1, "maximum": 65535}
  }
}`

func TestViolations(t *testing.T) {
	s, err := CompileBytes("t.schema.json", []byte(schema))
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
			"port": 443, "tags": ["a", "b"], "labels": {"x": "y"}, "when": "2026-12-31", "open": {"any": [1, {}]}}`},
		{name: "null port", doc: `{"version": "t/v1", "count": 3, "port": null}`},
		{name: "integer written as a float", doc: `{"version": "t/v1", "count": 2.0}`},
		{name: "missing required", doc: `{}`, want: []string{
			"doc: missing properties 'version', 'count'",
		}},
		{name: "not an object", doc: `[]`, want: []string{
			"doc: got array, want object",
		}},
		{name: "const, enum, unknown property", doc: `{"version": "t/v2", "severity": "fatal", "count": 1, "proto": "TCP"}`, want: []string{
			"doc/severity: value must be one of 'error', 'warning'",
			"doc/version: value must be 't/v1'",
			"doc: additional properties 'proto' not allowed",
		}},
		{name: "types", doc: `{"version": "t/v1", "count": 1.5, "ratio": "1", "ok": 1, "tags": {}, "labels": [], "open": null}`, want: []string{
			"doc/count: got number, want integer",
			"doc/labels: got array, want object",
			"doc/ok: got number, want boolean",
			"doc/open: got null, want object",
			"doc/ratio: got string, want number",
			"doc/tags: got object, want array",
		}},
		{name: "bounds", doc: `{"version": "t/v1", "count": 11, "port": 0}`, want: []string{
			"doc/count: maximum: got 11, want 10",
			"doc/port: got number, want null",
			"doc/port: minimum: got 0, want 1",
		}},
		{name: "items and additionalProperties", doc: `{"version": "t/v1", "count": 1, "tags": ["a", 2], "labels": {"x": 1}}`, want: []string{
			"doc/labels/x: got number, want string",
			"doc/tags/1: got number, want string",
		}},
		{name: "format asserted", doc: `{"version": "t/v1", "count": 1, "when": "31/12/2026"}`, want: []string{
			`doc/when: '31/12/2026' is not valid date: parsing time "31/12/2026" as "2006-01-02": cannot parse "31/12/2026" as "2006"`,
		}},
		{name: "not JSON", doc: `{`, wantErr: "schemacheck: document: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Violations([]byte(tt.doc), "doc")
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestCompileRefuses checks what a schema may not do: refer to another
// document (compiling is offline: nothing is fetched), use a keyword the
// draft does not define, or break its metaschema.
func TestCompileRefuses(t *testing.T) {
	tests := []struct {
		name, schema, want string
	}{
		{"remote ref", `{"$ref": "https://example.com/other.schema.json"}`, "refused: schemas are compiled offline"},
		{"file ref", `{"properties": {"a": {"$ref": "other.schema.json#/$defs/x"}}}`, "refused: schemas are compiled offline"},
		{"unknown $schema", `{"$schema": "https://example.com/meta"}`, "refused: schemas are compiled offline"},
		{"misspelt keyword", `{"type": "object", "properties": {"a": {"type": "string", "requird": ["b"]}}}`,
			`#/properties/a: "requird" is not a JSON Schema 2020-12 keyword`},
		{"misspelt keyword in $defs", `{"$defs": {"x": {"oneOf": [{"additionalproperties": false}]}}}`,
			`#/$defs/x/oneOf/0: "additionalproperties" is not a JSON Schema 2020-12 keyword`},
		{"bad type name", `{"type": "map"}`, "jsonschema validation failed"},
		{"dangling ref", `{"$ref": "#/$defs/nothing"}`, "nothing"},
		{"not JSON", `{"type": `, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CompileBytes("t.schema.json", []byte(tt.schema))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCompileFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.schema.json")
	if err := os.WriteFile(path, []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want not exist", err)
	}
	bad := filepath.Join(dir, "bad.schema.json")
	if err := os.WriteFile(bad, []byte(`{"typo": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("err = %v, want one naming %s", err, bad)
	}
}
