package sysctl

import (
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// captures are sample captures written for these tests (no reference output
// of sysctl exists): a node with ip_vs loaded, and one without.
var captures = parsertest.Captures[Result]{Parse: Parse, Read: parsertest.Testdata, Names: []string{"node-5.4.txt", "no-ip_vs.txt"}}

func at(line int) source.Pos { return source.Pos{File: "sysctl.txt", Line: line} }

func TestParse(t *testing.T) {
	parsertest.Table(t, Parse, "sysctl.txt", []parsertest.Case[Result]{
		{
			Name: "both separators, tabs in a value, CRLF",
			In:   "net.ipv4.vs.conntrack = 1\r\nnet.ipv4.ip_forward=1\r\n\r\nnet.ipv4.ip_local_port_range = 32768\t60999\r\n",
			Want: &Result{Entries: map[string]Entry{
				"net.ipv4.vs.conntrack":        {Value: "1", Pos: at(1)},
				"net.ipv4.ip_forward":          {Value: "1", Pos: at(2)},
				"net.ipv4.ip_local_port_range": {Value: "32768\t60999", Pos: at(4)},
			}},
		},
		{
			Name: "cannot stat, duplicates and odd lines",
			In: "sysctl: cannot stat /proc/sys/net/ipv4/vs: No such file or directory\n" +
				"net.ipv4.conf.eth0/100.arp_ignore = 1\n" +
				"sysctl: cannot stat /proc/sys/net/ipv4/conf/eth0.100/arp_filter: No such file or directory\n" +
				"net.ipv4.ip_forward = 0\n" +
				"what is this\n" +
				"net.ipv4.ip_forward = 1\n" +
				"sysctl: permission denied on key 'net.ipv4.vs.secure_tcp'\n",
			Want: &Result{
				Entries: map[string]Entry{
					"net.ipv4.conf.eth0/100.arp_ignore": {Value: "1", Pos: at(2)},
					"net.ipv4.ip_forward":               {Value: "1", Pos: at(6)},
				},
				Missing: []Missing{{Name: "net.ipv4.vs", Pos: at(1)}, {Name: "net.ipv4.conf.eth0/100.arp_filter", Pos: at(3)}},
				Warnings: []source.Warning{
					{Pos: at(1), Msg: "sysctl could not read a parameter", Text: "sysctl: cannot stat /proc/sys/net/ipv4/vs: No such file or directory"},
					{Pos: at(3), Msg: "sysctl could not read a parameter", Text: "sysctl: cannot stat /proc/sys/net/ipv4/conf/eth0.100/arp_filter: No such file or…"},
					{Pos: at(5), Msg: "not a key = value line (skipped)", Text: "what is this"},
					{Pos: at(6), Msg: "net.ipv4.ip_forward repeated (first at line 4); the last value is kept", Text: "net.ipv4.ip_forward = 1"},
					{Pos: at(7), Msg: "sysctl could not read a parameter", Text: "sysctl: permission denied on key 'net.ipv4.vs.secure_tcp'"},
				},
			},
		},
		{
			Name: "arp settings of all, default and every interface",
			In: "net.ipv4.conf.all.arp_ignore = 0\nnet.ipv4.conf.all.arp_announce = 0\n" +
				"net.ipv4.conf.default.arp_ignore = 0\nnet.ipv4.conf.default.arp_announce = 0\n" +
				"net.ipv4.conf.eth0/100.arp_ignore = 1\nnet.ipv4.conf.eth0/100.arp_announce = 2\n" +
				"net.ipv4.conf.kube-ipvs0.arp_ignore = 0\nnet.ipv4.conf.kube-ipvs0.arp_announce = 0\n" +
				"sysctl: cannot stat /proc/sys/net/ipv4/conf/cali1a2b3c4d5e6/arp_ignore: No such file or directory\n",
			Want: &Result{
				Entries: map[string]Entry{
					ARPIgnore:                               {Value: "0", Pos: at(1)},
					ARPAnnounce:                             {Value: "0", Pos: at(2)},
					"net.ipv4.conf.default.arp_ignore":      {Value: "0", Pos: at(3)},
					"net.ipv4.conf.default.arp_announce":    {Value: "0", Pos: at(4)},
					"net.ipv4.conf.eth0/100.arp_ignore":     {Value: "1", Pos: at(5)},
					"net.ipv4.conf.eth0/100.arp_announce":   {Value: "2", Pos: at(6)},
					"net.ipv4.conf.kube-ipvs0.arp_ignore":   {Value: "0", Pos: at(7)},
					"net.ipv4.conf.kube-ipvs0.arp_announce": {Value: "0", Pos: at(8)},
				},
				// An interface gone between the listing and sysctl.
				Missing: []Missing{{Name: "net.ipv4.conf.cali1a2b3c4d5e6.arp_ignore", Pos: at(9)}},
				Warnings: []source.Warning{
					{Pos: at(9), Msg: "sysctl could not read a parameter", Text: "sysctl: cannot stat /proc/sys/net/ipv4/conf/cali1a2b3c4d5e6/arp_ignore: No such …"},
				},
			},
		},
		{
			Name: "empty value",
			In:   "kernel.domainname = \n",
			Want: &Result{Entries: map[string]Entry{"kernel.domainname": {Value: "", Pos: at(1)}}},
		},
		{
			Name: "empty",
			In:   "\n\n",
			Want: &Result{Entries: map[string]Entry{}},
		},
		{
			Name: "command not found",
			In:   "sh: 1: sysctl: not found\n",
			Want: &Result{Entries: map[string]Entry{}, Failure: &source.Failure{Pos: at(1), Message: "sh: 1: sysctl: not found"}},
		},
		{
			// A paste that starts with a line of something else.
			Name: "odd first line",
			In:   "Last login: Tue Nov 24 09:12:01 2026 from 10.0.0.9\nnet.ipv4.vs.conntrack = 1\n",
			Want: &Result{Entries: map[string]Entry{"net.ipv4.vs.conntrack": {Value: "1", Pos: at(2)}}, Warnings: []source.Warning{
				{Pos: at(1), Msg: "not a key = value line (skipped)", Text: "Last login: Tue Nov 24 09:12:01 2026 from 10.0.0.9"},
			}},
		},
		{
			Name:    "not sysctl",
			In:      "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n",
			WantErr: `sysctl.txt:1: not sysctl output: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"`,
		},
		{
			Name:    "no key",
			In:      " = 1\n",
			WantErr: `sysctl.txt:1: not sysctl output: "= 1"`,
		},
	})
}

func TestInt(t *testing.T) {
	res := captures.Get(t, "node-5.4.txt")
	tests := []struct {
		name string
		want int64
		line int
		ok   bool
	}{
		{VSConntrack, 1, 6, true},
		{VSConnReuseMode, 0, 5, true},
		{VSExpireNodestConn, 1, 9, true},
		{VSExpireQuiescentTemplate, 1, 10, true},
		{ConntrackCount, 1873, 30, true},
		{ConntrackMax, 262144, 35, true},
		{IPForward, 1, 46, true},
		{ARPIgnore, 0, 47, true},
		{ARPAnnounce, 0, 48, true},
		{"net.ipv4.vs.sync_threshold", 0, 25, false}, // "3\t50"
		{"net.netfilter.nf_log.0", 0, 43, false},     // NONE
		{"net.ipv4.vs.nope", 0, 0, false},
	}
	for _, tt := range tests {
		v, pos, ok := res.Int(tt.name)
		if v != tt.want || pos.Line != tt.line || ok != tt.ok {
			t.Errorf("Int(%s) = %d, %v, %v; want %d, line %d, %v", tt.name, v, pos, ok, tt.want, tt.line, tt.ok)
		}
	}
	res = captures.Get(t, "no-ip_vs.txt")
	if _, _, ok := res.Int(VSConnReuseMode); ok || len(res.Missing) != 1 || res.Missing[0].Name != "net.ipv4.vs" {
		t.Errorf("no-ip_vs: Missing = %v", res.Missing)
	}
	if v, _, _ := res.Int(ARPAnnounce); v != 2 {
		t.Errorf("no-ip_vs: arp_announce = %d", v)
	}
}

// TestGolden compares the parse of each sample capture with
// testdata/TestGolden/<file>.golden; -update rewrites them.
func TestGolden(t *testing.T) {
	captures.Golden(t)
}

// BenchmarkParse measures the parser on the larger sample capture:
//
//	go test -run '^$' -bench . ./analyze/sysctl
func BenchmarkParse(b *testing.B) {
	captures.Benchmark(b, "node-5.4.txt")
}
