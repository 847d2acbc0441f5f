package input

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ipvslint/ipvslint/internal/schemacheck"
)

// schemaPath is the JSON Schema of the document, which this package owns.
const schemaPath = "../../docs/input.schema.json"

// violations returns what breaks the schema in doc, paths rooted at "input".
func violations(t *testing.T, doc *Document) []string {
	t.Helper()
	schema, err := schemacheck.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := schema.Violations(raw, "input")
	if err != nil {
		t.Fatal(err)
	}
	return errs
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
			for _, e := range violations(t, build(t, tt.files, tt.opts)) {
				t.Error(e)
			}
		})
	}
}

// TestSchemaRejects makes sure the validator does reject documents that
// break the schema.
func TestSchemaRejects(t *testing.T) {
	doc := build(t, fixture, Options{})
	doc.Nodes["node-a"].Listeners = nil // null, not []
	doc.Cluster.CNI.Class = "bridge"
	got := violations(t, doc)
	want := []string{
		"input/cluster/cni/class: value must be one of 'overlay', 'vpc', 'unknown'",
		"input/nodes/node-a/listeners: got null, want array",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}
