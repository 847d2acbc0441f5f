package ipvs

import (
	"encoding/json"
	"testing"
)

// TestMarshalJSON checks that services and dests write every part their
// methods return as a field, a value the line did not print left out and a
// printed 0 kept.
func TestMarshalJSON(t *testing.T) {
	const pos = `"pos":{"file":"ipvsadm.txt","line":2}`
	tests := []struct {
		name string
		v    any
		want string
	}{
		{
			name: "-Ln dest out of rotation",
			v:    listDest(2, "10.244.1.2:53", "Masq", 0, 0, 17),
			want: `{` + pos + `,"addr":"10.244.1.2:53","forward":"Masq","weight":0,"activeConn":0,"inActConn":17}`,
		},
		{
			name: "--stats dest",
			v:    Dest{Pos: at(2), Addr: ap("10.244.1.2:53"), more: &destMore{stats: &Stats{Conns: 1, OutBytes: 5, Approximate: true}}},
			want: `{` + pos + `,"addr":"10.244.1.2:53","stats":{"conns":1,"inPkts":0,"outPkts":0,"inBytes":0,"outBytes":5,"approximate":true}}`,
		},
		{
			name: "--rate dest",
			v:    Dest{Pos: at(2), Addr: ap("10.244.1.2:53"), more: &destMore{rate: &Rate{CPS: 6}}},
			want: `{` + pos + `,"addr":"10.244.1.2:53","rate":{"cps":6,"inPPS":0,"outPPS":0,"inBPS":0,"outBPS":0}}`,
		},
		{
			name: "--persistent-conn dest",
			v: Dest{Pos: at(2), Addr: ap("10.244.1.2:53"), weight: 3, active: 4, has: hasWeight | hasPersist | hasActive | hasInAct,
				more: &destMore{persistConn: 0}},
			want: `{` + pos + `,"addr":"10.244.1.2:53","weight":3,"activeConn":4,"inActConn":0,"persistConn":0}`,
		},
		{
			name: "saved dest with thresholds, tunnel and odd tokens",
			v: Dest{Pos: at(2), Addr: ap("[fd00::1]:0"), Forward: "Tunnel", weight: -1, has: hasWeight,
				more: &destMore{thresholds: &Thresholds{Upper: 100}, tunnelInfo: "gue:6080:+c", extra: []string{"--bogus"}}},
			want: `{` + pos + `,"addr":"[fd00::1]:0","forward":"Tunnel","weight":-1,"thresholds":{"upper":100,"lower":0},"tunnelInfo":"gue:6080:+c","extra":["--bogus"]}`,
		},
		{
			name: "-Ln service",
			v:    &Service{Pos: at(2), Protocol: "TCP", Addr: ap("10.96.0.1:443"), Scheduler: "rr", Dests: []Dest{listDest(3, "10.244.1.2:443", "Masq", 1, 2, 3)}},
			want: `{` + pos + `,"protocol":"TCP","addr":"10.96.0.1:443","scheduler":"rr","dests":[{"pos":{"file":"ipvsadm.txt","line":3},"addr":"10.244.1.2:443","forward":"Masq","weight":1,"activeConn":2,"inActConn":3}]}`,
		},
		{
			name: "service with every suffix",
			v: Service{Pos: at(2), Protocol: "UDP", Addr: ap("10.96.7.7:5060"), Scheduler: "sh", Persistent: 360, OnePacket: true, DestsLeftOut: 1,
				more: &serviceMore{flags: []string{"sh-fallback", "sh-port"}, netmask: "255.255.255.0", pe: "sip", extra: []string{"frobnicate"}}},
			want: `{` + pos + `,"protocol":"UDP","addr":"10.96.7.7:5060","scheduler":"sh","flags":["sh-fallback","sh-port"],"persistent":360,` +
				`"netmask":"255.255.255.0","pe":"sip","onePacket":true,"destsLeftOut":1,"extra":["frobnicate"]}`,
		},
		{
			name: "--stats and --rate firewall-mark services",
			v: []*Service{
				{Pos: at(2), FWMark: 124, IPv6: true, more: &serviceMore{stats: &Stats{InPkts: 2}}},
				{Pos: at(2), FWMark: 123, more: &serviceMore{rate: &Rate{OutBPS: 9}}},
			},
			want: `[{` + pos + `,"fwmark":124,"ipv6":true,"stats":{"conns":0,"inPkts":2,"outPkts":0,"inBytes":0,"outBytes":0}},` +
				`{` + pos + `,"fwmark":123,"rate":{"cps":0,"inPPS":0,"outPPS":0,"inBPS":0,"outBPS":9}}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
