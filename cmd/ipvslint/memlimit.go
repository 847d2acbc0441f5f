package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// softMemoryLimit is the Go runtime's soft memory limit when the user did
// not set GOMEMLIMIT: above it the garbage collector runs more often than
// the collector's target percentage asks. Small bundles, and the
// 10,000-Service benchmark bundle (docs/performance.md, about 0.3 GB at
// its peak), never come near it; it bounds the heap of larger clusters. It
// is soft: a larger live heap still fits.
const softMemoryLimit = 1536 << 20

// limitMemory sets softMemoryLimit unless GOMEMLIMIT is set.
func limitMemory() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}

// heapBudget is the heap, in bytes, that a run may fill before the
// collector falls back to its tightest target (see gcPercentFor). A run
// allocates several times its live data (inflating, parsing, building
// values for the rules), and collecting often while the heap is still
// small costs CPU and saves no memory: the peak of a large bundle comes
// later anyway. With this budget the 10,000-Service benchmark bundle peaks
// where fixed targets of 100 % (reading) and 50 % (building, evaluating)
// made it peak, with half the collections (docs/performance.md, round
// eleven).
const heapBudget = 220 << 20

// The bounds of the collector's target percentage under tuneGC.
const (
	// minGCPercent is the target once the live heap fills the budget:
	// the heap grows to 1.5 times the live heap between collections.
	minGCPercent = 50
	// maxGCPercent is the target of a small live heap, at the start of a
	// run and after a phase that freed most of the heap.
	maxGCPercent = 400
)

// gcPercentFor returns the collector's target percentage that lets a heap
// of live bytes grow to budget before the next collection, within
// minGCPercent and maxGCPercent.
func gcPercentFor(live, budget uint64) int {
	switch {
	case live == 0:
		return maxGCPercent
	case live >= budget:
		return minGCPercent
	}
	return min(maxGCPercent, max(minGCPercent, int((budget-live)*100/live)))
}

// gcTuner sets the collector's target percentage after every collection
// from the live heap it left (gcPercentFor).
type gcTuner struct {
	budget uint64

	mu      sync.Mutex
	stopped bool
	live    []metrics.Sample
	old     int // the target before the tuner started
}

// gcSentinel is an object the tuner lets go of after each collection: its
// cleanup runs once a collection found it unreachable. It holds a pointer
// so that it is not one of the tiny objects the runtime packs together.
type gcSentinel struct{ _ *byte }

// tuneGC starts tuning the collector's target percentage to budget until
// the returned function stops it and restores the target it found. It
// changes nothing when the user set GOGC.
func tuneGC(budget uint64) (stop func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	t := &gcTuner{budget: budget, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.old = debug.SetGCPercent(maxGCPercent) // until tune reads the live heap
	t.tune()
	return t.stop
}

// tune sets the target for the live heap of the last collection and
// arms itself for the next collection.
func (t *gcTuner) tune() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	metrics.Read(t.live)
	debug.SetGCPercent(gcPercentFor(t.live[0].Value.Uint64(), t.budget))
	runtime.AddCleanup(&gcSentinel{}, func(t *gcTuner) { t.tune() }, t)
}

// stop ends the tuning and restores the target tuneGC found.
func (t *gcTuner) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	debug.SetGCPercent(t.old)
}

// largeHeap is the heap, in bytes of objects live or not yet freed, above
// which collectDead collects: on a smaller heap (a small bundle's) a
// forced collection costs more time (~10 ms each) than the memory it frees
// is worth.
const largeHeap = 64 << 20

// collectDead collects garbage times times in a row, when the heap is
// larger than largeHeap, at the end of a phase that left most of the heap
// dead: the next phase then reuses that memory instead of growing the
// heap past it.
func collectDead(times int) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Uint64() < largeHeap {
		return
	}
	for range times {
		runtime.GC()
	}
}
