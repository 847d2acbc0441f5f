package ss

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// FuzzParse checks the invariants every parser keeps (see parsertest.Fuzz),
// that every socket is placed in the input, and that every socket found by
// Listener is a listener on the asked port.
func FuzzParse(f *testing.F) {
	captures.Seed(f)
	f.Add("tcp   LISTEN 3      4096   0.0.0.0:443 0.0.0.0:*    users:((\"tmux: server\",pid=77,fd=5),(\"nginx\",pid=3000,fd=6))\r\n")
	f.Add("LISTEN 0      4096   127.0.0.1:10249 0.0.0.0:*\nudp   UNCONN 0      0    [fe80::1]%eth0:546        [::]:*\n")
	f.Add("bash: ss: command not found\n")
	f.Add("State Recv-Q Send-Q\nLISTEN 0 4096 <node-ip>:443 0.0.0.0:*\nLISTEN 0 4096 x.x.x.x:80 *:*\n")
	parsertest.Fuzz[Result]{
		Parse: Parse,
		First: 2,
		Common: func(res *Result) parsertest.Common {
			return parsertest.Common{Warnings: res.Warnings, Failure: res.Failure, Records: len(res.Sockets)}
		},
		Check: func(t *testing.T, res *Result, in parsertest.Span) {
			for _, s := range res.Sockets {
				if !in.Contains(s.Pos) {
					t.Fatalf("socket at %v", s.Pos)
				}
				ap := netip.AddrPortFrom(s.Addr, s.Port)
				if !s.Addr.IsValid() {
					ap = netip.AddrPortFrom(netip.IPv4Unspecified(), s.Port)
				}
				l, ok := res.Listener(ap, s.Netid)
				if ok && (l.Port != s.Port || !strings.EqualFold(l.Netid, s.Netid)) {
					t.Fatalf("Listener(%v, %s) = %+v", ap, s.Netid, l)
				}
			}
		},
	}.Run(f)
}
