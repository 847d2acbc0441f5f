// Package examples finds the example bundles of the repository (bundles/)
// and analyses a bundle as `ipvslint analyze` does, for the tests of the
// packages that start from an analysis.
package examples

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// Dir returns the directory of the example bundles.
func Dir(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("examples: cannot locate the source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "bundles")
}

// Names returns the names of the example bundles: the directories of Dir
// that hold a manifest.
func Names(tb testing.TB) []string {
	tb.Helper()
	entries, err := os.ReadDir(Dir(tb))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(Dir(tb), e.Name(), bundle.ManifestName)); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		tb.Fatal("examples: no example bundles found")
	}
	return out
}

// Analysis is a bundle read and analysed as `ipvslint analyze` does it.
type Analysis struct {
	Snapshot *snapshot.Snapshot
	Document *input.Document
	Findings []engine.Finding
}

// Document reads the bundle arg and builds its input document with opts
// (the whole document when opts.Reads is nil).
func Document(tb testing.TB, arg string, opts input.Options) (*snapshot.Snapshot, *input.Document) {
	tb.Helper()
	snap, err := snapshot.Build([]string{arg}, bundle.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := input.Build(snap, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return snap, doc
}

// Analyse reads the bundle arg, builds its input document with opts (see
// Document) and evaluates eng's rules over it.
func Analyse(tb testing.TB, eng *engine.Engine, arg string, opts input.Options) *Analysis {
	tb.Helper()
	snap, doc := Document(tb, arg, opts)
	findings, err := eng.Evaluate(context.Background(), doc)
	if err != nil {
		tb.Fatal(err)
	}
	return &Analysis{Snapshot: snap, Document: doc, Findings: findings}
}
