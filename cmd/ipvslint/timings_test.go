package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCPUProfile runs the binary with --cpu-profile: a profile that go tool
// pprof reads (gzip'd protocol buffers) is written when the command ends,
// whatever its exit code, and a file that cannot be created stops the
// command before it reads anything.
func TestCPUProfile(t *testing.T) {
	dir := t.TempDir()
	capture := "IP Virtual Server version 1.2.1 (size=4096)\n" +
		"Prot LocalAddress:Port Scheduler Flags\n" +
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
		"TCP  10.96.0.10:80 rr\n" +
		"  -> 10.244.1.5:8080              Masq    1      0          0\n"
	if err := os.WriteFile(filepath.Join(dir, "ipvsadm.txt"), []byte(capture), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string // the profile's path is appended to --cpu-profile
		profile    string   // relative to dir
		wantCode   int
		wantStderr string // a part of standard error; "" wants it empty
	}{
		{"analyze", []string{"analyze", "--format", "json", "--fail-on", "never", "--cpu-profile"}, "analyze.pprof", exitOK, ""},
		{"analyze with findings", []string{"analyze", "--fail-on", "info", "--cpu-profile"}, "findings.pprof", exitFindings, ""},
		{"diff", []string{"diff", "--old", dir, "--new", dir, "--cpu-profile"}, "diff.pprof", exitOK, ""},
		{"folder that does not exist", []string{"analyze", "--cpu-profile"}, "missing/analyze.pprof", exitUsage, "--cpu-profile: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			profile := filepath.Join(dir, tt.profile)
			args := append(tt.args, profile)
			if tt.args[0] == "analyze" {
				args = append(args, dir)
			}
			_, stderr, code := ipvslint(t, args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if tt.wantStderr == "" && stderr != "" || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr %q, want it to hold %q", stderr, tt.wantStderr)
			}
			f, err := os.Open(profile)
			if tt.wantCode == exitUsage {
				if err == nil {
					f.Close()
					t.Errorf("%s was written", profile)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatalf("the profile is not gzip'd: %v", err)
			}
			n, err := io.Copy(io.Discard, zr)
			if err != nil || n == 0 {
				t.Errorf("the profile holds %d bytes (%v), want some", n, err)
			}
		})
	}
}
