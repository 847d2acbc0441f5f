package testref

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// outside are the ways a file of the repository could name the team's
// shared directory beside it, which no clone has. They are built here so
// that this file does not name it itself.
var outside = [][]byte{
	[]byte(".." + "/shared"),
	[]byte("/work/" + "shared"),
	[]byte(`"..", "` + `shared"`),
}

// TestStandsAlone fails when a file of the module (code, tests, scripts,
// docs, CI) reads or links to a directory beside the repository: a clone
// must build, test and document itself with nothing else on the machine.
// It also checks that the reference outputs are inside the module.
func TestStandsAlone(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	if dir, err := filepath.Abs(Dir(t)); err != nil || !strings.HasPrefix(dir, root+string(filepath.Separator)) {
		t.Errorf("the reference outputs %s are outside the module %s", dir, root)
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		rel, _ := filepath.Rel(root, path)
		for _, needle := range outside {
			if i := bytes.Index(b, needle); i >= 0 {
				line := bytes.Count(b[:i], []byte("\n")) + 1
				t.Errorf("%s:%d names %q, a directory beside the repository that no clone has", rel, line, needle)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("checked %d files only: is %s the module root?", checked, root)
	}
}
