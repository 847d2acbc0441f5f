package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWrite checks that a file appears whole, with the mode os.OpenFile
// gives, or not at all, and that no temporary file is left.
func TestWrite(t *testing.T) {
	failed := errors.New("failed")
	tests := []struct {
		name     string
		old      string // the target's content before (mode 0600), "" for none
		perm     fs.FileMode
		fn       func(io.Writer) error
		want     string      // the target's content after, "" for none
		wantPerm fs.FileMode // the mode it was created with
		wantErr  error
	}{
		{"new", "", Mode, write("report\n"), "report\n", Mode, nil},
		{"private", "", 0o600, write("key\n"), "key\n", 0o600, nil},
		{"over an old file", "old\n", Mode, write("new\n"), "new\n", Mode, nil},
		{"large", "", Mode, write(strings.Repeat("x", 3*bufSize+1)), strings.Repeat("x", 3*bufSize+1), Mode, nil},
		{"failed", "", Mode, func(w io.Writer) error { io.WriteString(w, "half"); return failed }, "", Mode, failed},
		{"failed over an old file", "old\n", Mode, func(w io.Writer) error { io.WriteString(w, "half"); return failed }, "old\n", 0o600, failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "out.txt")
			if tt.old != "" {
				if err := os.WriteFile(name, []byte(tt.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(name, tt.perm, tt.fn); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Write: %v, want %v", err, tt.wantErr)
			}
			checkDir(t, dir, tt.want, tt.wantPerm)
		})
	}
}

// TestCommitLater checks a File committed after other work: the target is
// untouched until Commit, Discard after Commit keeps it, and Discard
// without Commit leaves nothing.
func TestCommitLater(t *testing.T) {
	for _, commit := range []bool{true, false} {
		dir := t.TempDir()
		name := filepath.Join(dir, "out.txt")
		f, err := Create(name, Mode)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, "bundle\n"); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, "late"); !errors.Is(err, fs.ErrClosed) {
			t.Errorf("write after Close: %v, want %v", err, fs.ErrClosed)
		}
		if _, err := os.Stat(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the target exists before Commit: %v", err)
		}
		want := ""
		if commit {
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			want = "bundle\n"
		}
		f.Discard()
		checkDir(t, dir, want, Mode)
	}
}

func write(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// checkDir checks that dir holds out.txt with content want and the mode
// a file created with perm gets, or nothing when want is "".
func checkDir(t *testing.T, dir, want string, perm fs.FileMode) {
	t.Helper()
	names := dirNames(t, dir)
	if want == "" {
		if len(names) != 0 {
			t.Errorf("files left: %v", names)
		}
		return
	}
	if len(names) != 1 || names[0] != "out.txt" {
		t.Fatalf("files %v, want out.txt alone", names)
	}
	got, err := os.ReadFile(filepath.Join(dir, "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("content %.40q (%d bytes), want %.40q (%d bytes)", got, len(got), want, len(want))
	}
	ref := filepath.Join(t.TempDir(), "ref")
	f, err := os.OpenFile(ref, os.O_CREATE|os.O_WRONLY, perm)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, err := os.Stat(filepath.Join(dir, "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	refInfo, err := os.Stat(ref)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != refInfo.Mode() {
		t.Errorf("mode %v, want %v (as os.OpenFile gives)", fi.Mode(), refInfo.Mode())
	}
}

// dirNames returns the names of the files in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
