package uname

import (
	"errors"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// FuzzParse checks that Parse never panics, that errors are placed
// ParseErrors, and that a parsed release always has a valid version.
func FuzzParse(f *testing.F) {
	f.Add("Linux node-a 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n")
	f.Add("Linux node-c 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 unknown unknown GNU/Linux\r\n")
	f.Add("Linux alpine 6.6.12-linuxkit #1 SMP aarch64 Linux\n")
	f.Add("6.10-rc1\n")
	f.Add("Linux n 6.8.0 #1 SMP 2024 sparc64 GNU/Linux\nLinux n 6.8.0\n")
	f.Add("sh: uname: not found\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := Parse(strings.NewReader(in), source.Pos{File: "f", Line: 1})
		if err != nil {
			var pe *source.ParseError
			if !errors.As(err, &pe) || pe.File != "f" || pe.Line < 1 {
				t.Fatalf("error %v is not a ParseError placed in f", err)
			}
			return
		}
		if res.Release != "" && (!res.Version.IsValid() || !res.Pos.IsValid()) {
			t.Fatalf("release %q with version %v at %v", res.Release, res.Version, res.Pos)
		}
	})
}
