package bundle

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
)

// readGzip reads a gzip stream: a tar.gz, or one compressed loose file.
func (rd *reader) readGzip(r io.Reader) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return rd.fail("", err)
	}
	br := bufio.NewReaderSize(rd.meter(zr), 64<<10)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF {
		return rd.fail("", err)
	}
	if isTar(head) {
		rd.b.Format = "tar.gz"
		err = rd.readTar(br)
	} else {
		rd.b.Format = "gzip"
		rd.b.Loose = true
		name := filepath.Base(rd.arg)
		if n := strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".gzip"); n != "" {
			name = n
		}
		err = rd.looseFile(name, name, reading(br))
	}
	if err != nil {
		return err
	}
	// The tar reader stops at the end-of-archive blocks: read the rest so
	// that gzip checks its trailer (and the byte limit still counts).
	if _, err := io.Copy(io.Discard, br); err != nil {
		return rd.fail("", err)
	}
	return nil
}

// pendingMax is how many bytes of leading entries are held in memory while a
// tar stream has not yet shown whether it holds the bundle layout.
const pendingMax = 1 << 20

// pending is an entry held until the stream's mode is known.
type pending struct {
	name string
	data []byte
}

// readTar reads a tar stream in one pass. The root of a layout is decided
// by the first entry that shows it (manifest.json, nodes/ or cluster/, at
// the top or in one wrapper folder); small entries that come before are held
// in memory until then, and a stream that never shows it is read in loose
// mode.
func (rd *reader) readTar(r io.Reader) error {
	tr := tar.NewReader(r)
	var held []pending
	heldBytes := int64(0)
	flush := func() error {
		for _, p := range held {
			if err := rd.streamFile(p.name, reading(bytes.NewReader(p.data))); err != nil {
				return err
			}
		}
		held = nil
		return nil
	}
	decide := func(m mode, root string) error {
		rd.mode, rd.root = m, root
		rd.b.Loose = m == modeLoose
		rd.b.Root = root
		return flush()
	}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil && !(errors.Is(err, tar.ErrInsecurePath) && hdr != nil) {
			return rd.fail("", err)
		}
		if err := rd.countEntry(hdr.Name); err != nil {
			return err
		}
		name, isDir, err := tarEntry(hdr)
		if err != nil {
			return rd.fail(hdr.Name, err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader || name == "" {
			continue
		}
		if rd.mode == modeUndecided {
			if root, ok := layoutRoot(name, isDir); ok {
				if err := decide(modeLayout, root); err != nil {
					return err
				}
			}
		}
		if isDir {
			if rd.mode == modeLayout {
				if rel, ok := under(name, rd.root); ok {
					rd.noteNode(rel + "/")
				}
			}
			continue
		}
		if err := rd.checkSize(name, hdr.Size); err != nil {
			return err
		}
		if rd.mode == modeUndecided {
			if heldBytes+hdr.Size <= pendingMax {
				data, err := io.ReadAll(tr)
				if err != nil {
					return rd.fail(name, err)
				}
				held = append(held, pending{name, data})
				heldBytes += hdr.Size
				continue
			}
			if err := decide(modeLoose, ""); err != nil {
				return err
			}
		}
		if err := rd.streamFile(name, reading(tr)); err != nil {
			return err
		}
	}
	if rd.mode == modeUndecided {
		return decide(modeLoose, "")
	}
	return nil
}

// streamFile reads a file of an archive whose mode is decided.
func (rd *reader) streamFile(name string, open opener) error {
	if rd.mode == modeLoose {
		return rd.looseFile(name, name, open)
	}
	rel, ok := under(name, rd.root)
	if !ok {
		rd.ignore(name, 0, "outside the bundle root "+rd.root+"/")
		return nil
	}
	rd.noteNode(rel)
	return rd.layoutFile(name, rel, open)
}

// tarEntry checks a tar header: it returns the entry's cleaned name and
// whether it is a directory, or why it is refused.
func tarEntry(hdr *tar.Header) (name string, isDir bool, err error) {
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeXGlobalHeader:
	case tar.TypeDir:
		isDir = true
	case tar.TypeSymlink:
		return "", false, refused(ErrLink, "symbolic link to %q", hdr.Linkname)
	case tar.TypeLink:
		return "", false, refused(ErrLink, "hard link to %q", hdr.Linkname)
	case tar.TypeChar:
		return "", false, refused(ErrSpecialFile, "character device")
	case tar.TypeBlock:
		return "", false, refused(ErrSpecialFile, "block device")
	case tar.TypeFifo:
		return "", false, refused(ErrSpecialFile, "FIFO")
	case tar.TypeGNUSparse:
		return "", false, refused(ErrSpecialFile, "sparse file")
	default:
		return "", false, refused(ErrSpecialFile, "entry type %q", hdr.Typeflag)
	}
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return "", false, nil
	}
	name, err = cleanName(hdr.Name)
	return name, isDir, err
}

// cleanName checks an archive entry's name and returns it without "./"
// prefixes, empty components and trailing slash ("" for the top folder).
// It refuses absolute paths, ".." components, names that are not valid
// UTF-8 and names with control characters or backslashes.
func cleanName(name string) (string, error) {
	switch {
	case !utf8.ValidString(name):
		return "", refused(ErrUnsafePath, "name is not valid UTF-8")
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", refused(ErrUnsafePath, "control character in name")
	case strings.ContainsRune(name, '\\'):
		return "", refused(ErrUnsafePath, "backslash in name")
	case strings.HasPrefix(name, "/"), len(name) >= 2 && name[1] == ':' && isLetter(name[0]) && (len(name) == 2 || name[2] == '/'):
		return "", refused(ErrUnsafePath, "absolute path")
	}
	var parts []string
	for _, p := range strings.Split(name, "/") {
		switch p {
		case "..":
			return "", refused(ErrUnsafePath, "path escapes the bundle")
		case "", ".":
		default:
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/"), nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// layoutRoot tells whether an entry shows where the bundle layout is: it is
// manifest.json, or under nodes/ or cluster/, at the top or in one wrapper
// folder. root is the folder holding the layout ("" for the top).
func layoutRoot(name string, isDir bool) (root string, ok bool) {
	parts := strings.Split(name, "/")
	for depth := 0; depth <= 1 && depth < len(parts); depth++ {
		rest := parts[depth:]
		if rest[0] == ManifestName && len(rest) == 1 && !isDir ||
			(rest[0] == NodesDir || rest[0] == ClusterDir) && (len(rest) > 1 || isDir) {
			return strings.Join(parts[:depth], "/"), true
		}
	}
	return "", false
}

// under returns name relative to root, and whether it is inside it.
func under(name, root string) (string, bool) {
	if root == "" {
		return name, true
	}
	return strings.CutPrefix(name, root+"/")
}

// tree is a random-access set of files: a directory or a zip archive.
type tree struct {
	files []string         // regular files, cleaned paths, sorted
	dirs  []string         // directories, cleaned paths
	size  map[string]int64 // declared sizes
	open  func(name string) (io.ReadCloser, error)
}

// treeOpener returns the opener of a file of the tree, which checks its
// declared size and counts its bytes.
func (rd *reader) treeOpener(t *tree, name string) opener {
	return func() (io.ReadCloser, error) {
		if err := rd.checkSize(name, t.size[name]); err != nil {
			return nil, err
		}
		rc, err := t.open(name)
		if err != nil {
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{rd.meter(rc), rc}, nil
	}
}

// readTree reads a directory or zip: in layout order when it holds the
// layout under root, else every file in sorted order in loose mode.
func (rd *reader) readTree(t *tree, isLayout bool, root string) error {
	rd.byFiles, rd.done, rd.total = true, 0, 0
	for _, size := range t.size {
		rd.total += size
	}
	if !isLayout {
		rd.b.Loose = true
		for _, name := range t.files {
			if err := rd.looseFile(name, name, rd.treeOpener(t, name)); err != nil {
				return err
			}
		}
		return nil
	}
	byRel := map[string]string{}
	for _, d := range t.dirs {
		if rel, ok := under(d, root); ok {
			rd.noteNode(rel + "/")
		}
	}
	for _, name := range t.files {
		rel, ok := under(name, root)
		if !ok {
			rd.ignore(name, 0, "outside the bundle root "+root+"/")
			continue
		}
		rd.noteNode(rel)
		byRel[rel] = name
	}
	var nodes []string
	for n := range rd.nodes {
		nodes = append(nodes, n)
	}
	slices.Sort(nodes)
	read := func(rel string) error {
		name, ok := byRel[rel]
		if !ok {
			return nil
		}
		delete(byRel, rel)
		return rd.layoutFile(name, rel, rd.treeOpener(t, name))
	}
	for _, rel := range layoutOrder(nodes) {
		if err := read(rel); err != nil {
			return err
		}
	}
	for _, name := range t.files {
		if rel, ok := under(name, root); ok {
			if err := read(rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// readZip reads a zip archive. Every entry is checked before any is read.
func (rd *reader) readZip(f io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(f, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return rd.fail("", err)
	}
	t := &tree{size: map[string]int64{}}
	files := map[string]*zip.File{}
	for _, zf := range zr.File {
		if err := rd.countEntry(zf.Name); err != nil {
			return err
		}
		name, err := cleanName(zf.Name)
		if err != nil {
			return rd.fail(zf.Name, err)
		}
		m := zf.Mode()
		switch {
		case m&fs.ModeSymlink != 0:
			return rd.fail(zf.Name, refused(ErrLink, "symbolic link"))
		case m.IsDir():
			if name != "" {
				t.dirs = append(t.dirs, name)
			}
			continue
		case m&fs.ModeCharDevice != 0:
			return rd.fail(zf.Name, refused(ErrSpecialFile, "character device"))
		case m&fs.ModeDevice != 0:
			return rd.fail(zf.Name, refused(ErrSpecialFile, "block device"))
		case m&fs.ModeNamedPipe != 0:
			return rd.fail(zf.Name, refused(ErrSpecialFile, "FIFO"))
		case !m.IsRegular():
			return rd.fail(zf.Name, refused(ErrSpecialFile, "mode %v", m))
		}
		if _, dup := files[name]; dup {
			rd.ignore(name, 0, "duplicate entry")
			continue
		}
		files[name] = zf
		t.files = append(t.files, name)
		t.size[name] = int64(min(zf.UncompressedSize64, math.MaxInt64))
	}
	slices.Sort(t.files)
	t.open = func(name string) (io.ReadCloser, error) { return files[name].Open() }
	root, isLayout := treeRoot(t)
	rd.b.Root = root
	return rd.readTree(t, isLayout, root)
}

// treeRoot finds the layout in a zip: the folder holding manifest.json, or
// else the first that holds nodes/ or cluster/.
func treeRoot(t *tree) (root string, ok bool) {
	for _, name := range t.files {
		if r, found := layoutRoot(name, false); found && strings.HasSuffix(name, ManifestName) {
			return r, true
		}
	}
	for _, name := range t.dirs {
		if r, found := layoutRoot(name, true); found {
			return r, true
		}
	}
	for _, name := range t.files {
		if r, found := layoutRoot(name, false); found {
			return r, true
		}
	}
	return "", false
}

// readDir reads a directory: a layout bundle when it (or its only folder)
// holds manifest.json, nodes/ or cluster/, else loose files. Symbolic links
// and special files are listed as ignored, never followed.
func (rd *reader) readDir(dir string) error {
	rd.b.Format = "dir"
	top := dir
	isLayout := layoutDir(dir)
	if !isLayout {
		if ents, err := os.ReadDir(dir); err == nil && len(ents) == 1 && ents[0].IsDir() &&
			layoutDir(filepath.Join(dir, ents[0].Name())) {
			top = filepath.Join(dir, ents[0].Name())
			rd.b.Root = ents[0].Name()
			isLayout = true
		}
	}
	root, err := os.OpenRoot(top)
	if err != nil {
		return &Error{Arg: rd.arg, Err: pathCause(err)}
	}
	defer root.Close()
	t := &tree{size: map[string]int64{}, open: func(name string) (io.ReadCloser, error) { return root.Open(name) }}
	fsys := root.FS()
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			rd.ignore(p, 0, "cannot read: "+pathCause(err).Error())
			return nil
		}
		if p == "." {
			return nil
		}
		if err := rd.countEntry(p); err != nil {
			return err
		}
		switch typ := d.Type(); {
		case typ.IsDir():
			t.dirs = append(t.dirs, p)
		case typ&fs.ModeSymlink != 0:
			rd.ignore(p, 0, "symbolic link (not followed)")
		case !typ.IsRegular():
			rd.ignore(p, 0, "not a regular file")
		default:
			info, err := d.Info()
			if err != nil {
				rd.ignore(p, 0, "cannot read: "+pathCause(err).Error())
				return nil
			}
			t.files = append(t.files, p)
			t.size[p] = info.Size()
		}
		return nil
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return &Error{Arg: rd.arg, Err: pathCause(err)}
	}
	return rd.readTree(t, isLayout, "")
}

// layoutDir reports whether a directory holds the bundle layout.
func layoutDir(dir string) bool {
	if fi, err := os.Lstat(filepath.Join(dir, ManifestName)); err == nil && fi.Mode().IsRegular() {
		return true
	}
	for _, d := range []string{NodesDir, ClusterDir} {
		if fi, err := os.Lstat(filepath.Join(dir, d)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}
