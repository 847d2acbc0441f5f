package uname

import (
	"testing"

	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// FuzzParse checks the invariants every parser keeps (see parsertest.Fuzz)
// and that a parsed release always has a valid version and a place in the
// input.
func FuzzParse(f *testing.F) {
	capture.Seed(f)
	f.Add("Linux node-a 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n")
	f.Add("Linux node-c 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 unknown unknown GNU/Linux\r\n")
	f.Add("Linux alpine 6.6.12-linuxkit #1 SMP aarch64 Linux\n")
	f.Add("6.10-rc1\n")
	f.Add("Linux n 6.8.0 #1 SMP 2024 sparc64 GNU/Linux\nLinux n 6.8.0\n")
	f.Add("sh: uname: not found\n")
	f.Add("Last login: Tue Nov 24 09:12:01 2026\nLinux <hostname> 5.4.0-150-generic #167-Ubuntu SMP x86_64 GNU/Linux\n")
	parsertest.Fuzz[Result]{
		Parse: Parse,
		Common: func(res *Result) parsertest.Common {
			c := parsertest.Common{Warnings: res.Warnings, Failure: res.Failure}
			if res.Release != "" {
				c.Records = 1
			}
			return c
		},
		Check: func(t *testing.T, res *Result, in parsertest.Span) {
			if res.Release != "" && (!res.Version.IsValid() || !in.Contains(res.Pos)) {
				t.Fatalf("release %q with version %v at %v", res.Release, res.Version, res.Pos)
			}
		},
	}.Run(f)
}
