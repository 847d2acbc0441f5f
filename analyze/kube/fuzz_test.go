package kube

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// FuzzParse checks the invariants every parser keeps (see parsertest.Fuzz),
// and that every object it keeps is placed in the input.
func FuzzParse(f *testing.F) {
	addSeeds(f, "---\n", "[]", "{}", "[{\"kind\":\"Service\"}]", "a: &a [*a]\n", "items:\n- items:\n  - kind: Service\n", "\"")
	parsertest.Fuzz[Objects]{
		Parse: Parse,
		First: 3,
		Common: func(o *Objects) parsertest.Common {
			n := len(o.Services) + len(o.EndpointSlices) + len(o.Endpoints) + len(o.Nodes) + len(o.Pods)
			if o.ProxyConfig != nil {
				n++
			}
			return parsertest.Common{Warnings: o.Warnings, Failure: o.Failure, Records: n}
		},
		FailureAfterOutput: true,
		Check: func(t *testing.T, o *Objects, in parsertest.Span) {
			check := func(p source.Pos) {
				if !in.Contains(p) {
					t.Errorf("object at %v, outside the input", p)
				}
			}
			for _, s := range o.Services {
				check(s.Pos)
			}
			for _, s := range o.EndpointSlices {
				check(s.Pos)
			}
			for _, e := range o.Endpoints {
				check(e.Pos)
			}
			for _, n := range o.Nodes {
				check(n.Pos)
			}
			for _, p := range o.Pods {
				check(p.Pos)
			}
			if o.ProxyConfig != nil {
				check(o.ProxyConfig.Pos)
			}
		},
	}.Run(f)
}

// addSeeds adds the table tests' inputs, the golden inputs and more to the
// seed corpus of f.
func addSeeds(f *testing.F, more ...string) {
	for _, s := range append([]string{specList, emptyList, serviceKinds, serviceListJSON, betaSlice, v1Slices, watchJSON, configMaps, nodesPods, versionJSON, versionYAML}, more...) {
		f.Add(s)
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "TestGolden", "*.yaml"))
	for _, name := range golden {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
}

// FuzzParseVersion checks that no input crashes ParseVersion.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{versionJSON, versionYAML, "Client Version: v1.28.2\nServer Version: v1.24.6-aliyun.1\n",
		`Server Version: version.Info{Major:"1", Minor:"23+", GitVersion:"v1.23.17-eks-a5565ad"}`, "Error from server (NotFound): x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParseVersion(strings.NewReader(in), source.Pos{File: "f", Line: 1})
		if err != nil {
			return
		}
		if v.ServerVersion != nil {
			if back, err := ParseGitVersion(v.ServerVersion.String()); err != nil || back != *v.ServerVersion {
				t.Fatalf("round trip of %v: %v, %v", v.ServerVersion, back, err)
			}
		}
	})
}

// splitSeeds are inputs whose cutting into items is easy to get wrong:
// scalars and flow collections whose lines start at column 0, anchors used
// by later items, block scalars, odd documents.
var splitSeeds = []string{
	"items:\n- a: \"foo\nbar\"\n  kind: Service\n- kind: Service\n",
	"items:\n- a: 'foo\n- bar'\n  kind: Service\n- kind: Node\n",
	"items:\n- a: [1,\n2]\n  kind: Service\nkind: List\n",
	"items:\n- a: {b: \"x\n- y\"}\n  kind: Service\n",
	"items:\n- &s\n  kind: Service\n  metadata: {name: a}\n- *s\nkind: List\n",
	"items:\n- kind: Service\n  metadata: &m\n    name: a\n- kind: Service\n  metadata: *m\n",
	"items:\n- kind: Service\n  x: &a 1\n- <<: {kind: Service}\n  y: *a\n",
	"items:\n- kind: ConfigMap\n  data:\n    config.conf: |\n      kind: KubeProxyConfiguration\n      mode: ipvs\n\n      # comment\n- kind: Service\n  metadata:\n    annotations:\n      a: |+\n        x\n\n      b: |-\n        y\n",
	"items:\n  - kind: Service\n    metadata:\n      name: a\n  - kind: Service\n    metadata:\n      name: b\nkind: List\n",
	"apiVersion: v1\nitems:\n- kind: Service\n  metadata:\n    name: a\nkind: ServiceList\nitems:\n- kind: Service\n  metadata:\n    name: b\n",
	"items:\n- metadata:\n    name: a\nkind: ServiceList\napiVersion: v1\n",
	"items:\n- kind: Service\nkind: Service\nmetadata:\n  name: x\n",
	"- kind: Service\n  metadata:\n    name: a\n- kind: Node\n  metadata:\n    name: n\n",
	"%YAML 1.1\n---\nkind: Service\n...\n---\n---\nkind: Node\n... # end\nkind: Pod\n",
	"--- {kind: Service, metadata: {name: a}}\n--- |\n  text\n",
	"items:\n- kind: Service\n  spec:\n    ports:\n    - port: 80\n      targetPort: \"8080\"\n      nodePort: 0x10\n    clusterIP: 10.96.0.1\n    x: 1.5\n    y: 2024-01-01\n    z: .inf\n    w: yes\n    v: ~\n    u: -0\n    t: +1\n    s: 007\n",
	"items:\n- kind: Service\n  metadata:\n    name: a\n    labels:\n      \"k\\u00e9y\": 'it''s'\n      b: \"tab\\there \\x41 \\u00e9\"\n      c: plain # comment\n      d: a#b\n",
	"items:\n- kind: Service\n  metadata:\n    name: a\n  spec:\n    description: a long\n      plain text\n- kind: Service\n",
	// Pods, whose JSON the fast path writes without what Pod does not read;
	// keys in other cases are kept, as encoding/json matches them.
	"items:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    labels: {app: a}\n    name: p\n    Namespace: ns\n    ownerReferences:\n    - {kind: ReplicaSet, name: rs, uid: u}\n  spec:\n    containers:\n    - name: c\n      image: i\n    NodeName: node-1\n    hostnetwork: true\n  status:\n    conditions:\n    - type: Ready\n      status: \"True\"\n    podIP: 10.244.1.5\n    PodIPs:\n    - ip: 10.244.1.5\n    HOSTIP: 192.168.10.11\n- metadata:\n    name: q\n  kind: Pod\n  Spec:\n    nodeName: node-2\n  spec:\n    hostNetwork: \"yes\"\n",
	// Escapes the fast path decodes, in fields Parse keeps.
	"items:\n- kind: Service\n  metadata:\n    name: \"web\\x2d1\"\n    annotations:\n      \"k\\u00e9y\": \"tab\\there \\u00e9\"\n  spec:\n    clusterIP: \"10.96.0.\\x31\"\n- kind: Service\n  metadata:\n    name: 'it''s'\n  spec:\n    type: 'Node''Port'\n",
	"items:\n-\n  kind: Service\n  metadata:\n    name: a\n- \"just text\"\n- 5\n-\n",
	"items:\n- kind: Service\n  managedFields:\n  - manager: x\n    fieldsV1: {}\n  metadata:\n    managedFields: []\n    name: a\n",
	"items: []\nkind: List\n",
	"items:\n# comment\n\n- kind: Service\n# between\n- kind: Node\n\nkind: List\n",
	"items:\n- kind: Service\n  metadata:\n    name: a\n items: x\n",
	"items:\n- kind: Service\n\tmetadata: {}\n",
	"items:\n- kind: Service\n  a: |\n  b: 1\n- kind: Service\n  c: >\n    folded\n    text\n",
	"items:\n- ? complex\n  : key\n  kind: Service\n",
	"{\"kind\": \"List\", \"items\": [{\"kind\": \"Service\", \"metadata\": {\"name\": \"a\"}}, 5, {\"kind\": \"Node\"}], \"apiVersion\": \"v1\"}",
	"{\"items\": [{\"kind\": \"Service\"}], \"kind\": \"Service\", \"metadata\": {\"name\": \"s\"}}",
	"{\"kind\": \"ServiceList\", \"apiVersion\": \"v1\", \"items\": [{\"metadata\": {\"name\": \"a\"}}, {\"metadata\": {\"name\": \"b\"} \"x\"}]}",
	"{\"items\": [{\"kind\": \"Service\"}, ]}",
	"{\"items\": [{\"kind\": \"Service\"}]} {\"kind\": \"Node\"} [{\"kind\": \"Pod\"}]",
	"{kind: Service, metadata: {name: flow}}",
	"{}\n{\"kind\": ",
	// A carriage return alone breaks the line for YAML: the last item ends
	// at "- ki" and "d:" is a key of the document.
	"items:\n- d: \n  a:\n  e: \n  c:\n  n: g text\n- ki\rd:\n",
}

// FuzzSplit checks that reading Lists item by item, on several workers and
// by the fast path, gives what reading each document whole with the YAML
// library gives, for every input that reads without errors.
func FuzzSplit(f *testing.F) {
	addSeeds(f, append(splitSeeds, string(serviceList(30)))...)
	f.Fuzz(func(t *testing.T, in string) {
		compareReadings(t, []byte(in))
	})
}

// compareReadings reads in by items (on several workers, by the fast path)
// and whole, and fails t when both read without errors but differently. It
// reports whether they were compared.
func compareReadings(t *testing.T, in []byte) bool {
	t.Helper()
	at := source.Pos{File: "f", Line: 1}
	want, _, werr := parse(bytes.NewReader(in), at, options{workers: 1})
	got, approx, gerr := parse(bytes.NewReader(in), at, options{workers: 3, split: true, fast: true})
	if approx || werr != nil || hasReadError(want) {
		return false
	}
	if gerr != nil {
		t.Fatalf("whole: no error; by items: %v\n%s", gerr, in)
	}
	w, _ := json.MarshalIndent(want, "", " ")
	g, _ := json.MarshalIndent(got, "", " ")
	if !bytes.Equal(w, g) {
		t.Fatalf("input:\n%s\nread whole:\n%s\nby items:\n%s", in, w, g)
	}
	return true
}

// hasReadError reports whether o has a warning of input that could not be
// read: such input may be cut where reading it whole fails elsewhere.
func hasReadError(o *Objects) bool {
	for _, w := range o.Warnings {
		for _, s := range []string{"invalid YAML", "invalid JSON", "list cut short", "YAML decoder failed", "larger than"} {
			if strings.Contains(w.Msg, s) {
				return true
			}
		}
	}
	return false
}
