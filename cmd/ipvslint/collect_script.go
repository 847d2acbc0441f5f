package main

import (
	"github.com/ipvslint/ipvslint/collect"
	"github.com/urfave/cli/v2"
)

func collectScriptCommand() *cli.Command {
	return &cli.Command{
		Name:  "collect-script",
		Usage: "print the node collector script (POSIX sh)",
		Description: `collect-script prints collect.sh, the script that captures a node's IPVS,
conntrack and address state (and, when kubectl works, the cluster objects) into
ipvslint-<node>-<UTC time>.tar.gz for ipvslint inspect and check. It is the
script this ipvslint was built with, so a node without network access gets it
from the binary already at hand. Run it as root on the node; its --help lists
its options.

Examples:
   ipvslint collect-script > collect.sh
   ipvslint collect-script | ssh root@node-a sh -s -- --node node-a --stdout > node-a.tar.gz
   ipvslint collect-script | kubectl debug node/node-a -i --image=busybox -- chroot /host sh -s -- --no-cluster --stdout > node-a.tar.gz`,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return cli.Exit("collect-script takes no arguments", exitUsage)
			}
			_, err := c.App.Writer.Write(collect.Script)
			return err
		},
	}
}
