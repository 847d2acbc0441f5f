package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// softMemoryLimit is the Go runtime's soft memory limit when the user did
// not set GOMEMLIMIT: above it the garbage collector runs more often rather
// than letting the heap grow to twice the live data (GOGC=100). Small
// bundles, and the 10,000-Service benchmark bundle (docs/performance.md,
// about 0.33 GB at its peak), never come near it; it bounds the heap of
// larger clusters. It is soft: a larger live heap still fits.
const softMemoryLimit = 1536 << 20

// freeingGCPercent is the garbage collector's target percentage while a
// phase frees most of what the phase before it left live (see
// collectSooner): the heap grows to 1.5 times that live data rather than
// twice, and the memory the phase frees is reused by what it builds.
const freeingGCPercent = 50

// collectSooner sets the collector's target percentage to freeingGCPercent
// until the returned function restores it, for a phase that frees the
// large live data it starts with as it goes (input.Build dropping the
// parsed tables, Evaluate each node's facts once converted to Rego values).
// It changes nothing when the user set GOGC, or when freeing is false.
func collectSooner(freeing bool) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set || !freeing {
		return func() {}
	}
	old := debug.SetGCPercent(freeingGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// limitMemory sets softMemoryLimit unless GOMEMLIMIT is set.
func limitMemory() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(softMemoryLimit)
	}
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
