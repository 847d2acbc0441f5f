package gen

import (
	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// Snapshot generates the bundle cfg describes into the directory dir and
// reads it back as analyze reads a bundle: the start of tests and
// benchmarks of everything after the reading.
func Snapshot(cfg Config, dir string) (*snapshot.Snapshot, error) {
	b, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := b.WriteDir(dir); err != nil {
		return nil, err
	}
	return snapshot.Build([]string{dir}, bundle.Options{})
}
