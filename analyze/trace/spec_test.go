package trace

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

func TestParseFrom(t *testing.T) {
	tests := []struct {
		in      string
		want    From
		wantErr string
	}{
		{in: "pod:node-b", want: From{Spec: "pod:node-b", Kind: KindPod, Node: "node-b"}},
		{in: "host:cn-hangzhou.10.0.0.12", want: From{Spec: "host:cn-hangzhou.10.0.0.12", Kind: KindHost, Node: "cn-hangzhou.10.0.0.12"}},
		{in: "external", want: From{Spec: "external", Kind: KindExternal}},
		{in: "external:node-c", want: From{Spec: "external:node-c", Kind: KindExternal, Node: "node-c"}},
		{in: "10.0.16.37", want: From{Spec: "10.0.16.37", IP: netip.MustParseAddr("10.0.16.37")}},
		{in: "[fd00::5]", want: From{Spec: "[fd00::5]", IP: netip.MustParseAddr("fd00::5")}},
		{in: "::ffff:10.0.0.1", want: From{Spec: "::ffff:10.0.0.1", IP: netip.MustParseAddr("10.0.0.1")}},
		{in: "pod:", wantErr: `--from "pod:": want pod:NODE, the node of the pod`},
		{in: "host", wantErr: `--from "host": want host:NODE, the node of the host process`},
		{in: "external:", wantErr: `--from "external:": want external or external:NODE, the node the client enters through`},
		{in: "node-b", wantErr: `--from "node-b": want pod:NODE, host:NODE, external, external:NODE or an IP address`},
		{in: "fe80::1%eth0", wantErr: `--from "fe80::1%eth0": want pod:NODE, host:NODE, external, external:NODE or an IP address`},
	}
	for _, tt := range tests {
		got, err := ParseFrom(tt.in)
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseFrom(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("ParseFrom(%q): %v", tt.in, err)
		case got != tt.want:
			t.Errorf("ParseFrom(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseTo(t *testing.T) {
	ip := netip.MustParseAddr
	tests := []struct {
		in      string
		want    To
		wantErr string
	}{
		{in: "203.0.113.10", want: To{IP: ip("203.0.113.10")}},
		{in: "203.0.113.10:443", want: To{IP: ip("203.0.113.10"), Port: 443}},
		{in: "10.96.0.10:53/udp", want: To{IP: ip("10.96.0.10"), Port: 53, Protocol: "UDP"}},
		{in: "10.96.0.10/UDP", want: To{IP: ip("10.96.0.10"), Protocol: "UDP"}},
		{in: "[fd00::10]:53/sctp", want: To{IP: ip("fd00::10"), Port: 53, Protocol: "SCTP"}},
		{in: "fd00::10", want: To{IP: ip("fd00::10")}},
		{in: "default/web", want: To{Service: "default/web"}},
		{in: "default/web:80", want: To{Service: "default/web", Port: 80}},
		{in: "default/web:http/tcp", want: To{Service: "default/web", PortName: "http", Protocol: "TCP"}},
		{in: "kube-system/kube-dns:53/UDP", want: To{Service: "kube-system/kube-dns", Port: 53, Protocol: "UDP"}},
		{in: "default/tcp", want: To{Service: "default/tcp"}},
		{in: "10.0.0.1:80/icmp", wantErr: `--to "10.0.0.1:80/icmp": unknown protocol "icmp" (want TCP, UDP or SCTP)`},
		{in: "default/web:80/icmp", wantErr: `--to "default/web:80/icmp": unknown protocol "icmp" (want TCP, UDP or SCTP)`},
		{in: "10.0.0.1:0", wantErr: `--to "10.0.0.1:0": invalid port "0" (want 1 to 65535)`},
		{in: "10.0.0.1:http", wantErr: `--to "10.0.0.1:http": invalid port "http" (want 1 to 65535)`},
		{in: "[fd00::1:80", wantErr: `--to "[fd00::1:80": unclosed [`},
		{in: "127.0.0.1:30080", wantErr: `--to "127.0.0.1:30080": 127.0.0.1 is not routable: trace follows connections to Service, load balancer and node addresses`},
		{in: "0.0.0.0", wantErr: `--to "0.0.0.0": 0.0.0.0 is not routable: trace follows connections to Service, load balancer and node addresses`},
		{in: "default/web:99999", wantErr: `--to "default/web:99999": invalid port "99999" (want 1 to 65535, or the name of a port of the Service)`},
		{in: "default/web:", wantErr: `--to "default/web:": invalid port "" (want 1 to 65535, or the name of a port of the Service)`},
		{in: "Default/Web", wantErr: `--to "Default/Web": want IP[:PORT][/PROTO] or NAMESPACE/NAME[:PORT][/PROTO]`},
		{in: "api.example.com:443", wantErr: `--to "api.example.com:443": want IP[:PORT][/PROTO] or NAMESPACE/NAME[:PORT][/PROTO]`},
		{in: "", wantErr: `--to "": want IP[:PORT][/PROTO] or NAMESPACE/NAME[:PORT][/PROTO]`},
	}
	for _, tt := range tests {
		got, err := ParseTo(tt.in)
		tt.want.Spec = tt.in
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseTo(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("ParseTo(%q): %v", tt.in, err)
		case got != tt.want:
			t.Errorf("ParseTo(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseTo(f *testing.F) {
	for _, s := range []string{"203.0.113.10:443", "[fd00::10]:53/sctp", "default/web:http/tcp", "default/web:80/icmp", "[", "a/b/c/d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		to, err := ParseTo(s)
		if err == nil && to.Service == "" && !to.IP.IsValid() {
			t.Errorf("ParseTo(%q) = %+v: neither an address nor a Service", s, to)
		}
		_, _ = ParseFrom(s)
	})
}

// TestRuleClients checks that the clients a rule's METADATA may name are
// the kinds of client a trace starts from.
func TestRuleClients(t *testing.T) {
	if want := []string{KindPod, KindHost, KindExternal}; !slices.Equal(engine.Clients, want) {
		t.Errorf("engine.Clients = %q, want the kinds %q", engine.Clients, want)
	}
}
