package input

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// schemaPath is the JSON Schema of the document, which this package owns.
const schemaPath = "../../docs/input.schema.json"

// validator checks a decoded JSON value against the subset of JSON Schema
// 2020-12 that docs/input.schema.json uses: type, properties, required,
// additionalProperties, items, enum, const, oneOf, minimum, maximum and
// $ref into $defs. Any other keyword is an error, so that the schema cannot
// say more than is checked.
type validator struct {
	root map[string]any
	errs []string
}

var knownKeywords = []string{"$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
	"additionalProperties", "items", "enum", "const", "oneOf", "minimum", "maximum"}

func (v *validator) check(schema map[string]any, val any, at string) {
	for k := range schema {
		if !slices.Contains(knownKeywords, k) {
			v.errs = append(v.errs, fmt.Sprintf("%s: schema keyword %q is not supported by the test validator", at, k))
		}
	}
	if r, ok := schema["$ref"].(string); ok {
		name, found := strings.CutPrefix(r, "#/$defs/")
		def, _ := v.root["$defs"].(map[string]any)[name].(map[string]any)
		if !found || def == nil {
			v.errs = append(v.errs, fmt.Sprintf("%s: bad $ref %q", at, r))
			return
		}
		v.check(def, val, at)
	}
	if c, ok := schema["const"]; ok && !reflect.DeepEqual(c, val) {
		v.errs = append(v.errs, fmt.Sprintf("%s: %v is not %v", at, val, c))
	}
	if e, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return reflect.DeepEqual(x, val) }) {
		v.errs = append(v.errs, fmt.Sprintf("%s: %v not in %v", at, val, e))
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		matched := 0
		for _, alt := range alts {
			sub := &validator{root: v.root}
			sub.check(alt.(map[string]any), val, at)
			if len(sub.errs) == 0 {
				matched++
			}
		}
		if matched != 1 {
			v.errs = append(v.errs, fmt.Sprintf("%s: matches %d of oneOf", at, matched))
		}
	}
	if t, ok := schema["type"].(string); ok && !hasType(val, t) {
		v.errs = append(v.errs, fmt.Sprintf("%s: %T is not %s", at, val, t))
		return
	}
	if n, ok := val.(float64); ok {
		if m, ok := schema["minimum"].(float64); ok && n < m {
			v.errs = append(v.errs, fmt.Sprintf("%s: %v < %v", at, n, m))
		}
		if m, ok := schema["maximum"].(float64); ok && n > m {
			v.errs = append(v.errs, fmt.Sprintf("%s: %v > %v", at, n, m))
		}
	}
	switch x := val.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		required, _ := schema["required"].([]any)
		for _, r := range required {
			if _, ok := x[r.(string)]; !ok {
				v.errs = append(v.errs, fmt.Sprintf("%s: %s is required", at, r))
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch p, ok := props[k].(map[string]any); {
			case ok:
				v.check(p, x[k], at+"."+k)
			case schema["additionalProperties"] == false:
				v.errs = append(v.errs, fmt.Sprintf("%s: %s is not in the schema", at, k))
			default:
				if ap, ok := schema["additionalProperties"].(map[string]any); ok {
					v.check(ap, x[k], at+"["+k+"]")
				}
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range x {
				v.check(items, e, fmt.Sprintf("%s[%d]", at, i))
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
	case "boolean":
		_, ok := val.(bool)
		return ok
	case "null":
		return val == nil
	case "integer":
		n, ok := val.(float64)
		return ok && n == float64(int64(n))
	}
	return false
}

// validate checks doc against the schema file.
func validate(t *testing.T, doc *Document) {
	t.Helper()
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var val any
	if err := json.Unmarshal(raw, &val); err != nil {
		t.Fatal(err)
	}
	v := &validator{root: root}
	v.check(root, val, "input")
	for _, e := range v.errs {
		t.Error(e)
	}
}

// TestSchema validates the documents of several bundles against
// docs/input.schema.json: the full fixture, one without optional captures,
// loose captures, and an empty bundle.
func TestSchema(t *testing.T) {
	expect, _ := ParseExpect("[fd00::1]:53/udp")
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
	}{
		{name: "fixture", files: fixture, opts: Options{Expect: []Expect{expect}}},
		{name: "legacy endpoints, no conntrack max", files: withFiles(map[string]string{
			"cluster/endpointslices.yaml": "", "cluster/nodes.yaml": "", "nodes/node-a/sysctl.txt": "",
			"cluster/endpoints.yaml": "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: web\n  namespace: default\nsubsets: []\n"})},
		{name: "loose", files: map[string]string{"ipvsadm.txt": fixture["nodes/node-a/ipvsadm.txt"], "ip.txt": fixture["nodes/node-a/ip-addr.txt"]}, opts: Options{CNI: "vpc", KubernetesVersion: "1.28"}},
		{name: "empty bundle", files: map[string]string{"manifest.json": fixture["manifest.json"]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			validate(t, build(t, tt.files, tt.opts))
		})
	}
}

// TestSchemaRejects makes sure the validator does reject documents that
// break the schema.
func TestSchemaRejects(t *testing.T) {
	doc := build(t, fixture, Options{})
	doc.Nodes["node-a"].Listeners = nil // null, not []
	doc.Cluster.CNI.Class = "bridge"
	data, _ := os.ReadFile(schemaPath)
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(doc)
	var val any
	if err := json.Unmarshal(raw, &val); err != nil {
		t.Fatal(err)
	}
	v := &validator{root: root}
	v.check(root, val, "input")
	want := []string{
		"input.cluster.cni.class: bridge not in [overlay vpc unknown]",
		"input.nodes[node-a].listeners: <nil> is not array",
	}
	if !reflect.DeepEqual(v.errs, want) {
		t.Errorf("errors = %q, want %q", v.errs, want)
	}
}
