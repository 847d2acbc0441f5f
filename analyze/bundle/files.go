package bundle

import (
	"archive/tar"
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing/fstest"

	"github.com/klauspost/compress/gzip"
)

// ReadFiles reads every regular file of a tar or tar.gz archive into
// memory, for small archives that are used whole rather than streamed,
// such as a rule pack shipped as an OPA bundle. It applies the checks and
// limits of [Read] (opts.Node is not used): links, special files, unsafe
// names and archives over the limits refuse the whole archive with an
// [*Error]. One difference: a name may start with "/", which is dropped,
// because OPA bundles name their files from the bundle root
// ("/policy.rego") and nothing is ever written to disk. Of several entries
// at one path the first is kept.
func ReadFiles(arg string, opts Options) (fs.FS, error) {
	rd := &reader{
		arg:        arg,
		archive:    true,
		maxEntries: orDefault(opts.MaxEntries, DefaultMaxEntries),
		maxBytes:   orDefault(opts.MaxBytes, DefaultMaxBytes),
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, &Error{Arg: arg, Err: pathCause(err)}
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF {
		return nil, &Error{Arg: arg, Err: err}
	}
	var r io.Reader = br
	switch c := container(head); c {
	case "gzip":
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, rd.fail("", err)
		}
		r = zr
	case "tar":
	default:
		return nil, &Error{Arg: arg, Err: &cause{kind: ErrUnsupported, msg: "not a tar or tar.gz archive"}}
	}
	m := rd.meter(r)
	files := fstest.MapFS{}
	tr := tar.NewReader(m)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil && !(errors.Is(err, tar.ErrInsecurePath) && hdr != nil) {
			return nil, rd.fail("", err)
		}
		if err := rd.countEntry(hdr.Name); err != nil {
			return nil, err
		}
		rooted := *hdr
		rooted.Name = strings.TrimPrefix(hdr.Name, "/")
		name, isDir, err := tarEntry(&rooted)
		if err != nil {
			return nil, rd.fail(hdr.Name, err)
		}
		if isDir || name == "" || files[name] != nil {
			continue
		}
		if err := rd.checkSize(hdr.Name, hdr.Size); err != nil {
			return nil, err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, rd.fail(hdr.Name, err)
		}
		files[name] = &fstest.MapFile{Data: data, Mode: 0o444}
	}
	// Read to the end so that gzip checks its trailer.
	if _, err := io.Copy(io.Discard, m); err != nil {
		return nil, rd.fail("", err)
	}
	return files, nil
}
