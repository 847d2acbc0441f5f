// Package testref locates the byte-exact reference outputs of the real tools
// (../shared/reference beside the repository) for parser tests and fuzz seeds.
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
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir := filepath.Join(root, "..", "shared", "reference")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("testref: reference outputs not found beside the repository: %v", err)
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
