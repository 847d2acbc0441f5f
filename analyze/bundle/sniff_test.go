package bundle

import (
	"testing"
	"unicode/utf8"

	"github.com/ipvslint/ipvslint/internal/testref"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		kind   Kind
		reason string
	}{
		{"empty", "", KindUnknown, "empty"},
		{"blank", " \r\n\n\t", KindUnknown, "empty"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", KindUnknown, "binary data"},
		{"utf-16", "\xff\xfeI\x00P\x00", KindUnknown, "UTF-16 text (save it as UTF-8)"},
		{"prose", "The customer says the service times out.\n", KindUnknown, unrecognised},
		{"markdown table", "| file | what |\n|---|---|\n| ipvsadm.txt | `ipvsadm -Ln` |\n", KindUnknown, unrecognised},

		{"ipvsadm header", "IP Virtual Server version 1.2.1 (size=4096)\n", KindIPVS, `"IP Virtual Server version" header`},
		{"ipvsadm without version", "Prot LocalAddress:Port Scheduler Flags\n", KindIPVS, `"Prot LocalAddress:Port" header`},
		{"ipvsadm dest header", "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n", KindIPVS, `"-> RemoteAddress:Port" header`},
		{"ipvsadm save", "-A -t 192.168.10.11:30080 -s rr -p 10800\n-a -t 192.168.10.11:30080 -r 10.244.3.9:8080 -m -w 1\n", KindIPVS, "ipvsadm -S rules"},
		{"ipvsadm save fwmark", "-A -f 124 -6 -s rr\n", KindIPVS, "ipvsadm -S rules"},
		{"ipvsadm conn", "IPVS connection entries\npro expire state       source             virtual            destination\n", KindIPVS, `"IPVS connection entries" header`},
		{"ipvsadm conn rows", "TCP 14:55  ESTABLISHED 10.244.1.5:43210   10.96.0.1:443      192.168.10.11:6443\n", KindIPVS, "ipvsadm -Lc line"},
		{"proc ip_vs_conn", "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n", KindIPVS, "/proc/net/ip_vs_conn header"},
		{"ipvsadm service lines", "TCP  10.96.0.10:53 rr\nUDP  [fd00:10:96::a]:53 rr persistent 10800 mask 64\n", KindIPVS, "ipvsadm service line"},
		{"ipvsadm fwm line", "FWM  124 IPv6 rr\n", KindIPVS, "ipvsadm service line"},
		{"ipvsadm dest line", "  -> 10.244.1.2:53                Masq    1      0          17        \n", KindIPVS, "ipvsadm real-server line"},
		{"ipvsadm timeout", "Timeout (tcp tcpfin udp): 900 120 300\n", KindIPVS, "ipvsadm --timeout line"},
		{"ipvsadm failure", "modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.1.0\nCan't initialize ipvs: Protocol not available\n", KindIPVS, "ipvsadm failure text"},
		{"ipvsadm not found", "bash: ipvsadm: command not found\n", KindIPVS, "ipvsadm failure text"},
		{"dash not found", "sh: 1: ipvsadm: not found\n", KindIPVS, "ipvsadm failure text"},

		{"conntrack", "tcp      6 431998 ESTABLISHED src=10.244.1.5 dst=10.96.0.10 sport=43210 dport=53 src=10.244.2.7 dst=10.244.1.5 sport=53 dport=43210 [ASSURED] mark=0 use=1\n", KindConntrack, "conntrack src=/dst= tuples"},
		{"conntrack extended", "ipv4     2 udp      17 29 src=10.244.1.6 dst=10.96.0.10 sport=40001 dport=53 [UNREPLIED] src=10.96.0.10 dst=10.244.1.6 sport=53 dport=40001 mark=0 zone=0 use=2\n", KindConntrack, "conntrack src=/dst= tuples"},
		{"conntrack xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n<flow><meta direction=\"original\">", KindConntrack, "conntrack XML"},
		{"conntrack summary", "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n", KindConntrack, "conntrack summary line"},
		{"conntrack failure", "conntrack v1.4.7 (conntrack-tools): Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this\n", KindConntrack, "conntrack failure text"},
		{"nf_conntrack denied", "cat: /proc/net/nf_conntrack: Permission denied\n", KindConntrack, "conntrack failure text"},
		{"conntrack stats", "cpu=0   \tfound=0 invalid=12 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=3\n", KindConntrackStats, "conntrack -S counters"},

		{"ip addr", "5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default\n", KindIPAddr, "ip addr link line"},
		{"ip -o addr", "6: br-vip    inet 10.96.0.1/32 scope global br-vip\\       valid_lft forever preferred_lft forever\n", KindIPAddr, "ip -o addr line"},
		{"ip addr grep'd", "    inet 10.96.0.10/32 scope global kube-ipvs0\n       valid_lft forever preferred_lft forever\n", KindIPAddr, "ip addr address line"},
		{"ip addr mid-interface", "    inet6 fe80::42:acff:fe11:2/64 scope link \n       valid_lft forever preferred_lft forever\n3: kube-ipvs0: <BROADCAST,NOARP> mtu 1500\n", KindIPAddr, "ip addr address line"},
		{"ifconfig is not ip addr", "        inet 10.0.0.5  netmask 255.255.255.0  broadcast 10.0.0.255\n", KindUnknown, unrecognised},
		{"ip -j addr", `[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"addr_info":[]}]` + "\n", KindIPAddr, "ip -j addr JSON"},
		{"ip -j addr pretty", "[ {\n    \"ifindex\": 1,\n    \"ifname\": \"lo\"\n} ]\n", KindIPAddr, "ip -j addr JSON"},
		{"ip device missing", "Device \"kube-ipvs0\" does not exist.\n", KindIPAddr, "ip failure text"},
		{"ip route", "default via 192.168.10.1 dev eth0 proto dhcp src 192.168.10.11 metric 100\n", KindIPRoute, "ip route line"},
		{"ip route local", "local 10.96.0.1 dev kube-ipvs0 table local proto kernel scope host src 10.96.0.1\n", KindIPRoute, "ip route line"},
		{"ip -j route", `[{"dst":"default","gateway":"192.168.10.1","dev":"eth0"}]`, KindIPRoute, "ip -j route JSON"},

		{"kube list yaml", "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: kubernetes\n", KindKube, "Kubernetes YAML (apiVersion and kind)"},
		{"kube multi-doc", "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n---\napiVersion: v1\nkind: Node\n", KindKube, "Kubernetes YAML (apiVersion and kind)"},
		{"kube kind first", "kind: Service\napiVersion: v1\n", KindKube, "Kubernetes YAML (apiVersion and kind)"},
		{"kube json", "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"apiVersion\": \"v1\",\n            \"kind\": \"Service\",\n", KindKube, "Kubernetes JSON (apiVersion and kind)"},
		{"yaml without kind", "name: foo\nvalue: 3\n", KindUnknown, unrecognised},
		{"json without kind", `{"name": "foo"}`, KindUnknown, "JSON of no known capture format"},
		{"kubectl version json", "{\n  \"clientVersion\": {\n    \"major\": \"1\",\n", KindKubeVersion, "kubectl version JSON"},
		{"kubectl version yaml", "clientVersion:\n  buildDate: \"2024-01-17T13:38:41Z\"\n", KindKubeVersion, "kubectl version YAML"},
		{"kubectl version text", "Client Version: v1.29.0\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.29.2\n", KindKubeVersion, "kubectl version output"},
		{"kubectl version server only", "Server Version: version.Info{Major:\"1\", Minor:\"18\"}\n", KindKubeVersion, "kubectl version output"},

		{"sysctl", "net.ipv4.vs.conntrack = 1\nnet.ipv4.vs.expire_nodest_conn = 1\n", KindSysctl, "sysctl key = value line"},
		{"sysctl netfilter", "net.netfilter.nf_conntrack_max = 262144\n", KindSysctl, "sysctl key = value line"},
		{"sysctl failure", "sysctl: cannot stat /proc/sys/net/ipv4/vs/conntrack: No such file or directory\n", KindSysctl, "sysctl failure text"},
		{"ss", "Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n", KindListen, "ss header"},
		{"ss -H", "tcp   LISTEN 0      4096       127.0.0.1:10249      0.0.0.0:*\nudp   UNCONN 0      0            0.0.0.0:8472       0.0.0.0:*\n", KindListen, "ss socket line"},
		{"ss -lnt", "LISTEN 0      4096   127.0.0.1:10248      0.0.0.0:*\n", KindListen, "ss socket line"},
		{"uname", "Linux node-a 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29) x86_64 GNU/Linux\n", KindUname, "uname -a line"},
		{"iptables-save", "# Generated by iptables-save v1.8.9 (nf_tables) on Tue Nov 25 10:15:00 2026\n*filter\n", KindIptables, "iptables-save header"},
		{"iptables-save rules", "*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n", KindIptables, "iptables-save table line"},
		{"iptables rule", "-A KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE\n", KindIptables, "iptables-save rule"},
		{"ipset", "Name: KUBE-CLUSTER-IP\nType: hash:ip,port\nRevision: 7\n", KindIPSet, "ipset list output"},
		{"ipset failure", "ipset v7.17: Kernel error received: Operation not permitted\n", KindIPSet, "ipset failure text"},
		{"proxy mode", "ipvs", KindProxyMode, "kube-proxy mode name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, reason := Sniff([]byte(tt.in))
			if kind != tt.kind || reason != tt.reason {
				t.Errorf("Sniff = %q, %q; want %q, %q", kind, reason, tt.kind, tt.reason)
			}
		})
	}
}

// kinds are the kinds Sniff may return.
var kinds = map[Kind]bool{
	KindIPAddr: true, KindIPVS: true, KindConntrack: true, KindConntrackStats: true, KindSysctl: true,
	KindListen: true, KindUname: true, KindIPRoute: true, KindIptables: true, KindIPSet: true,
	KindProxyMode: true, KindKube: true, KindKubeVersion: true, KindUnknown: true,
}

// FuzzSniff checks that Sniff never panics, returns a known kind and always
// gives a reason.
func FuzzSniff(f *testing.F) {
	for _, name := range []string{"ipvsadm-Ln.raw.txt", "ipvsadm-noipvs.stderr.txt", "conntrack-L-o-xml.txt", "ip-o-addr.txt", "ip-j-addr.json", "proc-net-ip_vs_conn.txt", "README.md"} {
		f.Add(testref.Read(f, name))
	}
	for _, s := range []string{"apiVersion: v1\nkind: List\n", "{\"clientVersion\": {}}", "[]", "[{", "{}", "ipvs", "cpu=0 found=1", "# Generated by iptables-save"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, reason := Sniff(data)
		if !kinds[kind] {
			t.Errorf("Sniff returned unknown kind %q", kind)
		}
		if reason == "" || !utf8.ValidString(reason) {
			t.Errorf("Sniff returned reason %q", reason)
		}
	})
}
