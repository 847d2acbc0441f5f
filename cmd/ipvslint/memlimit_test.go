package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPercent returns the collector's target percentage.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// TestCollectSooner checks that collectSooner lowers the target only for a
// phase that frees, never against the user's GOGC, and that it restores
// the target it found.
func TestCollectSooner(t *testing.T) {
	tests := []struct {
		name    string
		gogc    string // "" for unset
		freeing bool
		want    int // the target while the phase runs, with 100 before it
	}{
		{name: "freeing", freeing: true, want: freeingGCPercent},
		{name: "not freeing", freeing: false, want: 100},
		{name: "user's GOGC", gogc: "100", freeing: true, want: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.gogc != "" {
				t.Setenv("GOGC", tt.gogc)
			} else {
				t.Setenv("GOGC", "") // so that the test's end restores the environment
				os.Unsetenv("GOGC")
			}
			defer debug.SetGCPercent(debug.SetGCPercent(100))
			restore := collectSooner(tt.freeing)
			if got := gcPercent(); got != tt.want {
				t.Errorf("target during the phase = %d, want %d", got, tt.want)
			}
			restore()
			if got := gcPercent(); got != 100 {
				t.Errorf("target after the phase = %d, want 100", got)
			}
		})
	}
}
