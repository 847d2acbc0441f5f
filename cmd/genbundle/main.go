// Command genbundle writes a large synthetic bundle (layout v1) for
// benchmarks and scale tests of ipvslint. It is a developer tool, not part
// of the ipvslint binary.
//
// Usage:
//
//	genbundle -nodes N -services S -flows F [-flows-node NAME] [-other-flows N]
//	          [-seed N] [-version v1.28.3] -o OUT
//
// OUT ending in .tar.gz, .tgz or .tar is written as an archive, anything else
// as a layout directory. The same flags give the same bytes. See package
// github.com/ipvslint/ipvslint/internal/gen for what the bundle holds.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ipvslint/ipvslint/internal/gen"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil && err != flag.ErrHelp {
		fmt.Fprintln(os.Stderr, "genbundle:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("genbundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg gen.Config
	fs.IntVar(&cfg.Nodes, "nodes", 3, "number of nodes")
	fs.IntVar(&cfg.Services, "services", 50, "number of Services, kubernetes and kube-dns included")
	fs.IntVar(&cfg.Flows, "flows", 1000, "conntrack flows on the flows node")
	fs.StringVar(&cfg.FlowsNode, "flows-node", "", "node that holds the flows (default node-1)")
	fs.IntVar(&cfg.OtherFlows, "other-flows", gen.DefaultOtherFlows, "conntrack flows on every other node")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the random streams")
	fs.StringVar(&cfg.Version, "version", gen.DefaultVersion, "Kubernetes version")
	out := fs.String("o", "", "output: a .tar.gz, .tgz or .tar file, or a directory (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("want -o OUT and no arguments")
	}
	start := time.Now()
	b, err := gen.New(cfg)
	if err != nil {
		return err
	}
	if err := b.Write(*out); err != nil {
		return err
	}
	var total int64
	for _, f := range b.Manifest().Files {
		total += f.Bytes
	}
	written := total
	if fi, err := os.Stat(*out); err == nil && !fi.IsDir() {
		written = fi.Size()
	}
	fmt.Fprintf(stderr, "wrote %s: %d files, %d bytes of captures, %d bytes written, in %s\n",
		*out, len(b.Manifest().Files)+1, total, written, time.Since(start).Round(time.Millisecond))
	return nil
}
