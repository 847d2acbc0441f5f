package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/urfave/cli/v2"
)

// The limits on a rule pack given as an archive: far above any real pack,
// far below what would hurt, since the archive is read into memory.
const (
	packMaxEntries = 10_000
	packMaxBytes   = 64 << 20
)

// rulePackFlags are the flags that choose the rule packs.
func rulePackFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "rules", Usage: "also load the rule pack at `PATH`: a directory of .rego files, or an OPA bundle (.tar.gz) (repeatable)"},
		&cli.BoolFlag{Name: "no-builtin", Usage: "leave the built-in rules out: only those of --rules run"},
		&cli.DurationFlag{Name: "rules-timeout", Value: engine.DefaultTimeout, Usage: "give up when the rules take longer than `DURATION` (per bundle; per test for rules test)"},
	}
}

// engineOptions returns the engine options the rule-pack flags ask for,
// with the packs of --rules loaded.
func engineOptions(c *cli.Context) (engine.Options, error) {
	opts, err := baseEngineOptions(c)
	if err != nil {
		return opts, err
	}
	paths := c.StringSlice("rules")
	if opts.NoBuiltin && len(paths) == 0 {
		return opts, cli.Exit("--no-builtin leaves no rule to run: give --rules PATH too", exitUsage)
	}
	opts.Packs, err = withLib(c, opts.NoBuiltin, paths)
	return opts, err
}

// compileEngine compiles the rule packs the flags choose.
func compileEngine(c *cli.Context) (*engine.Engine, error) {
	opts, err := engineOptions(c)
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(opts)
	if err != nil {
		return nil, invalidPack(err)
	}
	return eng, nil
}

// invalidPack is the exit error of a rule pack that does not load,
// compile or prepare: exit code 2.
func invalidPack(err error) error {
	return cli.Exit("invalid rule pack: "+err.Error(), exitUsage)
}

// baseEngineOptions returns --no-builtin and --rules-timeout, checked.
func baseEngineOptions(c *cli.Context) (engine.Options, error) {
	opts := engine.Options{NoBuiltin: c.Bool("no-builtin"), Timeout: c.Duration("rules-timeout")}
	if opts.Timeout <= 0 {
		return opts, cli.Exit(fmt.Sprintf("--rules-timeout %s: want a positive duration such as 3m", opts.Timeout), exitUsage)
	}
	return opts, nil
}

// withLib loads the packs at paths, after the built-in helpers
// (ipvslint.lib) when the built-in rules are left out, so that a user's
// rules may use the helpers either way.
func withLib(c *cli.Context, noBuiltin bool, paths []string) ([]engine.Pack, error) {
	var packs []engine.Pack
	if noBuiltin {
		packs = append(packs, engine.BuiltinLib())
	}
	for _, p := range paths {
		pack, err := loadPack(c, p)
		if err != nil {
			return nil, err
		}
		packs = append(packs, pack)
	}
	return packs, nil
}

// loadPack opens the rule pack at path: a directory, read in place, or an
// OPA bundle (a tar.gz or tar archive), read into memory with the checks of
// bundle archives. The pack is named by path as the user wrote it, so that
// messages name its files as mypack/port-rule.rego.
func loadPack(c *cli.Context, path string) (engine.Pack, error) {
	name := filepath.ToSlash(filepath.Clean(path))
	fi, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return engine.Pack{}, cli.Exit("--rules "+path+": "+err.Error(), exitUsage)
	}
	if fi.IsDir() {
		return engine.Pack{Name: name, FS: os.DirFS(path)}, nil
	}
	fsys, err := bundle.ReadFiles(path, bundle.Options{MaxEntries: packMaxEntries, MaxBytes: packMaxBytes})
	if err != nil {
		return engine.Pack{}, cli.Exit("--rules "+err.Error()+" (want a directory of .rego files, or an OPA bundle .tar.gz)", exitUsage)
	}
	// An OPA bundle may carry a .manifest, data files and compiled
	// policies: rules read nothing but their input, so those are skipped.
	var ignored []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".rego") {
			ignored = append(ignored, p)
		}
		return nil
	})
	if len(ignored) > 0 {
		slices.Sort(ignored)
		fmt.Fprintf(c.App.ErrWriter, "ipvslint: --rules %s: ignored %s: rules read only .rego files and their input\n", path, strings.Join(ignored, ", "))
	}
	return engine.Pack{Name: name, FS: fsys}, nil
}
