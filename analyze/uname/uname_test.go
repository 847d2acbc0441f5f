package uname

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/golden"
)

func at(line int) source.Pos { return source.Pos{File: "uname.txt", Line: line} }

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *Result
		wantErr string
	}{
		{
			name: "ubuntu",
			in:   "Linux node-a 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n",
			want: &Result{KernelName: "Linux", Hostname: "node-a", Release: "5.4.0-150-generic", Version: Version{5, 4, 0},
				Build: "#167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023", Machine: "x86_64", OS: "GNU/Linux", Pos: at(1)},
		},
		{
			name: "debian, unknown processor left out, CRLF",
			in:   "\r\nLinux node-b 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\r\n",
			want: &Result{KernelName: "Linux", Hostname: "node-b", Release: "6.1.0-18-amd64", Version: Version{6, 1, 0},
				Build: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", Machine: "x86_64", OS: "GNU/Linux", Pos: at(2)},
		},
		{
			name: "alibaba cloud linux aarch64",
			in:   "Linux iZbp1 5.10.134-16.3.al8.aarch64 #1 SMP Thu Feb 29 16:22:41 CST 2024 aarch64 aarch64 aarch64 GNU/Linux\n",
			want: &Result{KernelName: "Linux", Hostname: "iZbp1", Release: "5.10.134-16.3.al8.aarch64", Version: Version{5, 10, 134},
				Build: "#1 SMP Thu Feb 29 16:22:41 CST 2024", Machine: "aarch64", OS: "GNU/Linux", Pos: at(1)},
		},
		{
			name: "centos 7, old coreutils prints unknown",
			in:   "Linux node-c 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 unknown unknown GNU/Linux\n",
			want: &Result{KernelName: "Linux", Hostname: "node-c", Release: "3.10.0-1160.el7.x86_64", Version: Version{3, 10, 0},
				Build: "#1 SMP Mon Oct 19 16:18:59 UTC 2020", Machine: "x86_64", OS: "GNU/Linux", Pos: at(1)},
		},
		{
			name: "busybox",
			in:   "Linux alpine 6.6.12-linuxkit #1 SMP Fri Jan 19 08:53:17 UTC 2024 aarch64 Linux\n",
			want: &Result{KernelName: "Linux", Hostname: "alpine", Release: "6.6.12-linuxkit", Version: Version{6, 6, 12},
				Build: "#1 SMP Fri Jan 19 08:53:17 UTC 2024", Machine: "aarch64", OS: "Linux", Pos: at(1)},
		},
		{
			name: "uname -r",
			in:   "5.15.0-1034-azure\n",
			want: &Result{Release: "5.15.0-1034-azure", Version: Version{5, 15, 0}, Pos: at(1)},
		},
		{
			name: "unknown machine and a second line",
			in:   "Linux n 6.8.0 #1 SMP 2024 sparc64 GNU/Linux\nLinux n 6.8.0\n",
			want: &Result{KernelName: "Linux", Hostname: "n", Release: "6.8.0", Version: Version{6, 8, 0},
				Build: "#1 SMP 2024", Machine: "sparc64", OS: "GNU/Linux", Pos: at(1),
				Warnings: []source.Warning{
					{Pos: at(1), Msg: `unknown machine "sparc64"`, Text: "Linux n 6.8.0 #1 SMP 2024 sparc64 GNU/Linux"},
					{Pos: at(2), Msg: "more than one line of uname output (ignored)", Text: "Linux n 6.8.0"},
				}},
		},
		{
			name: "empty",
			in:   "\n",
			want: &Result{},
		},
		{
			name: "command not found",
			in:   "sh: uname: not found\n",
			want: &Result{Failure: &source.Failure{Pos: at(1), Message: "sh: uname: not found"}},
		},
		{
			name:    "not a release",
			in:      "Linux\n",
			wantErr: `uname.txt:1: not uname output: release "Linux" is not a kernel version: "Linux"`,
		},
		{
			name:    "two fields",
			in:      "Linux node-a\n",
			wantErr: `uname.txt:1: not uname output: "Linux node-a"`,
		},
		{
			name:    "not uname -a",
			in:      "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n",
			wantErr: `uname.txt:1: not uname output: release "0" is not a kernel version: "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), at(1))
			if tt.wantErr != "" || err != nil {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", dump(t, got), dump(t, tt.want))
			}
		})
	}
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

func dump(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestGolden compares the parse of the sample capture (written for these
// tests; no reference output of uname exists) with
// testdata/TestGolden/uname-a.txt.golden; -update rewrites it.
func TestGolden(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "uname-a.txt"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Parse(bytes.NewReader(data), source.Pos{File: "uname-a.txt", Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	golden.CheckJSON(t, golden.Path(t, "uname-a.txt"), res)
}

// BenchmarkParse measures the parser on the sample capture:
//
//	go test -run '^$' -bench . ./analyze/uname
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "uname-a.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data), source.Pos{File: "uname.txt", Line: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
