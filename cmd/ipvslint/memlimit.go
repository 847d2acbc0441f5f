package main

import (
	"os"
	"runtime/debug"
)

// softMemoryLimit is the Go runtime's soft memory limit when the user did
// not set GOMEMLIMIT: above it the garbage collector runs more often rather
// than letting the heap grow to twice the live data (GOGC=100). Small
// bundles, and the 10,000-Service benchmark bundle (docs/performance.md,
// about 0.4 GB at its peak), never come near it; it bounds the heap of
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
// parsed tables). It changes nothing when the user set GOGC, or when
// freeing is false.
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
