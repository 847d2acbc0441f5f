package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ipvslint/ipvslint/analyze/redact"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/internal/atomicfile"
	"github.com/urfave/cli/v2"
)

func redactCommand() *cli.Command {
	return &cli.Command{
		Name:      "redact",
		Usage:     "replace names and addresses in bundles before they are sent",
		ArgsUsage: "BUNDLE...",
		Description: `redact writes a copy of each BUNDLE (made by the collector) in which
namespaces, Services, pods, nodes, hostnames, cloud IDs and label values are
stable tokens (ns-1, svc-7, node-3, host-2.example, id-4) and IP addresses are
mapped by a keyed prefix-preserving permutation: the same address always maps
to the same address, a subnet to a subnet, and loopback, link-local,
multicast and reserved addresses stay as they are. ipvslint analyze finds on
the copy what it finds on the original, at the same files and lines.

--map FILE holds the key and every name with its token: keep it, never send
it. An existing map is read and extended, so that bundles redacted at
different times share their tokens. ipvslint unredact-report --map FILE turns
the report support sends back into real names and addresses.

With one BUNDLE, -o names the .tar.gz to write; with several, a directory
that receives redacted-1.tar.gz, redacted-2.tar.gz... in the order given.
Nothing is written unless every bundle was redacted.

Examples:
   ipvslint redact ipvslint-node-a-20261125T101500Z.tar.gz -o node-a-redacted.tar.gz --map ~/ticket-1234.map.json
   ipvslint redact a.tar.gz b.tar.gz -o to-send/ --map ~/ticket-1234.map.json

Exit codes: 0 written; 2 a bundle could not be read or was refused, or an
output could not be written.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true,
				Usage: "write the redacted bundle to `FILE` (a directory with several BUNDLEs)"},
			&cli.StringFlag{Name: "map", Required: true, Usage: "read and extend the map `FILE` (written with mode 0600): keep it, never send it"},
		}, limitFlags()...),
		Action: runRedact,
	}
}

func runRedact(c *cli.Context) error {
	args, err := bundleArgs(c)
	if err != nil {
		return err
	}
	opts := bundleOptions(c)
	mapPath, out := c.String("map"), c.String("output")
	m, err := redact.ReadMap(mapPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		m, err = redact.NewMap()
		if err != nil {
			return cli.Exit(err.Error(), exitUsage)
		}
	case err != nil:
		return cli.Exit("read map: "+err.Error(), exitUsage)
	}
	outs := []string{out}
	if len(args) > 1 {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return cli.Exit(err.Error(), exitUsage)
		}
		outs = outs[:0]
		for i := range args {
			outs = append(outs, filepath.Join(out, "redacted-"+strconv.Itoa(i+1)+".tar.gz"))
		}
	}
	r, err := redact.New(m)
	if err != nil {
		return cli.Exit("map "+mapPath+": "+err.Error(), exitUsage)
	}
	for _, arg := range args {
		if err := r.Collect(arg, opts); err != nil {
			return cli.Exit(err.Error(), exitUsage)
		}
	}
	// Every output goes to a temporary file first; they are renamed into
	// place after the map is written, and removed on any error.
	var files []*atomicfile.File
	defer func() {
		for _, f := range files {
			f.Discard()
		}
	}()
	for i, arg := range args {
		f, err := atomicfile.Create(outs[i], atomicfile.Mode)
		if err != nil {
			return cli.Exit("write "+outs[i]+": "+err.Error(), exitUsage)
		}
		files = append(files, f)
		if err := r.Write(arg, opts, filepath.Dir(outs[i]), f); err != nil {
			return cli.Exit(err.Error(), exitUsage)
		}
		if err := f.Close(); err != nil {
			return cli.Exit("write "+outs[i]+": "+err.Error(), exitUsage)
		}
	}
	if err := r.Finish().Write(mapPath); err != nil {
		return cli.Exit("write map: "+err.Error(), exitUsage)
	}
	for i, f := range files {
		if err := f.Commit(); err != nil {
			return cli.Exit("write "+outs[i]+": "+err.Error(), exitUsage)
		}
		fmt.Fprintf(c.App.ErrWriter, "wrote %s (from %s): send this\n", outs[i], args[i])
	}
	fmt.Fprintf(c.App.ErrWriter, "wrote %s: keep it, never send it\n", mapPath)
	return nil
}

func unredactCommand() *cli.Command {
	return &cli.Command{
		Name:      "unredact-report",
		Usage:     "put real names and addresses back into a report on a redacted bundle",
		ArgsUsage: "REPORT",
		Description: `unredact-report reads a report that ipvslint analyze wrote from a redacted
bundle (JSON, text or Markdown; JUnit and SARIF are JSON or text too) and
replaces every token and mapped address with the real name and address, using
the map that ipvslint redact wrote. A JSON report keeps its layout: every
string in it is unredacted; any other report is unredacted as text.

Examples:
   ipvslint unredact-report --map ~/ticket-1234.map.json report.json -o report-real.json
   ipvslint unredact-report --map ~/ticket-1234.map.json findings.md

Exit codes: 0 written; 2 the map or the report could not be read.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "map", Required: true, Usage: "the map `FILE` ipvslint redact wrote"},
			outputFlag(),
		},
		Action: runUnredact,
	}
}

func runUnredact(c *cli.Context) error {
	if c.NArg() != 1 {
		return cli.Exit("unredact-report: give one REPORT; see --help", exitUsage)
	}
	m, err := redact.ReadMap(c.String("map"))
	if err != nil {
		return cli.Exit("read map: "+err.Error(), exitUsage)
	}
	path := c.Args().First()
	data, err := os.ReadFile(path)
	if err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	trimmed := bytes.TrimSpace(data)
	isJSON := len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
	err = writeOutput(c, false, func(w io.Writer, _ report.Style) error {
		if isJSON {
			return m.UnredactJSON(bytes.NewReader(data), w)
		}
		return m.UnredactText(bytes.NewReader(data), w)
	})
	if err != nil {
		return cli.Exit(path+": "+err.Error(), exitUsage)
	}
	return nil
}
