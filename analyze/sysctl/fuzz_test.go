package sysctl

import (
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// FuzzParse checks the invariants every parser keeps (see parsertest.Fuzz)
// and that every entry has a name without blanks and a place in the input.
func FuzzParse(f *testing.F) {
	captures.Seed(f)
	f.Add("net.ipv4.ip_forward=1\r\nsysctl: permission denied on key 'x'\nodd\n")
	f.Add("bash: sysctl: command not found\n")
	f.Add("Last login: Tue Nov 24 09:12:01 2026\nnet.ipv4.vs.conntrack = 1\nnet.ipv4.vs.conn_reuse_mode = <value>\n")
	parsertest.Fuzz[Result]{
		Parse: Parse,
		First: 3,
		Common: func(res *Result) parsertest.Common {
			return parsertest.Common{Warnings: res.Warnings, Failure: res.Failure, Records: len(res.Entries) + len(res.Missing)}
		},
		Check: func(t *testing.T, res *Result, in parsertest.Span) {
			for name, e := range res.Entries {
				if name == "" || strings.ContainsAny(name, " \t") || !in.Contains(e.Pos) {
					t.Fatalf("entry %q at %v", name, e.Pos)
				}
				if v, _, ok := res.Int(name); ok && strings.TrimSpace(e.Value) == "" {
					t.Fatalf("Int(%q) = %d from an empty value", name, v)
				}
			}
		},
	}.Run(f)
}
