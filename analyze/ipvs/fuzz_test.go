package ipvs

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// FuzzParse checks that Parse never panics and that what it returns holds
// together: an error is a ParseError wrapping ErrNotIPVS, every service can
// be looked up by its key, positions stay in the input, warnings are in line
// order, and the table encodes as JSON.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"ipvsadm-Ln.raw.txt", "ipvsadm-1.31-variants.txt", "ipvsadm-noipvs.stderr.txt", "proc-net-ip_vs_conn.txt"} {
		f.Add(string(testref.Read(f, name)))
	}
	for _, p := range splitVariants(f, testref.Read(f, "ipvsadm-1.31-variants.txt")) {
		f.Add(p.text)
	}
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		const first = 7
		tab, err := Parse(strings.NewReader(in), source.Pos{File: file, Line: first})
		if err != nil {
			var pe *source.ParseError
			if tab != nil || !errors.As(err, &pe) || !errors.Is(err, ErrNotIPVS) {
				t.Fatalf("Parse = %v, %v; want nil and a ParseError wrapping ErrNotIPVS", tab, err)
			}
			return
		}
		last := first + strings.Count(in, "\n")
		inInput := func(p source.Pos) bool { return p.File == file && p.Line >= first && p.Line <= last }
		for _, s := range tab.Services {
			if tab.Service(s.Key()) == nil {
				t.Errorf("Service(%q) = nil", s.Key())
			}
			if (s.Protocol == "") == s.Addr.IsValid() {
				t.Errorf("service %s: protocol %q with address %v", s.Key(), s.Protocol, s.Addr)
			}
			if !inInput(s.Pos) {
				t.Errorf("service %s at %v, outside the input", s.Key(), s.Pos)
			}
			for _, d := range s.Dests {
				if !d.Addr.IsValid() || !inInput(d.Pos) {
					t.Errorf("dest %v at %v", d.Addr, d.Pos)
				}
			}
		}
		for _, c := range tab.Conns {
			if !c.Source.IsValid() || !c.Virtual.IsValid() || !c.Dest.IsValid() || !inInput(c.Pos) || c.Expires < 0 {
				t.Errorf("conn %+v", c)
			}
		}
		for i, w := range tab.Warnings {
			if !inInput(w.Pos) || i > 0 && w.Line < tab.Warnings[i-1].Line {
				t.Errorf("warning %d %v out of place", i, w)
			}
		}
		if _, err := json.Marshal(tab); err != nil {
			t.Error(err)
		}
	})
}
