#!/bin/sh
# ipvslint-collect: capture what ipvslint needs from one Kubernetes node (and,
# when kubectl works, the cluster objects that explain it) into a bundle that
# `ipvslint inspect` and `ipvslint analyze` read (bundle format v1).
#
# POSIX sh: runs under dash, busybox ash and bash. Run it as root on the node
# where Service traffic fails; `--help` tells the options. It never stops
# because a tool is missing or fails: every command runs under a timeout and
# is recorded in manifest.json with its exit code, duration, size, sha256 and
# the first 4 KiB of its stderr.

collector_version=0.1.0
bundle_format=ipvslint.bundle/v1

usage() {
	cat <<'EOF'
Usage: collect.sh [OPTIONS]

Capture the IPVS, conntrack and address state of this Kubernetes node, and the
cluster objects that explain it, into ipvslint-<node>-<UTC time>.tar.gz for
`ipvslint inspect` / `ipvslint analyze`. Run it as root on the node where
Service traffic fails. Nothing is changed on the node and no traffic is sent,
except one request to kube-proxy's own http://127.0.0.1:10249/proxyMode.

Options:
  --out DIR          write the tarball into DIR (default: the current directory);
                     it is written to a temporary file there, then renamed
  --stdout           write the tarball to stdout instead (for ssh or
                     `kubectl debug node/...` pipelines); progress stays on stderr
  --node NAME        the Kubernetes node name (default: the hostname, lowercased)
  --no-cluster       do not run kubectl
  --no-node          capture only the cluster objects, into
                     ipvslint-cluster-<UTC time>.tar.gz (no root needed; for a
                     workstation with kubectl)
  --kubeconfig FILE  kubeconfig for kubectl (default: kubectl's own choice:
                     $KUBECONFIG, ~/.kube/config or in-cluster credentials)
  --context NAME     kubeconfig context for kubectl
  --timeout SEC      time limit of each command, in seconds (default: 20)
  --version          print the collector version
  -h, --help         print this help

Node captures (nodes/<node>/ in the tarball): ip -d addr, ip -d -j addr,
ip route show table all, uname -a, sysctl (net.ipv4.vs, net.netfilter,
ip_forward, arp_ignore and arp_announce of all, default and every interface),
kube-proxy's /proxyMode answer,
ss -Hlntu, ipvsadm -Ln / -Ln --stats / -Sn / -Lnc, iptables-save, ipset list,
conntrack -S, conntrack -L -o extended (stdout only: its summary line goes to
stderr, which is kept in manifest.json).

Cluster objects (cluster/), when kubectl reaches the API server: kubectl
version, Services, EndpointSlices, Endpoints, Nodes, Pods reduced to name,
namespace, labels, owner references, node name, host network, phase and IPs,
and the kube-system/kube-proxy ConfigMap.

Never captured: Secrets, other ConfigMaps, container specs, environment
variables, volumes, process lists, files of the node.

A missing tool is recorded in manifest.json (exit code 127) and the run goes
on. Exit codes: 0 bundle written; 1 the bundle could not be written; 2 bad
options.

Examples:
  sh collect.sh
  sh collect.sh --node node-a --out /var/tmp
  ssh root@node-a sh -s -- --no-cluster --stdout < collect.sh > node-a.tar.gz
  ipvslint collect-script > collect.sh
EOF
}

# Stable, English tool output; private temporary files; the sbin directories
# even in a non-root or non-login shell (after the caller's PATH).
LC_ALL=C
export LC_ALL
umask 077
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH

progress() {
	printf 'ipvslint-collect: %s\n' "$*" >&2
}

die() {
	progress "$1"
	exit "${2:-1}"
}

# Options.
out_dir=.
to_stdout=0
node=
no_cluster=0
no_node=0
kubeconfig=
context=
limit=20

need_arg() {
	[ "$2" -gt 1 ] || die "$1 needs a value (see --help)" 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--out=*) out_dir=${1#*=} ;;
	--node=*) node=${1#*=} ;;
	--kubeconfig=*) kubeconfig=${1#*=} ;;
	--context=*) context=${1#*=} ;;
	--timeout=*) limit=${1#*=} ;;
	--out) need_arg "$1" $# && out_dir=$2 && shift ;;
	--node) need_arg "$1" $# && node=$2 && shift ;;
	--kubeconfig) need_arg "$1" $# && kubeconfig=$2 && shift ;;
	--context) need_arg "$1" $# && context=$2 && shift ;;
	--timeout) need_arg "$1" $# && limit=$2 && shift ;;
	--stdout) to_stdout=1 ;;
	--no-cluster) no_cluster=1 ;;
	--no-node) no_node=1 ;;
	--version)
		echo "ipvslint-collect $collector_version"
		exit 0
		;;
	-h | --help)
		usage
		exit 0
		;;
	*) die "unknown option: $1 (see --help)" 2 ;;
	esac
	shift
done

case $limit in
'' | *[!0-9]* | 0) die "--timeout: not a positive number of seconds: $limit" 2 ;;
esac
[ "$no_cluster$no_node" != 11 ] || die "--no-cluster and --no-node leave nothing to capture" 2
if [ "$no_node" = 1 ]; then
	node=
elif [ -z "$node" ]; then
	node=$(uname -n 2>/dev/null | tr '[:upper:]' '[:lower:]')
	[ -n "$node" ] || node=node
fi
# A Kubernetes node name is a DNS subdomain; it becomes a folder name.
case $no_node$node in
1) ;;
'' | .* | *[!a-z0-9.-]*) die "--node: not a Kubernetes node name: $node" 2 ;;
esac
if [ "$to_stdout" = 1 ]; then
	[ -t 1 ] && die "--stdout: refusing to write a tarball to a terminal; redirect it to a file" 2
else
	[ -d "$out_dir" ] || die "--out: not a directory: $out_dir" 2
	[ -w "$out_dir" ] || die "--out: not writable: $out_dir" 2
fi
[ -z "$kubeconfig" ] || [ -r "$kubeconfig" ] || die "--kubeconfig: cannot read $kubeconfig" 2
if [ "$no_node" = 0 ] && [ "$(id -u 2>/dev/null)" != 0 ]; then
	progress "warning: not running as root: ipvsadm, conntrack and iptables-save will likely fail"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
top=ipvslint-${node:-cluster}-$stamp

# Work directory, removed on every exit.
work=$(mktemp -d "${TMPDIR:-/tmp}/ipvslint-collect.XXXXXX" 2>/dev/null) || {
	work=${TMPDIR:-/tmp}/ipvslint-collect.$$
	mkdir "$work" || die "cannot create a work directory in ${TMPDIR:-/tmp}"
}
partial=
cleanup() {
	rm -rf "$work"
	[ -z "$partial" ] || rm -f "$partial"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

stage=$work/$top
mkdir -p "$stage/cluster" "$stage/nodes/$node" || die "cannot create $stage"
entries=$work/files.jsonl
: >"$entries"
: >"$work/written"

# How commands are cut off: timeout(1) with a kill fallback, plain
# timeout(1), or a background watcher when there is no timeout(1) at all.
if timeout -k 1 5 true >/dev/null 2>&1; then
	limiter=timeout-k
elif timeout 5 true >/dev/null 2>&1; then
	limiter=timeout
else
	limiter=watcher
fi

# limited OUT ERR COMMAND...: runs COMMAND with stdin from /dev/null, stdout
# to OUT and stderr to ERR, cut after $limit seconds (exit code 124 then).
limited() {
	l_out=$1 l_err=$2
	shift 2
	case $limiter in
	timeout-k)
		timeout -k 2 "$limit" "$@" >"$l_out" 2>"$l_err" </dev/null
		return
		;;
	timeout)
		timeout "$limit" "$@" >"$l_out" 2>"$l_err" </dev/null
		return
		;;
	esac
	rm -f "$work/fired" "$work/done"
	"$@" >"$l_out" 2>"$l_err" </dev/null &
	l_pid=$!
	# The watcher takes its sleep along when it is stopped, so that no
	# sleep outlives the run. A stop sent before the watcher's trap is
	# set can be lost (the shell drops a signal that arrives while the
	# subshell still resets the script's own traps), so the watcher also
	# looks for the "done" mark, made before the stop is sent.
	(
		w_sleep='' w_stop=''
		trap 'w_stop=1; [ -z "$w_sleep" ] || { kill "$w_sleep"; exit 0; }' TERM
		sleep "$limit" &
		w_sleep=$!
		if [ -n "$w_stop" ] || [ -f "$work/done" ]; then
			kill "$w_sleep"
			exit 0
		fi
		wait "$w_sleep" || exit 0
		: >"$work/fired"
		kill -TERM "$l_pid"
		sleep 2
		kill -KILL "$l_pid"
	) >/dev/null 2>&1 </dev/null &
	l_watch=$!
	wait "$l_pid"
	l_rc=$?
	: >"$work/done"
	kill "$l_watch" 2>/dev/null
	wait "$l_watch" 2>/dev/null
	[ -f "$work/fired" ] && l_rc=124
	return "$l_rc"
}

# Milliseconds since an arbitrary origin, in $now: /proc/uptime has 10 ms
# steps; date +%s is the fallback where /proc is not mounted.
tick() {
	if [ -r /proc/uptime ] && read -r t_up _ </proc/uptime; then
		t_frac=${t_up#*.}
		case $t_frac in 0?) t_frac=${t_frac#0} ;; esac
		now=$((${t_up%.*} * 1000 + t_frac * 10))
	else
		now=$(($(date +%s) * 1000))
	fi
}

# json_file FILE: FILE's bytes as a JSON string (NUL bytes dropped, control
# characters escaped, bytes that are not UTF-8 replaced by U+FFFD). The "x"
# sentinel keeps a final newline, which awk would otherwise lose.
json_file() {
	{
		tr -d '\000' <"$1"
		printf x
	} | awk '
BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
{
	if (NR > 1) out = out "\\n"
	n = length($0)
	for (i = 1; i <= n; i++) {
		c = substr($0, i, 1)
		o = ord[c]
		if (c == "\\") out = out "\\\\"
		else if (c == "\"") out = out "\\\""
		else if (c == "\t") out = out "\\t"
		else if (c == "\r") out = out "\\r"
		else if (o < 32 || o == 127) out = out sprintf("\\u%04x", o)
		else if (o < 128) out = out c
		else {
			need = (o >= 194 && o <= 223) ? 1 : (o >= 224 && o <= 239) ? 2 : (o >= 240 && o <= 244) ? 3 : 0
			ok = need > 0 && i + need <= n
			for (j = 1; ok && j <= need; j++) {
				p = ord[substr($0, i + j, 1)]
				if (p < 128 || p > 191) ok = 0
			}
			if (ok) { out = out substr($0, i, need + 1); i += need }
			else out = out "\\ufffd"
		}
	}
}
END { printf "\"%s\"", substr(out, 1, length(out) - 1) }'
}

# json_str STRING: STRING as a JSON string.
json_str() {
	printf '%s' "$1" >"$work/str"
	json_file "$work/str"
}

# sha256 FILE: hex sha256 of FILE, or nothing when no tool computes it.
sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		set -- "$(sha256sum <"$1")"
	elif command -v busybox >/dev/null 2>&1 && busybox sha256sum </dev/null >/dev/null 2>&1; then
		set -- "$(busybox sha256sum <"$1")"
	elif command -v openssl >/dev/null 2>&1; then
		set -- "$(openssl dgst -sha256 <"$1")"
		set -- "${1##* }"
	else
		return
	fi
	case ${1%% *} in
	*[!0-9a-f]* | '') ;;
	*) printf '%s' "${1%% *}" ;;
	esac
}

# capture REL LABEL COMMAND...: runs COMMAND under the time limit, its
# stdout into REL (relative to the bundle root), and records it in the
# manifest under the command line LABEL, whose first word is the tool. A
# missing tool is recorded with exit code 127 and no file; c_rc holds the
# exit code.
capture() {
	c_rel=$1 c_label=$2 c_tool=${2%% *}
	shift 2
	c_file=$stage/$c_rel
	c_started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	: >"$work/stderr"
	if command -v "$c_tool" >/dev/null 2>&1; then
		tick
		c_t0=$now
		limited "$c_file" "$work/stderr" "$@"
		c_rc=$?
		tick
		c_ms=$((now - c_t0))
		c_bytes=$(($(wc -c <"$c_file")))
		c_sum=$(sha256 "$c_file")
		case $c_rc in
		0) progress "$c_rel: $c_bytes bytes" ;;
		124) progress "$c_rel: $c_tool cut after ${limit}s ($c_bytes bytes kept)" ;;
		*) progress "$c_rel: $c_tool failed with exit code $c_rc ($c_bytes bytes)" ;;
		esac
	else
		c_rc=127 c_ms=0 c_bytes=0 c_sum=
		c_rel=
		progress "${c_file#"$stage"/}: $c_tool not found"
	fi
	dd if="$work/stderr" of="$work/stderr.head" bs=4096 count=1 2>/dev/null
	{
		printf '{'
		[ -z "$c_rel" ] || printf '"path":%s,' "$(json_str "$c_rel")"
		printf '"command":%s,"exitCode":%d,"startedAt":"%s","durationMs":%d,"bytes":%d' \
			"$(json_str "$c_label")" "$c_rc" "$c_started" "$c_ms" "$c_bytes"
		[ -z "$c_sum" ] || printf ',"sha256":"%s"' "$c_sum"
		[ ! -s "$work/stderr.head" ] || printf ',"stderr":%s' "$(json_file "$work/stderr.head")"
		printf '}\n'
	} >>"$entries"
	[ -z "$c_rel" ] || echo "$c_rel" >>"$work/written"
}

# The node's captures, in the layout's order (conntrack last).
collect_node() {
	n=nodes/$node
	capture "$n/ip-addr.txt" "ip -d addr" ip -d addr
	capture "$n/ip-addr.json" "ip -d -j addr" ip -d -j addr
	capture "$n/ip-route.txt" "ip route show table all" ip route show table all
	capture "$n/uname.txt" "uname -a" uname -a
	# The ARP settings of every interface too (and of default, which new
	# interfaces such as kube-ipvs0 start with): the kernel applies the
	# larger of all's and the interface's. sysctl writes a "." inside an
	# interface name (eth0.100) as "/", and so does every sysctl version.
	(
		set -- net.ipv4.vs net.netfilter net.ipv4.ip_forward net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce
		for s_dir in /proc/sys/net/ipv4/conf/*/; do
			s_if=${s_dir%/}
			s_if=${s_if##*/}
			case $s_if in
			all | '*') continue ;;
			*.*) s_if=$(printf '%s' "$s_if" | tr . /) ;;
			esac
			set -- "$@" "net.ipv4.conf.$s_if.arp_ignore" "net.ipv4.conf.$s_if.arp_announce"
		done
		capture "$n/sysctl.txt" "sysctl net.ipv4.vs net.netfilter net.ipv4.ip_forward net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce" sysctl "$@"
	)
	# kube-proxy's own endpoint on loopback, never through a proxy.
	(
		unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
		url=http://127.0.0.1:10249/proxyMode
		if command -v curl >/dev/null 2>&1 || ! command -v wget >/dev/null 2>&1; then
			capture "$n/proxy-mode.txt" "curl -sSf -m 2 $url" curl -sSf -m 2 "$url"
		else
			capture "$n/proxy-mode.txt" "wget -q -T 2 -O - $url" wget -q -T 2 -O - "$url"
		fi
	)
	capture "$n/ss-listen.txt" "ss -Hlntu" ss -Hlntu
	capture "$n/ipvsadm.txt" "ipvsadm -Ln" ipvsadm -Ln
	capture "$n/ipvsadm-stats.txt" "ipvsadm -Ln --stats" ipvsadm -Ln --stats
	capture "$n/ipvsadm-save.txt" "ipvsadm -Sn" ipvsadm -Sn
	capture "$n/ipvsadm-conn.txt" "ipvsadm -Lnc" ipvsadm -Lnc
	capture "$n/iptables-save.txt" "iptables-save" iptables-save
	capture "$n/ipset.txt" "ipset list" ipset list
	capture "$n/conntrack-stats.txt" "conntrack -S" conntrack -S
	capture "$n/conntrack.txt" "conntrack -L -o extended" conntrack -L -o extended
}

# kcapture REL LABEL ARGS...: capture of kubectl ARGS, with the connection
# options given to the script.
kcapture() {
	k_rel=$1 k_label=$2
	shift 2
	set -- --request-timeout="${limit}s" "$@"
	[ -z "$context" ] || set -- --context "$context" "$@"
	[ -z "$kubeconfig" ] || set -- --kubeconfig "$kubeconfig" "$@"
	capture "$k_rel" "$k_label" kubectl "$@"
}

# Pods reduced to the fields the format lists, as a YAML List: kubectl
# evaluates the template over the full objects and prints only this, so
# container specs, env and volumes never leave the API server's answer.
# Names, labels and IPs are quoted with %q (a valid YAML double-quoted scalar).
# shellcheck disable=SC2016 # a Go template, not shell expansions
pods_template='apiVersion: v1
kind: List
items:
{{- range .items}}
- apiVersion: v1
  kind: Pod
  metadata:
{{- with .metadata.name}}
    name: {{printf "%q" .}}
{{- end}}
{{- with .metadata.namespace}}
    namespace: {{printf "%q" .}}
{{- end}}
{{- with .metadata.labels}}
    labels:
{{- range $k, $v := .}}
      {{printf "%q" $k}}: {{printf "%q" $v}}
{{- end}}
{{- end}}
{{- with .metadata.ownerReferences}}
    ownerReferences:
{{- range .}}
    - apiVersion: {{printf "%q" .apiVersion}}
      kind: {{printf "%q" .kind}}
      name: {{printf "%q" .name}}
      uid: {{printf "%q" .uid}}
{{- if .controller}}
      controller: true
{{- end}}
{{- end}}
{{- end}}
  spec:
{{- with .spec.nodeName}}
    nodeName: {{printf "%q" .}}
{{- end}}
{{- if .spec.hostNetwork}}
    hostNetwork: true
{{- end}}
  status:
{{- with .status.phase}}
    phase: {{printf "%q" .}}
{{- end}}
{{- with .status.podIP}}
    podIP: {{printf "%q" .}}
{{- end}}
{{- with .status.podIPs}}
    podIPs:
{{- range .}}
    - ip: {{printf "%q" .ip}}
{{- end}}
{{- end}}
{{- with .status.hostIP}}
    hostIP: {{printf "%q" .}}
{{- end}}
{{- end}}
'

# The cluster objects, when kubectl reaches the API server.
collect_cluster() {
	if [ "$no_cluster" = 1 ]; then
		progress "cluster objects skipped (--no-cluster)"
		return
	fi
	kcapture cluster/version.json "kubectl version -o json" version -o json
	if [ "$c_rc" != 0 ]; then
		progress "kubectl cannot reach the API server: cluster objects skipped (see --kubeconfig, --context, --no-cluster)"
		return
	fi
	kcapture cluster/services.yaml "kubectl get services -A -o yaml" get services -A -o yaml
	kcapture cluster/endpointslices.yaml "kubectl get endpointslices -A -o yaml" get endpointslices -A -o yaml
	kcapture cluster/endpoints.yaml "kubectl get endpoints -A -o yaml" get endpoints -A -o yaml
	kcapture cluster/nodes.yaml "kubectl get nodes -o yaml" get nodes -o yaml
	kcapture cluster/pods.yaml "kubectl get pods -A -o go-template=<reduced pods>" get pods -A -o go-template="$pods_template"
	kcapture cluster/kube-proxy-config.yaml "kubectl -n kube-system get configmap kube-proxy -o yaml" -n kube-system get configmap kube-proxy -o yaml
}


if [ "$no_node" = 1 ]; then
	progress "collecting the cluster objects into $top (time limit ${limit}s per command)"
else
	progress "collecting node $node into $top (time limit ${limit}s per command)"
	collect_node
fi
collect_cluster

# manifest.json, written by hand: this script cannot count on any JSON tool.
{
	printf '{\n  "format": "%s",\n' "$bundle_format"
	printf '  "collector": {"name": "ipvslint-collect", "version": "%s"},\n' "$collector_version"
	printf '  "createdAt": "%s",\n' "$created"
	[ -z "$node" ] || printf '  "node": %s,\n' "$(json_str "$node")"
	printf '  "redacted": false,\n  "files": [\n'
	awk 'NR > 1 { printf ",\n" } { printf "    %s", $0 } END { if (NR) printf "\n" }' "$entries"
	printf '  ]\n}\n'
} >"$stage/manifest.json" || die "cannot write manifest.json"

# The tar lists manifest.json first, then the cluster files, then the node's
# files, each in the order they were captured (the layout's order): readers
# stream it and need the addresses before conntrack.
set -- "$top/manifest.json"
for prefix in cluster/ nodes/; do
	while read -r rel; do
		case $rel in "$prefix"*) set -- "$@" "$top/$rel" ;; esac
	done <"$work/written"
done
(cd "$work" && tar -cf "$work/bundle.tar" "$@") || die "tar failed"

ext=tar.gz
if command -v gzip >/dev/null 2>&1; then
	compress() { gzip -c <"$work/bundle.tar"; }
else
	progress "gzip not found: writing an uncompressed tar"
	ext=tar
	compress() { cat "$work/bundle.tar"; }
fi

if [ "$to_stdout" = 1 ]; then
	compress || die "cannot write the bundle to stdout"
	progress "wrote $top.$ext to stdout"
	exit 0
fi
final=$out_dir/$top.$ext
partial=$out_dir/.$top.$ext.partial
compress >"$partial" || die "cannot write $partial"
mv -f "$partial" "$final" || die "cannot rename $partial to $final"
partial=
printf '%s (%d bytes)\n' "$final" "$(($(wc -c <"$final")))"
