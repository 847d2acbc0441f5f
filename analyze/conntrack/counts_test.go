package conntrack

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/netip"
	"slices"
	"testing"
)

// TestCounts checks what a Counts answers and that its JSON is that of the
// map it stands for, with every encoder setting.
func TestCounts(t *testing.T) {
	many := make([]string, 0, MaxDistinct+5)
	for i := range MaxDistinct + 5 {
		many = append(many, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}).String())
	}
	tests := []struct {
		name  string
		seen  []string // the values counted, in the order seen
		other int      // how many of them Other takes
	}{
		{"empty", nil, 0},
		{"one", []string{"ESTABLISHED"}, 0},
		{"sorted as strings", []string{"10.0.0.9", "10.0.0.10", "10.0.0.9", "10.0.0.100", "10.0.0.9", "10.0.0.10"}, 0},
		{"past the bound", many, 5},
		{"escapes", []string{"<b>&", "\xff\xfe", "a\u2028b", "\x01\t\"\\", "", "é"}, 0},
	}
	type mapForm struct {
		Counts map[string]int `json:"counts"`
		Other  int            `json:"other"`
	}
	encodings := []struct {
		name   string
		encode func(v any) ([]byte, error)
	}{
		{"Marshal", json.Marshal},
		{"MarshalIndent", func(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }},
		{"unescaped HTML", func(v any) ([]byte, error) {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			err := enc.Encode(v)
			return b.Bytes(), err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bounded[string]
			want := mapForm{Counts: map[string]int{}}
			for _, v := range tt.seen {
				b.add(v)
				if len(want.Counts) < MaxDistinct || want.Counts[v] > 0 {
					want.Counts[v]++
				} else {
					want.Other++
				}
			}
			var scratch []byte
			c := b.counts(writeString, &scratch)

			if c.Len() != len(want.Counts) || c.Other != want.Other || c.Other != tt.other {
				t.Errorf("Len %d Other %d, want %d, %d", c.Len(), c.Other, len(want.Counts), want.Other)
			}
			if got := maps.Collect(c.All()); !maps.Equal(got, want.Counts) {
				t.Errorf("All = %v, want %v", got, want.Counts)
			}
			var values []string
			for v := range c.All() {
				values = append(values, v)
			}
			if !slices.IsSorted(values) {
				t.Errorf("All yields %q, not in order", values)
			}
			for v, n := range want.Counts {
				if got := c.Get(v); got != n {
					t.Errorf("Get(%q) = %d, want %d", v, got, n)
				}
			}
			if got := c.Get("not counted"); got != 0 {
				t.Errorf("Get of a value not counted = %d", got)
			}

			for _, e := range encodings {
				got, err := e.encode(struct{ C Counts }{c})
				if err != nil {
					t.Fatal(err)
				}
				exp, err := e.encode(struct{ C mapForm }{want})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, exp) {
					t.Errorf("%s:\n got %s\nwant %s", e.name, got, exp)
				}
			}
		})
	}
}

// TestCountsWrite checks that counted addresses are written as their
// String methods write them, and reply sources without a port as bare
// addresses.
func TestCountsWrite(t *testing.T) {
	tests := []struct {
		ap            netip.AddrPort
		addr, backend string
	}{
		{netip.MustParseAddrPort("10.244.1.5:8443"), "10.244.1.5", "10.244.1.5:8443"},
		{netip.MustParseAddrPort("10.244.1.5:0"), "10.244.1.5", "10.244.1.5"},
		{netip.MustParseAddrPort("[fd00::a]:53"), "fd00::a", "[fd00::a]:53"},
		{netip.MustParseAddrPort("[fd00::a]:0"), "fd00::a", "fd00::a"},
		{netip.MustParseAddrPort("[::ffff:10.0.0.1]:80"), "::ffff:10.0.0.1", "[::ffff:10.0.0.1]:80"},
		{netip.MustParseAddrPort("[fe80::1%eth0]:80"), "fe80::1%eth0", "[fe80::1%eth0]:80"},
	}
	for _, tt := range tests {
		if got := string(writeAddr(nil, tt.ap.Addr())); got != tt.addr || got != tt.ap.Addr().String() {
			t.Errorf("writeAddr(%v) = %q, want %q", tt.ap.Addr(), got, tt.addr)
		}
		if got := string(writeBackend([]byte("x"), tt.ap)); got != "x"+tt.backend {
			t.Errorf("writeBackend(%v) = %q, want %q", tt.ap, got, "x"+tt.backend)
		}
	}
	if got := string(writeProto(nil, 6)) + " " + string(writeProto(nil, 200)); got != "TCP PROTO-200" {
		t.Errorf("writeProto = %q", got)
	}
}

// TestSplit checks that a split list, IPv4 values in their narrow form and
// the others in their wide one, counts as one bounded list of the wide
// values: the same first MaxDistinct values kept, the same counts, the
// same Other, written the same.
func TestSplit(t *testing.T) {
	v4 := func(i int) netip.AddrPort {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 244, byte(i >> 8), byte(i)}), uint16(8000+i%3))
	}
	v6 := func(i int) netip.AddrPort {
		return netip.AddrPortFrom(netip.AddrFrom16([16]byte{0: 0xfd, 14: byte(i >> 8), 15: byte(i)}), 53)
	}
	mapped := func(i int) netip.AddrPort { // IPv4-mapped IPv6: wide, and not the IPv4 address
		return netip.AddrPortFrom(netip.AddrFrom16(v4(i).Addr().As16()), v4(i).Port())
	}
	noPort := func(i int) netip.AddrPort { return netip.AddrPortFrom(v4(i).Addr(), 0) }
	var interleaved, pastBound, wideFirst []netip.AddrPort
	for i := range 2 * MaxDistinct {
		interleaved = append(interleaved, v4(i%7), v6(i%5), mapped(i%3), noPort(i%4))
		pastBound = append(pastBound, v4(i), v6(i))
	}
	for i := range MaxDistinct + 3 {
		wideFirst = append(wideFirst, v6(i))
	}
	wideFirst = append(wideFirst, v4(1), v4(1), v6(2))
	tests := []struct {
		name string
		seen []netip.AddrPort
	}{
		{"empty", nil},
		{"mixed forms", interleaved},
		{"past the bound, alternating", pastBound},
		{"wide values take the bound", wideFirst},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var one bounded[netip.AddrPort]
			var backends split[uint64, netip.AddrPort]
			var one4 bounded[netip.Addr]
			var clients split[uint32, netip.Addr]
			for _, ap := range tt.seen {
				one.add(ap)
				one4.add(ap.Addr())
				addBackend(&backends, ap)
				addClient(&clients, ap.Addr())
			}
			var scratch []byte
			for _, c := range []struct {
				what      string
				got, want Counts
			}{
				{"backends", backends.counts(writeBackend4, writeBackend, &scratch), one.counts(writeBackend, &scratch)},
				{"clients", clients.counts(writeAddr4, writeAddr, &scratch), one4.counts(writeAddr, &scratch)},
			} {
				got, _ := c.got.MarshalJSON()
				want, _ := c.want.MarshalJSON()
				if !bytes.Equal(got, want) {
					t.Errorf("%s:\n got %s\nwant %s", c.what, got, want)
				}
			}
		})
	}
}
