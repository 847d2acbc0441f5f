package main

import (
	"os"
	"runtime/debug"
)

// softMemoryLimit is the Go runtime's soft memory limit when the user did
// not set GOMEMLIMIT: above it the garbage collector runs more often rather
// than letting the heap grow to twice the live data (GOGC=100). Small
// bundles never come near it; on the big benchmark bundle
// (docs/performance.md) it keeps the peak near 1.6 GB instead of 2–3.5 GB
// for about 10 % more time. It is soft: a larger live heap still fits.
const softMemoryLimit = 1536 << 20

// limitMemory sets softMemoryLimit unless GOMEMLIMIT is set.
func limitMemory() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}
