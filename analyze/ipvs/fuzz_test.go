package ipvs

import (
	"errors"
	"testing"

	"github.com/ipvslint/ipvslint/internal/parsertest"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// FuzzParse checks the invariants every parser keeps (see parsertest.Fuzz)
// and that what Parse returns holds together: an error wraps ErrNotIPVS,
// every service can be looked up by its key, positions stay in the input and
// warnings are in line order.
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
	parsertest.Fuzz[Table]{
		Parse: Parse,
		First: 7,
		Common: func(tab *Table) parsertest.Common {
			return parsertest.Common{Warnings: tab.Warnings, Failure: tab.Failure, Records: len(tab.Services) + len(tab.Conns)}
		},
		FailureAfterOutput: true,
		Err: func(t *testing.T, err error) {
			if !errors.Is(err, ErrNotIPVS) {
				t.Fatalf("error %v does not wrap ErrNotIPVS", err)
			}
		},
		Check: func(t *testing.T, tab *Table, in parsertest.Span) {
			for _, s := range tab.Services {
				if tab.Service(s.Key()) == nil {
					t.Errorf("Service(%q) = nil", s.Key())
				}
				if (s.Protocol == "") == s.Addr.IsValid() {
					t.Errorf("service %s: protocol %q with address %v", s.Key(), s.Protocol, s.Addr)
				}
				if !in.Contains(s.Pos) {
					t.Errorf("service %s at %v, outside the input", s.Key(), s.Pos)
				}
				for _, d := range s.Dests {
					if !d.Addr.IsValid() || !in.Contains(d.Pos) {
						t.Errorf("dest %v at %v", d.Addr, d.Pos)
					}
				}
			}
			for _, c := range tab.Conns {
				if !c.Source.IsValid() || !c.Virtual.IsValid() || !c.Dest.IsValid() || !in.Contains(c.Pos) || c.Expires < 0 {
					t.Errorf("conn %+v", c)
				}
			}
			for i := 1; i < len(tab.Warnings); i++ {
				if tab.Warnings[i].Line < tab.Warnings[i-1].Line {
					t.Errorf("warning %d %v before the one at line %d", i, tab.Warnings[i], tab.Warnings[i-1].Line)
				}
			}
		},
	}.Run(f)
}
