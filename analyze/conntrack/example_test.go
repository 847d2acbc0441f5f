package conntrack_test

import (
	"fmt"
	"io"
	"maps"
	"net/netip"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/conntrack"
	"github.com/ipvslint/ipvslint/analyze/source"
)

func ExampleReader() {
	const capture = `tcp      6 118 SYN_SENT src=10.244.1.5 dst=10.96.0.1 sport=51000 dport=443 [UNREPLIED] src=192.168.10.11 dst=10.244.1.5 sport=6443 dport=51000 mark=0 use=1
udp      17 27 src=10.244.1.6 dst=10.96.0.10 sport=40001 dport=53 src=10.244.2.7 dst=10.244.1.6 sport=53 dport=40001 mark=0 use=1
`
	r := conntrack.NewReader(strings.NewReader(capture), source.Pos{File: "conntrack.txt", Line: 1})
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(f.Pos, f.Proto, f.Orig.Dst, f.Orig.Dport, "->", f.Reply.Src, f.Reply.Sport, "unreplied:", f.Unreplied)
	}
	fmt.Println("format:", r.Format())
	// Output:
	// conntrack.txt:1 tcp 10.96.0.1 443 -> 192.168.10.11 6443 unreplied: true
	// conntrack.txt:2 udp 10.96.0.10 53 -> 10.244.2.7 53 unreplied: false
	// format: default
}

func ExampleSummarize() {
	const capture = `tcp      6 118 SYN_SENT src=10.244.1.5 dst=10.96.0.1 sport=51000 dport=443 [UNREPLIED] src=192.168.10.11 dst=10.244.1.5 sport=6443 dport=51000 mark=0 use=1
icmp     1 27 src=10.244.1.5 dst=8.8.8.8 type=8 code=0 id=7 src=8.8.8.8 dst=10.244.1.5 type=0 code=0 id=7 mark=0 use=1
`
	vips := map[netip.Addr]bool{netip.MustParseAddr("10.96.0.1"): true}
	local := func(a netip.Addr) bool { return vips[a] }
	s, err := conntrack.Summarize(strings.NewReader(capture), source.Pos{File: "conntrack.txt", Line: 1}, local)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := s.Dests[conntrack.Key(6, netip.MustParseAddrPort("10.96.0.1:443"))]
	fmt.Println(s.Flows, "flows,", s.NonLocal, "not local")
	fmt.Println(d.Flows, "to the API VIP,", d.Unreplied, "unreplied, sent to", maps.Collect(d.UnrepliedBackends.All()))
	fmt.Println("evidence:", d.UnrepliedSamples[0].Pos)
	// Output:
	// 2 flows, 1 not local
	// 1 to the API VIP, 1 unreplied, sent to map[192.168.10.11:6443:1]
	// evidence: conntrack.txt:1
}
