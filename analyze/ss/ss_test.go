package ss

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/parsertest"
)

// captures are sample captures written for these tests from ss's column
// layout (no reference output of ss exists): iproute2 5.x with -H, with a
// header and -p, and iproute2 3.10 (CentOS 7).
var captures = parsertest.Captures[Result]{Parse: Parse, Read: parsertest.Testdata,
	Names: []string{"ss-Hlntu.txt", "ss-lntup.txt", "ss-old-centos7.txt"}}

func at(line int) source.Pos { return source.Pos{File: "ss-listen.txt", Line: line} }

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestParse(t *testing.T) {
	parsertest.Table(t, Parse, "ss-listen.txt", []parsertest.Case[Result]{
		{
			Name: "wildcards and device suffixes",
			In: "udp   UNCONN 0      0          127.0.0.53%lo:53        0.0.0.0:*          \n" +
				"tcp   LISTEN 0      4096                   *:10250           *:*          \n" +
				"tcp   LISTEN 0      128                 [::]:22           [::]:*          \n" +
				"tcp   LISTEN 0      511   [::ffff:127.0.0.1]:8080          *:*          \n" +
				"udp   UNCONN 0      0    [fe80::1]%eth0:546        [::]:*\n" +
				"udp   UNCONN 0      0      0.0.0.0%eth0:*        0.0.0.0:*\n",
			Want: &Result{Sockets: []Socket{
				{Netid: "udp", State: "UNCONN", Addr: ip("127.0.0.53"), Port: 53, Interface: "lo", Peer: "0.0.0.0:*", Pos: at(1)},
				{Netid: "tcp", State: "LISTEN", SendQ: 4096, Port: 10250, Peer: "*:*", Pos: at(2)},
				{Netid: "tcp", State: "LISTEN", SendQ: 128, Addr: ip("::"), Port: 22, Peer: "[::]:*", Pos: at(3)},
				{Netid: "tcp", State: "LISTEN", SendQ: 511, Addr: ip("::ffff:127.0.0.1"), Port: 8080, Peer: "*:*", Pos: at(4)},
				{Netid: "udp", State: "UNCONN", Addr: ip("fe80::1"), Port: 546, Interface: "eth0", Peer: "[::]:*", Pos: at(5)},
				{Netid: "udp", State: "UNCONN", Addr: ip("0.0.0.0"), Interface: "eth0", Peer: "0.0.0.0:*", Pos: at(6)},
			}},
		},
		{
			Name: "header, process with a blank in its name, CRLF",
			In: "Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\r\n" +
				"tcp   LISTEN 3      4096   0.0.0.0:443 0.0.0.0:*    users:((\"tmux: server\",pid=77,fd=5),(\"nginx\",pid=3000,fd=6))\r\n",
			Want: &Result{Sockets: []Socket{{
				Netid: "tcp", State: "LISTEN", RecvQ: 3, SendQ: 4096, Addr: ip("0.0.0.0"), Port: 443, Peer: "0.0.0.0:*",
				Process: `users:(("tmux: server",pid=77,fd=5),("nginx",pid=3000,fd=6))`,
				Users:   []User{{Name: "tmux: server", PID: 77, FD: 5}, {Name: "nginx", PID: 3000, FD: 6}},
				Pos:     at(2),
			}}},
		},
		{
			Name: "one type asked for: no Netid column",
			In:   "State  Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0      4096   127.0.0.1:10249 0.0.0.0:*\n",
			Want: &Result{Sockets: []Socket{{Netid: "tcp", State: "LISTEN", SendQ: 4096, Addr: ip("127.0.0.1"), Port: 10249, Peer: "0.0.0.0:*", Pos: at(2)}}},
		},
		{
			Name: "odd lines",
			In: "tcp   LISTEN 0      128    0.0.0.0:22 0.0.0.0:*\n" +
				"tcp   LISTEN 0      128    0.0.0.0:ssh 0.0.0.0:*\n" +
				"tcp   WEIRD 0 0 1.2.3.4:1 *:*\n" +
				"tcp   LISTEN x 0 1.2.3.4:1 *:*\n" +
				"tcp   LISTEN 0 x 1.2.3.4:1 *:*\n" +
				"tcp   LISTEN 0 0 1.2.3.400:1 *:*\n" +
				"tcp   LISTEN 0 0 nocolon *:*\n" +
				"tcp LISTEN\n",
			Want: &Result{Sockets: []Socket{{Netid: "tcp", State: "LISTEN", SendQ: 128, Addr: ip("0.0.0.0"), Port: 22, Peer: "0.0.0.0:*", Pos: at(1)}},
				Warnings: []source.Warning{
					{Pos: at(2), Msg: `bad local port "ssh" (captured without -n?) (skipped)`, Text: "tcp   LISTEN 0      128    0.0.0.0:ssh 0.0.0.0:*"},
					{Pos: at(3), Msg: `unknown state "WEIRD" (skipped)`, Text: "tcp   WEIRD 0 0 1.2.3.4:1 *:*"},
					{Pos: at(4), Msg: `bad Recv-Q "x" (skipped)`, Text: "tcp   LISTEN x 0 1.2.3.4:1 *:*"},
					{Pos: at(5), Msg: `bad Send-Q "x" (skipped)`, Text: "tcp   LISTEN 0 x 1.2.3.4:1 *:*"},
					{Pos: at(6), Msg: `bad local address "1.2.3.400:1" (skipped)`, Text: "tcp   LISTEN 0 0 1.2.3.400:1 *:*"},
					{Pos: at(7), Msg: `local address without a port: "nocolon" (skipped)`, Text: "tcp   LISTEN 0 0 nocolon *:*"},
					{Pos: at(8), Msg: "too few columns (skipped)", Text: "tcp LISTEN"},
				}},
		},
		{
			Name: "empty",
			In:   "",
			Want: &Result{Sockets: []Socket{}},
		},
		{
			Name: "command not found",
			In:   "bash: ss: command not found\n",
			Want: &Result{Sockets: []Socket{}, Failure: &source.Failure{Pos: at(1), Message: "bash: ss: command not found"}},
		},
		{
			// A paste that starts with a redacted line.
			Name: "odd first line and a placeholder",
			In:   "LISTEN 0 4096 <node-ip>:443 0.0.0.0:*\nLISTEN 0 4096 127.0.0.1:10249 0.0.0.0:*\n",
			Want: &Result{Sockets: []Socket{{Netid: "tcp", State: "LISTEN", SendQ: 4096, Addr: ip("127.0.0.1"), Port: 10249, Peer: "0.0.0.0:*", Pos: at(2)}},
				Warnings: []source.Warning{
					{Pos: at(1), Msg: `placeholder "<node-ip>" in place of the local address (skipped)`, Text: "LISTEN 0 4096 <node-ip>:443 0.0.0.0:*"},
				}},
		},
		{
			Name:    "not ss",
			In:      "net.ipv4.ip_forward = 1\n",
			WantErr: `ss-listen.txt:1: not ss output: too few columns: "net.ipv4.ip_forward = 1"`,
		},
	})
}

func TestListener(t *testing.T) {
	tests := []struct {
		file  string
		ap    string
		proto string
		line  int // 0: no listener
	}{
		{"ss-Hlntu.txt", "10.96.0.1:22", "tcp", 8},           // 0.0.0.0:22
		{"ss-Hlntu.txt", "[fd00:10:96::1]:22", "TCP", 11},    // [::]:22
		{"ss-Hlntu.txt", "10.96.0.1:10250", "tcp", 9},        // *:10250
		{"ss-Hlntu.txt", "[fd00::1]:10250", "tcp", 9},        // *:10250
		{"ss-Hlntu.txt", "10.96.0.1:10249", "tcp", 0},        // only 127.0.0.1
		{"ss-Hlntu.txt", "127.0.0.1:10249", "tcp", 5},        // exact
		{"ss-Hlntu.txt", "192.168.10.11:2379", "tcp", 6},     // exact
		{"ss-Hlntu.txt", "192.168.10.12:2379", "tcp", 0},     // another address
		{"ss-Hlntu.txt", "192.168.10.11:8443", "tcp", 12},    // [::ffff:192.168.10.11]
		{"ss-Hlntu.txt", "10.96.0.10:8443", "tcp", 0},        // mapped, not wildcard
		{"ss-Hlntu.txt", "10.96.0.10:53", "udp", 0},          // 127.0.0.53 only
		{"ss-Hlntu.txt", "127.0.0.53:53", "udp", 1},          // bound to lo
		{"ss-Hlntu.txt", "10.96.0.10:8472", "udp", 2},        // 0.0.0.0 udp
		{"ss-Hlntu.txt", "10.96.0.10:8472", "tcp", 0},        // wrong protocol
		{"ss-Hlntu.txt", "[fd00::1]:8472", "udp", 0},         // 0.0.0.0 is IPv4 only
		{"ss-lntup.txt", "10.0.5.168:443", "tcp", 6},         // nginx on 0.0.0.0
		{"ss-old-centos7.txt", "10.0.5.168:22", "tcp", 4},    // old "*"
		{"ss-old-centos7.txt", "[2001:db8::1]:22", "tcp", 4}, // old "*" comes first
		{"ss-old-centos7.txt", "10.0.5.168:25", "tcp", 0},
	}
	for _, tt := range tests {
		res := captures.Get(t, tt.file)
		s, ok := res.Listener(netip.MustParseAddrPort(tt.ap), tt.proto)
		line := 0
		if ok {
			line = s.Pos.Line
		}
		if line != tt.line || ok != (s != nil) {
			t.Errorf("%s: Listener(%s, %s) = line %d, %v; want line %d", tt.file, tt.ap, tt.proto, line, ok, tt.line)
		}
	}
	// An exact address wins over an earlier wildcard.
	res, err := Parse(strings.NewReader("tcp LISTEN 0 1 0.0.0.0:80 0.0.0.0:*\ntcp LISTEN 0 1 10.0.0.1:80 0.0.0.0:*\n"), at(1))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := res.Listener(netip.MustParseAddrPort("10.0.0.1:80"), "tcp"); s == nil || s.Pos.Line != 2 {
		t.Errorf("exact listener not preferred: %v", s)
	}
}

// TestCaptures checks values read by hand from the sample captures.
func TestCaptures(t *testing.T) {
	res := captures.Get(t, "ss-lntup.txt")
	if len(res.Sockets) != 6 || len(res.Warnings) != 0 {
		t.Fatalf("%d sockets, warnings %v", len(res.Sockets), res.Warnings)
	}
	s := res.Sockets[4] // nginx
	if s.Addr != ip("0.0.0.0") || s.Port != 443 || s.SendQ != 511 || len(s.Users) != 2 || s.Users[1] != (User{"nginx", 3000, 6}) {
		t.Errorf("nginx socket = %+v", s)
	}
	if s := res.Sockets[1]; s.Addr != ip("fe80::1c2b:ff:fe4d:2") || s.Interface != "eth0" || s.Port != 546 || s.Users[0].Name != "systemd-network" {
		t.Errorf("dhcpv6 socket = %+v", s)
	}
	res = captures.Get(t, "ss-old-centos7.txt")
	if s := res.Sockets[4]; s.Addr != ip("::") || s.Port != 22 || s.Peer != ":::*" || s.Pos.Line != 6 {
		t.Errorf(":::22 socket = %+v", s)
	}
	res = captures.Get(t, "ss-Hlntu.txt")
	if len(res.Sockets) != 12 || res.Sockets[2].Addr.IsValid() || res.Sockets[2].Port != 323 {
		t.Errorf("ss-Hlntu: %d sockets, third %+v", len(res.Sockets), res.Sockets[2])
	}
}

// TestGolden compares the parse of each sample capture with
// testdata/TestGolden/<file>.golden; -update rewrites them.
func TestGolden(t *testing.T) {
	captures.Golden(t)
}

// BenchmarkParse measures the parser on the -p sample capture:
//
//	go test -run '^$' -bench . ./analyze/ss
func BenchmarkParse(b *testing.B) {
	captures.Benchmark(b, "ss-lntup.txt")
}
