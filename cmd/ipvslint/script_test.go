package main

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/internal/golden"
	"github.com/ipvslint/ipvslint/internal/testbin"
	"github.com/ipvslint/ipvslint/internal/testref"
	"github.com/rogpeppe/go-internal/testscript"
)

// ipvslintBin is the ipvslint binary built once for all scripts, so that the
// scripts run the real program end to end.
var ipvslintBin string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testbin.Run(m, ".", &ipvslintBin))
}

// TestScripts runs testdata/script/*.txtar against the built binary.
func TestScripts(t *testing.T) {
	ref := testref.Dir(t)
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       golden.Update(),
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(ipvslintBin)+string(os.PathListSeparator)+os.Getenv("PATH"))
			env.Setenv("REFERENCE", ref)
			env.Setenv("REPO", repo)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitcode,
			"mktgz":    cmdMktgz,
		},
	})
}

// cmdExitcode runs a program and checks its exact exit code:
//
//	exitcode 2 exec ipvslint inspect missing
//
// Its stdout and stderr are kept for the commands that follow.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || args[1] != "exec" {
		ts.Fatalf("usage: exitcode N exec program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[2], args[3:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

// cmdMktgz writes a .tar.gz whose entries are given as NAME=CONTENT, with
// any name at all (the hostile ones included), so scripts can hand
// ipvslint archives no tar command would make:
//
//	mktgz evil.tgz ../evil=x manifest.json={}
func cmdMktgz(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mktgz OUT NAME=CONTENT...")
	}
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	for _, entry := range args[1:] {
		name, content, _ := strings.Cut(entry, "=")
		ts.Check(tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(content))
		ts.Check(err)
	}
	ts.Check(tw.Close())
	ts.Check(zw.Close())
	ts.Check(f.Close())
}
