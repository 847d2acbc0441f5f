package sysctl_test

import (
	"fmt"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/analyze/sysctl"
)

func ExampleResult_Int() {
	capture := "net.ipv4.vs.conn_reuse_mode = 0\nnet.ipv4.vs.conntrack = 1\n"
	res, err := sysctl.Parse(strings.NewReader(capture), source.Pos{File: "nodes/node-a/sysctl.txt", Line: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	if mode, pos, ok := res.Int(sysctl.VSConnReuseMode); ok {
		fmt.Println("conn_reuse_mode", mode, "at", pos)
	}
	// Output:
	// conn_reuse_mode 0 at nodes/node-a/sysctl.txt:1
}
