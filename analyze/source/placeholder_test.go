package source

import "testing"

func TestPlaceholder(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"<clusterIp>", true},
		{"<LB-IP>", true},
		{"{{ LB_IP }}", true},
		{"${NODE_IP}", true},
		{"x.x.x.x", true},
		{"X.X.X.X", true},
		{"10.0.x.x", true},
		{"xxx.xxx.xxx.xxx", true},
		{"***", true},
		{"##", true},
		{"[REDACTED]", true},
		{"redacted", true},
		{"...", true},
		{"…", true},
		{"10.96.0.1", false},
		{"fd00::1", false},
		{"kubernetes", false},
		{"10.96.0.300", false},
		{"x", false},
		{"", false},
		{"<", false},
		{"0xZZ", false},
	}
	for _, tt := range tests {
		if got := Placeholder(tt.in); got != tt.want {
			t.Errorf("Placeholder(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
