package bundle

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// The defaults of [Options].
const (
	DefaultMaxEntries = 10_000
	DefaultMaxBytes   = 1 << 30
	DefaultNode       = "node"
)

// Options are the limits and names [Read] works with. The zero Options use
// the defaults.
type Options struct {
	MaxEntries int    // archive entries and directory entries; 0 means DefaultMaxEntries
	MaxBytes   int64  // total uncompressed bytes read from one bundle argument; 0 means DefaultMaxBytes
	Node       string // node name of loose captures; "" means DefaultNode
	// Progress, when set, is told how far the reading of an argument is:
	// the bytes read of the file (of an archive, as stored), or of the
	// files of a directory or zip archive, and their total (0 when not
	// known). It is called on the reading goroutine, at every read: it
	// must be quick.
	Progress func(arg string, done, total int64)
	// Context, when set, stops the reading once it is done (cancelled or
	// past its deadline): Read then fails with an [*Error] that wraps the
	// context's error.
	Context context.Context
}

// Capture is one capture handed to the callback of [Read]: a file of the
// bundle layout, or a loose file or a piece of a pasted transcript.
type Capture struct {
	Bundle  string `json:"bundle"`  // the argument it came from
	Path    string `json:"path"`    // path inside the bundle root, or the loose file's path relative to the argument (its base name for a single file)
	Node    string `json:"node"`    // node name; "" for cluster captures
	Kind    Kind   `json:"kind"`    // what it holds; never KindUnknown
	Line    int    `json:"line"`    // line of Path where the capture starts: 1 for whole files, more for transcript pieces
	Command string `json:"command"` // the layout's command, or the command echoed in a transcript; may be ""
}

// Pos returns the position of the capture's first line, for parsers.
func (c Capture) Pos() source.Pos { return source.Pos{File: c.Path, Line: c.Line} }

// Bundle is what [Read] learned about one bundle argument besides its
// captures.
type Bundle struct {
	Arg      string            `json:"arg"`
	Format   string            `json:"format"`             // container: "dir", "file", "tar", "tar.gz", "gzip" or "zip"
	Root     string            `json:"root,omitempty"`     // the folder wrapping the layout inside the argument; "" when none
	Manifest *Manifest         `json:"manifest,omitempty"` // nil when the bundle has none or it could not be parsed
	Loose    bool              `json:"loose"`              // captures were classified by content, not by the layout
	Nodes    []string          `json:"nodes"`              // node names seen, sorted
	Ignored  []Ignored         `json:"ignored"`            // files and pieces not handed to the callback
	Warnings []source.Warning  `json:"warnings"`           // checksum mismatches, manifest problems, commands contradicted by their output
	Sums     map[string]string `json:"sums"`               // path of every file read (layout files, manifest.json, loose files) -> sha256 (hex) of its bytes
}

// Ignored is a file or transcript piece that was not handed to the callback,
// with the reason.
type Ignored struct {
	Path   string `json:"path"`
	Line   int    `json:"line,omitempty"` // first line of a loose piece (its prompt line when it has one); 0 for whole layout files
	Reason string `json:"reason"`
}

// Read opens one bundle argument (a directory, an archive or a single file)
// and calls fn for every capture, in reading order. r is valid only during
// the call; what fn leaves unread is read (and hashed) after it returns.
//
// Layout bundles hand over their files under their layout kind. Loose files
// (and archives without the layout) are split at transcript prompts and
// classified by content with [Sniff]; what cannot be classified is listed in
// Bundle.Ignored.
//
// Directories and zip archives are checked whole before any capture is
// handed over; tar and tar.gz archives are read in one pass, so fn may
// already have been called when a later entry makes Read fail with an
// [*Error] (and a nil Bundle): the whole argument must then be discarded. An
// error returned by fn stops the reading and is returned as is, unless it
// comes from a failed read of r, which Read reports as an [*Error].
func Read(arg string, opts Options, fn func(c Capture, r io.Reader) error) (*Bundle, error) {
	rd := &reader{
		arg:        arg,
		fn:         fn,
		maxEntries: orDefault(opts.MaxEntries, DefaultMaxEntries),
		maxBytes:   orDefault(opts.MaxBytes, DefaultMaxBytes),
		node:       orDefault(opts.Node, DefaultNode),
		progress:   opts.Progress,
		ctx:        opts.Context,
		b:          &Bundle{Arg: arg, Sums: map[string]string{}},
		seen:       map[string]bool{},
		nodes:      map[string]bool{},
	}
	fi, err := os.Stat(arg)
	if err != nil {
		return nil, &Error{Arg: arg, Err: pathCause(err)}
	}
	if fi.IsDir() {
		err = rd.readDir(arg)
	} else {
		err = rd.readFile(arg)
	}
	if err != nil {
		return nil, err
	}
	rd.finish()
	return rd.b, nil
}

// orDefault returns v, or def when v is the zero value.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// pathCause strips the path from an *fs.PathError: [Error] names it already.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// mode is how the files of an argument are read.
type mode int

const (
	modeUndecided mode = iota // archive whose first entries did not tell
	modeLayout                // bundle layout
	modeLoose                 // classified by content
)

// reader is the state of one [Read].
type reader struct {
	arg        string
	fn         func(Capture, io.Reader) error
	maxEntries int
	maxBytes   int64
	node       string

	progress func(arg string, done, total int64) // Options.Progress
	ctx      context.Context                     // Options.Context; nil for none
	done     int64                               // bytes reported to progress
	total    int64                               // the total reported to progress
	byFiles  bool                                // progress counts the bytes of the files read (directories, zip archives)

	b       *Bundle
	archive bool            // reading an archive: decoder errors mean a damaged archive
	mode    mode            // for archives read as a stream
	root    string          // folder holding the layout, "" for the top
	used    int64           // bytes read so far
	entries int             // entries seen so far
	seen    map[string]bool // regular files seen, by path relative to the root
	nodes   map[string]bool
	sniff   []byte // buffer for the head of loose pieces
}

// readFile reads a single-file argument: an archive recognised by its magic
// bytes, or one loose file.
func (rd *reader) readFile(arg string) error {
	f, err := os.Open(arg)
	if err != nil {
		return &Error{Arg: arg, Err: pathCause(err)}
	}
	defer f.Close()
	var in io.Reader = f
	if fi, err := f.Stat(); err == nil && rd.progress != nil {
		rd.total = fi.Size()
		in = &counter{r: f, rd: rd}
	}
	br := bufio.NewReaderSize(in, 64<<10)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF {
		return &Error{Arg: arg, Err: err}
	}
	switch c := container(head); c {
	case "gzip":
		rd.archive = true
		return rd.readGzip(br)
	case "zip":
		rd.archive = true
		rd.b.Format = "zip"
		fi, err := f.Stat()
		if err != nil {
			return &Error{Arg: arg, Err: pathCause(err)}
		}
		return rd.readZip(f, fi.Size())
	case "tar":
		rd.archive = true
		rd.b.Format = "tar"
		return rd.readTar(rd.meter(br))
	case "":
		rd.b.Format = "file"
		rd.b.Loose = true
		name := filepath.Base(arg)
		return rd.looseFile(name, name, reading(rd.meter(br)))
	default:
		return &Error{Arg: arg, Err: &cause{kind: ErrUnsupported,
			msg: "unsupported container: " + c + " (send a directory, .tar.gz, .tar, .zip or plain files)"}}
	}
}

// container names the container format of a file from its first bytes:
// "gzip", "zip", "tar", another compression ipvslint does not read, or ""
// for anything else (a loose file).
func container(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "gzip"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "zip"
	case isTar(head):
		return "tar"
	case bytes.HasPrefix(head, []byte("\xfd7zXZ\x00")):
		return "xz"
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "zstd"
	case len(head) >= 10 && bytes.HasPrefix(head, []byte("BZh")) && bytes.Equal(head[4:10], []byte("1AY&SY")):
		return "bzip2"
	case bytes.HasPrefix(head, []byte("7z\xbc\xaf\x27\x1c")):
		return "7z"
	case bytes.HasPrefix(head, []byte("Rar!\x1a\x07")):
		return "rar"
	}
	return ""
}

// isTar reports whether head starts with a POSIX or GNU tar header.
func isTar(head []byte) bool {
	return len(head) >= 265 && bytes.Equal(head[257:262], []byte("ustar"))
}

// counter reports the bytes read from an argument's file to Options.Progress.
type counter struct {
	r  io.Reader
	rd *reader
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.rd.report(n)
	return n, err
}

// report tells Options.Progress of n more bytes read.
func (rd *reader) report(n int) {
	if rd.progress != nil && n > 0 {
		rd.done += int64(n)
		rd.progress(rd.arg, rd.done, rd.total)
	}
}

// meter counts the bytes read from the argument and fails past the limit.
type meter struct {
	r   io.Reader
	rd  *reader
	err error
}

func (rd *reader) meter(r io.Reader) *meter { return &meter{r: r, rd: rd} }

func (m *meter) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	if m.err = m.rd.stopped(); m.err != nil {
		return 0, m.err
	}
	n, err := m.r.Read(p)
	m.rd.used += int64(n)
	if m.rd.byFiles {
		m.rd.report(n)
	}
	if over := m.rd.used - m.rd.maxBytes; over > 0 {
		n -= int(over)
		m.rd.used = m.rd.maxBytes
		m.err = refused(ErrTooLarge, "more than %d bytes", m.rd.maxBytes)
		return n, m.err
	}
	return n, err
}

// stopped returns the cause of a reading stopped by Options.Context, or
// nil while it goes on.
func (rd *reader) stopped() error {
	if rd.ctx == nil {
		return nil
	}
	if err := rd.ctx.Err(); err != nil {
		return &cause{kind: err, msg: "stopped: " + err.Error()}
	}
	return nil
}

// checkSize refuses an entry whose declared size does not fit in what is
// left of the byte limit.
func (rd *reader) checkSize(entry string, size int64) error {
	if size > rd.maxBytes-rd.used {
		return rd.fail(entry, refused(ErrTooLarge, "size %d would exceed the limit of %d bytes", size, rd.maxBytes))
	}
	return nil
}

// countEntry counts one more entry against the limit.
func (rd *reader) countEntry(entry string) error {
	rd.entries++
	if rd.entries > rd.maxEntries {
		return rd.fail(entry, refused(ErrTooManyEntries, "more than %d entries", rd.maxEntries))
	}
	return nil
}

// fail wraps err as the [*Error] of an entry. In archives, errors that are
// not already causes come from the decoders: the archive is damaged.
func (rd *reader) fail(entry string, err error) error {
	var c *cause
	if rd.archive && !errors.As(err, &c) {
		err = damaged(err)
	}
	return &Error{Arg: rd.arg, Entry: entry, Err: err}
}

// guard wraps the reader of one file: it hashes what passes and keeps the
// first read error, so that a damaged file is told apart from an error of
// the callback.
type guard struct {
	r   io.Reader
	h   hash.Hash
	err error
}

func (g *guard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.h.Write(p[:n])
	if err != nil && err != io.EOF && g.err == nil {
		g.err = err
	}
	return n, err
}

// consume hands the file at key (its path relative to the root; entry is
// its name in the archive, for errors) to handle, reads what handle left,
// and records the file's checksum.
func (rd *reader) consume(entry, key string, r io.Reader, handle func(io.Reader) error) error {
	g := &guard{r: r, h: sha256.New()}
	err := handle(g)
	if err == nil {
		_, err = io.Copy(io.Discard, g)
	}
	if g.err != nil {
		return rd.fail(entry, g.err)
	}
	if err != nil {
		return err
	}
	rd.b.Sums[key] = hex.EncodeToString(g.h.Sum(nil))
	return nil
}

// opener opens a file for reading; it is called only for files that are
// read.
type opener func() (io.ReadCloser, error)

// open opens a file, listing it as ignored when it may not be read.
func (rd *reader) open(entry, rel string, open opener) (io.ReadCloser, error) {
	rc, err := open()
	var e *Error
	switch {
	case err == nil:
		return rc, nil
	case errors.As(err, &e):
		return nil, err
	case errors.Is(err, fs.ErrPermission):
		rd.ignore(rel, 0, "cannot read: permission denied")
		return nil, nil
	}
	return nil, rd.fail(entry, err)
}

// layoutFile reads a file of a layout bundle, by its path relative to the
// root.
func (rd *reader) layoutFile(entry, rel string, open opener) error {
	var handle func(io.Reader) error
	if rel == ManifestName {
		handle = rd.readManifest
	} else if e, node, ok := lookup(rel); ok {
		c := Capture{Bundle: rd.arg, Path: rel, Node: node, Kind: e.Kind, Line: 1, Command: e.Command}
		handle = func(r io.Reader) error { return rd.fn(c, r) }
	}
	return rd.file(entry, rel, open, handle)
}

// looseFile reads a file in loose mode, by its path relative to the
// argument.
func (rd *reader) looseFile(entry, rel string, open opener) error {
	return rd.file(entry, rel, open, rd.loose(rel))
}

// file reads the file at rel with handle, once: a later file at the same
// path is listed as a duplicate. A nil handle lists it as not a file of the
// layout.
func (rd *reader) file(entry, rel string, open opener, handle func(io.Reader) error) error {
	switch {
	case rd.seen[rel]:
		rd.ignore(rel, 0, "duplicate entry")
		return nil
	case handle == nil:
		rd.seen[rel] = true
		rd.ignore(rel, 0, "not a file of the bundle layout")
		return nil
	}
	if err := rd.stopped(); err != nil {
		return rd.fail(entry, err)
	}
	rd.seen[rel] = true
	rc, err := rd.open(entry, rel, open)
	if rc == nil {
		return err
	}
	defer rc.Close()
	return rd.consume(entry, rel, rc, handle)
}

// noteNode records the node of a path relative to a layout root.
func (rd *reader) noteNode(rel string) {
	parts := strings.Split(rel, "/")
	if len(parts) >= 2 && parts[0] == NodesDir && parts[1] != "" {
		rd.nodes[parts[1]] = true
	}
}

func (rd *reader) ignore(path string, line int, reason string) {
	rd.b.Ignored = append(rd.b.Ignored, Ignored{Path: path, Line: line, Reason: reason})
}

func (rd *reader) warn(p source.Pos, msg string) {
	rd.b.Warnings = append(rd.b.Warnings, source.Warning{Pos: p, Msg: msg})
}

// finish sorts the node names and checks the files against the manifest.
func (rd *reader) finish() {
	for n := range rd.nodes {
		rd.b.Nodes = append(rd.b.Nodes, n)
	}
	slices.Sort(rd.b.Nodes)
	m := rd.b.Manifest
	if m == nil {
		return
	}
	for _, f := range m.Files {
		if f.Path == "" {
			continue
		}
		at := source.Pos{File: f.Path}
		got, read := rd.b.Sums[f.Path]
		switch {
		case !rd.seen[f.Path]:
			rd.warn(at, "listed in manifest.json but not in the bundle")
		case read && f.SHA256 != "" && !strings.EqualFold(got, f.SHA256):
			rd.warn(at, "sha256 "+short(got)+" does not match manifest.json's "+short(f.SHA256))
		}
	}
}

// reading returns an opener of a reader that is already open.
func reading(r io.Reader) opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(r), nil }
}

// short cuts a hex checksum for messages.
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12] + "…"
	}
	return sum
}
