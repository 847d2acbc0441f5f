package diff

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/internal/examples"
	"github.com/ipvslint/ipvslint/internal/golden"
	"github.com/ipvslint/ipvslint/internal/schemacheck"
)

// schemaPath is the JSON Schema of the diff, which this package owns.
const schemaPath = "../../docs/diff.schema.json"

// sideOfBundle reads an example bundle as the command does and returns its
// State, with the built-in rules' findings.
func sideOfBundle(t *testing.T, eng *engine.Engine, name string) *State {
	t.Helper()
	a := examples.Analyse(t, eng, filepath.Join(examples.Dir(t), name), input.Options{Reads: Reads(eng.Reads())})
	return StateOf([]string{"bundles/" + name}, a.Document, a.Findings)
}

func builtin(t *testing.T) *engine.Engine {
	t.Helper()
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// checkSchema fails t for what of d breaks docs/diff.schema.json.
func checkSchema(t *testing.T, d *Diff) {
	t.Helper()
	schema, err := schemacheck.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	errs, err := schema.Violations(b.Bytes(), "diff")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Error(e)
	}
}

// TestUpgrade diffs the example bundles of one cluster before and after
// its upgrade to 1.24 (etp-local-before-1-24, etp-local-1-24-vpc: the
// same Services, nodes and pods) against a golden JSON file, and checks it
// against the schema.
func TestUpgrade(t *testing.T) {
	eng := builtin(t)
	d := Compare(sideOfBundle(t, eng, "etp-local-before-1-24"), sideOfBundle(t, eng, "etp-local-1-24-vpc"))
	var b bytes.Buffer
	if err := report.WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, golden.Path(t, "etp-local-upgrade"), b.Bytes())
	checkSchema(t, d)
}

// TestBundlesIdentical diffs every example bundle with itself: nothing
// differs, every finding persists.
func TestBundlesIdentical(t *testing.T) {
	eng := builtin(t)
	for _, name := range examples.Names(t) {
		t.Run(name, func(t *testing.T) {
			s := sideOfBundle(t, eng, name)
			d := Compare(s, s)
			if want := (Summary{Identical: true, FindingsPersisted: len(s.findings)}); d.Summary != want {
				t.Errorf("summary = %+v, want %+v", d.Summary, want)
			}
			if len(s.findings) == 0 || len(s.nodes) == 0 || len(s.services) == 0 {
				t.Errorf("%d findings, %d nodes, %d Services: the bundle was not read", len(s.findings), len(s.nodes), len(s.services))
			}
			checkSchema(t, d)
		})
	}
}

// TestSchema checks a diff with every section against the schema.
func TestSchema(t *testing.T) {
	checkSchema(t, textDiff())
}

// TestSchemaRejects makes sure the schema rejects what breaks the
// contract.
func TestSchemaRejects(t *testing.T) {
	schema, err := schemacheck.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	d := textDiff()
	d.Nodes[0].Status = "gone"
	d.Findings.Appeared = nil
	d.Services.Changed[0].Changes = []Change{}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	got, err := schema.Violations(b.Bytes(), "diff")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"diff/findings/appeared: got null, want array",
		"diff/nodes/0/status: value must be one of 'added', 'removed', 'changed'",
		"diff/services/changed/0/changes: minItems: got 0, want 1",
	}
	if len(got) != len(want) {
		t.Fatalf("violations %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("violation %d = %q, want %q", i, got[i], want[i])
		}
	}
}
