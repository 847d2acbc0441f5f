package gen

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/internal/atomicfile"
)

// Collector is the collector name and version the manifest of a generated
// bundle records.
var Collector = bundle.Collector{Name: "ipvslint-genbundle", Version: "0.1.0"}

// Bundle is a generated bundle ready to be written: its small files in
// memory, its conntrack tables as generators.
type Bundle struct {
	root     string
	created  time.Time
	manifest *bundle.Manifest
	files    []*file // in layout order, manifest.json first
}

// file is one file of the bundle.
type file struct {
	path   string // relative to the bundle root
	data   []byte // nil for a streamed file
	stream func(io.Writer) error
	size   int64
}

// New generates the bundle cfg describes. Every file is generated once, to
// fill in the manifest; the conntrack tables are only measured and hashed,
// and generated again by the Write methods.
func New(cfg Config) (*Bundle, error) {
	minor, err := cfg.check()
	if err != nil {
		return nil, err
	}
	c, err := newCluster(cfg, minor)
	if err != nil {
		return nil, err
	}
	b := &Bundle{root: "ipvslint-" + c.nodes[0].name + "-" + c.created.Format("20060102T150405Z"), created: c.created}
	m := &bundle.Manifest{Format: bundle.FormatV1, Collector: Collector, CreatedAt: c.created, Node: c.nodes[0].name}
	r := rng(cfg.Seed, "manifest.json")
	started := c.created
	add := func(p string, e bundle.Entry, f *file) error {
		f.path = p
		h := sha256.New()
		if f.stream != nil {
			cw := &countWriter{w: h}
			if err := f.stream(cw); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			f.size = cw.n
		} else {
			h.Write(f.data)
			f.size = int64(len(f.data))
		}
		ms := int64(5+r.IntN(200)) + f.size/50_000 // about 50 MB/s for the big ones
		m.Files = append(m.Files, bundle.ManifestFile{Path: p, Command: e.Command, StartedAt: started, DurationMs: ms,
			Bytes: f.size, SHA256: hex.EncodeToString(h.Sum(nil))})
		started = started.Add(time.Duration(ms+1) * time.Millisecond)
		b.files = append(b.files, f)
		return nil
	}
	// The collector captures the node first, then the cluster; the layout
	// (and so the archive) lists the cluster first.
	for _, n := range c.nodes {
		flows := cfg.OtherFlows
		if n == c.flowsNode {
			flows = cfg.Flows
		}
		for _, e := range bundle.NodeFiles {
			f := &file{}
			switch e.Name {
			case "ip-addr.txt":
				f.data = c.ipAddr(n)
			case "uname.txt":
				f.data = c.uname(n)
			case "sysctl.txt":
				f.data = c.sysctl(n, flows)
			case "ipvsadm.txt":
				f.data = c.ipvsadm(n)
			case "conntrack.txt":
				f.stream = func(w io.Writer) error { return c.writeConntrack(w, n, flows) }
			default:
				continue
			}
			if err := add(path.Join(bundle.NodesDir, n.name, e.Name), e, f); err != nil {
				return nil, err
			}
		}
	}
	nodeFiles := b.files
	b.files = nil
	for _, e := range bundle.ClusterFiles {
		f := &file{}
		var err error
		switch e.Name {
		case "version.json":
			f.data, err = c.versionJSON()
		case "services.yaml":
			f.data, err = c.servicesYAML()
		case "endpointslices.yaml":
			f.data, err = c.endpointSlicesYAML()
		case "nodes.yaml":
			f.data, err = c.nodesYAML()
		case "pods.yaml":
			f.data = c.podsYAML()
		case "kube-proxy-config.yaml":
			f.data, err = c.proxyConfigYAML()
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name, err)
		}
		if err := add(path.Join(bundle.ClusterDir, e.Name), e, f); err != nil {
			return nil, err
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	data = append(data, '\n')
	b.manifest = m
	b.files = append(append([]*file{{path: bundle.ManifestName, data: data, size: int64(len(data))}}, b.files...), nodeFiles...)
	return b, nil
}

// Root returns the name of the folder that wraps the layout in an archive:
// "ipvslint-node-1-20260307T101500Z".
func (b *Bundle) Root() string { return b.root }

// Manifest returns the bundle's manifest: every file but manifest.json,
// with its size and checksum, in the order captured.
func (b *Bundle) Manifest() *bundle.Manifest { return b.manifest }

// Write writes the bundle to out: a gzip-compressed tar when out ends in
// .tar.gz or .tgz, a tar when it ends in .tar, else a directory that must
// not exist or be empty. Archives are written to a temporary file renamed
// to out when complete.
func (b *Bundle) Write(out string) error {
	switch {
	case strings.HasSuffix(out, ".tar.gz"), strings.HasSuffix(out, ".tgz"):
		return atomicfile.Write(out, atomicfile.Mode, b.WriteTarGz)
	case strings.HasSuffix(out, ".tar"):
		return atomicfile.Write(out, atomicfile.Mode, b.WriteTar)
	}
	return b.WriteDir(out)
}

// WriteTarGz writes the bundle as a tar stream compressed with gzip at its
// fastest level.
func (b *Bundle) WriteTarGz(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if err := b.WriteTar(zw); err != nil {
		return err
	}
	return zw.Close()
}

// WriteTar writes the bundle as a tar stream of regular files under the
// Root folder, in layout order: manifest.json, the cluster files, then
// each node's files with conntrack.txt last.
func (b *Bundle) WriteTar(w io.Writer) error {
	tw := tar.NewWriter(w)
	for _, f := range b.files {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: b.root + "/" + f.path, Mode: 0o644, Size: f.size,
			ModTime: b.created, Uname: "root", Gname: "root"}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if err := f.write(tw); err != nil {
			return err
		}
	}
	return tw.Close()
}

// WriteDir writes the bundle's layout into dir, which is created if it does
// not exist and must be empty if it does.
func (b *Bundle) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err != nil {
		return err
	} else if len(entries) > 0 {
		return fmt.Errorf("%s: not empty", dir)
	}
	for _, f := range b.files {
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := atomicfile.Write(p, atomicfile.Mode, f.write); err != nil {
			return err
		}
	}
	return nil
}

// write writes the file's bytes to w and checks that the stream gave as
// many as it did when it was measured.
func (f *file) write(w io.Writer) error {
	if f.stream == nil {
		_, err := w.Write(f.data)
		return err
	}
	cw := &countWriter{w: w}
	if err := f.stream(cw); err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	if cw.n != f.size {
		return fmt.Errorf("%s: generated %d bytes, measured %d", f.path, cw.n, f.size)
	}
	return nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
