// Package golden compares test output with golden files kept under
// testdata/, and rewrites them when the test binary runs with -update.
// Golden files are read by a person before they are committed.
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Update reports whether the test binary runs with -update, for tests that
// refresh generated files other than golden files under testdata/.
func Update() bool { return *update }

// Path returns the golden file path testdata/<TestName>/<name>.golden for t,
// where <TestName> is the name of the top-level test: the subtests of one test
// share its directory.
func Path(t testing.TB, name string) string {
	test, _, _ := strings.Cut(t.Name(), "/")
	return filepath.Join("testdata", test, name+".golden")
}

// Check compares got with the golden file at path (relative to the test's
// package directory), or rewrites the file under -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it, then read it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test -update and review the diff.\n--- got:\n%s", path, got)
	}
}

// CheckJSON marshals v as indented JSON and compares it with the golden file
// at path.
func CheckJSON(t testing.TB, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	Check(t, path, append(got, '\n'))
}
