package ipaddr

import (
	"errors"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// FuzzParse checks that Parse never panics and that what it returns is
// consistent: a *source.ParseError or a result whose records are all valid and
// placed in the capture.
func FuzzParse(f *testing.F) {
	for _, name := range refFiles {
		f.Add(string(testref.Read(f, name)))
	}
	f.Add("5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default\n    link/ether 4a:cc:f7:75:eb:78 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 0 maxmtu 0\n    dummy numtxqueues 1\n    inet 192.168.0.1/32 brd 192.168.0.1 scope global kube-ipvs0\n       valid_lft forever preferred_lft forever\n")
	f.Add("9: tun0@NONE: <POINTOPOINT> mtu 1480\n    link/none \n    bridge_slave state forwarding\n    altname t0\n    inet 10.0.0.1 peer 10.0.0.2/32 metric 5 scope global flags 80 tun0\n")
	f.Add("[{}]\n")
	f.Add(`[{"ifindex":2,"link":null,"ifname":"a","addr_info":[{"local":"10.0.0.1","address":"10.0.0.2","prefixlen":32,"dynamic":true}]}]`)
	f.Add("Device \"kube-ipvs0\" does not exist.\n")
	f.Fuzz(func(t *testing.T, in string) {
		const first = 7
		res, err := Parse(strings.NewReader(in), source.Pos{File: "f", Line: first})
		if err != nil {
			var pe *source.ParseError
			if !errors.As(err, &pe) || pe.File != "f" || pe.Line < first {
				t.Fatalf("error %v is not a ParseError placed in f", err)
			}
			if res != nil {
				t.Fatal("result with an error")
			}
			return
		}
		if res.Failure != nil && len(res.Interfaces) > 0 {
			t.Fatal("failure with interfaces")
		}
		for _, it := range res.Interfaces {
			if it.Pos.File != "f" || it.Pos.Line < first {
				t.Fatalf("interface %q at %v", it.Name, it.Pos)
			}
			for _, a := range it.Addresses {
				if !a.Prefix.IsValid() || a.Pos.Line < it.Pos.Line {
					t.Fatalf("address %v at %v in interface at %v", a.Prefix, a.Pos, it.Pos)
				}
			}
		}
		for _, w := range res.Warnings {
			if w.File != "f" || w.Line < first {
				t.Fatalf("warning at %v", w.Pos)
			}
		}
	})
}
