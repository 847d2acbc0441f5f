package conntrack

import (
	"bytes"
	"fmt"
	"net/netip"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/ipvslint/ipvslint/analyze/source"
)

func TestSummarize(t *testing.T) {
	node := ip("192.168.1.10") // the node IP; 10.96.0.0/16 are VIPs on kube-ipvs0
	local := func(a netip.Addr) bool { return a == node || isVIP(a) }
	var in strings.Builder
	// 40 clients to the API VIP, DNATed to 2 masters, not masqueraded.
	for i := range 40 {
		fmt.Fprintf(&in, "tcp      6 100 ESTABLISHED src=10.244.0.%d dst=10.96.0.1 sport=%d dport=443 src=192.168.1.%d dst=10.244.0.%d sport=6443 dport=%d [ASSURED] mark=0 use=1\n", i, 40000+i, 1+i%2, i, 40000+i)
	}
	// The host itself to an LB IP on kube-ipvs0, unreplied, masqueraded.
	in.WriteString("tcp      6 100 SYN_SENT src=10.96.7.7 dst=10.96.7.7 sport=5000 dport=80 [UNREPLIED] src=10.244.3.3 dst=192.168.1.10 sport=8080 dport=5000 mark=0 use=1\n")
	// A port of the LB IP IPVS does not serve: the flow ends locally.
	in.WriteString("tcp      6 10 CLOSE src=1.2.3.4 dst=10.96.7.7 sport=5000 dport=8443 src=10.96.7.7 dst=1.2.3.4 sport=8443 dport=5000 mark=0 use=1\n")
	// ICMP to the node, and a flow leaving the node.
	in.WriteString("icmp     1 29 src=1.2.3.4 dst=192.168.1.10 type=8 code=0 id=1 src=192.168.1.10 dst=1.2.3.4 type=0 code=0 id=1 mark=0 use=1\n")
	in.WriteString("udp      17 29 src=192.168.1.10 dst=8.8.8.8 sport=1 dport=53 src=8.8.8.8 dst=192.168.1.10 sport=53 dport=1 mark=0 use=1\n")

	s, err := Summarize(strings.NewReader(in.String()), at, local)
	if err != nil {
		t.Fatal(err)
	}
	if s.Flows != 44 || s.NonLocal != 1 || s.Keys != 4 || s.Unreplied != 1 || s.ByProto.Get("TCP") != 42 || s.ByState.Get("ESTABLISHED") != 40 {
		t.Errorf("totals = %+v", s)
	}
	api := s.Dests["TCP/10.96.0.1:443"]
	if api.Flows != 40 || api.Assured != 40 || api.NoDNAT != 0 || api.SNAT != 0 || api.FromLocal != 0 ||
		api.Backends.Get("192.168.1.1:6443") != 20 || api.Backends.Get("192.168.1.2:6443") != 20 ||
		api.Clients.Len() != MaxDistinct || api.Clients.Other != 40-MaxDistinct || len(api.Samples) != MaxSamples || api.Samples[2].Pos.Line != 3 {
		t.Errorf("api = %+v", api)
	}
	lb := s.Dests["TCP/10.96.7.7:80"]
	if lb.FromLocal != 1 || lb.FromLocalUnreplied != 1 || lb.SNAT != 1 || lb.NoDNAT != 0 || len(lb.UnrepliedSamples) != 1 || lb.UnrepliedSamples[0].Pos.Line != 41 {
		t.Errorf("lb = %+v", lb)
	}
	if unserved := s.Dests["TCP/10.96.7.7:8443"]; unserved.NoDNAT != 1 || unserved.SNAT != 0 || unserved.Backends.Get("10.96.7.7:8443") != 1 {
		t.Errorf("unserved = %+v", unserved)
	}
	if ping := s.Dests["ICMP/192.168.1.10:0"]; ping.Flows != 1 || ping.NoDNAT != 1 || ping.Backends.Get("192.168.1.10") != 1 {
		t.Errorf("ping = %+v", ping)
	}
}

// TestSummarizeSampleSources checks that a sample carries the sources of
// its flow's two directions in every format, and that a flow quoted in both
// lists shares one copy of its line.
// TestSummarizeManyDests checks that a table with more destinations than
// one core writes the counts of (parallelDests) is summarized as on one
// core: every destination once, with its own counts.
func TestSummarizeManyDests(t *testing.T) {
	const dests = 5*parallelDests + 3 // chunks of unequal length
	var in strings.Builder
	for i := range dests {
		for j := range 1 + i%3 { // one to three flows, from as many clients
			fmt.Fprintf(&in, "tcp      6 100 ESTABLISHED src=10.244.%d.%d dst=10.96.%d.%d sport=%d dport=%d src=10.245.0.%d dst=10.244.%d.%d sport=8080 dport=%d [ASSURED] mark=0 use=1\n",
				j, i%250, i/250, i%250, 30000+j, 80+i%7, j, j, i%250, 30000+j)
		}
	}
	summarize := func(cores int) *Summary {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
		s, err := Summarize(strings.NewReader(in.String()), source.Pos{File: "conntrack.txt", Line: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	one, four := summarize(1), summarize(4)
	if len(four.Dests) != dests || four.Keys != dests {
		t.Fatalf("%d destinations (Keys %d), want %d", len(four.Dests), four.Keys, dests)
	}
	for key, want := range one.Dests {
		got := four.Dests[key]
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s on four cores = %+v, want %+v", key, got, want)
		}
	}
	if d := four.Dests["TCP/10.96.0.2:82"]; d == nil || d.Flows != 3 || d.Clients.Len() != 3 {
		t.Errorf("TCP/10.96.0.2:82 = %+v, want 3 flows from 3 clients", d)
	}
}

func TestSummarizeSampleSources(t *testing.T) {
	tests := []struct{ name, in string }{
		{"text", "tcp      6 100 SYN_SENT src=10.244.0.5 dst=10.96.0.1 sport=1 dport=443 [UNREPLIED] src=192.168.1.2 dst=10.244.0.5 sport=6443 dport=1 mark=0 use=1\n"},
		{"xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n" +
			`<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.244.0.5</src><dst>10.96.0.1</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>1</sport><dport>443</dport></layer4></meta>` +
			`<meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>192.168.1.2</src><dst>10.244.0.5</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>6443</sport><dport>1</dport></layer4></meta>` +
			`<meta direction="independent"><state>SYN_SENT</state><timeout>100</timeout><unreplied/></meta></flow>` + "\n</conntrack>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Summarize(strings.NewReader(tt.in), at, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := s.Dests["TCP/10.96.0.1:443"]
			if d == nil || len(d.Samples) != 1 || len(d.UnrepliedSamples) != 1 {
				t.Fatalf("dest = %+v", d)
			}
			for _, smp := range []Sample{d.Samples[0], d.UnrepliedSamples[0]} {
				if smp.Src != ip("10.244.0.5") || smp.ReplySrc != ip("192.168.1.2") {
					t.Errorf("sample sources %s, %s, want 10.244.0.5, 192.168.1.2", smp.Src, smp.ReplySrc)
				}
			}
			if unsafe.StringData(d.Samples[0].Text) != unsafe.StringData(d.UnrepliedSamples[0].Text) {
				t.Errorf("the samples of the flow hold two copies of its line")
			}
		})
	}
}

func TestSummarizeSampleClipped(t *testing.T) {
	line := "tcp      6 100 ESTABLISHED src=10.0.0.1 dst=10.96.0.1 sport=1 dport=443 src=10.0.0.2 dst=10.0.0.1 sport=443 dport=1 mark=0 use=1 " + strings.Repeat("Vendor=x ", 40)
	s, err := Summarize(strings.NewReader(line+"\n"), at, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := s.Dests["TCP/10.96.0.1:443"].Samples[0].Text
	if len(text) != MaxSampleText+len("…") || !strings.HasPrefix(line, strings.TrimSuffix(text, "…")) {
		t.Errorf("sample = %q", text)
	}
}

// TestSummarizeMemory checks that a summary's memory does not grow with the
// number of flows: 200k flows to the same destinations retain about what
// 20k do.
func TestSummarizeMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 200k flows")
	}
	retained := func(n int) (uint64, *Summary) {
		data := genTable(n)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := Summarize(bytes.NewReader(data), source.Pos{File: "conntrack.txt", Line: 1}, isVIP)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(data)
		return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc), s
	}
	small, s1 := retained(20_000)
	large, s2 := retained(200_000)
	runtime.KeepAlive(s1)
	if s2.Flows != 200_000 || s2.Keys != s1.Keys {
		t.Fatalf("flows %d keys %d/%d", s2.Flows, s1.Keys, s2.Keys)
	}
	t.Logf("retained: 20k flows %d KiB, 200k flows %d KiB", small>>10, large>>10)
	if large > 2*small+1<<20 {
		t.Errorf("200k flows retain %d bytes, 20k flows %d: memory grows with the table", large, small)
	}
}
