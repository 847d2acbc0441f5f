package diff

import (
	"slices"
	"testing"
)

func TestOrder(t *testing.T) {
	tests := []struct {
		name    string
		compare func(a, b string) int
		in      []string
		want    []string
	}{
		{
			name:    "addresses",
			compare: compareAddrs,
			in:      []string{"fd00::1", "10.96.0.10", "not-an-ip", "10.96.0.2", "::ffff:1.2.3.4", "203.0.113.1"},
			want:    []string{"10.96.0.2", "10.96.0.10", "203.0.113.1", "::ffff:1.2.3.4", "fd00::1", "not-an-ip"},
		},
		{
			name:    "real servers",
			compare: compareHostPorts,
			in:      []string{"[fd00::5]:80", "10.244.1.10:80", "10.244.1.9:8080", "10.244.1.9:443", "junk"},
			want:    []string{"10.244.1.9:443", "10.244.1.9:8080", "10.244.1.10:80", "[fd00::5]:80", "junk"},
		},
		{
			name:    "virtual services",
			compare: compareVSKeys,
			in:      []string{"FWM/12/IPv6", "UDP/10.96.0.10:53", "FWM/3", "TCP/10.96.0.10:53", "TCP/[fd00::a]:53", "TCP/10.96.0.9:9153", "FWM/12"},
			want:    []string{"TCP/10.96.0.9:9153", "TCP/10.96.0.10:53", "UDP/10.96.0.10:53", "TCP/[fd00::a]:53", "FWM/3", "FWM/12", "FWM/12/IPv6"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.in)
			slices.SortFunc(got, tt.compare)
			if !slices.Equal(got, tt.want) {
				t.Errorf("sorted %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHostPort(t *testing.T) {
	for _, tt := range []struct {
		ip   string
		port int
		want string
	}{
		{"10.244.1.5", 8080, "10.244.1.5:8080"},
		{"fd00::5", 80, "[fd00::5]:80"},
	} {
		if got := hostPort(tt.ip, tt.port); got != tt.want {
			t.Errorf("hostPort(%q, %d) = %q, want %q", tt.ip, tt.port, got, tt.want)
		}
	}
}
