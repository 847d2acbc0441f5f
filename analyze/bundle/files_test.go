package bundle

import (
	"archive/tar"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	pack := []entry{
		{name: "/.manifest", body: `{"roots": ["ipvslint"]}`},
		{name: "/", typ: tar.TypeDir},
		{name: "/rules/", typ: tar.TypeDir},
		{name: "/rules/port.rego", body: "package ipvslint.rules.port\n"},
		{name: "./rules/port_test.rego", body: "package ipvslint.rules.port_test\n"},
		{name: "rules/port.rego", body: "a later entry at the same path"},
	}
	for _, arg := range []string{
		writeFile(t, dir, "pack.tar.gz", gzipBytes(t, tarBytes(t, pack))),
		writeFile(t, dir, "pack.tar", tarBytes(t, pack)),
	} {
		t.Run(filepath.Base(arg), func(t *testing.T) {
			fsys, err := ReadFiles(arg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					names = append(names, name)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(names, " "), ".manifest rules/port.rego rules/port_test.rego"; got != want {
				t.Errorf("files %q, want %q", got, want)
			}
			b, err := fs.ReadFile(fsys, "rules/port.rego")
			if err != nil || string(b) != "package ipvslint.rules.port\n" {
				t.Errorf("rules/port.rego = %q, %v: want the first entry", b, err)
			}
		})
	}
}

func TestReadFilesRefused(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		data  []byte
		opts  Options
		want  string
		cause error
	}{
		{"dotdot.tar.gz", gzipBytes(t, tarBytes(t, []entry{{name: "/rules/../../evil.rego", body: "x"}})), Options{},
			`dotdot.tar.gz: entry "/rules/../../evil.rego": refused: path escapes the bundle`, ErrUnsafePath},
		{"doubleslash.tar", tarBytes(t, []entry{{name: "//etc/passwd", body: "x"}}), Options{},
			`doubleslash.tar: entry "//etc/passwd": refused: absolute path`, ErrUnsafePath},
		{"symlink.tar.gz", gzipBytes(t, tarBytes(t, []entry{{name: "lib.rego", typ: tar.TypeSymlink, link: "/etc/shadow"}})), Options{},
			`symlink.tar.gz: entry "lib.rego": refused: symbolic link to "/etc/shadow"`, ErrLink},
		{"hardlink.tar", tarBytes(t, []entry{{name: "lib.rego", typ: tar.TypeLink, link: "x.rego"}}), Options{},
			`hardlink.tar: entry "lib.rego": refused: hard link to "x.rego"`, ErrLink},
		{"fifo.tar", tarBytes(t, []entry{{name: "p", typ: tar.TypeFifo}}), Options{},
			`fifo.tar: entry "p": refused: FIFO`, ErrSpecialFile},
		{"big.tar.gz", gzipBytes(t, tarBytes(t, []entry{{name: "big.rego", body: strings.Repeat("#\n", 600)}})), Options{MaxBytes: 1000},
			`big.tar.gz: entry "big.rego": refused: size 1200 would exceed the limit of 1000 bytes`, ErrTooLarge},
		{"many.tar", tarBytes(t, []entry{{name: "a.rego"}, {name: "b.rego"}, {name: "c.rego"}}), Options{MaxEntries: 2},
			`many.tar: entry "c.rego": refused: more than 2 entries`, ErrTooManyEntries},
		{"truncated.tar", tarBytes(t, []entry{{name: "a.rego", body: "x", size: 5000}}), Options{},
			`truncated.tar: entry "a.rego": damaged archive: truncated`, ErrDamaged},
		{"plain.rego", []byte("package x\n"), Options{},
			`plain.rego: not a tar or tar.gz archive`, ErrUnsupported},
		{"pack.zip", zipBytes(t, []entry{{name: "a.rego", body: "x"}}), Options{},
			`pack.zip: not a tar or tar.gz archive`, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arg := writeFile(t, dir, tt.name, tt.data)
			_, err := ReadFiles(arg, tt.opts)
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if got := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)); got != tt.want {
				t.Errorf("error %q\nwant  %q", got, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.cause) {
				t.Errorf("error %v is not an *Error matching %v", err, tt.cause)
			}
		})
	}
	if _, err := ReadFiles(filepath.Join(dir, "missing.tgz"), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}
