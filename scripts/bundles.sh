# shellcheck shell=bash
# bundles.sh is sourced by scripts/bench.sh and scripts/pgo.sh: the
# generated benchmark bundles they share in a WORK directory.

# bench_bundle WORK NODES FLOWS prints the path of the bundle of NODES
# nodes, 10,000 Services and FLOWS conntrack flows on one node in WORK
# (big-1m.tar.gz, big-100k.tar.gz, big-100k-20-nodes.tar.gz...), made
# first by WORK/genbundle when it is not there.
bench_bundle() {
	local name path
	case $3 in
	1000000) name=big-1m ;;
	100000) name=big-100k ;;
	*) name=big-$3 ;;
	esac
	(($2 == 5)) || name+="-$2-nodes"
	path=$1/$name.tar.gz
	[[ -e $path ]] || "$1/genbundle" -nodes "$2" -services 10000 -flows "$3" -o "$path" >&2
	echo "$path"
}
