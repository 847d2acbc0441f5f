package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/internal/atomicfile"
	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"
)

func formatFlag(formats ...string) cli.Flag {
	return &cli.StringFlag{
		Name: "format", Aliases: []string{"f"}, Value: formats[0],
		Usage: "output format: " + strings.Join(formats, "|"),
	}
}

// chosenFormat returns --format, refusing a value the command does not write.
func chosenFormat(c *cli.Context, formats ...string) (string, error) {
	f := c.String("format")
	if !slices.Contains(formats, f) {
		return "", cli.Exit(fmt.Sprintf("unknown --format %q: want one of %s", f, strings.Join(formats, ", ")), exitUsage)
	}
	return f, nil
}

func outputFlag() cli.Flag {
	return &cli.StringFlag{
		Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` (atomically) instead of standard output",
	}
}

func noColorFlag() cli.Flag {
	return &cli.BoolFlag{Name: "no-color", Usage: "never colour the text output (NO_COLOR=1 does the same)"}
}

func bundleFlags() []cli.Flag {
	return slices.Concat(
		[]cli.Flag{&cli.StringFlag{Name: "node", Value: bundle.DefaultNode, Usage: "node name of loose captures (pasted outputs)"}},
		limitFlags(),
		[]cli.Flag{&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print no progress and no hints on standard error (errors still)"}},
	)
}

// limitFlags are the limits of the bundle reader.
func limitFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "max-entries", Value: bundle.DefaultMaxEntries, Usage: "refuse archives with more entries than `N`"},
		&cli.Int64Flag{Name: "max-bytes", Value: bundle.DefaultMaxBytes, Usage: "refuse bundles that unpack to more than `BYTES`"},
	}
}

// bundleOptions returns the options of the bundle reader from the flags of
// bundleFlags, or of limitFlags alone.
func bundleOptions(c *cli.Context) bundle.Options {
	return bundle.Options{MaxEntries: c.Int("max-entries"), MaxBytes: c.Int64("max-bytes"), Node: c.String("node")}
}

// bundleArgs returns the BUNDLE arguments, of which there must be one at least.
func bundleArgs(c *cli.Context) ([]string, error) {
	if c.NArg() == 0 {
		return nil, cli.Exit(c.Command.Name+": give at least one BUNDLE (archive, directory or file); see --help", exitUsage)
	}
	return c.Args().Slice(), nil
}

// writeOutput writes a report to --output (atomically: see
// internal/atomicfile) or to standard output. Text is coloured only on a
// terminal, without --no-color and without NO_COLOR.
func writeOutput(c *cli.Context, text bool, write func(io.Writer, report.Style) error) error {
	out := c.String("output")
	if out == "" {
		w := c.App.Writer
		return write(w, report.NewStyle(w, text && useColor(c, w)))
	}
	err := atomicfile.Write(out, atomicfile.Mode, func(w io.Writer) error {
		return write(w, report.NewStyle(w, false))
	})
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Fprintf(c.App.ErrWriter, "wrote %s\n", out)
	return nil
}

func useColor(c *cli.Context, w io.Writer) bool {
	if c.Bool("no-color") || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
