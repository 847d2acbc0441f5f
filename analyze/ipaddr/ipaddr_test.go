package ipaddr

import (
	"io"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/parsertest"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// refs are the reference captures this package parses.
var refs = parsertest.Captures[Result]{Parse: Parse, Read: testref.Read,
	Names: []string{"ip-addr.txt", "ip-d-addr.txt", "ip-o-addr.txt", "ip-j-addr.json", "ip-d-j-addr.json"}}

func at(line int) source.Pos { return source.Pos{File: "ip-addr.txt", Line: line} }

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// The warnings about address lines whose interface is unknown.
const (
	unnamed      = "no link line, label or command names the interface: kept on an unnamed interface"
	midInterface = "line of an interface whose link line the capture lacks (skipped)"
)

// TestParseDevice reads fragments of `ip addr show DEV` output: address
// lines without their link line are DEV's unless their label says
// otherwise.
func TestParseDevice(t *testing.T) {
	parse := func(r io.Reader, at source.Pos) (*Result, error) { return ParseDevice(r, at, "kube-ipvs0") }
	parsertest.Table(t, parse, "ip-addr.txt", []parsertest.Case[Result]{
		{
			// ip -6 a show kube-ipvs0 | grep -A1 fd00: no labels.
			Name:  "grep fragment",
			First: 3,
			In: "    inet6 fd00:10:96::1/128 scope global\r\n" +
				"       valid_lft forever preferred_lft forever\r\n" +
				"    inet6 fd00:10:96::a/128 scope global\r\n",
			Want: &Result{Form: FormText, Partial: true, Interfaces: []*Interface{{Name: "kube-ipvs0", Addresses: []Address{
				{Prefix: pfx("fd00:10:96::1/128"), Scope: "global", ValidLft: "forever", PreferredLft: "forever", Pos: at(3)},
				{Prefix: pfx("fd00:10:96::a/128"), Scope: "global", Pos: at(5)},
			}, Pos: at(3)}}},
		},
		{
			// The label names the interface, and the line after it is of
			// the same one.
			Name: "a label names another interface",
			In:   "    inet 10.0.0.5/24 scope global eth0\n    inet 10.96.0.1/32 scope global\n",
			Want: &Result{Form: FormText, Partial: true, Interfaces: []*Interface{{Name: "eth0", Addresses: []Address{
				{Prefix: pfx("10.0.0.5/24"), Scope: "global", Label: "eth0", Pos: at(1)},
				{Prefix: pfx("10.96.0.1/32"), Scope: "global", Pos: at(2)},
			}, Pos: at(1)}}},
		},
		{
			Name: "whole output",
			In:   "5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500\n    inet 10.96.0.1/32 scope global kube-ipvs0\n",
			Want: &Result{Form: FormText, Interfaces: []*Interface{{Index: 5, Name: "kube-ipvs0", Flags: []string{"BROADCAST", "NOARP"}, MTU: 1500,
				Addresses: []Address{{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0", Pos: at(2)}}, Pos: at(1)}}},
		},
	})
}

func TestParse(t *testing.T) {
	parsertest.Table(t, Parse, "ip-addr.txt", []parsertest.Case[Result]{
		{
			// Public paste of a kube-proxy node (spec 3.1).
			Name: "kube-ipvs0",
			In: "5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default \n" +
				"    link/ether 02:67:68:41:61:e5 brd ff:ff:ff:ff:ff:ff\n" +
				"    inet 10.96.0.1/32 scope global kube-ipvs0\n" +
				"       valid_lft forever preferred_lft forever\n",
			Want: &Result{Form: FormText, Interfaces: []*Interface{{
				Index: 5, Name: "kube-ipvs0", Flags: []string{"BROADCAST", "NOARP"}, MTU: 1500, Qdisc: "noop",
				State: "DOWN", Group: "default", LinkType: "ether", MAC: "02:67:68:41:61:e5", Broadcast: "ff:ff:ff:ff:ff:ff",
				Addresses: []Address{{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0",
					ValidLft: "forever", PreferredLft: "forever", Pos: at(3)}},
				Pos: at(1),
			}}},
		},
		{
			// The dummy0 paste of `ip -d address show` (spec 3.1) with kube-ipvs0's addresses.
			Name: "kube-ipvs0 -d dummy",
			In: "5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default\n" +
				"    link/ether 4a:cc:f7:75:eb:78 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 0 maxmtu 0\n" +
				"    dummy numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535\n" +
				"    inet 10.96.0.1/32 scope global kube-ipvs0\n" +
				"       valid_lft forever preferred_lft forever\n" +
				"    inet 10.96.0.10/32 scope global kube-ipvs0\n" +
				"       valid_lft forever preferred_lft forever\n",
			Want: &Result{Form: FormText, Interfaces: []*Interface{{
				Index: 5, Name: "kube-ipvs0", Flags: []string{"BROADCAST", "NOARP"}, MTU: 1500, Qdisc: "noop",
				State: "DOWN", Group: "default", Kind: "dummy", LinkType: "ether", MAC: "4a:cc:f7:75:eb:78",
				Broadcast: "ff:ff:ff:ff:ff:ff", Extra: []string{"promiscuity", "0", "minmtu", "0", "maxmtu", "0"},
				Addresses: []Address{
					{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0", ValidLft: "forever", PreferredLft: "forever", Pos: at(4)},
					{Prefix: pfx("10.96.0.10/32"), Scope: "global", Label: "kube-ipvs0", ValidLft: "forever", PreferredLft: "forever", Pos: at(6)},
				},
				Pos: at(1),
			}}},
		},
		{
			// Older kube-proxy versions set a broadcast address (spec 3.1).
			Name: "kube-ipvs0 old brd form",
			In: "5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default\n" +
				"    link/ether 02:67:68:41:61:e5 brd ff:ff:ff:ff:ff:ff\n" +
				"    inet 192.168.0.1/32 brd 192.168.0.1 scope global kube-ipvs0\n" +
				"       valid_lft forever preferred_lft forever\n",
			Want: &Result{Form: FormText, Interfaces: []*Interface{{
				Index: 5, Name: "kube-ipvs0", Flags: []string{"BROADCAST", "NOARP"}, MTU: 1500, Qdisc: "noop",
				State: "DOWN", Group: "default", LinkType: "ether", MAC: "02:67:68:41:61:e5", Broadcast: "ff:ff:ff:ff:ff:ff",
				Addresses: []Address{{Prefix: pfx("192.168.0.1/32"), more: &addressMore{broadcast: netip.MustParseAddr("192.168.0.1")},
					Scope: "global", Label: "kube-ipvs0", ValidLft: "forever", PreferredLft: "forever", Pos: at(3)}},
				Pos: at(1),
			}}},
		},
		{
			// The same link as ip -d -j prints it: a dummy has linkinfo without info_data (spec 3.2).
			Name: "kube-ipvs0 json",
			In: `[{"ifindex":5,"ifname":"kube-ipvs0","flags":["BROADCAST","NOARP"],"mtu":1500,"qdisc":"noop","operstate":"DOWN",` +
				`"group":"default","link_type":"ether","address":"02:67:68:41:61:e5","broadcast":"ff:ff:ff:ff:ff:ff",` +
				`"promiscuity":0,"linkinfo":{"info_kind":"dummy"},"addr_info":[{"family":"inet","local":"10.96.0.1","prefixlen":32,` +
				`"scope":"global","label":"kube-ipvs0","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]` + "\n",
			Want: &Result{Form: FormJSON, Interfaces: []*Interface{{
				Index: 5, Name: "kube-ipvs0", Flags: []string{"BROADCAST", "NOARP"}, MTU: 1500, Qdisc: "noop",
				State: "DOWN", Group: "default", Kind: "dummy", LinkType: "ether", MAC: "02:67:68:41:61:e5", Broadcast: "ff:ff:ff:ff:ff:ff",
				Addresses: []Address{{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0",
					ValidLft: "forever", PreferredLft: "forever", Pos: at(1)}},
				Pos: at(1),
			}}},
		},
		{
			Name: "peer, metric, proto, unknown flag bits, master, slave and altname",
			In: "9: tun0@NONE: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue master vrf1 state UNKNOWN group default qlen 1000\n" +
				"    link/none \n" +
				"    bridge_slave state forwarding priority 32 cost 100\n" +
				"    altname tunnel0\n" +
				"    altname t0\n" +
				"    inet 10.0.0.1 peer 10.0.0.2/32 metric 5 scope global flags 80 tun0\n" +
				"       valid_lft 100sec preferred_lft 0sec\n" +
				"    inet6 fe80::1/64 scope link proto kernel_ll \n" +
				"       valid_lft forever preferred_lft forever\n",
			Want: &Result{Form: FormText, Interfaces: []*Interface{{
				Index: 9, Name: "tun0", Link: "NONE", Flags: []string{"POINTOPOINT", "MULTICAST", "NOARP", "UP", "LOWER_UP"},
				MTU: 1480, Qdisc: "noqueue", Master: "vrf1", State: "UNKNOWN", Group: "default", TxQueueLen: 1000,
				SlaveKind: "bridge", LinkType: "none", AltNames: []string{"tunnel0", "t0"},
				Addresses: []Address{
					{Prefix: pfx("10.0.0.1/32"), Scope: "global", Label: "tun0", ValidLft: "100sec", PreferredLft: "0sec", Pos: at(6),
						more: &addressMore{peer: netip.MustParseAddr("10.0.0.2"), extra: []string{"metric", "5", "flags", "80"}}},
					{Prefix: pfx("fe80::1/64"), Scope: "link", ValidLft: "forever", PreferredLft: "forever",
						more: &addressMore{extra: []string{"proto", "kernel_ll"}}, Pos: at(8)},
				},
				Pos: at(1),
			}}},
		},
		{
			Name:  "one-line records, CRLF, leading blank lines and a first line number",
			First: 10,
			In: "\r\n\r\n" +
				"1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\r\n" +
				"5: kube-ipvs0    inet 10.96.0.1/32 scope global kube-ipvs0\\       valid_lft forever preferred_lft forever\r\n" +
				"5: kube-ipvs0    inet 10.96.0.1/24 scope global secondary kube-ipvs0\\       valid_lft forever preferred_lft forever\r\n",
			Want: &Result{Form: FormOneLine, Interfaces: []*Interface{
				{Index: 1, Name: "lo", Addresses: []Address{{Prefix: pfx("127.0.0.1/8"), Scope: "host", Label: "lo",
					ValidLft: "forever", PreferredLft: "forever", Pos: at(12)}}, Pos: at(12)},
				{Index: 5, Name: "kube-ipvs0", Addresses: []Address{
					{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0", ValidLft: "forever", PreferredLft: "forever", Pos: at(13)},
					{Prefix: pfx("10.96.0.1/24"), Scope: "global", more: &addressMore{flags: []string{"secondary"}}, Label: "kube-ipvs0",
						ValidLft: "forever", PreferredLft: "forever", Pos: at(14)},
				}, Pos: at(13)},
			}},
		},
		{
			Name: "odd lines are warnings",
			In: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu big qdisc noqueue state UNKNOWN group default qlen 1000\n" +
				"       valid_lft forever preferred_lft forever\n" +
				"    inet 127.0.0.1 scope host lo\n" +
				"    inet 127.0.0.300/8 scope host lo\n" +
				"    vf 0     link/ether 00:00:00:00:00:00 brd ff:ff:ff:ff:ff:ff\n" +
				"garbage\n",
			Want: &Result{Form: FormText, Interfaces: []*Interface{{
				Index: 1, Name: "lo", Flags: []string{"LOOPBACK", "UP", "LOWER_UP"}, Qdisc: "noqueue", State: "UNKNOWN",
				Group: "default", TxQueueLen: 1000, Addresses: []Address{}, Pos: at(1),
			}}, Warnings: []source.Warning{
				{Pos: at(1), Msg: `bad mtu "big"`, Text: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu big qdisc noqueue state UNKNOWN group default …"},
				{Pos: at(2), Msg: "lifetimes without an address line (skipped)", Text: "       valid_lft forever preferred_lft forever"},
				{Pos: at(3), Msg: "address without a prefix length (skipped)", Text: "    inet 127.0.0.1 scope host lo"},
				{Pos: at(4), Msg: `bad address: netip.ParsePrefix("127.0.0.300/8"): ParseAddr("127.0.0.300"): IPv4 field has value >255 (skipped)`,
					Text: "    inet 127.0.0.300/8 scope host lo"},
				{Pos: at(5), Msg: "unrecognized line (skipped)", Text: "    vf 0     link/ether 00:00:00:00:00:00 brd ff:ff:ff:ff:ff:ff"},
				{Pos: at(6), Msg: "unrecognized line (skipped)", Text: "garbage"},
			}},
		},
		{
			Name: "json link forms, slave kind, altnames, peer and flag order",
			In: `[{"ifindex":2,"link":null,"ifname":"a","flags":[],"altnames":["x"],"linkinfo":{"info_slave_kind":"bond"},"addr_info":[` +
				`{"family":"inet","local":"10.0.0.1","address":"10.0.0.2","prefixlen":32,"scope":"global","noprefixroute":true,"dynamic":true,"protocol":"kernel","metric":7,"weird":"w","label":"a"}]},` + "\n" +
				`{"ifindex":3,"link_index":2,"link_netnsid":0,"ifname":"b","addr_info":[{"family":"inet6","local":"2001:db8::1","prefixlen":64,"secondary":false,"valid_life_time":30,"preferred_life_time":0}]}]`,
			Want: &Result{Form: FormJSON, Interfaces: []*Interface{
				{Index: 2, Name: "a", Link: "NONE", Flags: []string{}, SlaveKind: "bond", AltNames: []string{"x"}, Addresses: []Address{{
					Prefix: pfx("10.0.0.1/32"), Scope: "global", Label: "a", Pos: at(1), more: &addressMore{peer: netip.MustParseAddr("10.0.0.2"),
						flags: []string{"noprefixroute", "dynamic"}, extra: []string{"proto", "kernel", "metric", "7", "weird", "w"}}}},
					Pos: at(1)},
				{Index: 3, Name: "b", Link: "if2", Addresses: []Address{{Prefix: pfx("2001:db8::1/64"), ValidLft: "30sec", PreferredLft: "0sec", Pos: at(2)}}, Pos: at(2)},
			}},
		},
		{
			Name: "json [{}] quirk",
			In:   "[{}]\n",
			Want: &Result{Form: FormJSON, Interfaces: []*Interface{}},
		},
		{
			Name: "json truncated",
			In:   `[{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":99}]},{"ifindex":2,`,
			Want: &Result{Form: FormJSON, Interfaces: []*Interface{{Index: 1, Name: "lo", Addresses: []Address{}, Pos: at(1)}},
				Warnings: []source.Warning{
					{Pos: at(1), Msg: "bad addr_info entry (skipped): bad prefixlen 99 for 127.0.0.1", Text: `{"family":"inet","local":"127.0.0.1","prefixlen":99}`},
					{Pos: at(1), Msg: "truncated or invalid JSON (rest skipped): unexpected EOF"},
				}},
		},
		{
			Name: "empty",
			In:   "",
			Want: &Result{Interfaces: []*Interface{}},
		},
		{
			Name: "device does not exist",
			In:   "Device \"kube-ipvs0\" does not exist.\n",
			Want: &Result{Interfaces: []*Interface{}, Failure: &source.Failure{Pos: at(1), Message: `Device "kube-ipvs0" does not exist.`}},
		},
		{
			Name: "command not found",
			In:   "bash: ip: command not found\n",
			Want: &Result{Interfaces: []*Interface{}, Failure: &source.Failure{Pos: at(1), Message: "bash: ip: command not found"}},
		},
		{
			Name:    "not ip addr",
			In:      "TCP  10.96.0.1:443 rr\n",
			WantErr: `ip-addr.txt:1: not ip addr output: "TCP  10.96.0.1:443 rr"`,
		},
		{
			Name:    "nothing of ip addr, a valid_lft line aside",
			In:      "hello\n       valid_lft forever preferred_lft forever\n    link/ether 02:42:ac:11:00:02\n",
			WantErr: `ip-addr.txt:1: not ip addr output: "hello"`,
		},
		{
			// ip a | grep -A1 10.96.0 from a ticket: IPv4 labels name the
			// interface, grep's "--" parts the groups.
			Name: "grep fragment named by its labels",
			In: "\n    inet 10.96.0.1/32 scope global kube-ipvs0\n" +
				"       valid_lft forever preferred_lft forever\n" +
				"--\n" +
				"inet 10.96.0.10/32 scope global kube-ipvs0\n" +
				"    inet 192.168.10.11/24 brd 192.168.10.255 scope global secondary eth0:vip\n",
			Want: &Result{Form: FormText, Partial: true, Interfaces: []*Interface{
				{Name: "kube-ipvs0", Addresses: []Address{
					{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0", ValidLft: "forever", PreferredLft: "forever", Pos: at(2)},
					{Prefix: pfx("10.96.0.10/32"), Scope: "global", Label: "kube-ipvs0", Pos: at(5)},
				}, Pos: at(2)},
				{Name: "eth0", Addresses: []Address{
					{Prefix: pfx("192.168.10.11/24"), Scope: "global", Label: "eth0:vip", Pos: at(6),
						more: &addressMore{broadcast: netip.MustParseAddr("192.168.10.255"), flags: []string{"secondary"}}},
				}, Pos: at(6)},
			}},
		},
		{
			Name: "grep fragment that nothing names",
			In: "    inet6 fd00:10:96::1/128 scope global\n" +
				"       valid_lft forever preferred_lft forever\n" +
				"    inet 10.96.0.1/32 scope global kube-ipvs0\n" +
				"--\n" +
				"    inet6 fd00:10:96::a/128 scope global\n",
			Want: &Result{Form: FormText, Partial: true, Interfaces: []*Interface{
				{Addresses: []Address{
					{Prefix: pfx("fd00:10:96::1/128"), Scope: "global", ValidLft: "forever", PreferredLft: "forever", Pos: at(1)},
					{Prefix: pfx("fd00:10:96::a/128"), Scope: "global", Pos: at(5)},
				}, Pos: at(1)},
				{Name: "kube-ipvs0", Addresses: []Address{{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0", Pos: at(3)}}, Pos: at(3)},
			}, Warnings: []source.Warning{
				{Pos: at(1), Msg: unnamed, Text: "    inet6 fd00:10:96::1/128 scope global"},
				{Pos: at(2), Msg: unnamed, Text: "       valid_lft forever preferred_lft forever"},
				{Pos: at(5), Msg: unnamed, Text: "    inet6 fd00:10:96::a/128 scope global"},
			}},
		},
		{
			// A paste that starts with the end of the interface before
			// kube-ipvs0.
			Name: "starts inside an interface",
			In: "    inet6 fe80::42:acff:fe11:2/64 scope link \n" +
				"       valid_lft forever preferred_lft forever\n" +
				"    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff\n" +
				"3: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default \n" +
				"    inet 10.96.0.1/32 scope global kube-ipvs0\n",
			Want: &Result{Form: FormText, Partial: true, Interfaces: []*Interface{{
				Index: 3, Name: "kube-ipvs0", Flags: []string{"BROADCAST", "NOARP"}, MTU: 1500, Qdisc: "noop", State: "DOWN", Group: "default",
				Addresses: []Address{{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0", Pos: at(5)}},
				Pos:       at(4),
			}}, Warnings: []source.Warning{
				{Pos: at(1), Msg: midInterface, Text: "    inet6 fe80::42:acff:fe11:2/64 scope link "},
				{Pos: at(2), Msg: midInterface, Text: "       valid_lft forever preferred_lft forever"},
				{Pos: at(3), Msg: midInterface, Text: "    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff"},
			}},
		},
		{
			Name: "placeholder address",
			In: "5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500\n" +
				"    inet <lb-ip>/32 scope global kube-ipvs0\n" +
				"       valid_lft forever preferred_lft forever\n" +
				"    inet x.x.x.x/32 scope global kube-ipvs0\n" +
				"    inet 10.96.0.1/32 scope global kube-ipvs0\n",
			Want: &Result{Form: FormText, Interfaces: []*Interface{{
				Index: 5, Name: "kube-ipvs0", Flags: []string{"BROADCAST", "NOARP"}, MTU: 1500,
				Addresses: []Address{{Prefix: pfx("10.96.0.1/32"), Scope: "global", Label: "kube-ipvs0", Pos: at(5)}},
				Pos:       at(1),
			}}, Warnings: []source.Warning{
				{Pos: at(2), Msg: `placeholder "<lb-ip>" instead of an address (skipped)`, Text: "    inet <lb-ip>/32 scope global kube-ipvs0"},
				{Pos: at(3), Msg: "lifetimes without an address line (skipped)", Text: "       valid_lft forever preferred_lft forever"},
				{Pos: at(4), Msg: `placeholder "x.x.x.x" instead of an address (skipped)`, Text: "    inet x.x.x.x/32 scope global kube-ipvs0"},
			}},
		},
		{
			Name: "json array of something else",
			In:   `[1, {"ifindex":"x"}] []`,
			Want: &Result{Form: FormJSON, Interfaces: []*Interface{}, Warnings: []source.Warning{
				{Pos: at(1), Msg: "not an interface object (skipped): json: cannot unmarshal number into Go value of type ipaddr.jsonLink", Text: "1"},
				{Pos: at(1), Msg: "not an interface object (skipped): json: cannot unmarshal string into Go struct field jsonLink.ifindex of type int", Text: `{"ifindex":"x"}`},
				{Pos: at(1), Msg: "data after the JSON array (skipped)"},
			}},
		},
	})
}

// TestReference checks values read by hand from each reference capture.
func TestReference(t *testing.T) {
	tests := []struct {
		file      string
		form      Form
		kinds     []string // per interface; nil when the form has no kinds
		lines     []int    // line of each interface
		vipLine   int      // line of 192.168.10.100/24
		linkLines bool     // the form has link lines (flags, state, MAC)
	}{
		{"ip-addr.txt", FormText, []string{"", "", "", "", "", ""}, []int{1, 7, 19, 25, 29, 37}, 13, true},
		{"ip-d-addr.txt", FormText, []string{"", "veth", "bridge", "vxlan", "bridge", "macvlan"}, []int{1, 7, 20, 27, 32, 41}, 14, true},
		{"ip-o-addr.txt", FormOneLine, []string{"", "", "", "", "", ""}, []int{1, 3, 8, 10, 11, 14}, 5, false},
		{"ip-j-addr.json", FormJSON, []string{"", "", "", "", "", ""}, []int{1, 1, 1, 1, 1, 1}, 1, true},
		{"ip-d-j-addr.json", FormJSON, []string{"", "veth", "bridge", "vxlan", "bridge", "macvlan"}, []int{1, 1, 1, 1, 1, 1}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := refs.Get(t, tt.file)
			if res.Form != tt.form || res.Failure != nil || len(res.Warnings) != 0 {
				t.Fatalf("form %q, failure %v, warnings %v", res.Form, res.Failure, res.Warnings)
			}
			var names, kinds []string
			var lines []int
			for _, it := range res.Interfaces {
				names, kinds, lines = append(names, it.Name), append(kinds, it.Kind), append(lines, it.Pos.Line)
			}
			if want := []string{"lo", "eth0", "cni0", "vxlan.calico", "br-vip", "mv0"}; !slices.Equal(names, want) {
				t.Errorf("names = %q, want %q", names, want)
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Errorf("kinds = %q, want %q", kinds, tt.kinds)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}

			eth0 := res.Interface("eth0")
			if eth0.Index != 3 || len(eth0.Addresses) != 5 {
				t.Fatalf("eth0: index %d, %d addresses", eth0.Index, len(eth0.Addresses))
			}
			// The same IP with two prefix lengths is kept twice.
			if eth0.Addresses[0].Prefix != pfx("192.168.10.11/24") || eth0.Addresses[1].Prefix != pfx("192.168.10.11/32") {
				t.Errorf("eth0 first addresses = %v, %v", eth0.Addresses[0].Prefix, eth0.Addresses[1].Prefix)
			}
			if b := eth0.Addresses[0].Broadcast(); b != netip.MustParseAddr("192.168.10.255") {
				t.Errorf("eth0 brd = %v", b)
			}
			vip := eth0.Address(netip.MustParseAddr("192.168.10.100"))
			if vip.Prefix.Bits() != 24 || vip.Label != "eth0:vip" || !slices.Contains(vip.Flags(), "secondary") || vip.Scope != "global" || vip.Pos.Line != tt.vipLine {
				t.Errorf("192.168.10.100 = %+v", *vip)
			}
			v6 := eth0.Addresses[3]
			if v6.Prefix != pfx("2001:db8:10::99/64") || !slices.Equal(v6.Flags(), []string{"nodad", "dynamic"}) ||
				v6.Label != "" || v6.ValidLft != "3597sec" || v6.PreferredLft != "1797sec" {
				t.Errorf("2001:db8:10::99 = %+v", v6)
			}
			if want := []netip.Addr{netip.MustParseAddr("192.168.10.11"), netip.MustParseAddr("192.168.10.100"),
				netip.MustParseAddr("2001:db8:10::99"), netip.MustParseAddr("2001:db8:10::11")}; !slices.Equal(eth0.Addrs(), want) {
				t.Errorf("eth0.Addrs() = %v, want %v", eth0.Addrs(), want)
			}
			mv0 := res.Interface("mv0")
			if a := mv0.Addresses[0]; a.Prefix != pfx("192.168.10.200/24") || !slices.Equal(a.Flags(), []string{"noprefixroute"}) || a.Label != "mv0" {
				t.Errorf("mv0 address = %+v", a)
			}
			if cni := res.Interface("cni0").Addresses[1]; cni.Scope != "link" || cni.Prefix != pfx("fe80::18d9:9eff:fe32:37c0/64") {
				t.Errorf("cni0 link-local = %+v", cni)
			}
			vips := res.Interface("br-vip").Addrs()
			if want := []netip.Addr{netip.MustParseAddr("10.96.0.1"), netip.MustParseAddr("10.96.0.10"), netip.MustParseAddr("fd00:10:96::1")}; !slices.Equal(vips, want) {
				t.Errorf("br-vip addrs = %v", vips)
			}
			if res.Interface("kube-ipvs0") != nil {
				t.Error("kube-ipvs0 found in a capture without it")
			}
			if !tt.linkLines {
				if eth0.State != "" || eth0.Flags != nil || eth0.Link != "" {
					t.Errorf("one-line eth0 has link fields: %+v", eth0)
				}
				return
			}
			if eth0.Link != "if2" || eth0.State != "LOWERLAYERDOWN" || eth0.MTU != 1500 || eth0.MAC != "f2:28:4a:2b:ba:25" ||
				!slices.Equal(eth0.Flags, []string{"NO-CARRIER", "BROADCAST", "MULTICAST", "UP"}) || eth0.HasFlag("LOWER_UP") {
				t.Errorf("eth0 = %+v", eth0)
			}
			if lo := res.Interface("lo"); lo.LinkType != "loopback" || lo.MTU != 65536 || lo.State != "UNKNOWN" || lo.TxQueueLen != 1000 {
				t.Errorf("lo = %+v", lo)
			}
			if mv0.Link != "eth0" || mv0.Qdisc != "noop" || mv0.State != "DOWN" {
				t.Errorf("mv0 = %+v", mv0)
			}
			if vx := res.Interface("vxlan.calico"); vx.MTU != 1450 || vx.Addresses[0].Prefix != pfx("10.244.1.0/32") {
				t.Errorf("vxlan.calico = %+v", vx)
			}
		})
	}
}

// TestFormsAgree checks that the text and JSON captures of the same node, and
// the one-line capture, parse to the same interfaces and addresses.
func TestFormsAgree(t *testing.T) {
	strip := func(res *Result, links bool) []*Interface {
		var out []*Interface
		for _, it := range res.Interfaces {
			c := *it
			c.Pos, c.Extra = source.Pos{}, nil
			if !links {
				c = Interface{Index: c.Index, Name: c.Name}
			}
			c.Addresses = nil
			for _, a := range it.Addresses {
				a.Pos = source.Pos{}
				c.Addresses = append(c.Addresses, a)
			}
			out = append(out, &c)
		}
		return out
	}
	for _, pair := range [][2]string{{"ip-addr.txt", "ip-j-addr.json"}, {"ip-d-addr.txt", "ip-d-j-addr.json"}, {"ip-addr.txt", "ip-o-addr.txt"}} {
		links := pair[1] != "ip-o-addr.txt"
		a, b := strip(refs.Get(t, pair[0]), links), strip(refs.Get(t, pair[1]), links)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s and %s differ:\n%s\n%s", pair[0], pair[1], parsertest.Dump(t, a), parsertest.Dump(t, b))
		}
	}
}

// TestGolden compares the parse of each reference capture with
// testdata/TestGolden/<file>.golden; -update rewrites them.
func TestGolden(t *testing.T) {
	refs.Golden(t)
}

func TestHelpers(t *testing.T) {
	res := refs.Get(t, "ip-addr.txt")
	if res.Interface("nope") != nil {
		t.Error("Interface(nope) != nil")
	}
	eth0 := res.Interface("eth0")
	if eth0.Address(netip.MustParseAddr("10.96.0.1")) != nil {
		t.Error("eth0 has 10.96.0.1")
	}
	if a := eth0.Address(netip.MustParseAddr("192.168.10.11")); a == nil || a.Prefix.Bits() != 24 {
		t.Errorf("Address(192.168.10.11) = %v, want the /24", a)
	}
	if !eth0.HasFlag("NO-CARRIER") {
		t.Error("eth0 lacks NO-CARRIER")
	}
}

// BenchmarkParse measures the text and JSON parsers on the -d captures:
//
//	go test -run '^$' -bench . ./analyze/ipaddr
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"ip-d-addr.txt", "ip-d-j-addr.json"} {
		b.Run(name, func(b *testing.B) {
			refs.Benchmark(b, name)
		})
	}
}

// TestMerge merges the fragments of two grep'd pastes: interfaces without a
// link line join by name, the others are appended.
func TestMerge(t *testing.T) {
	r1, err := ParseDevice(strings.NewReader("    inet 10.96.0.10/32 scope global kube-ipvs0\n"), at(1), "")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := ParseDevice(strings.NewReader("    inet6 fd00::a/128 scope global\n3: eth0: <UP> mtu 1500\n    inet 10.0.0.5/24 scope global eth0\n"), at(5), "kube-ipvs0")
	if err != nil {
		t.Fatal(err)
	}
	r1.Merge(r2)
	want := &Result{Form: FormText, Partial: true, Interfaces: []*Interface{
		{Name: "kube-ipvs0", Addresses: []Address{
			{Prefix: pfx("10.96.0.10/32"), Scope: "global", Label: "kube-ipvs0", Pos: at(1)},
			{Prefix: pfx("fd00::a/128"), Scope: "global", Pos: at(5)},
		}, Pos: at(1)},
		{Index: 3, Name: "eth0", Flags: []string{"UP"}, MTU: 1500, Addresses: []Address{
			{Prefix: pfx("10.0.0.5/24"), Scope: "global", Label: "eth0", Pos: at(7)},
		}, Pos: at(6)},
	}}
	parsertest.Equal(t, r1, want)
}

// TestFit parses a kube-ipvs0 of 1,000 addresses in the text and the JSON
// form: its address list keeps at most an eighth of room from its growth.
func TestFit(t *testing.T) {
	var text, js strings.Builder
	text.WriteString("5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default\n    link/ether 6e:7a:28:51:6c:0e brd ff:ff:ff:ff:ff:ff\n")
	js.WriteString(`[{"ifindex":5,"ifname":"kube-ipvs0","addr_info":[`)
	for i := range 1000 {
		ip := netip.AddrFrom4([4]byte{10, 96, byte(i / 256), byte(i % 256)})
		text.WriteString("    inet " + ip.String() + "/32 scope global kube-ipvs0\n       valid_lft forever preferred_lft forever\n")
		if i > 0 {
			js.WriteString(",")
		}
		js.WriteString(`{"family":"inet","local":"` + ip.String() + `","prefixlen":32,"scope":"global","label":"kube-ipvs0"}`)
	}
	js.WriteString("]}]")
	for name, capture := range map[string]string{"text": text.String(), "json": js.String()} {
		res, err := Parse(strings.NewReader(capture), at(1))
		if err != nil {
			t.Fatal(err)
		}
		it := res.Interface("kube-ipvs0")
		if it == nil {
			t.Fatalf("%s: no kube-ipvs0", name)
		}
		if n, c := len(it.Addresses), cap(it.Addresses); n != 1000 || c > n+n/8 {
			t.Errorf("%s: %d addresses with room for %d, want 1000 with room for at most 1125", name, n, c)
		}
	}
}

// TestAddressSize keeps an address at the 128 bytes the type's
// documentation promises: kube-ipvs0 holds 10,000 and more of them.
func TestAddressSize(t *testing.T) {
	if n := unsafe.Sizeof(Address{}); n > 128 {
		t.Errorf("an Address takes %d bytes, want at most 128", n)
	}
}
