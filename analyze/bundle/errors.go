package bundle

import (
	"errors"
	"fmt"
	"io"
)

// Error is a bundle argument that was refused or could not be read: an
// unsafe or damaged archive, or one over the limits. Nothing of an argument
// that failed should be used, even the captures already handed to the
// callback of [Read].
type Error struct {
	Arg   string // the bundle argument
	Entry string // the archive entry or file concerned, as named in the archive; "" for the argument as a whole
	Err   error  // the cause; errors.Is matches the Err* sentinels
}

// Error formats the error as `arg: entry "name": cause`.
func (e *Error) Error() string {
	if e.Entry == "" {
		return e.Arg + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s: entry %q: %v", e.Arg, e.Entry, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// The causes of an [Error], for errors.Is.
var (
	ErrUnsafePath     = errors.New("unsafe path")           // absolute, "..", invalid UTF-8, control characters, backslashes
	ErrLink           = errors.New("link")                  // symbolic or hard link in an archive
	ErrSpecialFile    = errors.New("special file")          // device, FIFO or other non-regular archive entry
	ErrTooManyEntries = errors.New("too many entries")      // more than Options.MaxEntries
	ErrTooLarge       = errors.New("too large")             // more than Options.MaxBytes
	ErrDamaged        = errors.New("damaged archive")       // truncated, bad checksum, bad header
	ErrUnsupported    = errors.New("unsupported container") // a compression ipvslint does not read
)

// cause is the detailed cause of an [Error]: its message, the sentinel it
// matches and, for damaged archives, the decoder's error.
type cause struct {
	kind  error
	msg   string
	inner error
}

func (c *cause) Error() string { return c.msg }

func (c *cause) Unwrap() []error {
	if c.inner == nil {
		return []error{c.kind}
	}
	return []error{c.kind, c.inner}
}

// refused returns a cause reading "refused: <why>".
func refused(kind error, format string, args ...any) error {
	return &cause{kind: kind, msg: "refused: " + fmt.Sprintf(format, args...)}
}

// damaged returns the cause for a decoder error: a truncated or corrupt
// archive.
func damaged(err error) error {
	msg := "damaged archive: " + err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "damaged archive: truncated"
	}
	return &cause{kind: ErrDamaged, msg: msg, inner: err}
}
