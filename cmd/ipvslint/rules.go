package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/urfave/cli/v2"
)

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "list, show, test and document the rules",
		Description: `rules works on the built-in rule pack and on the packs of --rules: a
directory of .rego files or an OPA bundle (.tar.gz). docs/rules.md tells how to
write, test and ship a pack.

Examples:
   ipvslint rules list
   ipvslint rules show lb-ip-unserved-port
   ipvslint rules test ./mypack
   ipvslint rules doc --rules ./mypack -o RULES.md`,
		Subcommands: []*cli.Command{rulesListCommand(), rulesShowCommand(), rulesTestCommand(), rulesDocCommand()},
	}
}

func rulesListCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list the rules: ID, severity, title and pack",
		Description: `list prints every loaded rule, sorted by ID: the built-in ones and those of
each --rules pack (only those with --no-builtin). A pack that does not load
is reported as analyze would, with exit code 2.

Examples:
   ipvslint rules list
   ipvslint rules list --rules ./mypack --format json | jq -r '.[].id'
   ipvslint rules list --rules team-rules.tar.gz --no-builtin`,
		Flags: append([]cli.Flag{formatFlag("text", "json"), noColorFlag()}, rulePackFlags()...),
		Action: func(c *cli.Context) error {
			format, err := chosenFormat(c, "text", "json")
			if err != nil {
				return err
			}
			rules, err := loadedRules(c, 0)
			if err != nil {
				return err
			}
			return writeRules(c, format == "text", func(w io.Writer, st report.Style) error {
				if format == "json" {
					return report.WriteJSON(w, rules)
				}
				return report.RulesText(w, rules, st)
			})
		},
	}
}

func rulesShowCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "describe a rule: what it detects, what it reads, what to do",
		ArgsUsage: "ID...",
		Description: `show prints what the METADATA of each rule ID says (title, severity,
behaviour, description, remediation, references), the file that holds it, and
the paths of the input document the rule reads (ipvslint analyze --dump-input
prints that document).

Examples:
   ipvslint rules show vs-no-real-servers
   ipvslint rules show --rules ./mypack nodeport-reserved-range
   ipvslint rules show --format json lb-ip-bound-in-cluster`,
		Flags: append([]cli.Flag{formatFlag("text", "json"), noColorFlag()}, rulePackFlags()...),
		Action: func(c *cli.Context) error {
			format, err := chosenFormat(c, "text", "json")
			if err != nil {
				return err
			}
			rules, err := loadedRules(c, 1)
			if err != nil {
				return err
			}
			var chosen []engine.Rule
			for _, id := range c.Args().Slice() {
				i := slices.IndexFunc(rules, func(r engine.Rule) bool { return r.ID == id })
				if i < 0 {
					return cli.Exit(fmt.Sprintf("rules show: no rule %q is loaded (ipvslint rules list shows those that are)", id), exitUsage)
				}
				chosen = append(chosen, rules[i])
			}
			return writeRules(c, format == "text", func(w io.Writer, st report.Style) error {
				if format == "json" {
					return report.WriteJSON(w, chosen)
				}
				for i, r := range chosen {
					if i > 0 {
						fmt.Fprintln(w)
					}
					if err := report.RuleText(w, r, st); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}

func rulesDocCommand() *cli.Command {
	return &cli.Command{
		Name:  "doc",
		Usage: "write the catalogue of the rules as Markdown",
		Description: `doc writes a Markdown catalogue generated from the rules' METADATA: a table
of every rule (ID, severity, behaviour, title), then a section per rule with
its description, what it reads, what to do and its references. --summary
writes the table only. rules/README.md is this command's output, and the
README's list of rules its --summary (go generate ./rules refreshes the
first, go test ./cmd/ipvslint -run TestRulesDoc -update both).

Examples:
   ipvslint rules doc -o RULES.md
   ipvslint rules doc --summary
   ipvslint rules doc --rules ./mypack --no-builtin -o mypack/README.md`,
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "summary", Usage: "write the table of the rules only"},
			outputFlag(),
		}, rulePackFlags()...),
		Action: func(c *cli.Context) error {
			rules, err := loadedRules(c, 0)
			if err != nil {
				return err
			}
			return writeRules(c, false, func(w io.Writer, _ report.Style) error {
				return report.RulesMarkdown(w, rules, c.Bool("summary"))
			})
		},
	}
}

// loadedRules loads the packs the flags choose and returns their rules,
// after checking that the command has at least minArgs arguments.
func loadedRules(c *cli.Context, minArgs int) ([]engine.Rule, error) {
	if c.NArg() < minArgs {
		return nil, cli.Exit(fmt.Sprintf("rules %s: give %s; see --help", c.Command.Name, c.Command.ArgsUsage), exitUsage)
	}
	if minArgs == 0 && c.NArg() > 0 {
		return nil, cli.Exit(fmt.Sprintf("rules %s takes no argument, not %q (--rules PATH loads a pack)", c.Command.Name, c.Args().First()), exitUsage)
	}
	eng, err := compileEngine(c)
	if err != nil {
		return nil, err
	}
	return eng.Rules(), nil
}

// writeRules writes the output of a rules command, turning a write error
// into exit code 2.
func writeRules(c *cli.Context, text bool, write func(io.Writer, report.Style) error) error {
	if err := writeOutput(c, text, write); err != nil {
		return cli.Exit(err.Error(), exitUsage)
	}
	return nil
}

func rulesTestCommand() *cli.Command {
	return &cli.Command{
		Name:      "test",
		Usage:     "run the Rego tests of rule packs, as opa test does",
		ArgsUsage: "PATH...",
		Description: `test runs the test_ rules of the *_test.rego files of each PATH (a directory or
an OPA bundle .tar.gz) with the builtins rules may call, beside the built-in
pack's rules and helpers (data.ipvslint.lib), so that tests can use them
(--no-builtin leaves the rules out, not the helpers). The pack must load as analyze would load it:
metadata, unique IDs, no forbidden builtin.

It prints each failing test (each test with --verbose, and what print wrote),
then "N passed, M failed". A todo_ test is skipped and counts as neither.

Examples:
   ipvslint rules test examples/portpolicy
   ipvslint rules test --verbose ./mypack team-rules.tar.gz

Exit codes: 0 every test passed; 1 a test failed or could not run; 2 a pack
did not load or compile, or bad flags.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print every test, and what print wrote"},
			&cli.BoolFlag{Name: "no-builtin", Usage: "leave the built-in rules out (their helpers, data.ipvslint.lib, stay)"},
			&cli.DurationFlag{Name: "rules-timeout", Value: engine.DefaultTimeout, Usage: "fail a test that runs longer than `DURATION`"},
		},
		Action: runRulesTest,
	}
}

func runRulesTest(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.Exit("rules test: give the PATH of a rule pack (a directory or an OPA bundle); see --help", exitUsage)
	}
	opts, err := baseEngineOptions(c)
	if err != nil {
		return err
	}
	if opts.Packs, err = withLib(c, opts.NoBuiltin, c.Args().Slice()); err != nil {
		return err
	}
	// The rules must load as analyze loads them, tests aside.
	if _, err := engine.New(opts); err != nil {
		return invalidPack(err)
	}
	results, err := engine.Test(c.Context, opts)
	if err != nil {
		return invalidPack(err)
	}
	w := c.App.Writer
	verbose := c.Bool("verbose")
	passed, failed := 0, 0
	for _, r := range results {
		var status string
		switch {
		case r.Err != nil:
			status = "ERROR"
			failed++
		case r.Fail:
			status = "FAIL"
			failed++
		case r.Skip:
			status = "SKIP"
		default:
			status = "PASS"
			passed++
		}
		if !verbose && (status == "PASS" || status == "SKIP") {
			continue
		}
		fmt.Fprintf(w, "%-5s %s:%d: %s\n", status, r.File, r.Line, r.Name)
		if r.Err != nil {
			fmt.Fprintf(w, "      %s\n", r.Err)
		}
		if out := strings.TrimRight(r.Output, "\n"); out != "" {
			for _, line := range strings.Split(out, "\n") {
				fmt.Fprintf(w, "      print: %s\n", line)
			}
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return cli.Exit("", exitFindings)
	}
	if passed == 0 {
		fmt.Fprintln(c.App.ErrWriter, "ipvslint: rules test: no test_ rule found in *_test.rego files")
	}
	return nil
}
