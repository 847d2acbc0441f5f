package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// gcPercent returns the collector's target percentage.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// TestGCPercentFor checks the target for live heaps around the budget.
func TestGCPercentFor(t *testing.T) {
	const budget = 200 << 20
	tests := []struct {
		name string
		live uint64
		want int
	}{
		{"nothing live yet", 0, maxGCPercent},
		{"small heap: the ceiling", 4 << 20, maxGCPercent},
		{"room for the budget", 100 << 20, 100},
		{"room for a quarter more", 160 << 20, minGCPercent}, // 25 % is below the floor
		{"a fifth of the heap free", 125 << 20, 60},
		{"at the budget", budget, minGCPercent},
		{"past the budget", 2 * budget, minGCPercent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gcPercentFor(tt.live, budget); got != tt.want {
				t.Errorf("gcPercentFor(%d MiB) = %d, want %d", tt.live>>20, got, tt.want)
			}
		})
	}
}

// TestTuneGC checks that the tuner sets the target after every collection
// from the heap that collection left live, stops when asked, restores the
// target it found, and leaves a target the user set alone.
func TestTuneGC(t *testing.T) {
	t.Setenv("GOGC", "") // so that the test's end restores the environment
	os.Unsetenv("GOGC")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	// A budget well above what the other tests leave live, so that once
	// the held bytes are freed the target is well above 200 %.
	const budget = 256 << 20
	// settle waits for the tuner to set the target after a collection:
	// it runs in the runtime's cleanup goroutine, after the collection.
	settle := func(want func(int) bool) int {
		var p int
		for range 200 {
			runtime.GC()
			if p = gcPercent(); want(p) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		return p
	}
	stop := tuneGC(budget)
	held := make([]byte, budget*3/4)
	if p := settle(func(p int) bool { return p == minGCPercent }); p != minGCPercent {
		t.Errorf("target with 3/4 of the budget live = %d, want %d", p, minGCPercent)
	}
	runtime.KeepAlive(held)
	held = nil
	if p := settle(func(p int) bool { return p > 200 }); p <= 200 {
		t.Errorf("target once that heap is freed = %d, want more than 200 (a collection after the first retunes too)", p)
	}
	stop()
	if p := gcPercent(); p != 100 {
		t.Errorf("target after stop = %d, want the 100 it found", p)
	}
	held = make([]byte, budget*3/4)
	runtime.GC()
	runtime.GC()
	if p := gcPercent(); p != 100 {
		t.Errorf("target after a collection once stopped = %d, want 100", p)
	}
	runtime.KeepAlive(held)

	t.Setenv("GOGC", "100")
	debug.SetGCPercent(80)
	tuneGC(budget)()
	if p := gcPercent(); p != 80 {
		t.Errorf("target with the user's GOGC = %d, want the 80 it was", p)
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
