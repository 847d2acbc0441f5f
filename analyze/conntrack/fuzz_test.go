package conntrack

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// FuzzParse feeds text and XML captures to the reader and the summariser.
// Beyond not panicking: every flow has both tuples and a known L3, positions
// stay inside the input, Summarize counts what the reader returns, and each
// destination's counts add up to its flows.
func FuzzParse(f *testing.F) {
	refs, err := filepath.Glob(filepath.Join(testref.Dir(f), "*conntrack*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range refs {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// Small seeds keep the fuzzer fast: the head of the file, and for
		// the 2>&1 capture the lines around the spliced summary.
		f.Add(b[:min(len(b), 4<<10)])
		if i := bytes.Index(b, []byte("conntrack v")); i > 0 && len(b) > 4<<10 {
			f.Add(b[max(0, i-1<<10):min(len(b), i+1<<10)])
		}
	}
	f.Add([]byte("tcp 6 1 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [start=Wed Nov 25 22:49:43 2026] use=1\r\n"))
	f.Add([]byte("ipv4     2 gre      47 99 timeout=0, stream_timeout=0 src=10.0.0.1 dst=10.0.0.2 srckey=0x10 dstkey=0x20 src=10.0.0.2 dst=10.0.0.1 srckey=0x20 dstkey=0x10 zone=0 use=2"))
	f.Add([]byte("<flow><meta direction=\"original\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>::1</src><dst>::2</dst></layer3><layer4 protonum=\"58\" protoname=\"icmpv6\"></layer4></meta>"))
	// Pasted flows with placeholders, the summary glued to the last one.
	f.Add([]byte("udp 17 29 src=10.244.1.5 dst=<clusterIp> sport=1 dport=53 [UNREPLIED] src=10.244.2.8 dst=10.244.1.5 sport=53 dport=1 mark=0 use=1\n" +
		"tcp 6 117 SYN_SENT src=10.244.1.7 dst=x.x.x.x sport=2 dport=443 [UNREPLIED] src=x.x.x.x dst=10.244.1.7 sport=443 dport=2 mark=0 use=1conntrack v1.4.6 (conntrack-tools): 2 flow entries have been shown.\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		lines := bytes.Count(in, []byte("\n")) + 1
		r := NewReader(bytes.NewReader(in), source.Pos{File: "f", Line: 1})
		n := 0
		for {
			fl, err := r.Next()
			if err != nil {
				if err != io.EOF && n > 0 {
					t.Fatalf("error %v after %d flows", err, n)
				}
				break
			}
			n++
			if !fl.Orig.Src.IsValid() || !fl.Orig.Dst.IsValid() || !fl.Reply.Src.IsValid() || !fl.Reply.Dst.IsValid() {
				t.Fatalf("flow with an invalid address: %+v", fl)
			}
			if fl.L3 != "ipv4" && fl.L3 != "ipv6" && r.Format() != FormatXML {
				t.Fatalf("l3 = %q", fl.L3)
			}
			if fl.Pos.Line < 1 || fl.Pos.Line > lines {
				t.Fatalf("line %d outside 1..%d", fl.Pos.Line, lines)
			}
		}
		s, err := Summarize(bytes.NewReader(in), source.Pos{File: "f", Line: 1}, nil)
		if err != nil {
			return
		}
		if s.Flows != n {
			t.Fatalf("Summarize counted %d flows, the reader %d", s.Flows, n)
		}
		for key, d := range s.Dests {
			for _, c := range []struct {
				name   string
				counts Counts
				flows  int
			}{{"backends", d.Backends, d.Flows}, {"clients", d.Clients, d.Flows}, {"unreplied backends", d.UnrepliedBackends, d.Unreplied}} {
				if err := checkCounts(c.counts, c.flows); err != nil {
					t.Fatalf("%s %s: %v", key, c.name, err)
				}
			}
		}
	})
}

// checkCounts returns an error unless c holds distinct values in order, at
// most MaxDistinct, each found by Get, with flows in all.
func checkCounts(c Counts, flows int) error {
	sum, values := c.Other, 0
	prev := ""
	for v, n := range c.All() {
		if values > 0 && v <= prev {
			return fmt.Errorf("%q after %q", v, prev)
		}
		if c.Get(v) != n || n < 1 {
			return fmt.Errorf("%q counted %d, Get says %d", v, n, c.Get(v))
		}
		sum, values, prev = sum+n, values+1, v
	}
	if values != c.Len() || values > MaxDistinct || sum != flows {
		return fmt.Errorf("%d values (Len %d) with %d flows, want at most %d values with %d", values, c.Len(), sum, MaxDistinct, flows)
	}
	return nil
}

// FuzzParseAddr checks the allocation-free address parser against
// netip.ParseAddr.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "1.2.3.04", "256.1.1.1", "::", "::1", "1::", "fd00:0010:0244:0001:0000:0000:0000:0005",
		"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:8::", "1::2::3", "::ffff:1.2.3.4", "fe80::1%eth0", "12345::", ":1", "1:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotErr := parseAddr([]byte(s))
		want, wantErr := netip.ParseAddr(s)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("parseAddr(%q) = %v, %v; netip says %v, %v", s, got, gotErr, want, wantErr)
		}
	})
}
