// Command ipvslint explains why Kubernetes Service traffic fails when
// kube-proxy runs in IPVS mode, from captures taken on the node.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

// Exit codes, the same for every command (rule-catalog.md).
const (
	exitOK       = 0 // ran; nothing at or above --fail-on
	exitFindings = 1 // ran; findings at or above --fail-on
	exitUsage    = 2 // could not run: bad flags, unreadable or refused input, invalid rule pack
)

func main() {
	limitMemory()
	tuneGC(heapBudget) // for the whole run: the process ends with it
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit code. It never
// calls os.Exit, so tests can drive it.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "ipvslint:", msg)
		}
		return ec.ExitCode()
	}
	// Everything else is a usage error from the flag parser.
	fmt.Fprintln(stderr, "ipvslint:", err)
	return exitUsage
}

func newApp(stdout, stderr io.Writer) *cli.App {
	commands := []*cli.Command{
		inspectCommand(),
		analyzeCommand(),
		traceCommand(),
		upgradeCheckCommand(),
		diffCommand(),
		redactCommand(),
		unredactCommand(),
		rulesCommand(),
		collectScriptCommand(),
		versionCommand(),
	}
	hideLeafHelpCommands(commands)
	return &cli.App{
		Name:  "ipvslint",
		Usage: "explain why Kubernetes Service traffic fails with kube-proxy in IPVS mode",
		Description: `ipvslint reads what a node captured (ip addr, ipvsadm -Ln, conntrack -L and the
cluster's Service/EndpointSlice YAML), as a bundle made by its collector or as
outputs pasted into a ticket, and reports what they show.

Exit codes: 0 ran and found nothing at or above --fail-on; 1 ran and found
something; 2 could not run (bad flags, unreadable or refused input).`,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		// Repeat a flag to give several values: a path may hold a comma.
		DisableSliceFlagSeparator: true,
		EnableBashCompletion:      false,
		// Exit codes are decided in run, never by os.Exit inside the library.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return cli.Exit(err.Error(), exitUsage)
		},
		Commands: commands,
	}
}

// hideLeafHelpCommands turns off the "help"/"h" subcommand that the CLI
// library gives every command, on the commands that have no subcommands of
// their own: there "h" is an argument (a bundle directory may be called h),
// and --help still prints the help.
func hideLeafHelpCommands(cmds []*cli.Command) {
	for _, c := range cmds {
		if len(c.Subcommands) == 0 {
			c.HideHelpCommand = true
		}
		hideLeafHelpCommands(c.Subcommands)
	}
}
