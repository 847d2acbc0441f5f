#!/bin/sh
# ipvslint-collect-cluster: run the node collector (collect.sh) on every node
# of a Kubernetes cluster through `kubectl debug node/...`, capture the
# cluster objects once, and write one bundle (format v1) of all the nodes for
# `ipvslint inspect` and `ipvslint analyze`.
#
# POSIX sh: runs under dash, busybox ash and bash, on the workstation where
# kubectl works; `--help` tells the options. A node that fails or hangs is
# recorded in manifest.json with its error and the others are kept; the debug
# pods are deleted as soon as their node is done, and on every exit,
# Ctrl-C included.

collector_version=0.1.0
bundle_format=ipvslint.bundle/v1

usage() {
	cat <<'EOF'
Usage: collect-cluster.sh [OPTIONS]

Run the ipvslint node collector on every Linux node of the cluster through
`kubectl debug node/NODE --profile=sysadmin` (a privileged pod on the node's
network, with the node's filesystem under /host), capture the cluster objects
once, and write everything into one ipvslint-cluster-<UTC time>.tar.gz for
`ipvslint inspect` / `ipvslint analyze`. Nothing is changed on the nodes; the
debug pods are deleted when their node is done, and on exit or Ctrl-C.

Which nodes (default: every node but Windows nodes):
  --nodes A,B         these nodes
  -l, --selector SEL  the nodes matching a label selector (kubectl get -l)
  --dry-run           list the nodes and the debug command, run nothing

How:
  --parallel N        nodes collected at the same time (default: 4)
  --timeout SEC       time limit of each node, debug pod start included
                      (default: 300); a node cut off is recorded as failed
  --command-timeout SEC  time limit of each command on a node, and of each
                      kubectl request (default: 20)
  --image IMAGE       image of the debug pods (default: busybox:1.36); use a
                      mirror of it where nodes cannot pull from Docker Hub
  --tools WHICH       auto, host or image (default: auto): run the node's own
                      tools (chroot /host) or the image's; auto takes the
                      host's when it has ipvsadm and conntrack, else the
                      image's when it has them, else the host's
  --profile NAME      kubectl debug profile (default: sysadmin, kubectl 1.30
                      or newer: a privileged pod; netadmin gives the NET_ADMIN
                      that ipvsadm and conntrack need, where kubectl has it)
  -n, --namespace NS  namespace of the debug pods (default: the context's);
                      Pod Security must allow privileged pods there
  --kubeconfig FILE   kubeconfig for kubectl (default: kubectl's own choice)
  --context NAME      kubeconfig context for kubectl

Output:
  -o, --output FILE   write the tarball to FILE, or into FILE when it is a
                      directory (default: ./ipvslint-cluster-<UTC time>.tar.gz);
                      it is written to a temporary file there, then renamed
  --stdout            write the tarball to stdout instead
  --version           print the collector version
  -h, --help          print this help

Progress goes to stderr, one line per node step. The tarball holds
cluster/ once and nodes/<node>/ per node; manifest.json lists every file with
its command, exit code, size and sha256, and every node with how it went: its
tools (host or image), its debug pod, its exit code and, when it failed, the
error and the end of kubectl's stderr.

Exit codes: 0 every node collected; 1 the bundle could not be written;
2 bad options, no kubectl, or no node to collect; 3 the bundle was written but
some nodes failed (listed on stderr and in manifest.json); 130 interrupted.

Examples:
  ipvslint collect-script --cluster > collect-cluster.sh
  sh collect-cluster.sh
  sh collect-cluster.sh --context prod -l node-role.kubernetes.io/worker= --parallel 8
  sh collect-cluster.sh --nodes node-a,node-b --output /tmp/ticket-1234.tar.gz
  sh collect-cluster.sh --dry-run
EOF
}

# Stable, English tool output; private temporary files.
LC_ALL=C
export LC_ALL
umask 077

progress() {
	printf 'ipvslint-collect-cluster: %s\n' "$*" >&2
}

die() {
	progress "$1"
	exit "${2:-1}"
}

# Options.
nodes=
selector=
dry_run=0
parallel=4
node_limit=300
limit=20
image=busybox:1.36
tools=auto
profile=sysadmin
namespace=
kubeconfig=
context=
output=
to_stdout=0

need_arg() {
	[ "$2" -gt 1 ] || die "$1 needs a value (see --help)" 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--nodes=*) nodes=${1#*=} ;;
	--selector=*) selector=${1#*=} ;;
	--parallel=*) parallel=${1#*=} ;;
	--timeout=*) node_limit=${1#*=} ;;
	--command-timeout=*) limit=${1#*=} ;;
	--image=*) image=${1#*=} ;;
	--tools=*) tools=${1#*=} ;;
	--profile=*) profile=${1#*=} ;;
	--namespace=*) namespace=${1#*=} ;;
	--kubeconfig=*) kubeconfig=${1#*=} ;;
	--context=*) context=${1#*=} ;;
	--output=*) output=${1#*=} ;;
	--nodes) need_arg "$1" $# && nodes=$2 && shift ;;
	-l | --selector) need_arg "$1" $# && selector=$2 && shift ;;
	--parallel) need_arg "$1" $# && parallel=$2 && shift ;;
	--timeout) need_arg "$1" $# && node_limit=$2 && shift ;;
	--command-timeout) need_arg "$1" $# && limit=$2 && shift ;;
	--image) need_arg "$1" $# && image=$2 && shift ;;
	--tools) need_arg "$1" $# && tools=$2 && shift ;;
	--profile) need_arg "$1" $# && profile=$2 && shift ;;
	-n | --namespace) need_arg "$1" $# && namespace=$2 && shift ;;
	--kubeconfig) need_arg "$1" $# && kubeconfig=$2 && shift ;;
	--context) need_arg "$1" $# && context=$2 && shift ;;
	-o | --output) need_arg "$1" $# && output=$2 && shift ;;
	--stdout) to_stdout=1 ;;
	--dry-run) dry_run=1 ;;
	--version)
		echo "ipvslint-collect-cluster $collector_version"
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

# positive NAME VALUE: refuses VALUE unless it is a positive integer.
positive() {
	case $2 in
	'' | *[!0-9]* | 0*) die "$1: not a positive number: $2" 2 ;;
	esac
}
positive --parallel "$parallel"
positive --timeout "$node_limit"
positive --command-timeout "$limit"
case $tools in
auto | host | image) ;;
*) die "--tools: not auto, host or image: $tools" 2 ;;
esac
# What ends up in a command line of the debug pod or in manifest.json is
# checked here, so that it needs no quoting anywhere.
case $image in
'' | -* | *[!A-Za-z0-9._/:@-]*) die "--image: not an image reference: $image" 2 ;;
esac
case $profile in
'' | *[!a-z]*) die "--profile: not a kubectl debug profile: $profile" 2 ;;
esac
case $namespace in
-* | *[!a-z0-9-]*) die "--namespace: not a namespace name: $namespace" 2 ;;
esac
[ -z "$nodes" ] || [ -z "$selector" ] || die "--nodes and --selector exclude each other" 2
[ -z "$kubeconfig" ] || [ -r "$kubeconfig" ] || die "--kubeconfig: cannot read $kubeconfig" 2
if [ "$to_stdout" = 1 ]; then
	[ -z "$output" ] || die "--output and --stdout exclude each other" 2
	[ "$dry_run" = 1 ] || [ ! -t 1 ] || die "--stdout: refusing to write a tarball to a terminal; redirect it to a file" 2
fi
command -v kubectl >/dev/null 2>&1 ||
	die "kubectl not found in PATH: this script runs kubectl debug on every node (without kubectl, run collect.sh on each node: ipvslint collect-script)" 2
for tool in awk gzip tar; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found in PATH" 2
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
top=ipvslint-cluster-$stamp
if [ "$to_stdout" = 0 ]; then
	if [ -z "$output" ]; then
		output=./$top.tar.gz
	elif [ -d "$output" ]; then
		output=${output%/}/$top.tar.gz
	fi
	out_dir=$(dirname -- "$output")
	[ -d "$out_dir" ] || die "--output: not a directory: $out_dir" 2
	[ -w "$out_dir" ] || die "--output: not writable: $out_dir" 2
fi

# kube ARGS...: kubectl ARGS with the connection options given to the script.
kube() {
	[ -z "$context" ] || set -- --context "$context" "$@"
	[ -z "$kubeconfig" ] || set -- --kubeconfig "$kubeconfig" "$@"
	kubectl "$@"
}

# Work directory, removed on every exit once the debug pods left are deleted.
work=$(mktemp -d "${TMPDIR:-/tmp}/ipvslint-collect-cluster.XXXXXX" 2>/dev/null) || {
	work=${TMPDIR:-/tmp}/ipvslint-collect-cluster.$$
	mkdir "$work" || die "cannot create a work directory in ${TMPDIR:-/tmp}"
}
work=$(cd "$work" && pwd) || die "cannot enter $work"
partial=
reaper=
workers=
cluster_job=

# pod_of NODE: the name of NODE's debug pod, from the line kubectl debug
# prints on stdout before it creates the pod (stderr in case a kubectl
# version moves it there); nothing when there is none.
pod_of() {
	sed -n 's/^Creating debugging pod \([a-z0-9.-]*\) with container .*/\1/p' \
		"$work/n/$1/out" "$work/n/$1/err" 2>/dev/null | head -n 1
}

# delete_pods NODE...: deletes the debug pods of the NODEs not yet deleted,
# in one kubectl call.
delete_pods() {
	# shellcheck disable=SC2046 # pod names: no spaces, no glob characters
	set -- $(for d_node; do
		[ ! -f "$work/n/$d_node/deleted" ] || continue
		pod_of "$d_node"
		: >"$work/n/$d_node/deleted"
	done)
	[ $# -gt 0 ] || return 0
	set -- delete pod "$@" --ignore-not-found --wait=false --request-timeout="${limit}s"
	[ -z "$namespace" ] || set -- "$@" -n "$namespace"
	if kube "$@" >/dev/null 2>"$work/delete.err"; then
		return 0
	fi
	progress "could not delete debug pod(s): $* ($(tail -n 1 "$work/delete.err")); delete them with kubectl"
	return 1
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -z "$reaper" ] || kill "$reaper" 2>/dev/null
	if [ -d "$work/n" ]; then
		# shellcheck disable=SC2046 # node names: no spaces, no glob characters
		delete_pods $(ls "$work/n")
	fi
	rm -rf "$work"
	[ -z "$partial" ] || rm -f "$partial"
}

# interrupted CODE: stops the node collectors and the cluster capture, then
# exits with CODE (the EXIT trap deletes the debug pods).
# shellcheck disable=SC2317 # run by the INT, TERM and HUP traps
interrupted() {
	trap '' INT TERM HUP
	progress "interrupted: stopping, then deleting the debug pods"
	for i_pid in $workers $cluster_job; do
		kill -TERM "$i_pid" 2>/dev/null
	done
	for i_run in "$work"/run/*; do
		[ -f "$i_run" ] && read -r i_pid _ <"$i_run" && kill -TERM "$i_pid" 2>/dev/null
	done
	for i_pid in $workers; do
		wait "$i_pid"
	done
	exit "$1"
}
trap cleanup EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM
trap 'interrupted 129' HUP

# node_collector prints collect.sh, the node collector. `ipvslint
# collect-script --cluster` prints this script with collect.sh inside this
# function; run from a clone, it reads collect.sh beside this script.
node_collector() {
	# collect.sh:begin
	cat "$(dirname -- "$0")/collect.sh"
	# collect.sh:end
}
node_collector >"$work/collect.sh" 2>/dev/null
case $(head -n 1 "$work/collect.sh") in
'#!/bin/sh') ;;
*) die "collect.sh not found beside this script: get both in one with ipvslint collect-script --cluster" 2 ;;
esac

# The nodes: as given, or listed by kubectl (Windows nodes have no IPVS).
if [ -n "$nodes" ]; then
	printf '%s\n' "$nodes" | tr ',' '\n' >"$work/nodes"
else
	set -- get nodes -o name --request-timeout="${limit}s" -l "kubernetes.io/os!=windows${selector:+,$selector}"
	kube "$@" >"$work/nodes.out" 2>"$work/nodes.err" ||
		die "cannot list the nodes: kubectl $*: $(tail -n 1 "$work/nodes.err")" 2
	sed 's|^nodes*/||' "$work/nodes.out" >"$work/nodes"
fi
nodes=$(awk 'NF && !seen[$0]++' "$work/nodes")
count=0
for node in $nodes; do
	# A node name is a DNS subdomain; it becomes a folder name.
	case $node in
	.* | *[!a-z0-9.-]*) die "not a Kubernetes node name: $node" 2 ;;
	esac
	count=$((count + 1))
done
[ "$count" -gt 0 ] || die "no node to collect${selector:+ matches $selector}" 2
[ "$parallel" -le "$count" ] || parallel=$count

collector=$(cat "$work/collect.sh")

# debug_args NODE: the kubectl arguments that start NODE's debug pod, before
# its command (no spaces or glob characters: the values were checked).
debug_args() {
	printf 'debug node/%s --profile=%s --image=%s -i' "$1" "$profile" "$image"
	[ -z "$namespace" ] || printf ' -n %s' "$namespace"
}

# collector_args NODE: collect.sh's arguments on NODE.
collector_args() {
	printf -- '--node %s --no-cluster --stdout --timeout %s' "$1" "$limit"
}

# prologue is what the debug pod runs first, in the image: it waits for the
# line kubectl sends once attached (what a pod prints before that is lost),
# picks the tools (the host's through chroot /host, or the image's), says
# which on stderr, and runs collect.sh ($2) with the remaining arguments.
# The pod's stdin never ends: nothing after the line is read from it.
# shellcheck disable=SC2016 # expanded in the debug pod
prologue='tools=$1 collector=$2
shift 2
IFS= read -r _ || :
exec </dev/null
PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
has_ipvs() { "$@" sh -c "command -v ipvsadm && command -v conntrack" >/dev/null 2>&1; }
if [ "$tools" = auto ]; then
	if has_ipvs chroot /host; then
		tools=host
	elif has_ipvs; then
		tools=image
	elif chroot /host true >/dev/null 2>&1; then
		tools=host
	else
		tools=image
	fi
fi
echo "ipvslint-collect: tools: $tools" >&2
if [ "$tools" = host ]; then
	exec chroot /host sh -c "$collector" collect.sh "$@"
fi
exec sh -c "$collector" collect.sh "$@"'

if [ "$dry_run" = 1 ]; then
	first=${nodes%%[!a-z0-9.-]*}
	progress "would collect $count node(s), $parallel at a time, ${node_limit}s each at most, with $tools tools"
	progress "would run for $first: kubectl $(debug_args "$first") -- sh -c <prologue> ipvslint-collect $tools <collect.sh> $(collector_args "$first")"
	progress "would write ${output:-the tarball to stdout}"
	printf '%s\n' "$nodes"
	exit 0
fi

# json_text FILE: FILE as a JSON string; bytes other than printable ASCII
# and newlines become "?" (it holds kubectl's messages, which are ASCII).
json_text() {
	printf '"'
	tr -c '\n -~' '?' <"$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | awk '{ printf "%s%s", s, $0; s = "\\n" }'
	printf '"'
}

# unpack FILE DIR WANT: extracts the bundle FILE (a tar, gzipped or not, as
# collect.sh writes it) into DIR, after checking that it holds one top folder
# named ipvslint-*, with manifest.json and files under WANT/ (nodes/<node> or
# cluster) only, each once. DIR/list gets its files' paths below the top
# folder, in order; $unpacked the top folder.
unpack() {
	mkdir -p "$2/x" || return 1
	if ! gzip -dc <"$1" >"$2/bundle.tar" 2>/dev/null; then
		cp "$1" "$2/bundle.tar" || return 1
	fi
	tar -tf "$2/bundle.tar" >"$2/names" 2>/dev/null || return 1
	awk -v want="$3/" -v list="$2/list" '
	NR == 1 { top = $0; sub(/\/.*/, "", top); if (top !~ /^ipvslint-[a-z0-9.-]+-[0-9]+T[0-9]+Z$/) bad = 1 }
	{
		if (index($0, top "/") != 1) { bad = 1; next }
		rel = substr($0, length(top) + 2)
		if (rel == "" || rel == "nodes/" || rel == want) next
		file = substr(rel, length(want) + 1)
		if (rel != "manifest.json" && (index(rel, want) != 1 || file !~ /^[a-z0-9][a-z0-9.-]*$/)) bad = 1
		if (seen[rel]++) bad = 1
		print rel >list
	}
	END { if (!seen["manifest.json"]) bad = 1; print top; exit bad }' "$2/names" >"$2/top" || return 1
	unpacked=$(cat "$2/top")
	(cd "$2/x" && tar -xf "$2/bundle.tar") 2>/dev/null || return 1
	# Only regular files: a link could point anywhere.
	[ -z "$(find "$2/x" ! -type f ! -type d)" ]
}

# manifest_files MANIFEST NODE: the "files" entries of a manifest.json that
# collect.sh wrote (one JSON object a line), each with "node": NODE added
# when NODE is given. It fails on a line it does not expect.
manifest_files() {
	awk -v node="$2" '
	/^  "files": \[$/ { on = 1; next }
	on && /^  \]$/ { done = 1; exit }
	on {
		sub(/^ +/, ""); sub(/,$/, "")
		if ($0 !~ /^\{"(path|command)":.*\}$/) { bad = 1; exit }
		if (node != "") {
			if (index($0, "{\"path\":") == 1 && index($0, "{\"path\":\"nodes/" node "/") != 1) { bad = 1; exit }
			$0 = "{\"node\":\"" node "\"," substr($0, 2)
		}
		print
	}
	END { exit bad || !done }' "$1"
}

# collect_one NODE: runs the node collector on NODE in a debug pod under the
# per-node time limit, deletes the pod, and leaves in $work/n/NODE the
# node's entry of manifest.json (entry.json), its files' entries
# (files.jsonl), and its files (under $work/stage).
collect_one() {
	o_node=$1
	o_dir=$work/n/$o_node
	mkdir -p "$o_dir"
	o_label="kubectl $(debug_args "$o_node") -- <collect.sh $(collector_args "$o_node")>"
	# shellcheck disable=SC2046 # no spaces, no glob characters
	set -- $(debug_args "$o_node") -- sh -c "$prologue" ipvslint-collect "$tools" "$collector" $(collector_args "$o_node")
	[ -z "$context" ] || set -- --context "$context" "$@"
	[ -z "$kubeconfig" ] || set -- --kubeconfig "$kubeconfig" "$@"
	o_started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	o_t0=$(date +%s)
	progress "$o_node: starting its debug pod"
	kubectl "$@" <"$work/go" >"$o_dir/out" 2>"$o_dir/err" &
	w_pid=$!
	echo "$w_pid $((o_t0 + node_limit))" >"$work/run/$o_node"
	wait "$w_pid" 2>/dev/null # no "Terminated" from the shell when it is cut
	o_rc=$?
	w_pid=
	rm -f "$work/run/$o_node"
	[ ! -f "$work/cut/$o_node" ] || o_rc=124
	o_ms=$((($(date +%s) - o_t0) * 1000))
	o_pod=$(pod_of "$o_node")
	delete_pods "$o_node"

	# stdout is the pod's line, then the bundle.
	o_line=$(head -n 1 "$o_dir/out")
	case $o_line in
	'Creating debugging pod '*) tail -c +$((${#o_line} + 2)) "$o_dir/out" >"$o_dir/bundle" ;;
	*) mv "$o_dir/out" "$o_dir/bundle" ;;
	esac
	o_bytes=$(($(wc -c <"$o_dir/bundle")))
	o_tools=$(sed -n 's/^ipvslint-collect: tools: \([a-z]*\)$/\1/p' "$o_dir/err" | head -n 1)
	o_error=
	if [ "$o_rc" = 124 ]; then
		o_error="cut after ${node_limit}s (--timeout)"
	elif ! unpack "$o_dir/bundle" "$o_dir" "nodes/$o_node"; then
		o_error="kubectl debug printed no bundle"
		[ "$o_rc" = 0 ] || o_error="kubectl debug failed with exit code $o_rc"
		o_last=$(grep -v '^ipvslint-collect: ' "$o_dir/err" | tail -n 1)
		[ -z "$o_last" ] || o_error="$o_error: $o_last"
	elif ! manifest_files "$o_dir/x/$unpacked/manifest.json" "$o_node" >"$o_dir/files.jsonl"; then
		o_error="the node's manifest.json is not as collect.sh writes it"
	else
		mkdir -p "$work/stage/nodes" && mv "$o_dir/x/$unpacked/nodes/$o_node" "$work/stage/nodes/" ||
			o_error="cannot move the node's files"
	fi
	o_status=ok
	[ -z "$o_error" ] || o_status=failed
	{
		printf '{"name":"%s","status":"%s"' "$o_node" "$o_status"
		[ -z "$o_tools" ] || printf ',"tools":"%s"' "$o_tools"
		[ -z "$o_pod" ] || printf ',"pod":"%s"' "$o_pod"
		printf ',"command":"%s","exitCode":%d,"startedAt":"%s","durationMs":%d,"bytes":%d' \
			"$o_label" "$o_rc" "$o_started" "$o_ms" "$o_bytes"
		if [ -n "$o_error" ]; then
			printf '%s' "$o_error" >"$o_dir/error"
			tail -c 4096 "$o_dir/err" >"$o_dir/err.tail"
			printf ',"error":%s,"stderr":%s' "$(json_text "$o_dir/error")" "$(json_text "$o_dir/err.tail")"
		fi
		printf '}\n'
	} >"$o_dir/entry.json"

	: >"$work/done/$o_node"
	set -- "$work"/done/*
	o_done=$#
	o_secs=$((o_ms / 1000))
	if [ -n "$o_error" ]; then
		progress "[$o_done/$count] $o_node: FAILED after ${o_secs}s: $o_error"
	else
		o_failed=$(grep -c '"exitCode":[1-9]' "$o_dir/files.jsonl")
		progress "[$o_done/$count] $o_node: collected in ${o_secs}s with the $o_tools's tools, $o_bytes bytes ($o_failed command(s) failed)"
	fi
}

# worker: collects the nodes no other worker has claimed (mkdir is atomic).
worker() {
	w_pid=
	trap '[ -z "$w_pid" ] || { kill "$w_pid" 2>/dev/null; wait "$w_pid"; }; exit 143' TERM
	for w_node in $nodes; do
		mkdir "$work/claim/$w_node" 2>/dev/null || continue
		collect_one "$w_node"
	done
}

# reap: once a second, stops the kubectl of each node past its time limit
# (TERM, then KILL 5 s later). It takes its sleep along when it is stopped,
# and it ends by itself once the work folder is gone (a stop that arrives
# before its trap is set can be lost).
reap() {
	r_sleep=
	trap '[ -z "$r_sleep" ] || kill "$r_sleep" 2>/dev/null; exit 0' TERM
	while [ -d "$work/run" ]; do
		r_now=$(date +%s)
		for r_run in "$work"/run/*; do
			if [ ! -f "$r_run" ] || ! read -r r_pid r_deadline <"$r_run"; then
				continue
			fi
			[ "$r_now" -ge "$r_deadline" ] || continue
			r_cut=$work/cut/${r_run##*/}
			if [ ! -f "$r_cut" ]; then
				echo $((r_now + 5)) >"$r_cut"
				kill -TERM "$r_pid" 2>/dev/null
			elif [ "$r_now" -ge "$(cat "$r_cut")" ]; then
				kill -KILL "$r_pid" 2>/dev/null
			fi
		done
		sleep 1 &
		r_sleep=$!
		wait "$r_sleep"
		r_sleep=
	done
}

mkdir "$work/n" "$work/run" "$work/cut" "$work/claim" "$work/done" "$work/stage" "$work/c" ||
	die "cannot create folders in $work"
printf 'go\n' >"$work/go"
progress "collecting $count node(s), $parallel at a time, ${node_limit}s each at most (image $image, $tools tools)"

reap &
reaper=$!

# The cluster objects, once, by collect.sh itself (--no-node).
set -- --no-node --stdout --timeout "$limit"
[ -z "$context" ] || set -- "$@" --context "$context"
[ -z "$kubeconfig" ] || set -- "$@" --kubeconfig "$kubeconfig"
sh "$work/collect.sh" "$@" >"$work/c/out" 2>"$work/c/err" &
cluster_job=$!

i=0
while [ "$i" -lt "$parallel" ]; do
	worker &
	workers="$workers $!"
	i=$((i + 1))
done
for pid in $workers; do
	wait "$pid"
done
wait "$cluster_job"
cluster_rc=$?
cluster_job=

# The cluster objects' files and manifest entries.
: >"$work/c/files.jsonl"
: >"$work/c/list"
if [ "$cluster_rc" = 0 ] && unpack "$work/c/out" "$work/c" cluster &&
	manifest_files "$work/c/x/$unpacked/manifest.json" "" >"$work/c/files.jsonl" &&
	{ [ ! -d "$work/c/x/$unpacked/cluster" ] || mv "$work/c/x/$unpacked/cluster" "$work/stage/cluster"; }; then
	c_failed=$(grep -c '"exitCode":[1-9]' "$work/c/files.jsonl")
	progress "cluster objects: $(grep -c "^cluster/" "$work/c/list") file(s) ($c_failed kubectl command(s) failed)"
else
	: >"$work/c/files.jsonl"
	: >"$work/c/list"
	progress "cluster objects: not captured: $(tail -n 1 "$work/c/err")"
fi

# manifest.json: the cluster's, then every node's entries.
{
	printf '{\n  "format": "%s",\n' "$bundle_format"
	printf '  "collector": {"name": "ipvslint-collect-cluster", "version": "%s"},\n' "$collector_version"
	printf '  "createdAt": "%s",\n  "redacted": false,\n' "$created"
	printf '  "debug": {"image": "%s", "profile": "%s", "tools": "%s"' "$image" "$profile" "$tools"
	[ -z "$namespace" ] || printf ', "namespace": "%s"' "$namespace"
	printf '},\n  "nodes": [\n'
	for node in $nodes; do
		[ ! -f "$work/n/$node/entry.json" ] || cat "$work/n/$node/entry.json"
	done | awk 'NR > 1 { printf ",\n" } { printf "    %s", $0 } END { if (NR) printf "\n" }'
	printf '  ],\n  "files": [\n'
	{
		cat "$work/c/files.jsonl"
		for node in $nodes; do
			[ ! -f "$work/n/$node/files.jsonl" ] || cat "$work/n/$node/files.jsonl"
		done
	} | awk 'NR > 1 { printf ",\n" } { printf "    %s", $0 } END { if (NR) printf "\n" }'
	printf '  ]\n}\n'
} >"$work/stage/manifest.json" || die "cannot write manifest.json"

# The tar lists manifest.json first, then the cluster files, then each
# node's files, each in the order collect.sh wrote them (the layout's order):
# readers stream it and need the addresses before conntrack.
mv "$work/stage" "$work/$top" || die "cannot rename $work/stage"
set -- "$top/manifest.json"
while read -r rel; do
	case $rel in cluster/*) set -- "$@" "$top/$rel" ;; esac
done <"$work/c/list"
failed=
for node in $nodes; do
	if [ ! -f "$work/n/$node/entry.json" ] || grep -q '"status":"failed"' "$work/n/$node/entry.json"; then
		failed="$failed $node"
		continue
	fi
	while read -r rel; do
		case $rel in nodes/*) set -- "$@" "$top/$rel" ;; esac
	done <"$work/n/$node/list"
done
(cd "$work" && tar -cf "$work/bundle.tar" "$@") || die "tar failed"

code=0
if [ -n "$failed" ]; then
	code=3
	progress "collected $((count - $(echo "$failed" | wc -w))) of $count node(s); failed:$failed (their errors are in manifest.json)"
else
	progress "collected all $count node(s)"
fi
if [ "$to_stdout" = 1 ]; then
	gzip -c <"$work/bundle.tar" || die "cannot write the bundle to stdout"
	progress "wrote $top.tar.gz to stdout"
	exit "$code"
fi
partial=$out_dir/.${output##*/}.partial
gzip -c <"$work/bundle.tar" >"$partial" || die "cannot write $partial"
mv -f "$partial" "$output" || die "cannot rename $partial to $output"
partial=
printf '%s (%d bytes)\n' "$output" "$(($(wc -c <"$output")))"
exit "$code"
