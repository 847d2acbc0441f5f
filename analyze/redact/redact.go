package redact

import (
	"archive/tar"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
)

// ErrLoose is returned for a bundle argument read in loose mode (pasted
// outputs, an archive without manifest.json): its captures are pieces of
// files, which a bundle cannot hold as they were.
var ErrLoose = errors.New("not a bundle in the layout (no manifest.json): redact reads what the collector wrote")

// ErrUnreadable is returned for a Kubernetes capture that cannot be read
// to its end: redact refuses it rather than leave the names it did not
// see in clear. Fix or remove the capture, then redact again.
var ErrUnreadable = errors.New("redact cannot read all its names and refuses rather than leave some in clear")

// Redactor redacts bundles with one [Map]: every bundle it writes uses the
// same tokens and addresses. Use it in two steps: [Redactor.Collect] every
// bundle, so that names are known wherever they first appear, then
// [Redactor.Write] each one. A Redactor is not safe for concurrent use.
type Redactor struct {
	m       *Map
	perm    *Perm
	key     []byte
	col     *collector
	tokens  map[string]string // name -> token, the names the rewriters replace
	nodes   map[string]string // node name -> token, once tokens are assigned
	used    map[string]bool   // tokens given
	counts  map[Kind]int      // last number given, per kind
	mapped  map[netip.Addr]netip.Addr
	hex     map[netip.Addr]netip.Addr
	full    *rewriter // names and addresses
	addrs   *rewriter // addresses only
	started bool      // tokens assigned
}

// New returns a Redactor that extends m.
func New(m *Map) (*Redactor, error) {
	p, err := m.perm()
	if err != nil {
		return nil, err
	}
	key, _ := hex.DecodeString(m.Key)
	r := &Redactor{m: m, perm: p, key: key, col: newCollector(), tokens: map[string]string{},
		used: map[string]bool{}, counts: map[Kind]int{}, mapped: map[netip.Addr]netip.Addr{}, hex: map[netip.Addr]netip.Addr{}}
	for _, n := range m.Names {
		r.tokens[n.Name] = n.Token
		r.used[n.Token] = true
		r.count(n.Kind, n.Token)
	}
	for _, a := range m.Addresses {
		r.mapped[a.Address] = a.Mapped
	}
	cache := newAddrCache(p.Map, r.note)
	r.full = &rewriter{addrs: cache, names: r.tokens, uid: r.uid}
	r.addrs = &rewriter{addrs: cache}
	return r, nil
}

// count raises the counter of kind past the number of token.
func (r *Redactor) count(k Kind, token string) {
	s := strings.TrimSuffix(token, hostSuffix)
	if n, err := strconv.Atoi(s[strings.LastIndexByte(s, '-')+1:]); err == nil && n > r.counts[k] {
		r.counts[k] = n
	}
}

// note records a mapped address for the map file.
func (r *Redactor) note(from, to netip.Addr) {
	if !Special(from) {
		r.mapped[from.WithZone("")] = to.WithZone("")
	}
}

// Collect reads a bundle argument for its names. It refuses what analyze
// refuses (unsafe or damaged archives, archives over the limits) with the
// bundle reader's [*bundle.Error], loose captures with [ErrLoose], and a
// Kubernetes capture it cannot read whole with [ErrUnreadable].
func (r *Redactor) Collect(arg string, opts bundle.Options) error {
	if r.started {
		return fmt.Errorf("collect %s: names already given out", arg)
	}
	b, err := bundle.Read(arg, opts, func(c bundle.Capture, rd io.Reader) error {
		if c.Node != "" {
			r.col.add(c.Node, KindNode)
		}
		switch c.Kind {
		case bundle.KindKube:
			if err := r.col.kube(rd, c); err != nil {
				return fmt.Errorf("%s: %w", arg, err)
			}
		case bundle.KindUname:
			r.col.uname(rd)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if b.Loose {
		return fmt.Errorf("%s: %w", arg, ErrLoose)
	}
	if m := b.Manifest; m != nil {
		r.col.add(m.Node, KindNode)
		for _, n := range m.Nodes {
			r.col.add(n.Name, KindNode)
		}
		for _, f := range m.Files {
			r.col.add(f.Node, KindNode)
		}
	}
	return nil
}

// assign gives a token to every name collected that has none.
func (r *Redactor) assign() {
	if r.started {
		return
	}
	r.started = true
	for _, name := range r.col.order {
		if _, ok := r.tokens[name]; ok || r.col.keep[name] {
			continue
		}
		k := r.col.kinds[name]
		prefix := kinds[rank(k)].prefix
		for {
			r.counts[k]++
			t := prefix + "-" + strconv.Itoa(r.counts[k])
			if k == KindHost {
				t += hostSuffix
			}
			if _, clash := r.col.kinds[t]; !clash && !r.used[t] {
				r.give(k, name, t)
				break
			}
		}
	}
	r.nodes = map[string]string{}
	for _, n := range r.m.Names {
		if n.Kind == KindNode {
			r.nodes[n.Name] = n.Token
		}
	}
	// Components keep their names, but not the node name that ends some:
	// the longest one that follows a '-'.
	for name := range r.col.system {
		if r.tokens[name] != "" {
			continue
		}
		for i := strings.IndexByte(name, '-'); i >= 0; i = nextDash(name, i) {
			if t, ok := r.nodes[name[i+1:]]; ok {
				r.give(KindObject, name, name[:i+1]+t)
				break
			}
		}
	}
}

// nextDash returns the index of the first '-' of s after i, or -1.
func nextDash(s string, i int) int {
	if k := strings.IndexByte(s[i+1:], '-'); k >= 0 {
		return i + 1 + k
	}
	return -1
}

// give records the token of a name.
func (r *Redactor) give(k Kind, name, token string) {
	r.tokens[name] = token
	r.used[token] = true
	r.m.Names = append(r.m.Names, Name{Kind: k, Name: name, Token: token})
}

// uid returns the stand-in of a UUID: derived from it with the key, so the
// same UUID has the same stand-in in every bundle of a map.
func (r *Redactor) uid(s string) string {
	if t, ok := r.tokens[s]; ok {
		return t
	}
	mac := hmac.New(sha256.New, r.key)
	mac.Write([]byte("uid:" + strings.ToLower(s)))
	b := mac.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	t := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	r.give(KindUID, s, t)
	return t
}

// spooled is a redacted capture waiting in a temporary file.
type spooled struct {
	path  string // inside the redacted bundle
	file  string
	bytes int64
	sum   string
}

// Write redacts a bundle argument already given to [Redactor.Collect] and
// writes it to w as a .tar.gz: manifest.json first (redacted: true, the
// checksums of the redacted files), then every capture of the layout,
// rewritten line by line. Files outside the layout are left out. Captures
// wait in temporary files under tmpDir ("" for the system's), removed
// before Write returns; conntrack tables of hundreds of megabytes are
// streamed through them, never held in memory.
func (r *Redactor) Write(arg string, opts bundle.Options, tmpDir string, w io.Writer) error {
	r.assign()
	dir, err := os.MkdirTemp(tmpDir, ".ipvslint-redact-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var files []spooled
	b, err := bundle.Read(arg, opts, func(c bundle.Capture, rd io.Reader) error {
		f, err := os.CreateTemp(dir, "capture-*")
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if err := r.rewrite(c.Kind, rd, io.MultiWriter(f, h)); err != nil {
			return err
		}
		size, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			return err
		}
		files = append(files, spooled{path: r.path(c.Path), file: f.Name(), bytes: size, sum: hex.EncodeToString(h.Sum(nil))})
		return f.Close()
	})
	if err != nil {
		return err
	}
	if b.Loose {
		return fmt.Errorf("%s: %w", arg, ErrLoose)
	}
	return r.archive(w, r.manifest(b.Manifest, files), files)
}

// path returns the redacted path of a capture: nodes/<node>/ names the
// node by its token.
func (r *Redactor) path(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) == 3 && parts[0] == bundle.NodesDir {
		parts[1] = r.full.string(parts[1])
	}
	return strings.Join(parts, "/")
}

// manifest returns the redacted manifest: the manifest as read, with its
// node names, paths, commands, stderr texts and node errors redacted,
// redacted set, and the sizes and checksums of the redacted files. Files
// the manifest lists but the bundle lacks keep no checksum. Keys the
// manifest format does not define are left out.
func (r *Redactor) manifest(m *bundle.Manifest, files []spooled) *bundle.Manifest {
	out := bundle.Manifest{Format: bundle.FormatV1}
	if m != nil {
		out = *m
	}
	byPath := map[string]spooled{}
	for _, f := range files {
		byPath[f.path] = f
	}
	out.Node = r.full.string(out.Node)
	out.Redacted = true
	out.Nodes = slices.Clone(out.Nodes)
	for i := range out.Nodes {
		n := &out.Nodes[i]
		n.Name = r.full.string(n.Name)
		n.Error = r.text(n.Error)
	}
	out.Files = slices.Clone(out.Files)
	for i := range out.Files {
		f := &out.Files[i]
		f.Node = r.full.string(f.Node)
		f.Path = r.path(f.Path)
		f.Command = r.text(f.Command)
		f.Stderr = r.text(f.Stderr)
		f.SHA256 = ""
		if s, ok := byPath[f.Path]; ok {
			f.Bytes, f.SHA256 = s.bytes, s.sum
		}
	}
	return &out
}

// text returns a text of the manifest redacted: its names and addresses,
// and the node names inside longer words, such as the name of a node's
// debug pod (node-debugger-<node>-<suffix>) in the error of a cluster
// collector.
func (r *Redactor) text(s string) string {
	s = r.full.string(s)
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isRun(s[j]) && s[j] != ':' {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(r.nodesIn(s[i:j]))
		i = j
	}
	return b.String()
}

// maxNodeName is the longest node name: a DNS subdomain.
const maxNodeName = 253

// nodesIn returns word with every node name that spans whole '-'-separated
// parts of it replaced by its token, the longest first.
func (r *Redactor) nodesIn(word string) string {
	var b strings.Builder
	for start := 0; start <= len(word); {
		end := start + strings.IndexByte(word[start:], '-') // of the part at start
		if end < start {
			end = len(word)
		}
		found := -1
		for k := end; k-start <= maxNodeName; {
			if _, ok := r.nodes[word[start:k]]; ok {
				found = k
			}
			if k == len(word) {
				break
			}
			next := strings.IndexByte(word[k+1:], '-')
			if next < 0 {
				next = len(word) - k - 1
			}
			k += 1 + next
		}
		if found < 0 {
			found = end
			b.WriteString(word[start:end])
		} else {
			b.WriteString(r.nodes[word[start:found]])
		}
		if found < len(word) {
			b.WriteByte('-')
		}
		start = found + 1
	}
	return b.String()
}

// archive writes the redacted bundle as a .tar.gz.
func (r *Redactor) archive(w io.Writer, m *bundle.Manifest, files []spooled) error {
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	mtime := m.CreatedAt
	if mtime.IsZero() {
		mtime = time.Unix(0, 0)
	}
	header := func(name string, size int64) error {
		return tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX})
	}
	if err := header(bundle.ManifestName, int64(len(js))); err != nil {
		return err
	}
	if _, err := tw.Write(js); err != nil {
		return err
	}
	for _, f := range files {
		if err := header(f.path, f.bytes); err != nil {
			return err
		}
		if err := copyFile(tw, f.file); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func copyFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// Finish puts the addresses mapped so far into the map.
func (r *Redactor) Finish() *Map {
	r.m.Addresses = r.m.Addresses[:0]
	for a, m := range r.mapped {
		r.m.Addresses = append(r.m.Addresses, Address{Address: a, Mapped: m})
	}
	sortNames(r.m.Names)
	return r.m
}
