//go:build unix

package bundle

import (
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
)

// TestReadLooseDir reads a directory of pasted files: every regular file in
// sorted order, symbolic links and FIFOs listed as ignored and never opened
// (opening a FIFO would block).
func TestReadLooseDir(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "b/ipvsadm.out", []byte(ipvsadmTxt))
	writeFile(t, dir, "a.txt", []byte("$ conntrack -L\n"+conntrackTxt))
	writeFile(t, dir, "c.txt", []byte("notes\n"))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")); err != nil {
		t.Fatal(err)
	}
	caps, b, err := readAll(t, dir, Options{Node: "node-c"})
	if err != nil {
		t.Fatal(err)
	}
	want := []got{
		{Path: "a.txt", Node: "node-c", Kind: KindConntrack, Line: 2, Command: "conntrack -L", Body: conntrackTxt},
		{Path: "b/ipvsadm.out", Node: "node-c", Kind: KindIPVS, Line: 1, Body: ipvsadmTxt},
	}
	if !reflect.DeepEqual(caps, want) {
		t.Errorf("captures:\n%+v\nwant:\n%+v", caps, want)
	}
	// Links and special files are listed while walking, before any file is
	// read.
	wantIgnored := []Ignored{
		{Path: "fifo", Reason: "not a regular file"},
		{Path: "passwd", Reason: "symbolic link (not followed)"},
		{Path: "c.txt", Line: 1, Reason: unrecognised},
	}
	if !reflect.DeepEqual(b.Ignored, wantIgnored) {
		t.Errorf("ignored = %+v, want %+v", b.Ignored, wantIgnored)
	}
	if !b.Loose || b.Format != "dir" {
		t.Errorf("loose, format = %v, %q", b.Loose, b.Format)
	}
}
