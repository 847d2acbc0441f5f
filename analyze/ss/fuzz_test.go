package ss

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// FuzzParse checks that Parse never panics, that errors are placed
// ParseErrors, and that every socket found by Listener is a listener on the
// asked port.
func FuzzParse(f *testing.F) {
	for _, name := range captures {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("tcp   LISTEN 3      4096   0.0.0.0:443 0.0.0.0:*    users:((\"tmux: server\",pid=77,fd=5),(\"nginx\",pid=3000,fd=6))\r\n")
	f.Add("LISTEN 0      4096   127.0.0.1:10249 0.0.0.0:*\nudp   UNCONN 0      0    [fe80::1]%eth0:546        [::]:*\n")
	f.Add("bash: ss: command not found\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := Parse(strings.NewReader(in), source.Pos{File: "f", Line: 2})
		if err != nil {
			var pe *source.ParseError
			if !errors.As(err, &pe) || pe.File != "f" || pe.Line < 2 {
				t.Fatalf("error %v is not a ParseError placed in f", err)
			}
			return
		}
		for _, s := range res.Sockets {
			if s.Pos.File != "f" || s.Pos.Line < 2 {
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
	})
}
