package conntrack

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// ip is netip.MustParseAddr, short for the tables.
var ip = netip.MustParseAddr

// tcp returns a TCP tuple.
func tcp(src, dst string, sport, dport uint16) Tuple {
	return Tuple{Src: ip(src), Dst: ip(dst), Sport: sport, Dport: dport}
}

// at is where every table input starts.
var at = source.Pos{File: "conntrack.txt", Line: 1}

// readAll reads every flow of in.
func readAll(t *testing.T, in string) (*Table, error) {
	t.Helper()
	return Parse(strings.NewReader(in), at)
}

func TestParse(t *testing.T) {
	const (
		natLine  = "tcp      6 431998 ESTABLISHED src=10.244.1.5 dst=10.96.0.10 sport=43210 dport=53 src=10.244.2.7 dst=10.244.1.5 sport=53 dport=43210 [ASSURED] mark=0 use=1"
		natNoUse = "tcp      6 431998 ESTABLISHED src=10.244.1.5 dst=10.96.0.10 sport=43210 dport=53 src=10.244.2.7 dst=10.244.1.5 sport=53 dport=43210 [ASSURED] mark=0"
	)
	natFlow := func(line int) Flow {
		return Flow{Pos: source.Pos{File: "conntrack.txt", Line: line}, L3: "ipv4", Proto: "tcp", ProtoNum: 6, Timeout: 431998, State: "ESTABLISHED",
			Orig: tcp("10.244.1.5", "10.96.0.10", 43210, 53), Reply: tcp("10.244.2.7", "10.244.1.5", 53, 43210), Assured: true, Use: 1}
	}
	pos := func(line int) source.Pos { return source.Pos{File: "conntrack.txt", Line: line} }
	tests := []struct {
		name     string
		in       string
		want     []Flow
		format   Format
		stated   int // -1: no summary line
		warnings []string
		failure  string
		wantErr  string
	}{
		{name: "empty", in: "", want: []Flow{}, stated: -1},
		{name: "default", in: natLine + "\n", want: []Flow{natFlow(1)}, format: FormatDefault, stated: -1},
		{name: "crlf", in: natLine + "\r\n" + natLine + "\r\n", want: []Flow{natFlow(1), natFlow(2)}, format: FormatDefault, stated: -1},
		{name: "udp unreplied with counters and mark",
			in: "udp      17 27 src=10.244.1.6 dst=10.96.0.10 sport=40001 dport=53 packets=1 bytes=70 [UNREPLIED] src=10.244.2.7 dst=10.244.1.6 sport=53 dport=40001 packets=0 bytes=0 mark=16384 delta-time=1 use=1\n",
			want: []Flow{{Pos: pos(1), L3: "ipv4", Proto: "udp", ProtoNum: 17, Timeout: 27,
				Orig:  Tuple{Src: ip("10.244.1.6"), Dst: ip("10.96.0.10"), Sport: 40001, Dport: 53, Packets: 1, Bytes: 70},
				Reply: tcp("10.244.2.7", "10.244.1.6", 53, 40001), Unreplied: true, Mark: 16384, DeltaTime: 1, Use: 1}},
			format: FormatDefault, stated: -1},
		{name: "icmp",
			in: "icmp     1 27 src=10.244.1.5 dst=8.8.8.8 type=8 code=0 id=7 packets=2 bytes=168 src=8.8.8.8 dst=10.244.1.5 type=0 code=0 id=7 packets=2 bytes=168 mark=0 delta-time=1 use=1\n",
			want: []Flow{{Pos: pos(1), L3: "ipv4", Proto: "icmp", ProtoNum: 1, Timeout: 27,
				Orig:  Tuple{Src: ip("10.244.1.5"), Dst: ip("8.8.8.8"), Type: 8, ID: 7, Packets: 2, Bytes: 168},
				Reply: Tuple{Src: ip("8.8.8.8"), Dst: ip("10.244.1.5"), ID: 7, Packets: 2, Bytes: 168}, DeltaTime: 1, Use: 1}},
			format: FormatDefault, stated: -1},
		{name: "icmpv6 with -o id after use",
			in: "icmpv6   58 28 src=fd00:10:244:1::5 dst=2001:db8::1 type=128 code=0 id=99 [UNREPLIED] src=2001:db8::1 dst=fd00:10:244:1::5 type=129 code=0 id=99 mark=0 use=1 id=4078675433\n",
			want: []Flow{{Pos: pos(1), L3: "ipv6", Proto: "icmpv6", ProtoNum: 58, Timeout: 28,
				Orig:  Tuple{Src: ip("fd00:10:244:1::5"), Dst: ip("2001:db8::1"), Type: 128, ID: 99},
				Reply: Tuple{Src: ip("2001:db8::1"), Dst: ip("fd00:10:244:1::5"), Type: 129, ID: 99}, Unreplied: true, Use: 1, ID: 4078675433}},
			format: FormatDefault, stated: -1},
		{name: "sctp, udplite, dccp",
			in: "sctp     132 208 ESTABLISHED src=10.244.1.5 dst=10.96.5.5 sport=5000 dport=3868 src=10.244.3.3 dst=10.244.1.5 sport=3868 dport=5000 [ASSURED] mark=0 use=1\n" +
				"udplite  136 29 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 use=1\n" +
				"dccp     33 3599 PARTOPEN src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 use=1\n" +
				"unknown  4 599 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1 mark=0 use=1\n",
			want: []Flow{
				{Pos: pos(1), L3: "ipv4", Proto: "sctp", ProtoNum: 132, Timeout: 208, State: "ESTABLISHED",
					Orig: tcp("10.244.1.5", "10.96.5.5", 5000, 3868), Reply: tcp("10.244.3.3", "10.244.1.5", 3868, 5000), Assured: true, Use: 1},
				{Pos: pos(2), L3: "ipv4", Proto: "udplite", ProtoNum: 136, Timeout: 29,
					Orig: tcp("10.0.0.1", "10.0.0.2", 1, 2), Reply: tcp("10.0.0.2", "10.0.0.1", 2, 1), Use: 1},
				{Pos: pos(3), L3: "ipv4", Proto: "dccp", ProtoNum: 33, Timeout: 3599, State: "PARTOPEN",
					Orig: tcp("10.0.0.1", "10.0.0.2", 1, 2), Reply: tcp("10.0.0.2", "10.0.0.1", 2, 1), Use: 1},
				{Pos: pos(4), L3: "ipv4", Proto: "unknown", ProtoNum: 4, Timeout: 599,
					Orig: Tuple{Src: ip("10.0.0.1"), Dst: ip("10.0.0.2")}, Reply: Tuple{Src: ip("10.0.0.2"), Dst: ip("10.0.0.1")}, Use: 1},
			},
			format: FormatDefault, stated: -1},
		{name: "proc gre with timeouts",
			in: "ipv4     2 gre      47 99 timeout=0, stream_timeout=0 src=10.0.0.1 dst=10.0.0.2 srckey=0x10 dstkey=0x20 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 srckey=0x20 dstkey=0x10 mark=0 zone=0 use=2\n",
			want: []Flow{{Pos: pos(1), L3: "ipv4", Proto: "gre", ProtoNum: 47, Timeout: 99,
				Orig:      Tuple{Src: ip("10.0.0.1"), Dst: ip("10.0.0.2"), SrcKey: 0x10, DstKey: 0x20},
				Reply:     Tuple{Src: ip("10.0.0.2"), Dst: ip("10.0.0.1"), SrcKey: 0x20, DstKey: 0x10},
				Unreplied: true, Use: 2, Extra: []string{"timeout=0", "stream_timeout=0"}}},
			format: FormatProc, stated: -1},
		{name: "proc offload without timeout, then hw offload",
			in: "ipv4     2 tcp      6 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [OFFLOAD] mark=0 zone=0 use=3\n" +
				"ipv6     10 udp      17 src=fd00:0000:0000:0000:0000:0000:0000:0001 dst=fd00::2 sport=1 dport=2 src=fd00::2 dst=fd00::1 sport=2 dport=1 [HW_OFFLOAD] mark=0 zone=0 use=3\n",
			want: []Flow{
				{Pos: pos(1), L3: "ipv4", Proto: "tcp", ProtoNum: 6, Timeout: -1, State: "ESTABLISHED",
					Orig: tcp("10.0.0.1", "10.0.0.2", 1, 2), Reply: tcp("10.0.0.2", "10.0.0.1", 2, 1), Offload: true, Use: 3},
				{Pos: pos(2), L3: "ipv6", Proto: "udp", ProtoNum: 17, Timeout: -1,
					Orig: tcp("fd00::1", "fd00::2", 1, 2), Reply: tcp("fd00::2", "fd00::1", 2, 1), HWOffload: true, Use: 3},
			},
			format: FormatProc, stated: -1},
		{name: "zones, secmark, secctx, helper, labels, id, ktimestamp, vendor keys",
			in: "ipv4     2 tcp      6 59 CLOSE_WAIT src=10.0.0.1 dst=10.0.0.2 sport=1111 dport=21 zone-orig=1 packets=3 bytes=180 src=10.0.0.2 dst=10.0.0.1 sport=21 dport=1111 zone-reply=2 packets=2 bytes=120 [ASSURED] mark=128 secmark=7 secctx=system_u:object_r:unlabeled_t:s0 zone=5 delta-time=1 [start=Wed Nov 25 22:49:43 2026] [stop=Wed Nov 25 22:50:43 2026] helper=ftp use=1 id=2338026926 labels=kube-svc,blocked Service=slb.test Dest=1\n",
			want: []Flow{{Pos: pos(1), L3: "ipv4", Proto: "tcp", ProtoNum: 6, Timeout: 59, State: "CLOSE_WAIT",
				Orig:    Tuple{Src: ip("10.0.0.1"), Dst: ip("10.0.0.2"), Sport: 1111, Dport: 21, Zone: 1, Packets: 3, Bytes: 180},
				Reply:   Tuple{Src: ip("10.0.0.2"), Dst: ip("10.0.0.1"), Sport: 21, Dport: 1111, Zone: 2, Packets: 2, Bytes: 120},
				Assured: true, Mark: 128, Secmark: 7, Zone: 5, DeltaTime: 1, Start: "Wed Nov 25 22:49:43 2026", Stop: "Wed Nov 25 22:50:43 2026",
				Helper: "ftp", Use: 1, ID: 2338026926, Labels: []string{"kube-svc", "blocked"},
				Extra: []string{"secctx=system_u:object_r:unlabeled_t:s0", "Service=slb.test", "Dest=1"}}},
			format: FormatExtended, stated: -1},
		{name: "no mark= (kernel without CONFIG_NF_CONNTRACK_MARK)",
			in: "udp      17 29 src=10.244.1.6 dst=10.96.0.10 sport=56508 dport=53 src=10.244.2.7 dst=10.244.1.6 sport=53 dport=56508 [ASSURED] use=1\n",
			want: []Flow{{Pos: pos(1), L3: "ipv4", Proto: "udp", ProtoNum: 17, Timeout: 29,
				Orig: tcp("10.244.1.6", "10.96.0.10", 56508, 53), Reply: tcp("10.244.2.7", "10.244.1.6", 53, 56508), Assured: true, Use: 1}},
			format: FormatDefault, stated: -1},
		{name: "events with timestamps",
			in: "[1795647176.500050]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.9.9.9 dst=10.96.0.1 sport=1234 dport=443 [UNREPLIED] src=10.96.0.1 dst=10.9.9.9 sport=443 dport=1234 mark=0 [USERSPACE] portid=13375\n" +
				" [UPDATE] tcp      6 60 SYN_RECV src=10.9.9.9 dst=10.96.0.1 sport=1234 dport=443 src=10.96.0.1 dst=10.9.9.9 sport=443 dport=1234 mark=0\n",
			want: []Flow{
				{Pos: pos(1), Event: "NEW", Time: "1795647176.500050", L3: "ipv4", Proto: "tcp", ProtoNum: 6, Timeout: 120, State: "SYN_SENT",
					Orig: tcp("10.9.9.9", "10.96.0.1", 1234, 443), Reply: tcp("10.96.0.1", "10.9.9.9", 443, 1234), Unreplied: true,
					Extra: []string{"[USERSPACE]", "portid=13375"}},
				{Pos: pos(2), Event: "UPDATE", L3: "ipv4", Proto: "tcp", ProtoNum: 6, Timeout: 60, State: "SYN_RECV",
					Orig: tcp("10.9.9.9", "10.96.0.1", 1234, 443), Reply: tcp("10.96.0.1", "10.9.9.9", 443, 1234)},
			},
			format: FormatEvents, stated: -1},
		{name: "summary first",
			in:   "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n" + natLine + "\n",
			want: []Flow{natFlow(2)}, format: FormatDefault, stated: 1},
		{name: "summary mid-line",
			in:   natLine + "\n" + natLine[:60] + "conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.\n" + natLine[60:] + "\n" + natLine + "\n",
			want: []Flow{natFlow(1), natFlow(2), natFlow(4)}, format: FormatDefault, stated: 3},
		{name: "summary cuts the last line",
			in:     natLine + "\n" + natLine[:60] + "conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.\n",
			want:   []Flow{natFlow(1)},
			format: FormatDefault, stated: 2,
			warnings: []string{`conntrack.txt:2: truncated last line (dropped): "` + natLine[:60] + `"`}},
		{name: "truncated last line without use=",
			in: natLine + "\n" + natNoUse, want: []Flow{natFlow(1)}, format: FormatDefault, stated: -1,
			warnings: []string{`conntrack.txt:2: truncated last line: no use= (dropped): "` + source.Clip(natNoUse) + `"`}},
		{name: "truncated last line in a tuple",
			in: natLine + "\n" + natLine[:120], want: []Flow{natFlow(1)}, format: FormatDefault, stated: -1,
			warnings: []string{`conntrack.txt:2: truncated last line (dropped): "` + source.Clip(natLine[:120]) + `"`}},
		{name: "last line without newline kept",
			in: natLine, want: []Flow{natFlow(1)}, format: FormatDefault, stated: -1},
		{name: "odd lines are warnings",
			in:   "# conntrack -L\n" + natLine + "\ntcp 6 1 src=10.0.0.1 dst=10.0.0.300 sport=1 dport=2\ntcp 6 1 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 use=1\n",
			want: []Flow{natFlow(2)}, format: FormatDefault, stated: -1,
			warnings: []string{
				`conntrack.txt:1: not a conntrack flow: "# conntrack -L"`,
				`conntrack.txt:3: bad dst= value: "tcp 6 1 src=10.0.0.1 dst=10.0.0.300 sport=1 dport=2"`,
				`conntrack.txt:4: flow without a reply tuple: "tcp 6 1 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 use=1"`,
			}},
		{name: "placeholders and a summary glued to a redacted line",
			in: "udp      17 29 src=10.244.1.5 dst=<clusterIp> sport=53210 dport=53 [UNREPLIED] src=10.244.2.8 dst=10.244.1.5 sport=53 dport=53210 mark=0 use=1\n" +
				natLine + "\n" +
				"tcp      6 117 SYN_SENT src=10.244.1.7 dst=*** sport=40000 dport=443 [UNREPLIED] src=*** dst=10.244.1.7 sport=443 dport=40000 mark=0 use=1" +
				"conntrack v1.4.6 (conntrack-tools): 3 flow entries have been shown.\n",
			want: []Flow{natFlow(2)}, format: FormatDefault, stated: 3,
			warnings: []string{
				`conntrack.txt:1: placeholder "<clusterIp>" in place of the dst= value (skipped): "udp      17 29 src=10.244.1.5 dst=<clusterIp> sport=53210 dport=53 [UNREPLIED] s…"`,
				`conntrack.txt:3: placeholder "***" in place of the dst= value (skipped): "tcp      6 117 SYN_SENT src=10.244.1.7 dst=*** sport=40000 dport=443 [UNREPLIED]…"`,
			}},
		{name: "every flow redacted",
			in:   "tcp 6 117 SYN_SENT src=x.x.x.x dst=10.96.0.1 sport=40000 dport=443 [UNREPLIED] src=10.96.0.1 dst=x.x.x.x sport=443 dport=40000 mark=0 use=1\n",
			want: []Flow{}, stated: -1,
			warnings: []string{
				`conntrack.txt:1: placeholder "x.x.x.x" in place of the src= value (skipped): "tcp 6 117 SYN_SENT src=x.x.x.x dst=10.96.0.1 sport=40000 dport=443 [UNREPLIED] s…"`,
			}},
		{name: "not root",
			in:   "conntrack v1.4.7 (conntrack-tools): Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this\n",
			want: []Flow{}, stated: -1,
			failure: "conntrack.txt:1: conntrack v1.4.7 (conntrack-tools): Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this"},
		{name: "permission denied",
			in:   "cat: /proc/net/nf_conntrack: Permission denied\n",
			want: []Flow{}, stated: -1, failure: "conntrack.txt:1: cat: /proc/net/nf_conntrack: Permission denied"},
		{name: "not conntrack at all",
			in:      "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n",
			wantErr: `conntrack.txt:1: not conntrack output: "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"`},
		{name: "xml empty document and event flows",
			in: "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n" +
				`<flow type="new"><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.0.0.1</src><dst>10.0.0.2</dst></layer3><layer4 protonum="47" protoname="gre"><srckey>0x1</srckey><dstkey>0x2</dstkey></layer4><zone>3</zone></meta>` +
				`<meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.0.0.2</src><dst>10.0.0.1</dst></layer3><layer4 protonum="47" protoname="gre"><srckey>0x2</srckey><dstkey>0x1</dstkey></layer4></meta>` +
				`<meta direction="independent"><state>FIN_WAIT</state><timeout>29</timeout><labels><label>a</label><label>b</label></labels><helper>pptp</helper><unreplied/><timestamp><start>17</start></timestamp><new-thing>x</new-thing></meta><when><hour>1</hour></when></flow>` + "\n" +
				"<flow>\n <meta direction=\"original\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>10.0.0.1</src><dst>10.0.0.2</dst></layer3><layer4 protonum=\"132\" protoname=\"sctp\"><sport>1</sport><dport>2</dport></layer4></meta>\n" +
				" <meta direction=\"reply\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>10.0.0.2</src><dst>10.0.0.1</dst></layer3><layer4 protonum=\"132\" protoname=\"sctp\"><sport>2</sport><dport>1</dport></layer4></meta>\n" +
				" <meta direction=\"independent\"><state>FIN_WAIT</state><assured/></meta>\n</flow>\n" +
				"<flow><meta direction=\"original\">\n",
			want: []Flow{
				{Pos: pos(3), Event: "NEW", L3: "ipv4", Proto: "gre", ProtoNum: 47, Timeout: 29, State: "FIN_WAIT",
					Orig:      Tuple{Src: ip("10.0.0.1"), Dst: ip("10.0.0.2"), SrcKey: 1, DstKey: 2, Zone: 3},
					Reply:     Tuple{Src: ip("10.0.0.2"), Dst: ip("10.0.0.1"), SrcKey: 2, DstKey: 1},
					Unreplied: true, Helper: "pptp", Start: "17", Labels: []string{"a", "b"}, Extra: []string{"new-thing=x", "when=<hour>1</hour>"}},
				{Pos: pos(4), L3: "ipv4", Proto: "sctp", ProtoNum: 132, Timeout: -1, State: "ESTABLISHED",
					Orig: tcp("10.0.0.1", "10.0.0.2", 1, 2), Reply: tcp("10.0.0.2", "10.0.0.1", 2, 1), Assured: true},
			},
			format: FormatXML, stated: -1,
			warnings: []string{`conntrack.txt:9: truncated last XML flow (dropped): "<flow><meta direction=\"original\">"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Flows, tt.want) {
				g, _ := json.MarshalIndent(got.Flows, "", " ")
				w, _ := json.MarshalIndent(tt.want, "", " ")
				t.Errorf("flows:\n%s\nwant:\n%s", g, w)
			}
			if got.Format != tt.format {
				t.Errorf("format = %q, want %q", got.Format, tt.format)
			}
			stated := -1
			if got.Stated != nil {
				stated = *got.Stated
			}
			if stated != tt.stated {
				t.Errorf("stated = %d, want %d", stated, tt.stated)
			}
			var warnings []string
			for _, w := range got.Warnings {
				warnings = append(warnings, w.String())
			}
			if strings.Join(warnings, "\n") != strings.Join(tt.warnings, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(tt.warnings, "\n"))
			}
			failure := ""
			if got.Failure != nil {
				failure = got.Failure.Pos.String() + ": " + got.Failure.Message
			}
			if failure != tt.failure {
				t.Errorf("failure = %q, want %q", failure, tt.failure)
			}
		})
	}
}
