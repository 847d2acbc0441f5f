package kube

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/golden"
)

// TestGolden parses each testdata/TestGolden/*.yaml and compares a summary
// (one line per object, plus the kube-proxy configuration and version in
// full) with the .golden file beside it. Refresh with -update.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", t.Name(), "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range files {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			o, err := Parse(f, source.Pos{File: "cluster/" + name, Line: 1})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(struct {
				Objects     []string     `json:"objects"`
				ProxyConfig *ProxyConfig `json:"proxyConfig,omitempty"`
				Version     *Version     `json:"version,omitempty"`
			}{summarize(o), o.ProxyConfig, o.Version}); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, golden.Path(t, strings.TrimSuffix(name, ".yaml")), buf.Bytes())
		})
	}
}
