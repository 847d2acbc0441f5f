package ipvs_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/ipvs"
	"github.com/ipvslint/ipvslint/analyze/source"
)

func ExampleParse() {
	const capture = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 192.168.10.11:6443           Masq    1      4          0
  -> 192.168.10.12:6443           Masq    0      3          1
TCP  10.96.100.200:80 rr
FWM  124 IPv6 rr
`
	tab, err := ipvs.Parse(strings.NewReader(capture), source.Pos{File: "nodes/node-a/ipvsadm.txt", Line: 1})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range tab.Services {
		fmt.Printf("%s (line %d) %s, %d dests\n", s.Key(), s.Pos.Line, s.Scheduler, len(s.Dests))
		for _, d := range s.Dests {
			if w, ok := d.Weight(); ok {
				fmt.Printf("  %s %s weight %d\n", d.Addr, d.Forward, w)
			}
		}
	}
	fmt.Println(tab.Service("TCP/10.96.100.200:80").Pos)
	// Output:
	// TCP/10.96.0.1:443 (line 4) rr, 2 dests
	//   192.168.10.11:6443 Masq weight 1
	//   192.168.10.12:6443 Masq weight 0
	// TCP/10.96.100.200:80 (line 7) rr, 0 dests
	// FWM/124/IPv6 (line 8) rr, 0 dests
	// nodes/node-a/ipvsadm.txt:7
}
