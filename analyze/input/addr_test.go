package input

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/ipvs"
)

func TestOrder(t *testing.T) {
	tests := []struct {
		name    string
		compare func(a, b string) int
		sort    func([]string) // sorts as compare orders, when there is one
		in      []string
		want    []string
	}{
		{
			name:    "addresses",
			compare: CompareIP,
			sort:    sortIPs,
			in:      []string{"fd00::1", "10.96.0.10", "not-an-ip", "10.96.0.2", "::ffff:1.2.3.4", "203.0.113.1", "an-ip-not"},
			want:    []string{"10.96.0.2", "10.96.0.10", "203.0.113.1", "::ffff:1.2.3.4", "fd00::1", "an-ip-not", "not-an-ip"},
		},
		{
			name:    "host ports",
			compare: CompareHostPort,
			in:      []string{"[fd00::5]:80", "10.244.1.10:80", "10.244.1.9:8080", "10.244.1.9:443", "junk", "10.244.1.9"},
			want:    []string{"10.244.1.9:443", "10.244.1.9:8080", "10.244.1.10:80", "[fd00::5]:80", "10.244.1.9", "junk"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.in)
			slices.SortFunc(got, tt.compare)
			if !slices.Equal(got, tt.want) {
				t.Errorf("sorted %q, want %q", got, tt.want)
			}
			if tt.sort != nil {
				got = slices.Clone(tt.in)
				tt.sort(got)
				if !slices.Equal(got, tt.want) {
					t.Errorf("sort: %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// TestAddrKey checks HostPort and AddrKey, and that AddrKey keys a virtual
// service as the IPVS parser does.
func TestAddrKey(t *testing.T) {
	for _, tt := range []struct {
		protocol, ip string
		port         int
		hostPort     string
	}{
		{"TCP", "10.244.1.5", 8080, "10.244.1.5:8080"},
		{"UDP", "fd00::5", 53, "[fd00::5]:53"},
	} {
		if got := HostPort(tt.ip, tt.port); got != tt.hostPort {
			t.Errorf("HostPort(%q, %d) = %q, want %q", tt.ip, tt.port, got, tt.hostPort)
		}
		want := ipvs.ServiceKey(tt.protocol, netip.AddrPortFrom(netip.MustParseAddr(tt.ip), uint16(tt.port)))
		if got := AddrKey(tt.protocol, tt.ip, tt.port); got != want {
			t.Errorf("AddrKey(%q, %q, %d) = %q, want %q", tt.protocol, tt.ip, tt.port, got, want)
		}
	}
}
