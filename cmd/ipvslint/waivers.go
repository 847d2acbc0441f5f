package main

import (
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/urfave/cli/v2"
)

// waiverFlags are the flags of waivers.
func waiverFlags() []cli.Flag {
	return []cli.Flag{&cli.BoolFlag{Name: "show-waived", Usage: "list the findings waivers suppressed"}}
}

// applyWaivers returns the findings no waiver suppresses and those it does.
func applyWaivers(c *cli.Context, findings []engine.Finding) ([]engine.Finding, []report.Waived, error) {
	return findings, nil, nil
}
