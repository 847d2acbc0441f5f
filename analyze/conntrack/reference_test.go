package conntrack

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/golden"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// parseRef parses a reference file.
func parseRef(t *testing.T, name string) *Table {
	t.Helper()
	tb, err := Parse(bytes.NewReader(testref.Read(t, name)), source.Pos{File: name, Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestReference(t *testing.T) {
	// The same nine flows, printed four ways.
	for _, c := range []struct {
		file    string
		format  Format
		timeout int64 // of the first flow (icmp)
		use     uint32
	}{
		{"conntrack-L.stdout.txt", FormatDefault, 27, 1},
		{"conntrack-L-o-extended.txt", FormatExtended, 28, 1},
		{"proc-net-nf_conntrack.txt", FormatProc, 28, 2},
		{"conntrack-L-o-xml.txt", FormatXML, 22, 1},
	} {
		t.Run(c.file, func(t *testing.T) {
			tb := parseRef(t, c.file)
			if len(tb.Flows) != 9 || tb.Format != c.format || len(tb.Warnings) != 0 || tb.Failure != nil || tb.Stated != nil {
				t.Fatalf("flows %d format %q warnings %v failure %v stated %v", len(tb.Flows), tb.Format, tb.Warnings, tb.Failure, tb.Stated)
			}
			icmp := tb.Flows[0]
			if icmp.Proto != "icmp" || icmp.Timeout != c.timeout || icmp.Use != c.use || icmp.Orig.Dst != ip("8.8.8.8") || icmp.Reply.Src != ip("8.8.8.8") {
				t.Errorf("icmp flow = %+v", icmp)
			}
			if !strings.HasSuffix(c.file, "xml.txt") && (icmp.Orig.Type != 8 || icmp.Orig.ID != 7) {
				t.Errorf("icmp type/id = %d/%d", icmp.Orig.Type, icmp.Orig.ID)
			}
			if z := tb.Flows[1]; z.State != "CLOSE_WAIT" || z.Zone != 5 || !z.Assured || z.Orig.Dport != 2222 {
				t.Errorf("zoned flow = %+v", z)
			}
			if v6 := tb.Flows[3]; v6.L3 != "ipv6" || v6.Orig.Dst != ip("fd00:10:96::a") || v6.Reply.Src != ip("fd00:10:244:2::7") || v6.Reply.Sport != 8080 {
				t.Errorf("ipv6 flow = %+v", v6)
			}
			// XML names the SCTP state from the TCP table: FIN_WAIT for ESTABLISHED.
			if sctp := tb.Flows[6]; sctp.Proto != "sctp" || sctp.State != "ESTABLISHED" {
				t.Errorf("sctp flow = %+v", sctp)
			}
			if syn := tb.Flows[5]; !syn.Unreplied || syn.State != "SYN_SENT" || syn.Reply.Src != ip("192.168.10.11") || syn.Reply.Sport != 6443 {
				t.Errorf("unreplied flow = %+v", syn)
			}
			if udp := tb.Flows[7]; udp.Mark != 16384 || !udp.Unreplied || udp.Pos.Line != 8+2*b2i(c.format == FormatXML) {
				t.Errorf("marked flow = %+v", udp)
			}
			golden.CheckJSON(t, golden.Path(t, strings.TrimSuffix(c.file, ".txt")), tb)
		})
	}

	t.Run("conntrack-L.stderr.txt", func(t *testing.T) {
		tb := parseRef(t, "conntrack-L.stderr.txt")
		if len(tb.Flows) != 0 || tb.Stated == nil || *tb.Stated != 9 || len(tb.Warnings) != 0 {
			t.Errorf("got %+v", tb)
		}
	})
	t.Run("conntrack-default-sysctls.txt", func(t *testing.T) {
		// Two `conntrack -L` lines, then the same flows from /proc.
		tb := parseRef(t, "conntrack-default-sysctls.txt")
		if len(tb.Flows) != 4 || tb.Format != FormatDefault {
			t.Fatalf("flows %d format %q", len(tb.Flows), tb.Format)
		}
		if f := tb.Flows[0]; f.Proto != "udp" || !f.Unreplied || f.Reply.Src != ip("10.96.0.10") || f.Use != 1 {
			t.Errorf("flow 1 = %+v", f)
		}
		if f := tb.Flows[3]; f.Timeout != 431998 || f.Use != 2 || f.L3 != "ipv4" || f.Orig.Packets != 0 {
			t.Errorf("flow 4 = %+v", f)
		}
		golden.CheckJSON(t, golden.Path(t, "conntrack-default-sysctls"), tb)
	})
	t.Run("conntrack-E-timestamp.txt", func(t *testing.T) {
		tb := parseRef(t, "conntrack-E-timestamp.txt")
		if len(tb.Flows) != 2 || tb.Format != FormatEvents {
			t.Fatalf("flows %d format %q", len(tb.Flows), tb.Format)
		}
		if f := tb.Flows[1]; f.Event != "DESTROY" || f.Time != "1795647176.511552" || f.Timeout != 119 || strings.Join(f.Extra, " ") != "[USERSPACE] portid=3837608996" {
			t.Errorf("destroy event = %+v", f)
		}
		golden.CheckJSON(t, golden.Path(t, "conntrack-E-timestamp"), tb)
	})
	t.Run("conntrack-L-2to1-interleaved.txt", func(t *testing.T) {
		tb := parseRef(t, "conntrack-L-2to1-interleaved.txt")
		if len(tb.Flows) != 403 || tb.Stated == nil || *tb.Stated != 403 || len(tb.Warnings) != 0 {
			t.Fatalf("flows %d stated %v warnings %v", len(tb.Flows), tb.Stated, tb.Warnings)
		}
		// Line 388 was broken by the summary: "dst=10.96.0" + ".1 sport=20185".
		joined := tb.Flows[387]
		if joined.Pos.Line != 388 || joined.Orig.Src != ip("10.1.0.186") || joined.Orig.Dst != ip("10.96.0.1") || joined.Orig.Sport != 20185 || joined.Use != 1 {
			t.Errorf("joined flow = %+v", joined)
		}
		if after := tb.Flows[388]; after.Pos.Line != 390 {
			t.Errorf("flow after the join is on line %d, want 390", after.Pos.Line)
		}
		api := 0
		for _, f := range tb.Flows {
			if f.Orig.Dst == ip("10.96.0.1") && f.Orig.Dport == 443 && f.Reply.Src == ip("10.96.0.1") && f.Assured {
				api++
			}
		}
		if api != 400 { // 399 lines, and the joined one
			t.Errorf("%d flows to 10.96.0.1:443, want 400", api)
		}
	})
}

// b2i is 1 for true.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSummarizeReference(t *testing.T) {
	// The node of the reference capture: its VIPs and pod address.
	local := func(a netip.Addr) bool {
		return a == ip("10.96.0.1") || a == ip("10.96.0.10") || a == ip("10.96.5.5") || a == ip("fd00:10:96::a") || a == ip("10.244.1.5")
	}
	s, err := Summarize(bytes.NewReader(testref.Read(t, "conntrack-L-o-extended.txt")), source.Pos{File: "conntrack.txt", Line: 1}, local)
	if err != nil {
		t.Fatal(err)
	}
	if s.Flows != 9 || s.Keys != 5 || s.NonLocal != 3 || s.Unreplied != 3 || s.ByProto.Get("TCP") != 4 {
		t.Errorf("totals: flows %d keys %d nonLocal %d unreplied %d TCP %d", s.Flows, s.Keys, s.NonLocal, s.Unreplied, s.ByProto.Get("TCP"))
	}
	dns := s.Dests["UDP/10.96.0.10:53"]
	if dns == nil || dns.Flows != 2 || dns.Unreplied != 1 || dns.Backends.Get("10.244.2.7:53") != 2 || dns.FromLocal != 1 || dns.FromLocalUnreplied != 0 {
		t.Errorf("UDP/10.96.0.10:53 = %+v", dns)
	}
	api := s.Dests["TCP/10.96.0.1:443"]
	if api == nil || api.Flows != 1 || api.Unreplied != 1 || api.FromLocalUnreplied != 1 || api.UnrepliedBackends.Get("192.168.10.11:6443") != 1 ||
		len(api.UnrepliedSamples) != 1 || api.UnrepliedSamples[0].Pos.Line != 6 {
		t.Errorf("TCP/10.96.0.1:443 = %+v", api)
	}
	if v6 := s.Dests["TCP/[fd00:10:96::a]:80"]; v6 == nil || v6.States.Get("TIME_WAIT") != 1 {
		t.Errorf("TCP/[fd00:10:96::a]:80 = %+v", v6)
	}
	golden.CheckJSON(t, golden.Path(t, "conntrack-L-o-extended"), s)
}
