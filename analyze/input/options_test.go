package input

import (
	"net/netip"
	"testing"
)

func TestParseExpect(t *testing.T) {
	tests := []struct {
		in      string
		want    Expect
		wantErr string
	}{
		{in: "10.0.5.168:30745", want: Expect{IP: netip.MustParseAddr("10.0.5.168"), Port: 30745, Protocol: "TCP"}},
		{in: "47.1.1.1:443/tcp", want: Expect{IP: netip.MustParseAddr("47.1.1.1"), Port: 443, Protocol: "TCP"}},
		{in: "10.96.0.10:53/UDP", want: Expect{IP: netip.MustParseAddr("10.96.0.10"), Port: 53, Protocol: "UDP"}},
		{in: "10.96.5.5:3868/sctp", want: Expect{IP: netip.MustParseAddr("10.96.5.5"), Port: 3868, Protocol: "SCTP"}},
		{in: "[fd00:10:96:0::a]:53/udp", want: Expect{IP: netip.MustParseAddr("fd00:10:96::a"), Port: 53, Protocol: "UDP"}},
		{in: "[::ffff:10.0.0.1]:80", want: Expect{IP: netip.MustParseAddr("10.0.0.1"), Port: 80, Protocol: "TCP"}},
		{in: "", wantErr: `--expect "": want IP:PORT or IP:PORT/PROTO`},
		{in: "10.0.0.1", wantErr: `--expect "10.0.0.1": want IP:PORT or IP:PORT/PROTO`},
		{in: "10.0.0.1:80/icmp", wantErr: `--expect "10.0.0.1:80/icmp": unknown protocol "icmp" (want TCP, UDP or SCTP)`},
		{in: "10.0.0.1:80/", wantErr: `--expect "10.0.0.1:80/": unknown protocol "" (want TCP, UDP or SCTP)`},
		{in: "10.0.0:80", wantErr: `--expect "10.0.0:80": invalid IP address "10.0.0"`},
		{in: "lb.example.com:443", wantErr: `--expect "lb.example.com:443": invalid IP address "lb.example.com"`},
		{in: "[fe80::1%eth0]:80", wantErr: `--expect "[fe80::1%eth0]:80": invalid IP address "fe80::1%eth0"`},
		{in: "fd00::1:443", wantErr: `--expect "fd00::1:443": write an IPv6 address in brackets: [fd00::1]:443`},
		{in: "10.0.0.1:http", wantErr: `--expect "10.0.0.1:http": invalid port "http" (want 1 to 65535)`},
		{in: "10.0.0.1:0", wantErr: `--expect "10.0.0.1:0": invalid port "0" (want 1 to 65535)`},
		{in: "10.0.0.1:65536", wantErr: `--expect "10.0.0.1:65536": invalid port "65536" (want 1 to 65535)`},
		{in: "10.0.0.1:", wantErr: `--expect "10.0.0.1:": invalid port "" (want 1 to 65535)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseExpect(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseExpect(%q) error = %v, want %s", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseExpect(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{name: "zero", opts: Options{}},
		{name: "good", opts: Options{KubernetesVersion: "1.24", CNI: "Terway-ENIIP"}},
		{name: "bad version", opts: Options{KubernetesVersion: "latest"}, wantErr: `--k8s-version "latest": invalid version "latest": want major.minor.patch`},
		{name: "bad cni", opts: Options{CNI: "flanel"}, wantErr: `--cni "flanel": unknown CNI (want overlay, vpc, unknown, or a name: aws-node, aws-vpc-cni, azure, azure-cni, calico, canal, cilium, flannel, gke, terway, terway-eni, terway-eniip)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("Validate() = %v, want %s", err, tt.wantErr)
			}
			if tt.wantErr != "" {
				if _, err := Build(snap(t, fixture), tt.opts); err == nil {
					t.Errorf("Build accepted %+v", tt.opts)
				}
			}
		})
	}
}
