package input

import (
	"testing"

	"github.com/ipvslint/ipvslint/internal/golden"
)

// TestGolden pins the whole document of the fixture bundle.
func TestGolden(t *testing.T) {
	expect, err := ParseExpect("47.1.1.1:443")
	if err != nil {
		t.Fatal(err)
	}
	doc := build(t, fixture, Options{Expect: []Expect{expect}})
	golden.CheckJSON(t, "testdata/TestGolden/fixture.golden", doc)
}
