package uname

import (
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/parsertest"
)

func at(line int) source.Pos { return source.Pos{File: "uname.txt", Line: line} }

func TestParse(t *testing.T) {
	parsertest.Table(t, Parse, "uname.txt", []parsertest.Case[Result]{
		{
			Name: "ubuntu",
			In:   "Linux node-a 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n",
			Want: &Result{KernelName: "Linux", Hostname: "node-a", Release: "5.4.0-150-generic", Version: Version{5, 4, 0},
				Build: "#167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023", Machine: "x86_64", OS: "GNU/Linux", Pos: at(1)},
		},
		{
			Name: "debian, unknown processor left out, CRLF",
			In:   "\r\nLinux node-b 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\r\n",
			Want: &Result{KernelName: "Linux", Hostname: "node-b", Release: "6.1.0-18-amd64", Version: Version{6, 1, 0},
				Build: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", Machine: "x86_64", OS: "GNU/Linux", Pos: at(2)},
		},
		{
			Name: "alibaba cloud linux aarch64",
			In:   "Linux iZbp1 5.10.134-16.3.al8.aarch64 #1 SMP Thu Feb 29 16:22:41 CST 2024 aarch64 aarch64 aarch64 GNU/Linux\n",
			Want: &Result{KernelName: "Linux", Hostname: "iZbp1", Release: "5.10.134-16.3.al8.aarch64", Version: Version{5, 10, 134},
				Build: "#1 SMP Thu Feb 29 16:22:41 CST 2024", Machine: "aarch64", OS: "GNU/Linux", Pos: at(1)},
		},
		{
			Name: "centos 7, old coreutils prints unknown",
			In:   "Linux node-c 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 unknown unknown GNU/Linux\n",
			Want: &Result{KernelName: "Linux", Hostname: "node-c", Release: "3.10.0-1160.el7.x86_64", Version: Version{3, 10, 0},
				Build: "#1 SMP Mon Oct 19 16:18:59 UTC 2020", Machine: "x86_64", OS: "GNU/Linux", Pos: at(1)},
		},
		{
			Name: "busybox",
			In:   "Linux alpine 6.6.12-linuxkit #1 SMP Fri Jan 19 08:53:17 UTC 2024 aarch64 Linux\n",
			Want: &Result{KernelName: "Linux", Hostname: "alpine", Release: "6.6.12-linuxkit", Version: Version{6, 6, 12},
				Build: "#1 SMP Fri Jan 19 08:53:17 UTC 2024", Machine: "aarch64", OS: "Linux", Pos: at(1)},
		},
		{
			Name: "uname -r",
			In:   "5.15.0-1034-azure\n",
			Want: &Result{Release: "5.15.0-1034-azure", Version: Version{5, 15, 0}, Pos: at(1)},
		},
		{
			Name: "unknown machine and a second line",
			In:   "Linux n 6.8.0 #1 SMP 2024 sparc64 GNU/Linux\nLinux n 6.8.0\n",
			Want: &Result{KernelName: "Linux", Hostname: "n", Release: "6.8.0", Version: Version{6, 8, 0},
				Build: "#1 SMP 2024", Machine: "sparc64", OS: "GNU/Linux", Pos: at(1),
				Warnings: []source.Warning{
					{Pos: at(1), Msg: `unknown machine "sparc64"`, Text: "Linux n 6.8.0 #1 SMP 2024 sparc64 GNU/Linux"},
					{Pos: at(2), Msg: "more than one line of uname output (ignored)", Text: "Linux n 6.8.0"},
				}},
		},
		{
			// A paste that starts with a line of something else; the
			// hostname replaced by a placeholder is just a word.
			Name: "odd first line",
			In:   "Last login: Tue Nov 24 09:12:01 2026\nLinux <hostname> 5.4.0-150-generic #167-Ubuntu SMP x86_64 GNU/Linux\n",
			Want: &Result{KernelName: "Linux", Hostname: "<hostname>", Release: "5.4.0-150-generic", Version: Version{5, 4, 0},
				Build: "#167-Ubuntu SMP", Machine: "x86_64", OS: "GNU/Linux", Pos: at(2),
				Warnings: []source.Warning{
					{Pos: at(1), Msg: `not uname output: release "Tue" is not a kernel version (skipped)`, Text: "Last login: Tue Nov 24 09:12:01 2026"},
				}},
		},
		{
			Name: "empty",
			In:   "\n",
			Want: &Result{},
		},
		{
			Name: "command not found",
			In:   "sh: uname: not found\n",
			Want: &Result{Failure: &source.Failure{Pos: at(1), Message: "sh: uname: not found"}},
		},
		{
			Name:    "not a release",
			In:      "Linux\n",
			WantErr: `uname.txt:1: not uname output: release "Linux" is not a kernel version: "Linux"`,
		},
		{
			Name:    "two fields",
			In:      "Linux node-a\n",
			WantErr: `uname.txt:1: not uname output: "Linux node-a"`,
		},
		{
			Name:    "not uname -a",
			In:      "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n",
			WantErr: `uname.txt:1: not uname output: release "0" is not a kernel version: "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*"`,
		},
	})
}

func TestVersion(t *testing.T) {
	tests := []struct {
		release string
		want    Version
		ok      bool
		at59    bool // AtLeast(5, 9)
	}{
		{"5.4.0-150-generic", Version{5, 4, 0}, true, false},
		{"5.9.0", Version{5, 9, 0}, true, true},
		{"5.10.134-16.3.al8.x86_64", Version{5, 10, 134}, true, true},
		{"4.19.91-26.al7.x86_64", Version{4, 19, 91}, true, false},
		{"6.10-rc1", Version{6, 10, 0}, true, true},
		{"6.1", Version{6, 1, 0}, true, true},
		{"5", Version{}, false, false},
		{"linux-5.4", Version{}, false, false},
		{"0.0.0", Version{}, false, false},
		{"5.x.1", Version{}, false, false},
		{"", Version{}, false, false},
	}
	for _, tt := range tests {
		v, ok := ParseVersion(tt.release)
		if v != tt.want || ok != tt.ok || v.AtLeast(5, 9) != tt.at59 {
			t.Errorf("ParseVersion(%q) = %v, %v (AtLeast(5, 9) %v); want %v, %v, %v", tt.release, v, ok, v.AtLeast(5, 9), tt.want, tt.ok, tt.at59)
		}
	}
	if v := (Version{5, 9, 0}); !v.AtLeast(4, 1) || v.AtLeast(6, 0) || v.String() != "5.9.0" {
		t.Errorf("5.9.0: AtLeast(4, 1) %v, AtLeast(6, 0) %v, String %q", v.AtLeast(4, 1), v.AtLeast(6, 0), v)
	}
}

// capture is the sample capture, written for these tests (no reference
// output of uname exists).
var capture = parsertest.Captures[Result]{Parse: Parse, Read: parsertest.Testdata, Names: []string{"uname-a.txt"}}

// TestGolden compares the parse of the sample capture with
// testdata/TestGolden/uname-a.txt.golden; -update rewrites it.
func TestGolden(t *testing.T) {
	capture.Golden(t)
}

// BenchmarkParse measures the parser on the sample capture:
//
//	go test -run '^$' -bench . ./analyze/uname
func BenchmarkParse(b *testing.B) {
	capture.Benchmark(b, "uname-a.txt")
}
