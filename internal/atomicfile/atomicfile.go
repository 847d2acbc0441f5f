// Package atomicfile writes files that are never seen half-written: the
// bytes go to a temporary file in the folder of the target, renamed over
// the target only once they are all written. Reports, bundles and maps are
// written this way, so that an interrupted run leaves the old file (or
// none), never a truncated one. A target that exists and is not a regular
// file (a symbolic link such as /dev/stdout, a device such as /dev/null, a
// named pipe) is written in place, through the link, as a shell redirection
// writes it: renaming a file over it would replace the link or the device.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Mode is the mode of the files ipvslint writes for people to read and
// send (reports, bundles), before the umask: what os.Create gives.
const Mode fs.FileMode = 0o644

// File is a file being written to a temporary file beside its target.
// Write to it, then [File.Commit] it to put it in place, or
// [File.Discard] it; Discard after Commit does nothing, so that it can be
// deferred. A File is not safe for concurrent use.
type File struct {
	name      string   // the target
	tmp       *os.File // the temporary file, or the target itself when inPlace
	inPlace   bool     // the target is a link, device or pipe: tmp is the target
	bw        *bufio.Writer
	closed    bool
	closeErr  error
	committed bool
}

// bufSize is the size of a File's write buffer.
const bufSize = 256 << 10

// Create starts writing the file name with mode perm less the umask, as
// os.OpenFile does.
func Create(name string, perm fs.FileMode) (*File, error) {
	if fi, err := os.Lstat(name); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		target, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
		if err != nil {
			return nil, err
		}
		return &File{name: name, tmp: target, inPlace: true, bw: bufio.NewWriterSize(target, bufSize)}, nil
	}
	tmp, err := createTemp(name, perm)
	if err != nil {
		return nil, err
	}
	return &File{name: name, tmp: tmp, bw: bufio.NewWriterSize(tmp, bufSize)}, nil
}

// createTemp creates a new file beside name, named after it
// (".report.html.1234567"), with mode perm less the umask.
func createTemp(name string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Dir(name), filepath.Base(name)
	for range 10000 {
		tmp := filepath.Join(dir, "."+base+"."+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "create", Path: name, Err: fs.ErrExist}
}

// Write writes p to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: fs.ErrClosed}
	}
	return f.bw.Write(p)
}

// Close ends the writing: the bytes are flushed and the temporary file
// closed, the target still untouched. Commit or Discard the file after.
func (f *File) Close() error {
	if f.closed {
		return f.closeErr
	}
	f.closed = true
	f.closeErr = f.bw.Flush()
	if err := f.tmp.Close(); f.closeErr == nil {
		f.closeErr = err
	}
	return f.closeErr
}

// Commit closes the file if it is not closed and renames it over the
// target.
func (f *File) Commit() error {
	if err := f.Close(); err != nil {
		return err
	}
	if f.inPlace {
		f.committed = true
		return nil
	}
	if err := os.Rename(f.tmp.Name(), f.name); err != nil {
		return err
	}
	f.committed = true
	return nil
}

// Discard closes the file if it is not closed and removes it, leaving the
// target as it was; after Commit it does nothing. A target written in
// place keeps what was written to it.
func (f *File) Discard() {
	if f.committed {
		return
	}
	f.Close()
	if !f.inPlace {
		os.Remove(f.tmp.Name())
	}
}

// Write writes the file name with mode perm less the umask through fn: in
// place once fn and every write succeeded, untouched otherwise.
func Write(name string, perm fs.FileMode, fn func(io.Writer) error) error {
	f, err := Create(name, perm)
	if err != nil {
		return err
	}
	defer f.Discard()
	if err := fn(f); err != nil {
		return err
	}
	return f.Commit()
}
