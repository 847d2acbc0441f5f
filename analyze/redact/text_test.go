package redact

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
)

// testRewriter returns the rewriters of the test key: full (names too)
// and addresses only, with the names given.
func testRewriter(t *testing.T, names map[string]string) (full, addrs *rewriter, p *Perm) {
	t.Helper()
	p = testPerm(t)
	cache := newAddrCache(p.Map, nil)
	return &rewriter{addrs: cache, names: names}, &rewriter{addrs: cache}, p
}

func TestRewriteText(t *testing.T) {
	names := map[string]string{"web": "svc-1", "shop": "ns-1", "cn-hangzhou.10.0.0.12": "node-1"}
	full, _, p := testRewriter(t, names)
	m := func(s string) string { return p.Map(netip.MustParseAddr(s)).String() }
	exp := func(s string) string { return p.Map(netip.MustParseAddr(s)).StringExpanded() }
	nw := func(s string, bits int) string {
		return netip.PrefixFrom(p.Map(netip.MustParseAddr(s)), bits).Masked().Addr().String()
	}
	tests := []struct{ name, in, want string }{
		{"conntrack", "tcp      6 117 SYN_SENT src=10.244.1.5 dst=10.96.0.1 sport=51000 dport=443 [UNREPLIED] src=192.168.10.11 dst=10.244.1.5\n",
			fmt.Sprintf("tcp      6 117 SYN_SENT src=%s dst=%s sport=51000 dport=443 [UNREPLIED] src=%s dst=%s\n", m("10.244.1.5"), m("10.96.0.1"), m("192.168.10.11"), m("10.244.1.5"))},
		{"ipvsadm", "TCP  203.0.113.10:443 rr\n  -> [2001:db8::5]:6443 Masq 1 0 0 \n",
			fmt.Sprintf("TCP  %s:443 rr\n  -> [%s]:6443 Masq 1 0 0 \n", m("203.0.113.10"), m("2001:db8::5"))},
		{"proc uncompressed", "src=fd00:0010:0244:0001:0000:0000:0000:0005 dst=::1",
			"src=" + exp("fd00:10:244:1::5") + " dst=::1"},
		{"cidr", "podCIDR: 10.244.1.0/24 inet 10.0.0.12/24 brd 10.0.0.255",
			fmt.Sprintf("podCIDR: %s/24 inet %s/24 brd %s", nw("10.244.1.0", 24), m("10.0.0.12"), m("10.0.0.255"))},
		{"v6 cidr", "clusterCIDR: fd00:10:244::/56", fmt.Sprintf("clusterCIDR: %s/56", nw("fd00:10:244::", 56))},
		{"names", "name: web\nnamespace: shop\n# default/web:http\n", "name: svc-1\nnamespace: ns-1\n# default/svc-1:http\n"},
		{"name in longer word", "webhook web-1 web.", "webhook web-1 svc-1."},
		{"node name holding an address", "nodeName: cn-hangzhou.10.0.0.12", "nodeName: node-1"},
		{"unknown name holding an address", "cn-beijing.10.0.0.13 10.0.0.13.nip.io",
			fmt.Sprintf("cn-beijing.%s %s.nip.io", m("10.0.0.13"), m("10.0.0.13"))},
		{"sentence", "bound on 10.0.0.12.", fmt.Sprintf("bound on %s.", m("10.0.0.12"))},
		{"special", "0.0.0.0:* 127.0.0.1:10249 169.254.169.254 [::]:22 fe80::1 255.255.255.0 0.0.0.123",
			"0.0.0.0:* 127.0.0.1:10249 169.254.169.254 [::]:22 fe80::1 255.255.255.0 0.0.0.123"},
		{"4in6", "[::ffff:10.0.0.12]:80 ::ffff:10.0.0.12:80",
			fmt.Sprintf("[::ffff:%s]:80 ::ffff:%s:80", m("10.0.0.12"), m("10.0.0.12"))},
		{"not addresses", "v1.2.3 1.2.3.4.5 5.10.134-16.3.al8.x86_64 02:67:68:41:61:e5 10:15:00 2026-11-25T10:15:00Z",
			"v1.2.3 1.2.3.4.5 5.10.134-16.3.al8.x86_64 02:67:68:41:61:e5 10:15:00 2026-11-25T10:15:00Z"},
		{"json", `[{"local":"192.168.10.100","prefixlen":24,"label":"eth0:vip"}]`,
			fmt.Sprintf(`[{"local":"%s","prefixlen":24,"label":"eth0:vip"}]`, m("192.168.10.100"))},
		{"xml", "<src>10.0.0.1</src><dst>10.0.0.2</dst>", fmt.Sprintf("<src>%s</src><dst>%s</dst>", m("10.0.0.1"), m("10.0.0.2"))},
		{"crlf", "10.0.0.1\r\n", m("10.0.0.1") + "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := full.string(tt.in); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRewriteAddressesOnly(t *testing.T) {
	_, addrs, _ := testRewriter(t, nil)
	in := "web shop kube-ipvs0 scope link dynamic"
	if got := addrs.string(in); got != in {
		t.Errorf("got %q, want it unchanged", got)
	}
}

func TestRewriteBack(t *testing.T) {
	names := map[string]string{"web": "svc-1"}
	full, _, p := testRewriter(t, names)
	back := &rewriter{addrs: newAddrCache(p.Unmap, nil), names: map[string]string{"svc-1": "web"}}
	for _, in := range []string{
		"default/web 203.0.113.10:443/TCP bound on 10.0.0.12's kube-ipvs0",
		"[2001:db8::5]:6443 fd00:0010:0244:0001:0000:0000:0000:0005 10.244.1.0/24 fd00:10:244::/56",
	} {
		if got := back.string(full.string(in)); got != in {
			t.Errorf("round trip of %q gave %q", in, got)
		}
	}
}

// TestRewriteCapture checks the rewriting that depends on the kind of
// capture: hex addresses of the kernel's IPVS tables, the hostname of
// uname, the comments of iptables-save.
func TestRewriteCapture(t *testing.T) {
	m, err := NewMap()
	if err != nil {
		t.Fatal(err)
	}
	m.Key = strings.Repeat("5a17c308", 8)
	r, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	r.give(KindNode, "node-a", "node-1")
	r.give(KindService, "web", "svc-1")
	mt := func(s string) string { return r.perm.Map(netip.MustParseAddr(s)).String() }
	h := func(s string) string {
		a := r.perm.Map(netip.MustParseAddr(s)).As4()
		return fmt.Sprintf("%02X%02X%02X%02X", a[0], a[1], a[2], a[3])
	}
	tests := []struct {
		kind     bundle.Kind
		in, want string
	}{
		{bundle.KindUname, "Linux node-a 5.10.134-16.3.al8.x86_64 #1 SMP Thu Nov 1 node web GNU/Linux\n",
			"Linux node-1 5.10.134-16.3.al8.x86_64 #1 SMP Thu Nov 1 node web GNU/Linux\n"},
		{bundle.KindIptables, `-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j web` + "\n",
			`-A KUBE-SERVICES -d ` + mt("10.96.0.1") + `/32 -p tcp -m comment --comment "default/svc-1:http cluster IP" -m tcp --dport 80 -j web` + "\n"},
		{bundle.KindIptables, "-A X -m comment --comment default/web -j web\n", "-A X -m comment --comment default/svc-1 -j web\n"},
		{bundle.KindIPAddr, "    inet 10.0.0.1/24 scope global web\n", "    inet " + mt("10.0.0.1") + "/24 scope global web\n"},
		{bundle.KindKube, "  nodeName: node-a\n  uid: 6c8174f1-f9f9-4859-a250-c68bdf81aee3\n", "  nodeName: node-1\n  uid: " + r.uid("6c8174f1-f9f9-4859-a250-c68bdf81aee3") + "\n"},
		{bundle.KindIPVS, "TCP 0AF40105 A8CA 0A600001 01BB C0A80A0B 192B ESTABLISHED    895\n",
			"TCP " + h("10.244.1.5") + " A8CA " + h("10.96.0.1") + " 01BB " + h("192.168.10.11") + " 192B ESTABLISHED    895\n"},
		{bundle.KindIPVS, "TCP  0A600001:01BB rr persistent 360 FFFFFF00\n  -> 0AF40105:1F90      Masq    1      0          0\n",
			"TCP  " + h("10.96.0.1") + ":01BB rr persistent 360 FFFFFF00\n  -> " + h("10.244.1.5") + ":1F90      Masq    1      0          0\n"},
		{bundle.KindIPVS, "TCP  10.96.0.1:443                    1523    98231    87122 13456789  987654K\n",
			"TCP  " + r.perm.Map(netip.MustParseAddr("10.96.0.1")).String() + ":443                    1523    98231    87122 13456789  987654K\n"},
		{bundle.KindIPVS, "FWM  0000007B rr\n", "FWM  0000007B rr\n"},
	}
	for _, tt := range tests {
		var out strings.Builder
		if err := r.rewrite(tt.kind, strings.NewReader(tt.in), &out); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("%q\ngot  %q\nwant %q", tt.in, out.String(), tt.want)
		}
	}
}
