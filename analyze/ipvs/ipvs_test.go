package ipvs

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/golden"
	"github.com/ipvslint/ipvslint/internal/parsertest"
	"github.com/ipvslint/ipvslint/internal/testref"
)

const file = "ipvsadm.txt"

func at(line int) source.Pos { return source.Pos{File: file, Line: line} }

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// listDest is a dest as the plain -Ln list prints it.
func listDest(line int, addr, fwd string, w int32, act, inact uint64) Dest {
	return Dest{Pos: at(line), Addr: ap(addr), Forward: fwd, weight: w, active: act, inact: inact, has: hasWeight | hasActive | hasInAct}
}

type parseTest struct {
	name    string
	in      string
	first   int // first line number; 1 when 0
	want    *Table
	warns   []string
	wantErr string
}

var parseTests = []parseTest{
	{
		name: "paste with version line",
		in: "IP Virtual Server version 1.2.1 (size=4096)\n" +
			"TCP  10.102.128.4:3080 rr\n" +
			"  -> 10.244.0.235:8080            Masq    1      0          0\n",
		want: &Table{Format: FormatList, Version: "1.2.1", ConnTableSize: 4096, Services: []*Service{{
			Pos: at(2), Protocol: "TCP", Addr: ap("10.102.128.4:3080"), Scheduler: "rr",
			Dests: []Dest{listDest(3, "10.244.0.235:8080", "Masq", 1, 0, 0)},
		}}},
	},
	{
		name: "no version line, CRLF, trailing spaces",
		in: "Prot LocalAddress:Port Scheduler Flags\r\n" +
			"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\r\n" +
			"TCP  10.96.0.1:443 rr\r\n" +
			"  -> 192.168.10.11:6443           Masq    1      4          0         \r\n" +
			"  -> [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:6443 Masq    0      0          0         \r\n",
		want: &Table{Format: FormatList, Services: []*Service{{
			Pos: at(3), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr",
			Dests: []Dest{
				listDest(4, "192.168.10.11:6443", "Masq", 1, 4, 0),
				listDest(5, "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:6443", "Masq", 0, 0, 0),
			},
		}}},
	},
	{
		name: "all service suffixes",
		in:   "UDP  10.96.7.7:5060 sh (sh-fallback,sh-port) persistent 360 mask 255.255.255.0 pe sip ops\n",
		want: &Table{Format: FormatList, Services: []*Service{{
			Pos: at(1), Protocol: "UDP", Addr: ap("10.96.7.7:5060"), Scheduler: "sh",
			Persistent: 360, OnePacket: true, more: &serviceMore{flags: []string{"sh-fallback", "sh-port"}, netmask: "255.255.255.0", pe: "sip"},
		}}},
	},
	{
		name: "firewall marks and unknown protocol",
		in:   "FWM  123 rr\n  -> 10.244.5.5:0                 Masq    1      0          0\nFWM  124 IPv6 wlc\n?    10.1.1.1:7 rr\n",
		want: &Table{Format: FormatList, Services: []*Service{
			{Pos: at(1), FWMark: 123, Scheduler: "rr", Dests: []Dest{listDest(2, "10.244.5.5:0", "Masq", 1, 0, 0)}},
			{Pos: at(3), FWMark: 124, IPv6: true, Scheduler: "wlc"},
			{Pos: at(4), Protocol: "?", Addr: ap("10.1.1.1:7"), Scheduler: "rr"},
		}},
	},
	{
		name: "IPv6 normalised",
		in:   "UDP  [fd00:0010:0096:0:0:0:0:000a]:53 rr persistent 10800 mask 64\n",
		want: &Table{Format: FormatList, Services: []*Service{{
			Pos: at(1), Protocol: "UDP", Addr: ap("[fd00:10:96::a]:53"), IPv6: true, Scheduler: "rr", Persistent: 10800, more: &serviceMore{netmask: "64"},
		}}},
	},
	{
		name: "grep'd fragment with an orphan dest",
		in: "  -> 10.244.1.2:53                Masq    1      0          17\n" +
			"TCP  10.96.0.10:53 rr\n" +
			"  -> 10.244.1.2:53                Masq    1      0          0\n",
		want: &Table{Format: FormatList, Services: []*Service{{
			Pos: at(2), Protocol: "TCP", Addr: ap("10.96.0.10:53"), Scheduler: "rr",
			Dests: []Dest{listDest(3, "10.244.1.2:53", "Masq", 1, 0, 0)},
		}}},
		warns: []string{`ipvsadm.txt:1: destination without a service line before it: left out: "  -> 10.244.1.2:53                Masq    1      0          17"`},
	},
	{
		name: "header resets the current service",
		in:   "TCP  10.96.0.1:443 rr\nIP Virtual Server version 1.2.1 (size=4096)\n  -> 10.1.1.1:1 Masq 1 0 0\n",
		want: &Table{Format: FormatList, Version: "1.2.1", ConnTableSize: 4096, Services: []*Service{{
			Pos: at(1), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr",
		}}},
		warns: []string{`ipvsadm.txt:3: destination without a service line before it: left out: "  -> 10.1.1.1:1 Masq 1 0 0"`},
	},
	{
		name:  "first line number",
		in:    "TCP  10.96.0.1:443 rr\n  -> 10.1.1.1:1 Masq 1 0 0\n",
		first: 40,
		want: &Table{Format: FormatList, Services: []*Service{{
			Pos: at(40), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr",
			Dests: []Dest{listDest(41, "10.1.1.1:1", "Masq", 1, 0, 0)},
		}}},
	},
	{
		name: "odd tokens and forward methods kept",
		in: "TCP  10.96.0.1:443 rr frobnicate persistent x\n" +
			"  -> 10.1.1.1:1 Bogus 1 0 0\n" +
			"  -> 10.1.1.2:1 (null) 1 0 0 surplus\n",
		want: &Table{Format: FormatList, Services: []*Service{{
			Pos: at(1), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr", more: &serviceMore{extra: []string{"frobnicate", "persistent", "x"}},
			Dests: []Dest{
				listDest(2, "10.1.1.1:1", "Bogus", 1, 0, 0),
				func() Dest {
					d := listDest(3, "10.1.1.2:1", "(null)", 1, 0, 0)
					d.more = &destMore{extra: []string{"surplus"}}
					return d
				}(),
			},
		}}},
		warns: []string{
			`ipvsadm.txt:1: unknown token "frobnicate" kept: "TCP  10.96.0.1:443 rr frobnicate persistent x"`,
			`ipvsadm.txt:1: unknown tokens "persistent x" kept: "TCP  10.96.0.1:443 rr frobnicate persistent x"`,
			`ipvsadm.txt:2: unknown forward method "Bogus" kept: "  -> 10.1.1.1:1 Bogus 1 0 0"`,
			`ipvsadm.txt:3: unknown token "surplus" kept: "  -> 10.1.1.2:1 (null) 1 0 0 surplus"`,
		},
	},
	{
		name: "bad lines left out",
		in: "TCP  10.96.0.1:443 rr\n" +
			"  -> 10.1.1.1:1 Masq x 0 0\n" +
			"  -> 10.1.1.1:99999 Masq 1 0 0\n" +
			"  -> 10.1.1.1:1 Masq 1\n" +
			"TCP\n" +
			"FWM  x rr\n" +
			"UDP  10.96.0.1:53\n" +
			"  -> 10.1.1.1:1 Mas",
		want: &Table{Format: FormatList, ServicesLeftOut: 2, Services: []*Service{{
			Pos: at(1), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr", DestsLeftOut: 3,
		}, {
			Pos: at(7), Protocol: "UDP", Addr: ap("10.96.0.1:53"), DestsLeftOut: 1,
		}}},
		warns: []string{
			`ipvsadm.txt:2: bad weight "x": "  -> 10.1.1.1:1 Masq x 0 0"`,
			`ipvsadm.txt:3: bad destination address "10.1.1.1:99999": "  -> 10.1.1.1:99999 Masq 1 0 0"`,
			`ipvsadm.txt:4: destination line with 2 of 4 columns: "  -> 10.1.1.1:1 Masq 1"`,
			`ipvsadm.txt:5: service line without an address: "TCP"`,
			`ipvsadm.txt:6: bad firewall mark "x": "FWM  x rr"`,
			`ipvsadm.txt:7: service line without a scheduler: "UDP  10.96.0.1:53"`,
			`ipvsadm.txt:8: destination line with 1 of 4 columns (the input ends inside this line): "  -> 10.1.1.1:1 Mas"`,
		},
	},
	{
		// Addresses a reporter hid before pasting: the services and real
		// servers they stand for are left out; the real servers of a left
		// out service are never given to the service before it.
		name: "placeholders left out",
		in: "TCP  10.96.0.1:443 rr\n" +
			"  -> 172.18.0.2:6443              Masq    1      0          0\n" +
			"TCP  <LB-IP>:443 rr\n" +
			"  -> 10.244.1.3:8443              Masq    1      0          0\n" +
			"TCP  x.x.x.x:80 rr\n" +
			"  -> 10.244.1.3:8080              Masq    1      0          0\n" +
			"TCP  10.96.0.10:53 rr\n" +
			"  -> <pod-ip>:53                  Masq    1      0          0\n" +
			"  -> ***:53                       Masq    1      0          0\n" +
			"  -> 10.244.1.4:53                Masq    1      0          0\n",
		want: &Table{Format: FormatList, ServicesLeftOut: 2, Services: []*Service{
			{Pos: at(1), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr", Dests: []Dest{listDest(2, "172.18.0.2:6443", "Masq", 1, 0, 0)}},
			{Pos: at(7), Protocol: "TCP", Addr: ap("10.96.0.10:53"), Scheduler: "rr", Dests: []Dest{listDest(10, "10.244.1.4:53", "Masq", 1, 0, 0)}, DestsLeftOut: 2},
		}},
		warns: []string{
			`ipvsadm.txt:3: placeholder "<LB-IP>" in place of the service address: left out: "TCP  <LB-IP>:443 rr"`,
			`ipvsadm.txt:4: destination of a service that was left out: "  -> 10.244.1.3:8443              Masq    1      0          0"`,
			`ipvsadm.txt:5: placeholder "x.x.x.x" in place of the service address: left out: "TCP  x.x.x.x:80 rr"`,
			`ipvsadm.txt:6: destination of a service that was left out: "  -> 10.244.1.3:8080              Masq    1      0          0"`,
			`ipvsadm.txt:8: placeholder "<pod-ip>" in place of the destination address: left out: "  -> <pod-ip>:53                  Masq    1      0          0"`,
			`ipvsadm.txt:9: placeholder "***" in place of the destination address: left out: "  -> ***:53                       Masq    1      0          0"`,
		},
	},
	{
		name: "service listed twice",
		in:   "TCP  10.96.0.1:443 rr\nTCP  10.96.0.1:443 wlc\n",
		want: &Table{Format: FormatList, Services: []*Service{
			{Pos: at(1), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr"},
			{Pos: at(2), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "wlc"},
		}},
		warns: []string{`ipvsadm.txt:2: service TCP/10.96.0.1:443 listed twice; lookups find the first: "TCP  10.96.0.1:443 wlc"`},
	},
	{
		name: "names instead of numbers",
		in: "TCP  kubernetes.default.svc.clust rr\n" +
			"  -> 192.168.10.11:6443           Masq    1      4          0\n" +
			"TCP  192.168.10.11:30080 rr\n" +
			"  -> 10.244.3.9:http-alt          Masq    1      2          1\n" +
			"  -> 10.244.3.8:8080              Masq    1      2          1\n",
		want: &Table{Format: FormatList, Names: true, ServicesLeftOut: 1, Services: []*Service{{
			Pos: at(3), Protocol: "TCP", Addr: ap("192.168.10.11:30080"), Scheduler: "rr",
			Dests: []Dest{listDest(5, "10.244.3.8:8080", "Masq", 1, 2, 1)}, DestsLeftOut: 1,
		}}},
		warns: []string{
			`ipvsadm.txt:1: service printed with names, not numbers (capture with ipvsadm -n): left out: "TCP  kubernetes.default.svc.clust rr"`,
			`ipvsadm.txt:2: destination of a service that was left out: "  -> 192.168.10.11:6443           Masq    1      4          0"`,
			`ipvsadm.txt:4: destination printed with names, not numbers (capture with ipvsadm -n): left out: "  -> 10.244.3.9:http-alt          Masq    1      2          1"`,
		},
	},
	{
		name: "stats with print_largenum suffixes",
		in: "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
			"  -> RemoteAddress:Port\n" +
			"UDP  10.96.0.10:53                 123456K    2500M    2400M     150G     250T\n" +
			"  -> 10.244.1.2:53                61728394    1250M    1200M   75000M     125T\n" +
			"FWM  124 IPv6                            1        2        3        4        5\n" +
			"  -> 10.244.1.3:53                 1 2 3 4 99999999999999999T\n",
		want: &Table{Format: FormatStats, Services: []*Service{{
			Pos: at(3), Protocol: "UDP", Addr: ap("10.96.0.10:53"),
			more: &serviceMore{stats: &Stats{Conns: 123456000, InPkts: 2500000000, OutPkts: 2400000000, InBytes: 150000000000, OutBytes: 250000000000000, Approximate: true}},
			Dests: []Dest{{Pos: at(4), Addr: ap("10.244.1.2:53"),
				more: &destMore{stats: &Stats{Conns: 61728394, InPkts: 1250000000, OutPkts: 1200000000, InBytes: 75000000000, OutBytes: 125000000000000, Approximate: true}}}},
		}, {
			Pos: at(5), FWMark: 124, IPv6: true, more: &serviceMore{stats: &Stats{Conns: 1, InPkts: 2, OutPkts: 3, InBytes: 4, OutBytes: 5}}, DestsLeftOut: 1,
		}}},
		warns: []string{`ipvsadm.txt:6: bad counter "99999999999999999T": "  -> 10.244.1.3:53                 1 2 3 4 99999999999999999T"`},
	},
	{
		name: "stats fragment without header",
		in: "TCP  10.96.0.1:443                    1523    98231    87122 13456789  987654K\n" +
			"  -> 192.168.10.11:6443                508    32744    29040  4485596  329218K\n",
		want: &Table{Format: FormatStats, Services: []*Service{{
			Pos: at(1), Protocol: "TCP", Addr: ap("10.96.0.1:443"),
			more: &serviceMore{stats: &Stats{Conns: 1523, InPkts: 98231, OutPkts: 87122, InBytes: 13456789, OutBytes: 987654000, Approximate: true}},
			Dests: []Dest{{Pos: at(2), Addr: ap("192.168.10.11:6443"),
				more: &destMore{stats: &Stats{Conns: 508, InPkts: 32744, OutPkts: 29040, InBytes: 4485596, OutBytes: 329218000, Approximate: true}}}},
		}}},
		warns: []string{`ipvsadm.txt:1: counters without a header line: read as --stats: "TCP  10.96.0.1:443                    1523    98231    87122 13456789  987654K"`},
	},
	{
		name: "grep'd stats with the version line",
		in: "IP Virtual Server version 1.2.1 (size=4096)\n" +
			"FWM  123                                 0        0        0        0        0\n",
		want: &Table{Format: FormatStats, Version: "1.2.1", ConnTableSize: 4096, Services: []*Service{{
			Pos: at(2), FWMark: 123, more: &serviceMore{stats: &Stats{}},
		}}},
		warns: []string{`ipvsadm.txt:2: counters without a header line: read as --stats: "FWM  123                                 0        0        0        0        0"`},
	},
	{
		name: "grep'd connection rows",
		in: "TCP 14:55  ESTABLISHED 10.244.1.5:43210   10.96.0.1:443      192.168.10.11:6443\n" +
			"UDP 0AF40105 13C4 0A600707 13C4 0AF40404 13C4 UDP             180 sip a84b4c76e66710@pc33.example.com\n",
		want: &Table{Format: FormatConn, Conns: []Conn{
			{Pos: at(1), Protocol: "TCP", Expires: 895, State: "ESTABLISHED",
				Source: ap("10.244.1.5:43210"), Virtual: ap("10.96.0.1:443"), Dest: ap("192.168.10.11:6443")},
			{Pos: at(2), Protocol: "UDP", Expires: 180, State: "UDP",
				Source: ap("10.244.1.5:5060"), Virtual: ap("10.96.7.7:5060"), Dest: ap("10.244.4.4:5060"),
				PEName: "sip", PEData: "a84b4c76e66710@pc33.example.com"},
		}},
	},
	{
		name: "kernel /proc/net/ip_vs",
		in: "IP Virtual Server version 1.2.1 (size=4096)\n" +
			"Prot LocalAddress:Port Scheduler Flags\n" +
			"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n" +
			"TCP  AC100064:0050 wlc persistent 360 FFFFFF00\n" +
			"  -> AC100015:0050      Route   3      10         22        \n" +
			"UDP  [fd00:0010:0096:0000:0000:0000:0000:000a]:0035 rr persistent 10800 00000040\n" +
			"  -> [2001:0db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:1A0B      Masq    1      0          4\n" +
			"FWM  0000007B rr \n" +
			"UDP  0A600707:13C4 sh ops persistent 60 FFFFFFFF\n",
		want: &Table{Format: FormatList, Version: "1.2.1", ConnTableSize: 4096, Services: []*Service{{
			Pos: at(4), Protocol: "TCP", Addr: ap("172.16.0.100:80"), Scheduler: "wlc", Persistent: 360, more: &serviceMore{netmask: "255.255.255.0"},
			Dests: []Dest{listDest(5, "172.16.0.21:80", "Route", 3, 10, 22)},
		}, {
			Pos: at(6), Protocol: "UDP", Addr: ap("[fd00:10:96::a]:53"), IPv6: true, Scheduler: "rr", Persistent: 10800, more: &serviceMore{netmask: "64"},
			Dests: []Dest{listDest(7, "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:6667", "Masq", 1, 0, 4)},
		}, {
			Pos: at(8), FWMark: 123, Scheduler: "rr",
		}, {
			Pos: at(9), Protocol: "UDP", Addr: ap("10.96.7.7:5060"), Scheduler: "sh", OnePacket: true, Persistent: 60,
		}}},
	},
	{
		name: "rate",
		in: "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n" +
			"  -> RemoteAddress:Port\n" +
			"UDP  10.96.0.10:53                      12       14       13     1100     2300\n" +
			"  -> 10.244.1.2:53                       6        7        6      550     1150\n",
		want: &Table{Format: FormatRate, Services: []*Service{{
			Pos: at(3), Protocol: "UDP", Addr: ap("10.96.0.10:53"),
			more:  &serviceMore{rate: &Rate{CPS: 12, InPPS: 14, OutPPS: 13, InBPS: 1100, OutBPS: 2300}},
			Dests: []Dest{{Pos: at(4), Addr: ap("10.244.1.2:53"), more: &destMore{rate: &Rate{CPS: 6, InPPS: 7, OutPPS: 6, InBPS: 550, OutBPS: 1150}}}},
		}}},
	},
	{
		name: "thresholds and persistent-conn",
		in: "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn\n" +
			"  -> RemoteAddress:Port\n" +
			"TCP  10.96.0.1:443 rr\n" +
			"  -> 192.168.10.11:6443           100        10         4          0\n" +
			"Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn\n" +
			"  -> RemoteAddress:Port\n" +
			"TCP  10.96.0.2:443 rr\n" +
			"  -> 192.168.10.11:6443           3         7           4          0\n",
		want: &Table{Format: FormatPersistentConn, Services: []*Service{{
			Pos: at(3), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr",
			Dests: []Dest{{Pos: at(4), Addr: ap("192.168.10.11:6443"), active: 4, inact: 0, has: hasActive | hasInAct,
				more: &destMore{thresholds: &Thresholds{Upper: 100, Lower: 10}}}},
		}, {
			Pos: at(7), Protocol: "TCP", Addr: ap("10.96.0.2:443"), Scheduler: "rr",
			Dests: []Dest{{Pos: at(8), Addr: ap("192.168.10.11:6443"), weight: 3, active: 4, inact: 0, has: hasWeight | hasPersist | hasActive | hasInAct,
				more: &destMore{persistConn: 7}}},
		}}},
	},
	{
		name: "tun-info fragment without header",
		in: "TCP  172.16.0.100:80 wlc\n" +
			"  -> 172.16.0.22:80               Tunnel  gre:-c        2      7          9\n" +
			"  -> 172.16.0.21:80               Route   n/a           3      10         22\n",
		want: &Table{Format: FormatList, Services: []*Service{{
			Pos: at(1), Protocol: "TCP", Addr: ap("172.16.0.100:80"), Scheduler: "wlc",
			Dests: []Dest{
				func() Dest {
					d := listDest(2, "172.16.0.22:80", "Tunnel", 2, 7, 9)
					d.more = &destMore{tunnelInfo: "gre:-c"}
					return d
				}(),
				listDest(3, "172.16.0.21:80", "Route", 3, 10, 22),
			},
		}}},
	},
	{
		name: "save",
		in: "-A -f 124 -6 -s rr\n" +
			"-A --sctp-service 10.96.5.5:3868 -s mh -b mh-fallback,mh-port --pe sip -p 60 -M 255.255.0.0 -o --bogus\n" +
			"-a --sctp-service 10.96.5.5:3868 -r 10.244.3.3:3868 -m -w 1 -x 100 -y 10\n" +
			"-a -f 124 -6 -r [fd00::1]:0 -i -w 2 --tun-type ipip\n" +
			"-a -t 10.9.9.9:80 -r 10.1.1.1:80 -g -w 1\n" +
			"-a -u 10.96.5.5:3868 -r 10.1.1.1:80 -g -w 1\n" +
			"-A -t 10.96.0.1:https -s rr\n" +
			"-A -s rr\n" +
			"-a -f 124 -6 -w 1\n" +
			"-A -t 10.96.0.1:443 -s\n",
		want: &Table{Format: FormatSave, Services: []*Service{
			{Pos: at(1), FWMark: 124, IPv6: true, Scheduler: "rr", DestsLeftOut: 1,
				Dests: []Dest{{Pos: at(4), Addr: ap("[fd00::1]:0"), Forward: "Tunnel", weight: 2, has: hasWeight, more: &destMore{tunnelInfo: "ipip"}}}},
			{Pos: at(2), Protocol: "SCTP", Addr: ap("10.96.5.5:3868"), Scheduler: "mh", Persistent: 60, OnePacket: true,
				more:  &serviceMore{flags: []string{"mh-fallback", "mh-port"}, netmask: "255.255.0.0", pe: "sip", extra: []string{"--bogus"}},
				Dests: []Dest{{Pos: at(3), Addr: ap("10.244.3.3:3868"), Forward: "Masq", weight: 1, has: hasWeight, more: &destMore{thresholds: &Thresholds{Upper: 100, Lower: 10}}}}},
			{Pos: at(10), Protocol: "TCP", Addr: ap("10.96.0.1:443"), more: &serviceMore{extra: []string{"-s"}}},
		}, Names: true},
		warns: []string{
			`ipvsadm.txt:2: unknown token "--bogus" kept: "-A --sctp-service 10.96.5.5:3868 -s mh -b mh-fallback,mh-port --pe sip -p 60 -M …"`,
			`ipvsadm.txt:5: destination of TCP/10.9.9.9:80, which no -A line defined before: left out: "-a -t 10.9.9.9:80 -r 10.1.1.1:80 -g -w 1"`,
			`ipvsadm.txt:6: destination of UDP/10.96.5.5:3868, which no -A line defined before: left out: "-a -u 10.96.5.5:3868 -r 10.1.1.1:80 -g -w 1"`,
			`ipvsadm.txt:7: saved rule printed with names, not numbers (capture with ipvsadm -n): left out: "-A -t 10.96.0.1:https -s rr"`,
			`ipvsadm.txt:8: saved rule without a service: left out: "-A -s rr"`,
			`ipvsadm.txt:9: saved destination without -r: left out: "-a -f 124 -6 -w 1"`,
			`ipvsadm.txt:10: unknown token "-s" kept: "-A -t 10.96.0.1:443 -s"`,
		},
	},
	{
		name: "saved rules and connections with placeholders",
		in: "-A -t <LB-IP>:443 -s rr\n" +
			"-A -t 10.96.0.1:443 -s rr\n" +
			"-a -t 10.96.0.1:443 -r x.x.x.x:6443 -m -w 1\n",
		want: &Table{Format: FormatSave, Services: []*Service{
			{Pos: at(2), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr", DestsLeftOut: 1},
		}},
		warns: []string{
			`ipvsadm.txt:1: placeholder "<LB-IP>" in place of the service address: left out: "-A -t <LB-IP>:443 -s rr"`,
			`ipvsadm.txt:3: placeholder "x.x.x.x" in place of the destination address: left out: "-a -t 10.96.0.1:443 -r x.x.x.x:6443 -m -w 1"`,
		},
	},
	{
		name: "connection with a placeholder",
		in: "TCP 14:55  ESTABLISHED <client-ip>:43210   10.96.0.1:443      192.168.10.11:6443\n" +
			"TCP 14:55  ESTABLISHED 10.244.1.5:43210   10.96.0.1:443      192.168.10.11:6443\n",
		want: &Table{Format: FormatConn, Conns: []Conn{
			{Pos: at(2), Protocol: "TCP", Expires: 895, State: "ESTABLISHED",
				Source: ap("10.244.1.5:43210"), Virtual: ap("10.96.0.1:443"), Dest: ap("192.168.10.11:6443")},
		}},
		warns: []string{
			`ipvsadm.txt:1: placeholder "<client-ip>" in place of the connection's address: left out: "TCP 14:55  ESTABLISHED <client-ip>:43210   10.96.0.1:443      192.168.10.11:6443"`,
		},
	},
	{
		name: "conn list with pe columns and long expire",
		in: "IPVS connection entries\n" +
			"pro expire state       source             virtual            destination        pe name          pe_data\n" +
			"TCP 179:39 NONE        192.168.10.5:0     192.168.10.11:30080 10.244.3.9:8080\n" +
			"UDP 03:00  UDP         10.244.1.5:5060    10.96.7.7:5060     10.244.4.4:5060  sip                a84b4c76e66710@pc33.example.com\n" +
			"TCP 14:59  ESTABLISHED [fd00:10:244:1::5]:43211 [fd00:10:96::1]:https [fd00:10:244:1::5]:6443\n" +
			"ICMP 00:01  ERR!        10.0.0.1:0 10.0.0.2:0 10.0.0.3:0 odd\n",
		want: &Table{Format: FormatConn, Names: true, Conns: []Conn{
			{Pos: at(3), Protocol: "TCP", Expires: 179*60 + 39, State: "NONE",
				Source: ap("192.168.10.5:0"), Virtual: ap("192.168.10.11:30080"), Dest: ap("10.244.3.9:8080")},
			{Pos: at(4), Protocol: "UDP", Expires: 180, State: "UDP",
				Source: ap("10.244.1.5:5060"), Virtual: ap("10.96.7.7:5060"), Dest: ap("10.244.4.4:5060"),
				PEName: "sip", PEData: "a84b4c76e66710@pc33.example.com"},
			{Pos: at(6), Protocol: "ICMP", Expires: 1, State: "ERR!",
				Source: ap("10.0.0.1:0"), Virtual: ap("10.0.0.2:0"), Dest: ap("10.0.0.3:0"), Extra: []string{"odd"}},
		}},
		warns: []string{
			`ipvsadm.txt:5: connection printed with names, not numbers (capture with ipvsadm -n): left out: "TCP 14:59  ESTABLISHED [fd00:10:244:1::5]:43211 [fd00:10:96::1]:https [fd00:10:2…"`,
			`ipvsadm.txt:6: unknown token "odd" kept: "ICMP 00:01  ERR!        10.0.0.1:0 10.0.0.2:0 10.0.0.3:0 odd"`,
		},
	},
	{
		name: "proc ip_vs_conn",
		in: "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n" +
			"TCP 0AF40105 A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED     895\n" +
			"TCP fd00:0010:0244:0001:0000:0000:0000:0005 A8CB fd00:0010:0096:0000:0000:0000:0000:0001 01BB fd00:0010:0244:0001:0000:0000:0000:0005 192B ESTABLISHED     899\n" +
			"TCP 0AF4010G A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED     895\n" +
			"TCP 0AF40105 A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED     -1\n",
		want: &Table{Format: FormatConn, Conns: []Conn{
			{Pos: at(2), Protocol: "TCP", Expires: 895, State: "ESTABLISHED",
				Source: ap("10.244.1.5:43210"), Virtual: ap("10.96.0.1:443"), Dest: ap("192.168.10.11:6443")},
			{Pos: at(3), Protocol: "TCP", Expires: 899, State: "ESTABLISHED",
				Source: ap("[fd00:10:244:1::5]:43211"), Virtual: ap("[fd00:10:96::1]:443"), Dest: ap("[fd00:10:244:1::5]:6443")},
		}},
		warns: []string{
			`ipvsadm.txt:4: bad address "0AF4010G A8CA": "TCP 0AF4010G A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED     895"`,
			`ipvsadm.txt:5: bad expire time "-1": "TCP 0AF40105 A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED     -1"`,
		},
	},
	{
		name:  "timeout",
		in:    "Timeout (tcp tcpfin udp): 900 120 300\nTimeout (tcp tcpfin udp): 900 x 300\n",
		want:  &Table{Format: FormatTimeout, Timeouts: &Timeouts{TCP: 900, TCPFin: 120, UDP: 300}},
		warns: []string{`ipvsadm.txt:2: bad timeout "x": "Timeout (tcp tcpfin udp): 900 x 300"`},
	},
	{
		name: "no ipvs in the kernel, modprobe first",
		in: "modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.1.0-18-amd64\n" +
			"Can't initialize ipvs: Protocol not available\n" +
			"Are you sure that IP Virtual Server is built in the kernel or as module?\n",
		want: &Table{Failure: &source.Failure{Pos: at(1), Message: "modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.1.0-18-amd64\n" +
			"Can't initialize ipvs: Protocol not available\n" +
			"Are you sure that IP Virtual Server is built in the kernel or as module?"}},
	},
	{
		name: "not root",
		in:   "Permission denied (you must be root)\n",
		want: &Table{Failure: &source.Failure{Pos: at(1), Message: "Permission denied (you must be root)"}},
	},
	{
		name: "shell failure",
		in:   "bash: ipvsadm: command not found\n",
		want: &Table{Failure: &source.Failure{Pos: at(1), Message: "bash: ipvsadm: command not found"}},
	},
	{
		name: "failure after the version line",
		in:   "IP Virtual Server version 1.2.1 (size=4096)\nMemory allocation problem\n",
		want: &Table{Version: "1.2.1", ConnTableSize: 4096,
			Failure: &source.Failure{Pos: at(2), Message: "Memory allocation problem"}},
	},
	{
		name: "odd headers",
		in: "IP Virtual Server version 1.2.1 (size=big)\n" +
			"Prot LocalAddress:Port Frobs\n" +
			"  -> RemoteAddress:Port Frobs\n" +
			"IP Virtual Server version\n",
		want: &Table{Version: "1.2.1"},
		warns: []string{
			`ipvsadm.txt:1: bad connection table size "(size=big)": "IP Virtual Server version 1.2.1 (size=big)"`,
			`ipvsadm.txt:2: unknown columns: "Prot LocalAddress:Port Frobs"`,
			`ipvsadm.txt:3: unknown columns: "  -> RemoteAddress:Port Frobs"`,
			`ipvsadm.txt:4: version line without version and size: "IP Virtual Server version"`,
		},
	},
	{
		name: "blank lines and an unknown line",
		in:   "\n\nTCP  10.96.0.1:443 rr\nsomething else\n",
		want: &Table{Format: FormatList, Services: []*Service{{Pos: at(3), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr"}}},
		warns: []string{
			`ipvsadm.txt:4: unrecognized line: "something else"`,
		},
	},
	{
		name: "empty",
		in:   "",
		want: &Table{},
	},
	{
		name:    "not ipvsadm",
		in:      "\nhello world\nTCP  gar/bage rr\n",
		wantErr: `ipvsadm.txt:2: not ipvsadm output: "hello world"`,
	},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), at(max(tt.first, 1)))
			if parsertest.Err(t, err, tt.wantErr) {
				var pe *source.ParseError
				if !errors.As(err, &pe) || !errors.Is(err, ErrNotIPVS) {
					t.Errorf("err is %T, want a *source.ParseError wrapping ErrNotIPVS", err)
				}
				return
			}
			expectWarnings(t, got, tt.warns...)
			got.Warnings = nil
			parsertest.Equal(t, got, tt.want)
		})
	}
}

func TestParseAddrPort(t *testing.T) {
	tests := []struct {
		in   string
		want netip.AddrPort
		kind addrKind
	}{
		{"10.96.0.1:443", ap("10.96.0.1:443"), addrOK},
		{"[fd00:10:96::a]:53", ap("[fd00:10:96::a]:53"), addrOK},
		{"10.96.0.1:https", netip.AddrPort{}, addrName},
		{"[fd00:10:96::1]:https", netip.AddrPort{}, addrName},
		{"kubernetes.default.svc.clust", netip.AddrPort{}, addrName},
		{"node-1.example:30080", netip.AddrPort{}, addrName},
		{"kubernetes-api.default.svc:", netip.AddrPort{}, addrName},
		{"10.96.0.1:", netip.AddrPort{}, addrBad},
		{"10.96.0.1", netip.AddrPort{}, addrBad},
		{"[fd00::1]", netip.AddrPort{}, addrBad},
		{"[fe80::1%eth0]:80", netip.AddrPort{}, addrBad},
		{"1.2.3.4:65536", netip.AddrPort{}, addrBad},
		{"a/b:80", netip.AddrPort{}, addrBad},
	}
	for _, tt := range tests {
		got, kind := parseAddrPort(tt.in)
		if got != tt.want || kind != tt.kind {
			t.Errorf("parseAddrPort(%q) = %v, %d; want %v, %d", tt.in, got, kind, tt.want, tt.kind)
		}
	}
}

// TestHexIPv4Fields checks which fields of a capture line hold the
// kernel's hex IPv4 addresses, and what they decode to.
func TestHexIPv4Fields(t *testing.T) {
	tests := []struct {
		line string
		want []string // the decoded addresses, in field order
	}{
		{"TCP 0AF40105 A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED 895", []string{"10.244.1.5", "10.96.0.1", "192.168.10.11"}},
		{"TCP 0AF40105 A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED 895 sip 0AF40106:0050", []string{"10.244.1.5", "10.96.0.1", "192.168.10.11"}},
		{"TCP FD00:0010:0244:0001:0000:0000:0000:0005 A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED 895", []string{"10.96.0.1", "192.168.10.11"}},
		{"TCP  0A600001:01BB rr persistent 360 FFFFFF00", []string{"10.96.0.1"}},
		{"  -> 0AF40105:1F90      Masq    1      0          0", []string{"10.244.1.5"}},
		{"TCP  [FD00:0010:0096:0000:0000:0000:0000:0001]:01BB rr", nil},
		{"FWM  0000007B rr", nil},
		{"TCP  10.96.0.1:443 rr", nil},
		{"TCP 14:55  ESTABLISHED 10.244.1.5:43210 10.96.0.1:443 192.168.10.11:6443", nil},
		{"TCP  0A60000G:01BB rr", nil},
		{"TCP  0A600001:1BB rr", nil},
	}
	for _, tt := range tests {
		f := strings.Fields(tt.line)
		var got []string
		for _, i := range HexIPv4Fields(f) {
			a, ok := HexIPv4(f[i][:8])
			if !ok {
				t.Errorf("%q: field %d, %q, is no hex IPv4 address", tt.line, i, f[i])
			}
			got = append(got, a.String())
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: addresses %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestServiceKey(t *testing.T) {
	tests := []struct {
		s    Service
		want string
	}{
		{Service{Protocol: "TCP", Addr: ap("10.96.0.1:443")}, "TCP/10.96.0.1:443"},
		{Service{Protocol: "UDP", Addr: ap("[fd00:10:96::a]:53"), IPv6: true}, "UDP/[fd00:10:96::a]:53"},
		{Service{FWMark: 123}, "FWM/123"},
		{Service{FWMark: 124, IPv6: true}, "FWM/124/IPv6"},
	}
	for _, tt := range tests {
		if got := tt.s.Key(); got != tt.want {
			t.Errorf("Key() = %q, want %q", got, tt.want)
		}
	}
}

// part is one output of ipvsadm-1.31-variants.txt.
type part struct {
	cmd  string // the command after "===== "
	line int    // line number of its first line in the file
	text string
}

// splitVariants splits ipvsadm-1.31-variants.txt at its "===== <command>"
// lines.
func splitVariants(t testing.TB, data []byte) []part {
	t.Helper()
	var parts []part
	for i, l := range strings.SplitAfter(string(data), "\n") {
		if cmd, ok := strings.CutPrefix(l, "===== "); ok {
			parts = append(parts, part{cmd: strings.TrimSpace(cmd), line: i + 2})
		} else if len(parts) > 0 {
			parts[len(parts)-1].text += l
		} else if l != "" {
			t.Fatalf("line %d before the first ===== marker: %q", i+1, l)
		}
	}
	return parts
}

// refCase is the hand check of one reference output.
type refCase struct {
	name  string // golden file name
	check func(t *testing.T, tab *Table)
}

// variantCases has one entry per part of ipvsadm-1.31-variants.txt.
var variantCases = map[string]refCase{
	"ipvsadm -Ln --stats":            {"Ln-stats", checkStats},
	"ipvsadm -Ln --rate":             {"Ln-rate", checkRate},
	"ipvsadm -Ln --stats --exact":    {"Ln-stats-exact", checkExact},
	"ipvsadm -Ln --thresholds":       {"Ln-thresholds", checkThresholds},
	"ipvsadm -Ln --persistent-conn":  {"Ln-persistent-conn", checkPersistentConn},
	"ipvsadm -Ln --tun-info":         {"Ln-tun-info", checkTunInfo},
	"ipvsadm -Ln -t 10.96.0.1:443":   {"Ln-t-service", checkOneService},
	"ipvsadm -Lnc":                   {"Lnc", checkConns(false)},
	"ipvsadm -Lnc --persistent-conn": {"Lnc-persistent-conn", checkConns(true)},
	"ipvsadm -Lc":                    {"Lc", checkConnNames},
	"ipvsadm -Sn":                    {"Sn", checkSave},
	"ipvsadm -Ln --timeout":          {"Ln-timeout", checkTimeout},
	"ipvsadm -L":                     {"L", checkNames},
}

func TestReference(t *testing.T) {
	type input struct {
		name, file string
		line       int
		text       string
		check      func(*testing.T, *Table)
	}
	inputs := []input{
		{"Ln-raw", "ipvsadm-Ln.raw.txt", 1, string(testref.Read(t, "ipvsadm-Ln.raw.txt")), checkRaw},
		{"noipvs", "ipvsadm-noipvs.stderr.txt", 1, string(testref.Read(t, "ipvsadm-noipvs.stderr.txt")), checkNoIPVS},
		{"proc-ip_vs_conn", "proc-net-ip_vs_conn.txt", 1, string(testref.Read(t, "proc-net-ip_vs_conn.txt")), checkProc},
	}
	seen := map[string]bool{}
	for _, p := range splitVariants(t, testref.Read(t, "ipvsadm-1.31-variants.txt")) {
		c, ok := variantCases[p.cmd]
		if !ok {
			t.Errorf("no hand check for part %q of ipvsadm-1.31-variants.txt", p.cmd)
			continue
		}
		seen[p.cmd] = true
		inputs = append(inputs, input{c.name, "ipvsadm-1.31-variants.txt", p.line, p.text, c.check})
	}
	for cmd := range variantCases {
		if !seen[cmd] {
			t.Errorf("ipvsadm-1.31-variants.txt has no part %q", cmd)
		}
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			tab, err := Parse(strings.NewReader(in.text), source.Pos{File: in.file, Line: in.line})
			if err != nil {
				t.Fatal(err)
			}
			in.check(t, tab)
			golden.CheckJSON(t, golden.Path(t, in.name), tab)
		})
	}
}

// shown formats a value a line may leave out: as %v, or "-" when !printed.
func shown[T any](v T, printed bool) string {
	if !printed {
		return "-"
	}
	return fmt.Sprint(v)
}

// words formats its operands separated by spaces.
func words(v ...any) string { return strings.TrimSuffix(fmt.Sprintln(v...), "\n") }

// expect fails the test when got differs from want.
func expect[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// expectWarnings fails the test when the warnings differ from want.
func expectWarnings(t *testing.T, tab *Table, want ...string) {
	t.Helper()
	var got []string
	for _, w := range tab.Warnings {
		got = append(got, w.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// keys returns the services' keys in order.
func keys(tab *Table) string {
	var k []string
	for _, s := range tab.Services {
		k = append(k, s.Key())
	}
	return strings.Join(k, " ")
}

// refKeys are the services of the synthetic reference table, in the order
// ipvsadm 1.31 printed them (172.16.x and 192.168.x before 10.96.x).
const refKeys = "TCP/172.16.0.100:80 TCP/192.168.10.11:30080 TCP/10.96.0.1:443 TCP/10.96.0.10:53 TCP/10.96.0.10:9153 " +
	"TCP/10.96.100.200:80 UDP/10.96.0.10:53 UDP/10.96.7.7:5060 SCTP/10.96.5.5:3868 TCP/[fd00:10:96::1]:443 " +
	"UDP/[fd00:10:96::a]:53 FWM/123 FWM/124/IPv6"

// checkTable checks what every list variant of the reference table shares:
// the service order and positions, the dest counts and addresses.
func checkTable(t *testing.T, tab *Table, format Format, firstSvcLine int) {
	t.Helper()
	expect(t, "Format", tab.Format, format)
	expect(t, "keys", keys(tab), refKeys)
	expect(t, "Names", tab.Names, false)
	if tab.Failure != nil {
		t.Errorf("Failure = %v", tab.Failure)
	}
	if len(tab.Services) != 13 {
		t.Fatalf("%d services", len(tab.Services))
	}
	expect(t, "first service line", tab.Services[0].Pos.Line, firstSvcLine)
	var ndests []int
	for _, s := range tab.Services {
		ndests = append(ndests, len(s.Dests))
	}
	expect(t, "dest counts", words(ndests), "[3 1 3 2 2 0 2 1 1 2 1 1 0]")
	https := tab.Service("TCP/10.96.0.1:443")
	expect(t, "TCP/10.96.0.1:443 line", https.Pos.Line, firstSvcLine+6)
	expect(t, "its 3rd dest", https.Dests[2].Addr, ap("192.168.10.13:6443"))
	expect(t, "its 3rd dest line", https.Dests[2].Pos.Line, firstSvcLine+9)
	v6 := tab.Service("TCP/[fd00:10:96::1]:443")
	expect(t, "IPv6 overflow dest", v6.Dests[1].Addr, ap("[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:6443"))
	expect(t, "IPv6 service", v6.IPv6, true)
	fwm := tab.Service("FWM/124/IPv6")
	expect(t, "FWM 124 IPv6", fwm.FWMark, uint32(124))
	expect(t, "FWM 124 Addr valid", fwm.Addr.IsValid(), false)
	expect(t, "FWM 123 dest", tab.Service("FWM/123").Dests[0].Addr, ap("10.244.5.5:0"))
	expect(t, "weight-0 dest", tab.Service("UDP/10.96.7.7:5060").Dests[0].Addr, ap("10.244.4.4:5060"))
}

// checkOptions checks the scheduler columns of the list variants that print
// them.
func checkOptions(t *testing.T, tab *Table) {
	t.Helper()
	s := tab.Services[0]
	expect(t, "172.16 scheduler", s.Scheduler, "wlc")
	expect(t, "172.16 persistent", s.Persistent, 360)
	expect(t, "172.16 netmask", s.Netmask(), "255.255.255.0")
	sip := tab.Service("UDP/10.96.7.7:5060")
	expect(t, "sh flags", strings.Join(sip.Flags(), ","), "sh-fallback,sh-port")
	expect(t, "ops", sip.OnePacket, true)
	expect(t, "sh persistent", sip.Persistent, 0)
	dns6 := tab.Service("UDP/[fd00:10:96::a]:53")
	expect(t, "v6 persistent", dns6.Persistent, 10800)
	expect(t, "v6 netmask", dns6.Netmask(), "64")
	expect(t, "FWM 124 scheduler", tab.Service("FWM/124/IPv6").Scheduler, "rr")
	expect(t, "SCTP scheduler", tab.Service("SCTP/10.96.5.5:3868").Scheduler, "rr")
}

func checkRaw(t *testing.T, tab *Table) {
	checkTable(t, tab, FormatList, 4)
	checkOptions(t, tab)
	expectWarnings(t, tab)
	expect(t, "Version", tab.Version, "1.2.1")
	expect(t, "ConnTableSize", tab.ConnTableSize, 4096)
	d := tab.Services[0].Dests
	expect(t, "Route dest", words(d[0].Addr, d[0].Forward, shown(d[0].Weight()), shown(d[0].ActiveConn()), shown(d[0].InActConn())), "172.16.0.21:80 Route 3 10 22")
	expect(t, "Tunnel dest", d[1].Forward, "Tunnel")
	expect(t, "Local dest", words(d[2].Addr, d[2].Forward), "172.16.0.100:80 Local")
	expect(t, "weight 0", shown(tab.Service("UDP/10.96.7.7:5060").Dests[0].Weight()), "0")
	dns := tab.Service("UDP/10.96.0.10:53")
	in0, _ := dns.Dests[0].InActConn()
	in1, _ := dns.Dests[1].InActConn()
	expect(t, "InActConn", in0+in1, uint64(32))
	v6 := tab.Service("TCP/[fd00:10:96::1]:443").Dests[1]
	expect(t, "IPv6 overflow dest line", v6.Pos.Line, 30)
	expect(t, "IPv6 overflow dest", words(v6.Forward, shown(v6.Weight()), shown(v6.ActiveConn()), shown(v6.InActConn())), "Masq 1 0 0")
	if tab.Services[0].Stats() != nil || d[0].Stats() != nil {
		t.Error("stats in -Ln")
	}
}

func checkStats(t *testing.T, tab *Table) {
	checkTable(t, tab, FormatStats, 5)
	expectWarnings(t, tab)
	https := tab.Service("TCP/10.96.0.1:443")
	expect(t, "443 stats", *https.Stats(), Stats{Conns: 1523, InPkts: 98231, OutPkts: 87122, InBytes: 13456789, OutBytes: 987654000, Approximate: true})
	expect(t, "443 dest 2 stats", *https.Dests[1].Stats(), Stats{Conns: 507, InPkts: 32743, OutPkts: 29041, InBytes: 4485597, OutBytes: 329218000, Approximate: true})
	dns := tab.Service("UDP/10.96.0.10:53")
	expect(t, "dns stats", *dns.Stats(), Stats{Conns: 123456000, InPkts: 2500000000, OutPkts: 2400000000, InBytes: 150000000000, OutBytes: 250000000000000, Approximate: true})
	expect(t, "dns dest stats", *dns.Dests[0].Stats(), Stats{Conns: 61728394, InPkts: 1250000000, OutPkts: 1200000000, InBytes: 75000000000, OutBytes: 125000000000000, Approximate: true})
	expect(t, "zero stats", *dns.Dests[1].Stats(), Stats{})
	expect(t, "FWM 124 stats", *tab.Service("FWM/124/IPv6").Stats(), Stats{})
	expect(t, "no scheduler", tab.Services[0].Scheduler, "")
	if d := https.Dests[0]; shown(d.Weight()) != "-" || d.Forward != "" || shown(d.ActiveConn()) != "-" {
		t.Errorf("--stats dest has list columns: %+v", d)
	}
}

func checkExact(t *testing.T, tab *Table) {
	checkTable(t, tab, FormatStats, 77)
	expectWarnings(t, tab)
	dns := tab.Service("UDP/10.96.0.10:53")
	expect(t, "dns stats", *dns.Stats(), Stats{Conns: 123456789, InPkts: 2500000000, OutPkts: 2400000000, InBytes: 150000000000, OutBytes: 250000000000000})
	expect(t, "443 dest 1 OutBytes", tab.Service("TCP/10.96.0.1:443").Dests[0].Stats().OutBytes, uint64(329218107))
}

func checkRate(t *testing.T, tab *Table) {
	checkTable(t, tab, FormatRate, 41)
	expectWarnings(t, tab)
	https := tab.Service("TCP/10.96.0.1:443")
	expect(t, "443 rate", *https.Rate(), Rate{InPPS: 3, OutPPS: 2, InBPS: 410, OutBPS: 1950})
	expect(t, "443 dest 2 rate", *https.Dests[1].Rate(), Rate{InPPS: 1, InBPS: 137, OutBPS: 650})
	expect(t, "dns rate", *tab.Service("UDP/10.96.0.10:53").Rate(), Rate{CPS: 12, InPPS: 14, OutPPS: 13, InBPS: 1100, OutBPS: 2300})
	if https.Stats() != nil {
		t.Error("--rate filled Stats")
	}
}

func checkThresholds(t *testing.T, tab *Table) {
	checkTable(t, tab, FormatThresholds, 113)
	checkOptions(t, tab)
	expectWarnings(t, tab)
	d := tab.Services[0].Dests[0]
	expect(t, "thresholds", *d.Thresholds(), Thresholds{})
	expect(t, "conns", words(shown(d.ActiveConn()), shown(d.InActConn())), "10 22")
	if shown(d.Weight()) != "-" || d.Forward != "" {
		t.Errorf("--thresholds dest has Weight or Forward: %+v", d)
	}
	expect(t, "IPv6 overflow dest InActConn", shown(tab.Service("UDP/[fd00:10:96::a]:53").Dests[0].InActConn()), "4")
}

func checkPersistentConn(t *testing.T, tab *Table) {
	checkTable(t, tab, FormatPersistentConn, 149)
	checkOptions(t, tab)
	expectWarnings(t, tab)
	d := tab.Services[0].Dests[1]
	expect(t, "172.16.0.22", words(d.Addr, shown(d.Weight()), shown(d.PersistConn()), shown(d.ActiveConn()), shown(d.InActConn())), "172.16.0.22:80 2 0 7 9")
	expect(t, "weight 0", shown(tab.Service("UDP/10.96.7.7:5060").Dests[0].Weight()), "0")
}

func checkTunInfo(t *testing.T, tab *Table) {
	checkTable(t, tab, FormatTunInfo, 185)
	checkOptions(t, tab)
	expectWarnings(t, tab)
	d := tab.Services[0].Dests
	expect(t, "Route tunnel info", d[0].TunnelInfo(), "")
	expect(t, "Tunnel", words(d[1].Forward, d[1].TunnelInfo(), shown(d[1].Weight()), shown(d[1].ActiveConn()), shown(d[1].InActConn())), "Tunnel gue:6080:+c 2 7 9")
	v6 := tab.Service("TCP/[fd00:10:96::1]:443").Dests[1]
	expect(t, "IPv6 overflow dest", words(v6.Forward, shown(v6.Weight())), "Masq 1")
}

func checkOneService(t *testing.T, tab *Table) {
	expectWarnings(t, tab)
	expect(t, "Format", tab.Format, FormatList)
	expect(t, "Version", tab.Version, "")
	expect(t, "keys", keys(tab), "TCP/10.96.0.1:443")
	s := tab.Services[0]
	expect(t, "service line", s.Pos.Line, 220)
	expect(t, "dests", len(s.Dests), 3)
	expect(t, "dest 2", words(s.Dests[1].Addr, shown(s.Dests[1].ActiveConn()), shown(s.Dests[1].InActConn())), "192.168.10.12:6443 3 1")
}

// connsWant are the rows of the -Lnc part (the same table as /proc in the
// other reference, with one more connection).
func checkConns(pe bool) func(*testing.T, *Table) {
	return func(t *testing.T, tab *Table) {
		expectWarnings(t, tab)
		expect(t, "Format", tab.Format, FormatConn)
		if len(tab.Conns) != 10 {
			t.Fatalf("%d conns", len(tab.Conns))
		}
		c := tab.Conns
		expect(t, "first", words(c[0].Protocol, c[0].Expires, c[0].State, c[0].Source, c[0].Virtual, c[0].Dest),
			"TCP 895 ESTABLISHED 10.244.1.5:43210 10.96.0.1:443 192.168.10.11:6443")
		expect(t, "long expire", c[4].Expires, 179*60+39)
		expect(t, "fwmark template", words(c[6].Protocol, c[6].Virtual), "IP 0.0.0.123:0")
		expect(t, "SCTP", words(c[7].Protocol, c[7].Dest), "SCTP 10.244.3.3:3868")
		expect(t, "IPv6", words(c[9].Source, c[9].Virtual), "[fd00:10:244:1::5]:43211 [fd00:10:96::1]:443")
		peName, peData := "", ""
		if pe {
			peName, peData = "sip", "a84b4c76e66710@pc33.example.com"
		}
		expect(t, "pe name", c[8].PEName, peName)
		expect(t, "pe data", c[8].PEData, peData)
		expect(t, "no pe", c[0].PEName, "")
	}
}

func checkConnNames(t *testing.T, tab *Table) {
	expect(t, "Format", tab.Format, FormatConn)
	expect(t, "Names", tab.Names, true)
	// Only rows whose three ports are all numbers survive.
	expect(t, "conns", len(tab.Conns), 2)
	expect(t, "kept", words(tab.Conns[0].Virtual, tab.Conns[1].Virtual), "0.0.0.123:0 10.96.5.5:3868")
	expect(t, "warnings", len(tab.Warnings), 8)
	expect(t, "first warning line", tab.Warnings[0].Line, 253)
}

func checkSave(t *testing.T, tab *Table) {
	expectWarnings(t, tab)
	expect(t, "Format", tab.Format, FormatSave)
	expect(t, "keys", keys(tab), refKeys)
	expect(t, "Version", tab.Version, "")
	s := tab.Services[0]
	expect(t, "-A", words(s.Scheduler, s.Persistent, s.Netmask()), "wlc 360 255.255.255.0")
	expect(t, "-g Route", s.Dests[0].Forward, "Route")
	expect(t, "-g Local saves as Route", words(s.Dests[2].Addr, s.Dests[2].Forward), "172.16.0.100:80 Route")
	expect(t, "tunnel", words(s.Dests[1].Forward, s.Dests[1].TunnelInfo(), shown(s.Dests[1].Weight())), "Tunnel gue:6080:+c 2")
	sip := tab.Service("UDP/10.96.7.7:5060")
	expect(t, "-o -b", words(sip.OnePacket, sip.Flags()), "true [sh-fallback sh-port]")
	expect(t, "weight 0", shown(sip.Dests[0].Weight()), "0")
	expect(t, "SCTP dest", tab.Service("SCTP/10.96.5.5:3868").Dests[0].Pos.Line, 287)
	expect(t, "-M 64", tab.Service("UDP/[fd00:10:96::a]:53").Netmask(), "64")
	expect(t, "-f 124 -6", words(tab.Services[12].FWMark, tab.Services[12].IPv6, len(tab.Services[12].Dests)), "124 true 0")
	if d := s.Dests[0]; shown(d.ActiveConn()) != "-" {
		t.Error("save has connection counts")
	}
}

func checkTimeout(t *testing.T, tab *Table) {
	expectWarnings(t, tab)
	expect(t, "Format", tab.Format, FormatTimeout)
	expect(t, "Timeouts", *tab.Timeouts, Timeouts{TCP: 900, TCPFin: 120, UDP: 300})
}

func checkNames(t *testing.T, tab *Table) {
	expect(t, "Format", tab.Format, FormatList)
	expect(t, "Names", tab.Names, true)
	// The services printed with numbers only, and their dests printed with
	// numbers.
	expect(t, "keys", keys(tab), "TCP/192.168.10.11:30080 TCP/10.96.0.10:9153 SCTP/10.96.5.5:3868 FWM/123 FWM/124/IPv6")
	expect(t, "30080 dests", len(tab.Service("TCP/192.168.10.11:30080").Dests), 0)
	expect(t, "30080 dests left out", tab.Service("TCP/192.168.10.11:30080").DestsLeftOut, 1)
	expect(t, "9153 dests", len(tab.Service("TCP/10.96.0.10:9153").Dests), 2)
	var names, orphans int
	for _, w := range tab.Warnings {
		switch {
		case strings.Contains(w.Msg, "printed with names"):
			names++
		case w.Msg == "destination of a service that was left out":
			orphans++
		default:
			t.Errorf("unexpected warning %s", w)
		}
	}
	expect(t, "name warnings", names, 18)
	expect(t, "orphan warnings", orphans, 5)
}

func checkNoIPVS(t *testing.T, tab *Table) {
	expect(t, "Failure", *tab.Failure, source.Failure{
		Pos:     source.Pos{File: "ipvsadm-noipvs.stderr.txt", Line: 1},
		Message: "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?",
	})
	expect(t, "Format", tab.Format, "")
	// The reference file notes the exit code on a last line.
	expectWarnings(t, tab, `ipvsadm-noipvs.stderr.txt:3: unrecognized line: "exit=2"`)
}

func checkProc(t *testing.T, tab *Table) {
	expectWarnings(t, tab)
	expect(t, "Format", tab.Format, FormatConn)
	if len(tab.Conns) != 10 {
		t.Fatalf("%d conns", len(tab.Conns))
	}
	c := tab.Conns
	expect(t, "first", words(c[0].Source, c[0].Virtual, c[0].Dest, c[0].State, c[0].Expires),
		"10.244.1.5:43210 10.96.0.1:443 192.168.10.11:6443 ESTABLISHED 895")
	expect(t, "NodePort template", words(c[4].Virtual, c[4].Expires), "192.168.10.11:30080 10779")
	expect(t, "fwmark", words(c[6].Protocol, c[6].Virtual), "IP 0.0.0.123:0")
	expect(t, "sip", words(c[8].PEName, c[8].PEData, c[8].Virtual), "sip a84b4c76e66710@pc33.example.com 10.96.7.7:5060")
	expect(t, "IPv6", words(c[9].Source, c[9].Virtual, c[9].Dest), "[fd00:10:244:1::5]:43211 [fd00:10:96::1]:443 [fd00:10:244:1::5]:6443")
	expect(t, "IPv6 line", c[9].Pos.Line, 11)
}

// BenchmarkParse parses a generated -Ln table of 10,000 services with two
// dests each:
//
//	go test ./analyze/ipvs -run '^$' -bench Parse -benchmem
func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("IP Virtual Server version 1.2.1 (size=4096)\n" +
		"Prot LocalAddress:Port Scheduler Flags\n" +
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n")
	for i := range 10000 {
		fmt.Fprintf(&buf, "TCP  10.96.%d.%d:443 rr\n", i/256, i%256)
		for j := range 2 {
			fmt.Fprintf(&buf, "  -> %-28s %-7s %-6d %-10d %-10d\n", fmt.Sprintf("10.244.%d.%d:8443", i%200, j+1), "Masq", 1, i%7, i%13)
		}
	}
	in := buf.Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		tab, err := Parse(bytes.NewReader(in), source.Pos{File: file, Line: 1})
		if err != nil || len(tab.Services) != 10000 || len(tab.Warnings) != 0 {
			b.Fatalf("%d services, %d warnings, %v", len(tab.Services), len(tab.Warnings), err)
		}
	}
}

// TestAppendFields checks that appendFields splits as strings.Fields does,
// after what dst holds.
func TestAppendFields(t *testing.T) {
	for _, s := range []string{
		"", "   ", "TCP  10.96.0.1:443 rr", "  -> 10.244.1.5:8443\tMasq 1 0 0  ",
		"a\vb\fc\rd\ne", "TCP\u00a010.96.0.1:443 rr", "x \u2003 y", "é è",
	} {
		got := appendFields([]string{"kept"}, s)
		want := append([]string{"kept"}, strings.Fields(s)...)
		if !slices.Equal(got, want) {
			t.Errorf("appendFields(%q) = %q, want %q", s, got, want)
		}
	}
}
