package sysctl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// FuzzParse checks that Parse never panics, that errors are placed
// ParseErrors, and that every entry has a name without blanks and a place.
func FuzzParse(f *testing.F) {
	for _, name := range captures {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("net.ipv4.ip_forward=1\r\nsysctl: permission denied on key 'x'\nodd\n")
	f.Add("bash: sysctl: command not found\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := Parse(strings.NewReader(in), source.Pos{File: "f", Line: 3})
		if err != nil {
			var pe *source.ParseError
			if !errors.As(err, &pe) || pe.File != "f" || pe.Line < 3 {
				t.Fatalf("error %v is not a ParseError placed in f", err)
			}
			return
		}
		for name, e := range res.Entries {
			if name == "" || strings.ContainsAny(name, " \t") || e.Pos.File != "f" || e.Pos.Line < 3 {
				t.Fatalf("entry %q at %v", name, e.Pos)
			}
			if v, _, ok := res.Int(name); ok && strings.TrimSpace(e.Value) == "" {
				t.Fatalf("Int(%q) = %d from an empty value", name, v)
			}
		}
	})
}
