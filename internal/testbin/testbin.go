// Package testbin builds a command of this module for the tests that run it
// as a program, end to end.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Build compiles the main package in the directory pkg (relative to the
// test's package directory, as go build takes it) into a new temporary
// directory, with the flags of `go test` (no -trimpath), so that the
// packages the test binary was built from are reused from the build cache
// and only the link is new: on a clean CI machine the tests would
// otherwise compile the module and its dependencies a second time. The
// binary is named after pkg's directory. cleanup removes the directory; it
// is nil when err is not.
func Build(pkg string) (path string, cleanup func(), err error) {
	abs, err := filepath.Abs(pkg)
	if err != nil {
		return "", nil, err
	}
	name := filepath.Base(abs)
	dir, err := os.MkdirTemp("", name+"-bin-")
	if err != nil {
		return "", nil, err
	}
	path = filepath.Join(dir, name)
	build := exec.Command("go", "build", "-o", path, pkg)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("building %s: %w", name, err)
	}
	return path, func() { os.RemoveAll(dir) }, nil
}

// Run is the body of a TestMain: it builds pkg (see [Build]), stores the
// binary's path in *path, runs the tests, removes the binary and returns
// the exit code for os.Exit: 2, after a message on stderr, when the build
// fails.
func Run(m *testing.M, pkg string, path *string) int {
	bin, cleanup, err := Build(pkg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer cleanup()
	*path = bin
	return m.Run()
}
