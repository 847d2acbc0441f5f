package snapshot

import (
	"net/netip"
	"testing"
)

func TestAddrSet(t *testing.T) {
	s := newAddrSet()
	for _, a := range []string{"10.0.0.1", "fd00::1", "::ffff:192.0.2.7"} {
		s.add(netip.MustParseAddr(a))
	}
	tests := []struct {
		addr string
		want bool
	}{
		{"10.0.0.1", true},
		{"::ffff:10.0.0.1", true}, // mapped form of a member
		{"192.0.2.7", true},       // added in its mapped form
		{"fd00::1", true},
		{"10.0.0.2", false},
		{"fd00::2", false},
		{"::a00:1", false}, // the IPv4 member's bits, as IPv6
	}
	for _, tt := range tests {
		if got := s.has(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("has(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	if s.len() != 3 {
		t.Errorf("len = %d, want 3", s.len())
	}
	s.clear()
	if s.len() != 0 || s.has(netip.MustParseAddr("10.0.0.1")) {
		t.Errorf("after clear: len %d, has 10.0.0.1 %v", s.len(), s.has(netip.MustParseAddr("10.0.0.1")))
	}
}
