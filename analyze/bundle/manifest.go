package bundle

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Manifest is a bundle's manifest.json: who collected it, when, and every
// command the collector tried. Unknown keys are ignored.
type Manifest struct {
	Format    string         `json:"format"` // FormatV1
	Collector Collector      `json:"collector"`
	CreatedAt time.Time      `json:"createdAt"` // zero when missing
	Node      string         `json:"node"`      // the node of a one-node bundle; "" in a cluster bundle
	Redacted  bool           `json:"redacted"`
	Nodes     []ManifestNode `json:"nodes"` // the nodes a cluster collector tried; nil in a one-node bundle
	Files     []ManifestFile `json:"files"`
}

// ManifestNode is one node of a cluster bundle and how its collection went.
type ManifestNode struct {
	Name   string `json:"name"`
	Status string `json:"status"`          // "ok", or "failed": then the bundle holds none of the node's files
	Error  string `json:"error,omitempty"` // why it failed
}

// Collector names the program that wrote a bundle.
type Collector struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ManifestFile is one command the collector tried. Commands that could not
// run (exit code 127) have no Path.
type ManifestFile struct {
	Node       string    `json:"node,omitempty"` // the node it ran on, in a cluster bundle
	Path       string    `json:"path,omitempty"` // path of the capture inside the bundle root
	Command    string    `json:"command"`
	ExitCode   int       `json:"exitCode"`
	StartedAt  time.Time `json:"startedAt"`
	DurationMs int64     `json:"durationMs"`
	Bytes      int64     `json:"bytes"`
	SHA256     string    `json:"sha256,omitempty"` // hex checksum of the capture; compared with what is read
	Stderr     string    `json:"stderr,omitempty"` // the first 4 KiB of the command's stderr
}

// maxManifest is the largest manifest.json read; a real one is a few KiB.
const maxManifest = 16 << 20

// readManifest parses manifest.json into the bundle. A manifest that cannot
// be parsed is a warning, not an error: the captures are still worth reading.
func (rd *reader) readManifest(r io.Reader) error {
	at := source.Pos{File: ManifestName}
	data, err := io.ReadAll(io.LimitReader(r, maxManifest+1))
	switch {
	case err != nil:
		return nil // the read error is reported by consume
	case len(data) > maxManifest:
		rd.warn(at, fmt.Sprintf("over %d bytes: not read", maxManifest))
		return nil
	}
	m := new(Manifest)
	if err := json.Unmarshal(data, m); err != nil {
		rd.warn(at, "cannot parse: "+err.Error())
		return nil
	}
	if m.Format != FormatV1 {
		rd.warn(at, fmt.Sprintf("unknown format %q: read as %s", m.Format, FormatV1))
	}
	for _, n := range m.Nodes {
		if n.Status == "failed" {
			rd.warn(at, fmt.Sprintf("node %s was not collected: %s", n.Name, n.Error))
		}
	}
	rd.b.Manifest = m
	return nil
}
