package ss_test

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/analyze/ss"
)

func ExampleResult_Listener() {
	capture := `tcp   LISTEN 0      4096           127.0.0.1:10249      0.0.0.0:*    users:(("kube-proxy",pid=2345,fd=12))
tcp   LISTEN 0      511              0.0.0.0:443        0.0.0.0:*    users:(("nginx",pid=3000,fd=6))
`
	res, err := ss.Parse(strings.NewReader(capture), source.Pos{File: "nodes/node-a/ss-listen.txt", Line: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	if s, ok := res.Listener(netip.MustParseAddrPort("10.0.5.168:443"), "TCP"); ok {
		fmt.Println(s.Users[0].Name, "takes it, at", s.Pos)
	}
	_, ok := res.Listener(netip.MustParseAddrPort("10.0.5.168:10249"), "TCP")
	fmt.Println(ok)
	// Output:
	// nginx takes it, at nodes/node-a/ss-listen.txt:2
	// false
}
