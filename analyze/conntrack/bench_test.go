package conntrack

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// genTable returns n generated flows in `conntrack -L -o extended` form
// (with accounting and timestamps, as on a node where they are on): TCP and
// UDP to 64 VIPs from 4096 clients, answered by 256 pods, one in eight
// unreplied.
func genTable(n int) []byte { return genTableTo(n, 64) }

// genTableTo is genTable with vips VIPs (at most 65,536). Up to 64 the
// flows take them in turn, as genTable's always did; past 64 each flow's
// VIP is drawn in a scattered order, as a busy node's table lists its
// destinations.
func genTableTo(n, vips int) []byte {
	var b bytes.Buffer
	for i := range n {
		client := fmt.Sprintf("10.244.%d.%d", i>>8&15, i&255)
		v := i % vips
		if vips > 64 {
			v = int(uint32(i)*2654435761>>7) % vips
		}
		vip := fmt.Sprintf("10.96.%d.%d", v>>8, v&255)
		pod := fmt.Sprintf("10.244.%d.%d", 16+i%7, i%256)
		sport := 32768 + i%28000
		switch {
		case i%8 == 0:
			fmt.Fprintf(&b, "ipv4     2 tcp      6 118 SYN_SENT src=%s dst=%s sport=%d dport=443 packets=1 bytes=60 [UNREPLIED] src=%s dst=%s sport=8443 dport=%d packets=0 bytes=0 mark=0 delta-time=1 use=1\n", client, vip, sport, pod, client, sport)
		case i%3 == 0:
			fmt.Fprintf(&b, "ipv4     2 udp      17 27 src=%s dst=%s sport=%d dport=53 packets=1 bytes=70 src=%s dst=%s sport=53 dport=%d packets=1 bytes=120 mark=0 delta-time=1 use=1\n", client, vip, sport, pod, client, sport)
		default:
			fmt.Fprintf(&b, "ipv4     2 tcp      6 431999 ESTABLISHED src=%s dst=%s sport=%d dport=443 packets=12 bytes=3421 src=%s dst=%s sport=8443 dport=%d packets=10 bytes=8123 [ASSURED] mark=0 delta-time=12 use=1\n", client, vip, sport, pod, client, sport)
		}
	}
	return b.Bytes()
}

// isVIP reports whether a is in 10.96.0.0/16, the generated VIPs.
func isVIP(a netip.Addr) bool { return a.Is4() && a.As4()[0] == 10 && a.As4()[1] == 96 }

// BenchmarkReader reads a generated 100k-line extended table.
//
//	go test -run '^$' -bench . -benchmem ./analyze/conntrack/
func BenchmarkReader(b *testing.B) {
	data := genTable(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), source.Pos{File: "conntrack.txt", Line: 1})
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatalf("read %d flows", n)
		}
	}
}

// BenchmarkSummarize summarises the same table with 64 local VIPs, and a
// table of a busy node: 8,000 VIPs, 16,000 destinations (a VIP's TCP and
// UDP ports), whose counts no cache holds.
func BenchmarkSummarize(b *testing.B) {
	b.Run("vips=64", func(b *testing.B) { benchSummarize(b, genTable(100_000)) })
	b.Run("vips=8000", func(b *testing.B) { benchSummarize(b, genTableTo(200_000, 8_000)) })
}

// benchSummarize summarises data, a generated table of 10.96.0.0/16 VIPs.
func benchSummarize(b *testing.B, data []byte) {
	want := bytes.Count(data, []byte{'\n'})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := Summarize(bytes.NewReader(data), source.Pos{File: "conntrack.txt", Line: 1}, isVIP)
		if err != nil {
			b.Fatal(err)
		}
		if s.Flows != want {
			b.Fatalf("summarised %d flows, want %d", s.Flows, want)
		}
	}
}

// BenchmarkFold folds flows already read into counts, without the reading
// that Summarize overlaps with it: 200,000 flows to 16,000 destinations.
func BenchmarkFold(b *testing.B) {
	full := make(chan *batch, 1)
	go readBatches(NewReader(bytes.NewReader(genTableTo(200_000, 8_000)), source.Pos{File: "conntrack.txt", Line: 1}), full, nil)
	var batches []*batch
	for bt := range full {
		if bt.err != nil && bt.err != io.EOF {
			b.Fatal(bt.err)
		}
		batches = append(batches, bt)
	}
	b.ReportAllocs()
	for b.Loop() {
		a := aggregator{local: isVIP, dests: map[destKey]*dest{}}
		for _, bt := range batches {
			a.addBatch(bt)
		}
		if len(a.dests) != 16_000 {
			b.Fatalf("%d destinations, want 16000", len(a.dests))
		}
	}
}
