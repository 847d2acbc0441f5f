//go:build unix

package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// TestSpecialTargets checks the targets nothing may be renamed over, which
// are written in place: a named pipe (as /dev/null would be) stays a pipe
// and its reader gets the bytes; a symbolic link (as /dev/stdout is) stays
// a link, and the file it names gets them, made when it is missing.
func TestSpecialTargets(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, target string) // makes target
		check func(t *testing.T, dir, target string, read func() string)
	}{
		{
			name: "named pipe",
			setup: func(t *testing.T, dir, target string) {
				if err := syscall.Mkfifo(target, 0o600); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
			},
			check: func(t *testing.T, dir, target string, read func() string) {
				if !wantMode(t, target, fs.ModeNamedPipe) {
					return // its reader waits for a writer that never comes
				}
				if got := read(); got != "report\n" {
					t.Errorf("the pipe's reader got %q", got)
				}
				wantFiles(t, dir, "out")
			},
		},
		{
			name: "link to a file",
			setup: func(t *testing.T, dir, target string) {
				if err := os.WriteFile(filepath.Join(dir, "real"), []byte("old\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink("real", target); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, dir, target string, _ func() string) {
				wantMode(t, target, fs.ModeSymlink)
				if got, err := os.ReadFile(filepath.Join(dir, "real")); err != nil || string(got) != "report\n" {
					t.Errorf("the linked file holds %q (%v)", got, err)
				}
				wantFiles(t, dir, "out", "real")
			},
		},
		{
			name: "dangling link",
			setup: func(t *testing.T, dir, target string) {
				if err := os.Symlink("missing", target); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, dir, target string, _ func() string) {
				wantMode(t, target, fs.ModeSymlink)
				if got, err := os.ReadFile(filepath.Join(dir, "missing")); err != nil || string(got) != "report\n" {
					t.Errorf("the linked file holds %q (%v)", got, err)
				}
				wantFiles(t, dir, "missing", "out")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "out")
			tt.setup(t, dir, target)
			read := make(chan string, 1)
			if fi, err := os.Lstat(target); err == nil && fi.Mode()&fs.ModeNamedPipe != 0 {
				go func() {
					f, err := os.Open(target)
					if err != nil {
						read <- err.Error()
						return
					}
					defer f.Close()
					b, _ := io.ReadAll(f)
					read <- string(b)
				}()
			} else {
				read <- ""
			}
			if err := Write(target, Mode, write("report\n")); err != nil {
				t.Fatalf("Write: %v", err)
			}
			tt.check(t, dir, target, func() string { return <-read })
		})
	}
}

// wantMode checks the type bits of name itself (a link is not followed),
// and reports whether they are typ.
func wantMode(t *testing.T, name string, typ fs.FileMode) bool {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Type(); got != typ {
		t.Errorf("%s is of type %v, want %v", name, got, typ)
		return false
	}
	return true
}

// wantFiles checks that dir holds exactly the files names: no temporary
// file is left.
func wantFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	if got := dirNames(t, dir); !slices.Equal(got, names) {
		t.Errorf("files %v, want %v", got, names)
	}
}
