package main

import (
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/urfave/cli/v2"
)

// rulePackFlags are the flags that choose the rule packs.
func rulePackFlags() []cli.Flag {
	return nil
}

// engineOptions returns the engine options the rule-pack flags ask for.
func engineOptions(c *cli.Context) (engine.Options, error) {
	return engine.Options{}, nil
}
