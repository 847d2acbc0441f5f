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

// limitMemory sets softMemoryLimit unless GOMEMLIMIT is set.
func limitMemory() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}
