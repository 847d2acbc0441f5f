package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// version is the release, set at build time with
// -ldflags "-X main.version=v0.1.0"; otherwise taken from the module version
// that `go install …@version` records.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version of ipvslint and of the formats it reads and writes",
		Description: `Prints the ipvslint release, the Go version it was built with, and the
versions of the bundle format it reads.

Example:
   ipvslint version`,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return cli.Exit("version takes no arguments", exitUsage)
			}
			w := c.App.Writer
			fmt.Fprintf(w, "ipvslint %s\n", versionString())
			fmt.Fprintf(w, "go       %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			fmt.Fprintf(w, "bundle   ipvslint.bundle/v1\n")
			return nil
		},
	}
}
