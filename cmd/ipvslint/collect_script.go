package main

import (
	"github.com/ipvslint/ipvslint/collect"
	"github.com/urfave/cli/v2"
)

func collectScriptCommand() *cli.Command {
	return &cli.Command{
		Name:  "collect-script",
		Usage: "print the node collector script, or with --cluster the whole-cluster one (POSIX sh)",
		Description: `collect-script prints collect.sh, the script that captures a node's IPVS,
conntrack and address state (and, when kubectl works, the cluster objects) into
ipvslint-<node>-<UTC time>.tar.gz for ipvslint inspect and analyze. Run it as
root on the node; its --help lists its options.

With --cluster it prints collect-cluster.sh instead (collect.sh inside it): run
where kubectl works, it runs collect.sh on every node through kubectl debug
node/..., N nodes at a time, and writes one ipvslint-cluster-<UTC time>.tar.gz
of all of them; its --help lists its options.

Both are the scripts this ipvslint was built with, so a machine without network
access gets them from the binary already at hand.

Examples:
   ipvslint collect-script > collect.sh
   ipvslint collect-script | ssh root@node-a sh -s -- --node node-a --stdout > node-a.tar.gz
   ipvslint collect-script --cluster > collect-cluster.sh && sh collect-cluster.sh`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "cluster", Usage: "print collect-cluster.sh, which collects every node through kubectl debug"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return cli.Exit("collect-script takes no arguments", exitUsage)
			}
			script := collect.Script
			if c.Bool("cluster") {
				script = collect.ClusterScript()
			}
			_, err := c.App.Writer.Write(script)
			return err
		},
	}
}
