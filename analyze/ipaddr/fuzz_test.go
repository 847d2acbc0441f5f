package ipaddr

import (
	"io"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// FuzzParse checks the invariants of fuzz for Parse.
func FuzzParse(f *testing.F) {
	fuzz(f, Parse)
}

// FuzzParseDevice checks the invariants of fuzz for ParseDevice, the
// reading of `ip addr show dev kube-ipvs0 | grep ...`: address lines
// without their link line and without a label go to the device.
func FuzzParseDevice(f *testing.F) {
	fuzz(f, func(r io.Reader, at source.Pos) (*Result, error) { return ParseDevice(r, at, "kube-ipvs0") })
}

// fuzz seeds f and runs parse on its inputs, checking the invariants every
// parser keeps (see parsertest.Fuzz) and that every interface is placed in
// the input, with valid addresses placed at or after its own line.
func fuzz(f *testing.F, parse parsertest.Parser[Result]) {
	refs.Seed(f)
	f.Add("5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default\n    link/ether 4a:cc:f7:75:eb:78 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 0 maxmtu 0\n    dummy numtxqueues 1\n    inet 192.168.0.1/32 brd 192.168.0.1 scope global kube-ipvs0\n       valid_lft forever preferred_lft forever\n")
	f.Add("9: tun0@NONE: <POINTOPOINT> mtu 1480\n    link/none \n    bridge_slave state forwarding\n    altname t0\n    inet 10.0.0.1 peer 10.0.0.2/32 metric 5 scope global flags 80 tun0\n")
	f.Add("[{}]\n")
	f.Add(`[{"ifindex":2,"link":null,"ifname":"a","addr_info":[{"local":"10.0.0.1","address":"10.0.0.2","prefixlen":32,"dynamic":true}]}]`)
	f.Add("Device \"kube-ipvs0\" does not exist.\n")
	// Pasted fragments: grep'd address lines, a paste that starts inside an
	// interface, placeholders.
	f.Add("    inet 10.96.0.10/32 scope global kube-ipvs0\n       valid_lft forever preferred_lft forever\n--\n    inet6 fd00::a/128 scope global\n")
	f.Add("    inet6 fe80::42:acff:fe11:2/64 scope link \n       valid_lft forever preferred_lft forever\n3: kube-ipvs0: <BROADCAST,NOARP> mtu 1500\n    inet 10.96.0.1/32 scope global kube-ipvs0\n")
	f.Add("inet <clusterIp>/32 scope global kube-ipvs0\ninet x.x.x.x/32 scope global eth0:vip\n")
	// The output of a command that names the device (`ip -6 a show dev
	// kube-ipvs0 | grep -A1 fd00`): no labels, CRLF line ends; and a label
	// that names another interface before an unlabelled line.
	f.Add("    inet6 fd00:10:96::1/128 scope global\r\n       valid_lft forever preferred_lft forever\r\n--\r\n    inet6 fd00:10:96::a/128 scope global\r\n")
	f.Add("    inet 10.0.0.5/24 scope global eth0\n    inet 10.96.0.1/32 scope global\n")
	parsertest.Fuzz[Result]{
		Parse: parse,
		First: 7,
		Common: func(res *Result) parsertest.Common {
			return parsertest.Common{Warnings: res.Warnings, Failure: res.Failure, Records: len(res.Interfaces)}
		},
		Check: func(t *testing.T, res *Result, in parsertest.Span) {
			for _, it := range res.Interfaces {
				if !in.Contains(it.Pos) {
					t.Fatalf("interface %q at %v", it.Name, it.Pos)
				}
				for _, a := range it.Addresses {
					if !a.Prefix.IsValid() || a.Pos.Line < it.Pos.Line {
						t.Fatalf("address %v at %v in interface at %v", a.Prefix, a.Pos, it.Pos)
					}
				}
			}
		},
	}.Run(f)
}
