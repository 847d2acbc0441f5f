package bundle

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Sniff returns the kind of capture data holds, judged by its content alone,
// and a reason: what identified it, or why nothing did ("empty", "binary
// data", "no known capture format recognised"). data is the start of one
// capture (not a whole transcript); 64 KiB are plenty. A tool's failure
// text (such as "Can't initialize ipvs: ...") gets that tool's kind, so that
// its parser records the failure.
func Sniff(data []byte) (Kind, string) {
	s := sniff(data)
	return s.kind, s.reason
}

// unrecognised is the reason given for content no sniffer knows.
const unrecognised = "no known capture format recognised"

// sniffed is what [sniff] found.
type sniffed struct {
	kind       Kind
	reason     string // what identified it, or why nothing did
	failure    bool   // the text is the tool's failure message
	unreadable bool   // binary or UTF-16 data, whatever the command
}

func sniff(data []byte) sniffed {
	data = bytes.TrimPrefix(data, utf8BOM)
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return sniffed{reason: "empty"}
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return sniffed{reason: "UTF-16 text (save it as UTF-8)", unreadable: true}
	case bytes.IndexByte(data, 0) >= 0:
		return sniffed{reason: "binary data", unreadable: true}
	}
	if s, ok := sniffJSON(trimmed); ok {
		return s
	}
	switch string(trimmed) {
	case "ipvs", "iptables", "nftables", "kernelspace", "userspace":
		return sniffed{kind: KindProxyMode, reason: "kube-proxy mode name"}
	}
	lines := strings.Split(string(data), "\n")
	if s, ok := sniffYAML(lines); ok {
		return s
	}
	for _, l := range lines {
		l = strings.TrimRight(l, "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		for _, r := range lineRules {
			if r.re.MatchString(l) {
				return sniffed{kind: r.kind, reason: r.reason, failure: r.failure}
			}
		}
		if source.ShellFailure(l) {
			if k := failureKind(l); k != KindUnknown {
				return sniffed{kind: k, reason: string(k) + " failure text", failure: true}
			}
		}
	}
	return sniffed{reason: unrecognised}
}

// sniffJSON classifies JSON documents: ip -j output is an array of objects,
// kubectl output an object.
func sniffJSON(t []byte) (sniffed, bool) {
	if len(t) < 2 {
		return sniffed{}, false
	}
	inner := bytes.TrimLeft(t[1:], " \t\r\n")
	if len(inner) == 0 {
		return sniffed{}, false
	}
	has := func(key string) bool { return bytes.Contains(t, []byte(`"`+key+`"`)) }
	switch {
	case t[0] == '[' && (inner[0] == '{' || inner[0] == ']'):
		switch {
		case has("ifname") || has("addr_info"):
			return sniffed{kind: KindIPAddr, reason: "ip -j addr JSON"}, true
		case has("dst") && has("dev"):
			return sniffed{kind: KindIPRoute, reason: "ip -j route JSON"}, true
		}
	case t[0] == '{' && (inner[0] == '"' || inner[0] == '}'):
		switch {
		case has("clientVersion") || has("serverVersion"):
			return sniffed{kind: KindKubeVersion, reason: "kubectl version JSON"}, true
		case has("apiVersion") && has("kind"):
			return sniffed{kind: KindKube, reason: "Kubernetes JSON (apiVersion and kind)"}, true
		}
	default:
		return sniffed{}, false
	}
	return sniffed{reason: "JSON of no known capture format"}, true
}

var yamlKey = regexp.MustCompile(`^[A-Za-z_][\w.-]*:(?:\s|$)`)

// sniffYAML classifies YAML documents that start with a mapping key:
// Kubernetes objects (apiVersion and kind keys, at any depth, as in a List)
// and kubectl version -o yaml.
func sniffYAML(lines []string) (sniffed, bool) {
	first := ""
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || t == "---" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "%") {
			continue
		}
		first = strings.TrimRight(l, "\r")
		break
	}
	if !yamlKey.MatchString(first) {
		return sniffed{}, false
	}
	if strings.HasPrefix(first, "clientVersion:") || strings.HasPrefix(first, "serverVersion:") {
		return sniffed{kind: KindKubeVersion, reason: "kubectl version YAML"}, true
	}
	api, kind := false, false
	for _, l := range lines {
		t := strings.TrimLeft(l, " -")
		api = api || strings.HasPrefix(t, "apiVersion:")
		kind = kind || strings.HasPrefix(t, "kind:")
	}
	if api && kind {
		return sniffed{kind: KindKube, reason: "Kubernetes YAML (apiVersion and kind)"}, true
	}
	return sniffed{}, false
}

// lineRule recognises a capture by one of its lines.
type lineRule struct {
	kind    Kind
	reason  string
	failure bool
	re      *regexp.Regexp
}

// lineRules are tried in order on each line until one matches; the first
// line a rule knows decides.
var lineRules = []lineRule{
	{KindIPVS, `"IP Virtual Server version" header`, false, regexp.MustCompile(`^IP Virtual Server version`)},
	{KindIPVS, `"Prot LocalAddress:Port" header`, false, regexp.MustCompile(`^Prot LocalAddress:Port`)},
	{KindIPVS, `"-> RemoteAddress:Port" header`, false, regexp.MustCompile(`^\s*-> RemoteAddress:Port`)},
	{KindIPVS, `"IPVS connection entries" header`, false, regexp.MustCompile(`^IPVS connection entries`)},
	{KindIPVS, `/proc/net/ip_vs_conn header`, false, regexp.MustCompile(`^Pro FromIP `)},
	{KindIPVS, `ipvsadm -S rules`, false, regexp.MustCompile(`^-[Aa] +(?:-[tuf]|--(?:tcp|udp|sctp|fwmark)-service) `)},
	{KindIPVS, `ipvsadm --timeout line`, false, regexp.MustCompile(`^Timeout \(tcp tcpfin udp\)`)},
	{KindIPVS, `ipvsadm failure text`, true, regexp.MustCompile(`^Can't initialize ipvs`)},
	{KindIPVS, `ipvsadm service line`, false, regexp.MustCompile(`^(?:(?:TCP|UDP|SCTP) +(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|[0-9A-F]{8}):[0-9A-F]+|FWM +\d+)(?: |$)`)},
	{KindIPVS, `ipvsadm real-server line`, false, regexp.MustCompile(`^\s+-> \S+:\S+\s+(?:Masq|Local|Tunnel|Route|\(null\)|\d+)\b`)},
	{KindIPVS, `ipvsadm -Lc line`, false, regexp.MustCompile(`^(?:TCP|UDP|SCTP|IP|ICMP|ICMPv6|IP_\d+) +\d+:\d\d +\S+ +\S+:\d+ `)},

	{KindConntrack, `conntrack XML`, false, regexp.MustCompile(`^<(?:conntrack|flow)>`)},
	{KindConntrack, `conntrack src=/dst= tuples`, false, regexp.MustCompile(`(?:^|\s)src=\S+ dst=\S+`)},
	{KindConntrack, `conntrack summary line`, false, regexp.MustCompile(`^conntrack v[\d.]+ \(conntrack-tools\): \d+ flow entries have been shown`)},
	{KindConntrack, `conntrack failure text`, true, regexp.MustCompile(`^conntrack v[\d.]+ \(conntrack-tools\): `)},
	{KindConntrackStats, `conntrack -S counters`, false, regexp.MustCompile(`^cpu=\d+\s+\w+=\d+`)},

	{KindIPAddr, `ip addr link line`, false, regexp.MustCompile(`^\d+: \S+: <[^>]*> mtu \d+`)},
	{KindIPAddr, `ip -o addr line`, false, regexp.MustCompile(`^\d+: \S+\s+inet6? [0-9a-fA-F.:]+/\d+`)},
	{KindIPAddr, `ip addr address line`, false, regexp.MustCompile(`^\s*inet6? [0-9a-fA-F.:]+(?: peer [0-9a-fA-F.:]+)?/\d+ .*\bscope \w+`)},
	{KindIPAddr, `ip failure text`, true, regexp.MustCompile(`^Device "[^"]*" does not exist\.`)},
	{KindIPRoute, `ip route line`, false, regexp.MustCompile(`^(?:(?:unicast|local|broadcast|multicast|anycast|unreachable|blackhole|prohibit|throw|nat) )?(?:default|[0-9a-fA-F]*[.:][0-9a-fA-F.:]*(?:/\d+)?) (?:via|dev|proto|table|metric|scope|src|from|nhid|encap)\b`)},

	{KindSysctl, `sysctl key = value line`, false, regexp.MustCompile(`^(?:net|kernel|vm|fs|user|abi|debug|dev|crypto|sunrpc)\.[\w.@/:-]+ = `)},
	{KindSysctl, `sysctl failure text`, true, regexp.MustCompile(`^sysctl: `)},
	{KindListen, `ss header`, false, regexp.MustCompile(`^(?:Netid +)?State +Recv-Q +Send-Q`)},
	{KindListen, `ss socket line`, false, regexp.MustCompile(`^(?:(?:tcp|udp|raw|sctp|mptcp|u_str|u_dgr|u_seq|nl|p_raw|p_dgr|v_str|v_dgr|xdp|tipc) +)?(?:LISTEN|UNCONN|ESTAB|SYN-SENT|SYN-RECV|FIN-WAIT-1|FIN-WAIT-2|TIME-WAIT|CLOSE-WAIT|LAST-ACK|CLOSING|CLOSED|UNKNOWN) +\d+ +\d+ +\S+ +\S+`)},
	{KindUname, `uname -a line`, false, regexp.MustCompile(`^Linux \S+ \d+\.\d+\S* #\d`)},

	{KindIptables, `iptables-save header`, false, regexp.MustCompile(`^# Generated by ip6?tables`)},
	{KindIptables, `iptables-save table line`, false, regexp.MustCompile(`^\*(?:filter|nat|mangle|raw|security)\s*$`)},
	{KindIptables, `iptables-save chain line`, false, regexp.MustCompile(`^:[\w-]+ (?:ACCEPT|DROP|RETURN|-) \[\d+:\d+\]`)},
	{KindIptables, `iptables-save rule`, false, regexp.MustCompile(`^-A [A-Za-z][\w-]* `)},
	{KindIPSet, `ipset list output`, false, regexp.MustCompile(`^(?:Name: KUBE-|Type: (?:hash|bitmap|list):)`)},
	{KindIPSet, `ipset failure text`, true, regexp.MustCompile(`^ipset v[\d.]+: `)},
	{KindKubeVersion, `kubectl version output`, false, regexp.MustCompile(`^(?:Client|Server|Kustomize) Version: `)},
}

// failureTools are the capture tools a shell's "command not found" (or a
// tool's "Permission denied") names.
var failureTools = map[string]Kind{
	"ipvsadm": KindIPVS, "conntrack": KindConntrack, "ip": KindIPAddr, "sysctl": KindSysctl,
	"ss": KindListen, "uname": KindUname, "ipset": KindIPSet,
	"iptables-save": KindIptables, "ip6tables-save": KindIptables, "iptables-nft-save": KindIptables,
	"iptables-legacy-save": KindIptables,
}

// failureKind returns the kind of the capture a shell failure line is about,
// from the tool or the file it names: "bash: ipvsadm: command not found",
// "cat: /proc/net/nf_conntrack: Permission denied".
func failureKind(line string) Kind {
	words := strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(": '\"`", r) })
	for _, w := range words {
		if k, ok := failureTools[w]; ok {
			return k
		}
		if strings.HasPrefix(w, "/proc/sys/") {
			return KindSysctl
		}
		if k := pathKind(w); k != KindUnknown {
			return k
		}
	}
	return KindUnknown
}
