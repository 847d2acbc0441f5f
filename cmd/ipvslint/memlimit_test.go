package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
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

// forcedGCs returns the number of collections the program forced so far.
func forcedGCs() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestCollectDead checks that collectDead collects only a large heap, as
// many times as asked.
func TestCollectDead(t *testing.T) {
	runtime.GC() // what earlier tests left is freed
	tests := []struct {
		name string
		hold int // bytes kept live while collectDead runs
		want uint64
	}{
		{"small heap", 0, 0},
		{"large heap", largeHeap + 16<<20, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held := make([]byte, tt.hold)
			before := forcedGCs()
			collectDead(2)
			if got := forcedGCs() - before; got != tt.want {
				t.Errorf("collections = %d, want %d", got, tt.want)
			}
			runtime.KeepAlive(held)
		})
	}
}
