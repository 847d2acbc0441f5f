package bundle

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// boundaryLine tells whether a line of a pasted transcript (with its line
// end) is a Markdown code fence or a shell prompt, and returns the command
// echoed after the prompt.
func boundaryLine(chunk []byte) (boundary, bool) {
	// A fence may be indented by up to three spaces (CommonMark).
	trimmed := bytes.TrimPrefix(chunk, []byte(" "))
	trimmed = bytes.TrimPrefix(trimmed, []byte(" "))
	trimmed = bytes.TrimPrefix(trimmed, []byte(" "))
	if bytes.HasPrefix(trimmed, []byte("```")) || bytes.HasPrefix(trimmed, []byte("~~~")) {
		return boundary{fence: true}, true
	}
	// Cheap test first: most lines of a large capture cannot be prompts.
	switch c := chunk[0]; {
	case c == '$' || c == '#' || c == '=':
	case bytes.IndexByte(chunk, '@') >= 0:
	case bytes.Contains(chunk[:min(len(chunk), 8)], []byte("sh-")):
	default:
		return boundary{}, false
	}
	cmd, ok := promptCommand(strings.TrimRight(string(chunk), "\r\n"))
	return boundary{command: cmd}, ok
}

// Prompts with a user and host: "[root@node-a ~]# ", "root@node-a:~# ",
// "user@host:/path$ ", and shells' default prompts: "sh-4.2# ", "bash-5.1$ ".
var (
	bracketPrompt = regexp.MustCompile(`^\[[^\]]*@[^\]]*\] ?[#$](?:\s(.*))?$`)
	hostPrompt    = regexp.MustCompile(`^[\w.-]+@[\w.-]+(?::\S*?)?\s?[#$](?:\s(.*))?$`)
	shellPrompt   = regexp.MustCompile(`^(?:ba|da|z|k|a)?sh-\d+(?:\.\d+)*[#$](?:\s(.*))?$`)
	// A banner naming the command whose output follows, as people write
	// when they paste several outputs into one file: "===== ipvsadm -Ln".
	bannerLine = regexp.MustCompile(`^={3,}\s+(.*?)\s*=*$`)
)

// promptCommand tells whether line is a shell prompt and returns the command
// after it ("" for a bare prompt). "# " is also a comment in YAML and
// Markdown: it is a root prompt only when a known tool follows it.
func promptCommand(line string) (string, bool) {
	if line == "$" {
		return "", true
	}
	if rest, ok := strings.CutPrefix(line, "$ "); ok {
		return strings.TrimSpace(rest), true
	}
	if rest, ok := strings.CutPrefix(line, "# "); ok {
		rest = strings.TrimSpace(rest)
		return rest, looksLikeCommand(strings.Fields(rest))
	}
	if m := bannerLine.FindStringSubmatch(line); m != nil {
		return m[1], looksLikeCommand(strings.Fields(m[1]))
	}
	for _, re := range []*regexp.Regexp{bracketPrompt, hostPrompt, shellPrompt} {
		if m := re.FindStringSubmatch(line); m != nil {
			return strings.TrimSpace(m[1]), true
		}
	}
	return "", false
}

// promptTools are the commands a support engineer runs on a node, with the
// plain words that may follow them (besides options, paths and the like).
var promptTools = map[string][]string{
	"ip":        {"a", "addr", "address", "l", "link", "r", "ro", "route", "rule", "n", "neigh", "neighbor", "neighbour", "netns", "maddr", "monitor", "tunnel", "xfrm", "tuntap", "vrf"},
	"kubectl":   {"get", "version", "describe", "exec", "logs", "top", "explain", "config", "api-resources", "cluster-info", "debug", "edit", "rollout", "port-forward", "run", "apply", "delete"},
	"k":         {"get", "version", "describe", "exec", "logs"},
	"oc":        {"get", "version", "describe", "exec", "logs", "debug", "rsh"},
	"ipset":     {"list", "save"},
	"crictl":    {"exec", "ps", "pods", "logs", "inspect", "inspectp"},
	"docker":    {"exec", "ps", "logs", "inspect", "run"},
	"nerdctl":   {"exec", "ps", "logs", "inspect", "run"},
	"nft":       {"list"},
	"bridge":    {"fdb", "link", "vlan"},
	"systemctl": {"status", "show", "cat", "restart"},
	"ipvsadm":   nil, "conntrack": nil, "sysctl": nil, "ss": nil, "netstat": nil, "uname": nil,
	"iptables": nil, "ip6tables": nil, "iptables-save": nil, "ip6tables-save": nil,
	"iptables-nft-save": nil, "iptables-legacy-save": nil, "ip6tables-nft-save": nil, "ip6tables-legacy-save": nil,
	"cat": nil, "head": nil, "tail": nil, "less": nil, "more": nil, "grep": nil, "egrep": nil, "zcat": nil,
	"curl": nil, "wget": nil, "journalctl": nil, "lsmod": nil, "modprobe": nil, "hostname": nil, "date": nil,
	"ethtool": nil, "tcpdump": nil, "ls": nil, "ping": nil, "dig": nil, "nslookup": nil, "echo": nil,
}

// wrappers run the command that follows them.
var wrappers = map[string]bool{"sudo": true, "env": true, "time": true, "watch": true, "timeout": true, "nsenter": true, "chroot": true, "exec": true, "command": true}

// looksLikeCommand reports whether the words after "# " read as a command
// line rather than a comment: a known tool followed by nothing, an option, a
// path or other argument-like word, or one of its subcommands.
func looksLikeCommand(words []string) bool {
	if len(words) == 0 {
		return false
	}
	name := path.Base(words[0])
	if wrappers[name] {
		rest := words[1:]
		if name == "timeout" && len(rest) > 0 {
			rest = rest[1:]
		}
		return len(rest) > 0 && (strings.HasPrefix(rest[0], "-") || looksLikeCommand(rest))
	}
	subs, ok := promptTools[name]
	if !ok {
		return false
	}
	if len(words) == 1 {
		return true
	}
	next := words[1]
	if strings.HasPrefix(next, "-") || strings.ContainsAny(next, "/.=|>_:") {
		return true
	}
	for _, s := range subs {
		if next == s {
			return true
		}
	}
	return false
}

// commandKind returns the kind of capture a command line prints, or
// KindUnknown when the command does not tell (or runs several commands).
// Wrappers (sudo, nsenter, kubectl exec ...) are seen through; of a pipeline
// the first command counts.
func commandKind(cmd string) Kind {
	words, ok := firstCommand(cmd)
	if !ok {
		return KindUnknown
	}
	return wordsKind(words)
}

// firstCommand returns the words of the command whose output a command line
// prints: the first of a pipeline, without redirections and quotes. ok is
// false when the line runs several commands one after the other.
func firstCommand(cmd string) (words []string, ok bool) {
	redirect := false
	for _, w := range strings.Fields(cmd) {
		switch {
		case redirect:
			redirect = false
			continue
		case w == ";" || w == "&&" || w == "||" || strings.HasSuffix(w, ";"):
			return nil, false
		case strings.HasPrefix(w, "|"):
			return words, true
		case strings.ContainsAny(w, "<>"):
			// 2>&1, 2>/dev/null, > out.txt
			redirect = strings.HasSuffix(w, ">") || strings.HasSuffix(w, "<")
			continue
		}
		if i := strings.IndexByte(w, '|'); i > 0 {
			return append(words, w[:i]), true
		}
		words = append(words, strings.Trim(w, `"'`))
	}
	return words, true
}

// CommandDevice returns the interface an `ip addr show` command line names
// ("kube-ipvs0" of "sudo ip -4 a show dev kube-ipvs0 | grep -A1 10.96"), or
// "" when the line runs no such command or it names none. Parsers use it to
// place address lines that a grep'd paste shows without their link line.
func CommandDevice(cmd string) string {
	words, ok := firstCommand(cmd)
	if !ok {
		return ""
	}
	i := slices.IndexFunc(words, func(w string) bool { return path.Base(w) == "ip" })
	if i < 0 || wordsKind(words[i:]) != KindIPAddr {
		return ""
	}
	args := ipObjectArgs(words[i+1:])
	if len(args) > 0 && (strings.HasPrefix("show", args[0]) || strings.HasPrefix("list", args[0]) || strings.HasPrefix("lst", args[0])) {
		args = args[1:]
	}
	for j := 0; j < len(args); j++ {
		switch a := args[j]; {
		case a == "dev":
			if j+1 < len(args) {
				return args[j+1]
			}
			return ""
		case addrShowKeys[a]:
			j++ // a selector with a value
		case addrShowFlags[a] || strings.HasPrefix(a, "-"):
		default:
			return a // ip takes a bare word for the device
		}
	}
	return ""
}

// addrShowKeys are the selectors of `ip addr show` that take a value;
// addrShowFlags those that take none.
var (
	addrShowKeys  = map[string]bool{"scope": true, "to": true, "label": true, "type": true, "master": true, "vrf": true, "proto": true}
	addrShowFlags = map[string]bool{
		"up": true, "nomaster": true, "permanent": true, "dynamic": true, "secondary": true, "primary": true,
		"tentative": true, "deprecated": true, "dadfailed": true, "temporary": true, "home": true, "nodad": true,
		"mngtmpaddr": true, "noprefixroute": true, "autojoin": true, "stable-privacy": true,
	}
)

// wordsKind returns the kind printed by one command, split into words.
func wordsKind(words []string) Kind {
	for i, w := range words {
		args := words[i+1:]
		switch name := path.Base(w); name {
		case "ipvsadm":
			return KindIPVS
		case "conntrack":
			switch {
			case hasWord(args, "-S", "--stats"):
				return KindConntrackStats
			case hasWord(args, "-L", "--dump", "-E", "--event"):
				return KindConntrack
			}
			return KindUnknown
		case "ip":
			return ipKind(args)
		case "sysctl":
			return KindSysctl
		case "ss":
			return KindListen
		case "uname":
			if hasWord(args, "-a", "--all") {
				return KindUname
			}
			return KindUnknown
		case "iptables-save", "ip6tables-save", "iptables-nft-save", "iptables-legacy-save", "ip6tables-nft-save", "ip6tables-legacy-save":
			return KindIptables
		case "ipset":
			if hasWord(args, "list", "-L", "-list", "--list") {
				return KindIPSet
			}
			return KindUnknown
		case "kubectl", "k", "oc":
			return kubectlKind(args)
		case "curl", "wget":
			for _, a := range args {
				if strings.Contains(a, "/proxyMode") {
					return KindProxyMode
				}
			}
			return KindUnknown
		case "cat", "head", "tail", "less", "more", "grep", "egrep", "zcat":
			return fileKind(args)
		case "sh", "bash", "dash", "ash", "zsh":
			if i := wordIndex(args, "-c"); i >= 0 && i+1 < len(args) {
				return commandKind(strings.Join(args[i+1:], " "))
			}
			return KindUnknown
		}
	}
	return KindUnknown
}

// ipKind returns the kind printed by "ip [options] object ...": objects may
// be abbreviated ("ip a", "ip ro").
func ipKind(args []string) Kind {
	if i := ipObject(args); i >= 0 {
		switch a := args[i]; {
		case strings.HasPrefix("address", a):
			return KindIPAddr
		case strings.HasPrefix("route", a):
			return KindIPRoute
		}
	}
	return KindUnknown
}

// ipObject returns the index of the object of "ip [options] object ...",
// -1 when there is none.
func ipObject(args []string) int {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-n" || a == "-netns" || a == "-b" || a == "-batch" || a == "-rc" || a == "-rcvbuf":
			i++ // option with a value
		case strings.HasPrefix(a, "-"):
		default:
			return i
		}
	}
	return -1
}

// ipObjectArgs returns the words after the object of "ip [options] object
// ...".
func ipObjectArgs(args []string) []string {
	return args[ipObject(args)+1:]
}

// kubectlKind returns the kind printed by a kubectl command: "version", "get
// ... -o yaml|json", or what "exec ... -- cmd" runs.
func kubectlKind(args []string) Kind {
	for i, a := range args {
		switch a {
		case "version":
			return KindKubeVersion
		case "get":
			if f := outputFormat(args); f == "yaml" || f == "json" {
				return KindKube
			}
			return KindUnknown
		case "exec", "debug", "rsh":
			return wordsKind(args[i+1:])
		}
	}
	return KindUnknown
}

// outputFormat returns the value of kubectl's -o/--output option.
func outputFormat(args []string) string {
	for i, a := range args {
		switch {
		case a == "-o" || a == "--output":
			if i+1 < len(args) {
				return args[i+1]
			}
		case strings.HasPrefix(a, "--output="):
			return strings.TrimPrefix(a, "--output=")
		case strings.HasPrefix(a, "-o"):
			return strings.TrimPrefix(a[2:], "=")
		}
	}
	return ""
}

// fileKind returns the kind of the first file argument of cat and the like
// that tells: kernel tables under /proc, or the bundle layout's file names.
func fileKind(args []string) Kind {
	for _, a := range args {
		if k := pathKind(a); k != KindUnknown {
			return k
		}
	}
	return KindUnknown
}

// pathKind returns the kind of capture a file holds, from its path.
func pathKind(p string) Kind {
	switch base := path.Base(p); {
	case base == "nf_conntrack" || base == "ip_conntrack":
		return KindConntrack
	case base == "ip_vs_conn" || base == "ip_vs":
		return KindIPVS
	default:
		if e, ok := named(base); ok {
			return e.Kind
		}
	}
	return KindUnknown
}

func hasWord(words []string, want ...string) bool {
	for _, w := range want {
		if wordIndex(words, w) >= 0 {
			return true
		}
	}
	return false
}

func wordIndex(words []string, w string) int {
	for i, x := range words {
		if x == w {
			return i
		}
	}
	return -1
}

// classify returns the kind of a transcript piece from its echoed command
// and its content. The command is preferred when the content agrees, says
// nothing known, or is that tool's failure text; when they disagree the
// content wins and note says so. For KindUnknown, note is the reason the
// piece is ignored.
func classify(cmd string, data []byte) (kind Kind, note string) {
	s := sniff(data)
	ck := commandKind(cmd)
	switch {
	case ck == KindUnknown || s.unreadable:
		if s.kind == KindUnknown {
			return KindUnknown, s.reason
		}
		return s.kind, ""
	case s.kind == KindUnknown, s.kind == ck, s.failure && family(s.kind) == family(ck):
		return ck, ""
	}
	return s.kind, fmt.Sprintf("command %q prints %s, but the output looks like %s (%s): read as %s", cmd, ck, s.kind, s.reason, s.kind)
}

// family groups the kinds printed by one tool.
func family(k Kind) Kind {
	if k == KindConntrackStats {
		return KindConntrack
	}
	return k
}
