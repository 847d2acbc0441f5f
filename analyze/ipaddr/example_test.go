package ipaddr_test

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/ipaddr"
	"github.com/ipvslint/ipvslint/analyze/source"
)

func ExampleParse() {
	capture := `5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
    link/ether 4a:cc:f7:75:eb:78 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 0 maxmtu 0
    dummy numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535
    inet 10.96.0.1/32 scope global kube-ipvs0
       valid_lft forever preferred_lft forever
`
	res, err := ipaddr.Parse(strings.NewReader(capture), source.Pos{File: "nodes/node-a/ip-addr.txt", Line: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	ipvs := res.Interface("kube-ipvs0")
	fmt.Println(ipvs.Kind, ipvs.State, ipvs.HasFlag("NOARP"))
	if a := ipvs.Address(netip.MustParseAddr("10.96.0.1")); a != nil {
		fmt.Println(a.Prefix, "at", a.Pos)
	}
	// Output:
	// dummy DOWN true
	// 10.96.0.1/32 at nodes/node-a/ip-addr.txt:4
}
