package main

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/waiver"
	"github.com/urfave/cli/v2"
)

// todayEnv names the environment variable that sets the day waiver expiry
// dates are compared with, for reproducible runs and tests.
const todayEnv = "IPVSLINT_TODAY"

// waiverFlags are the flags of waivers.
func waiverFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "waivers", Usage: "suppress the findings the waivers of this YAML `FILE` match (see docs/waivers.md); " +
			"expiry dates are compared with today's UTC date, or with " + todayEnv + "=YYYY-MM-DD when set"},
		&cli.BoolFlag{Name: "show-waived", Usage: "list the findings waivers suppressed"},
	}
}

// applyWaivers returns the findings no waiver suppresses and those it does.
// An expired waiver suppresses nothing and is a finding itself, sorted in
// among the others.
func applyWaivers(c *cli.Context, findings []engine.Finding) ([]engine.Finding, []report.Waived, error) {
	path := c.String("waivers")
	if path == "" {
		return findings, nil, nil
	}
	today, err := today()
	if err != nil {
		return nil, nil, cli.Exit(err.Error(), exitUsage)
	}
	r, err := os.Open(path)
	if err != nil {
		return nil, nil, cli.Exit("--waivers: "+err.Error(), exitUsage)
	}
	defer r.Close()
	f, err := waiver.Parse(r, path)
	if err != nil {
		return nil, nil, cli.Exit(err.Error(), exitUsage)
	}
	kept, waived, expired := f.Apply(findings, today)
	return engine.SortFindings(slices.Concat(kept, expired)), waived, nil
}

// today is the current UTC date, or the date IPVSLINT_TODAY says.
func today() (time.Time, error) {
	s := os.Getenv(todayEnv)
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad %s %q: want YYYY-MM-DD", todayEnv, s)
	}
	return t, nil
}
