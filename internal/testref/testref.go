// Package testref locates the byte-exact reference outputs of the real tools
// (internal/testref/testdata, described by its README.md) for parser tests,
// fuzz seeds and the collector's shims.
package testref

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the reference directory. It fails the test when the directory
// is missing: a parser test that silently skipped its reference files could
// never fail.
func Dir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testref: cannot locate the source file")
	}
	dir := filepath.Join(filepath.Dir(file), "testdata")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("testref: reference outputs not found: %v", err)
	}
	return dir
}

// Path returns the path of the named reference file.
func Path(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(Dir(t), name)
}

// Read returns the contents of the named reference file.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
