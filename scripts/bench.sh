#!/usr/bin/env bash
# bench.sh measures ipvslint analyze on a large generated bundle against the
# performance targets of docs/performance.md and prints a table of ratios.
#
# Usage: scripts/bench.sh [BIG_BUNDLE [SMALL_BUNDLE]]
#   BIG_BUNDLE    a bundle to measure (default: generated, 5 nodes, 10,000
#                 Services, 1,000,000 conntrack flows on one node)
#   SMALL_BUNDLE  the same with 100,000 flows, for the RSS growth check
# Environment: RUNS (default 5), WORK (temporary directory to reuse), NODES
# (default 20: also measure a bundle of that many nodes with 100,000 flows,
# and print what each node beyond five adds; 0 leaves it out).
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${RUNS:-5}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"

# Every measure writes to /dev/null: when it is not the device (a tool
# that renamed a file over it), gzip -dc writes the whole capture to a file
# in memory and every ratio is wrong.
if [[ ! -c /dev/null ]]; then
	echo "bench.sh: /dev/null is not a character device; restore it first (rm /dev/null; mknod -m 666 /dev/null c 1 3)" >&2
	exit 1
fi

if [[ ! -x /usr/bin/time ]]; then
	apt-get install -y time >/dev/null
fi

go build -o "$work/ipvslint" ./cmd/ipvslint
go build -o "$work/genbundle" ./cmd/genbundle
# shellcheck source=scripts/bundles.sh
. scripts/bundles.sh
big=${1:-$(bench_bundle "$work" 5 1000000)}
small=${2:-$(bench_bundle "$work" 5 100000)}

# calc prints the value of an arithmetic expression.
calc() { awk "BEGIN {print $*}"; }

# median prints the median of its arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# wall runs a command and prints its wall time in seconds.
wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null
	t1=$(date +%s.%N)
	calc "$t1 - $t0"
}

# phases are the phases --timings prints, in order.
phases=(compile read input evaluate report)

# analyze BUNDLE [paired] runs analyze $runs times and sets med_wall,
# med_rss (KB), and med_phase[NAME] (seconds, from --timings) for each of
# $phases. With "paired" it also times gzip -dc BUNDLE right before each run
# and sets med_gz and med_ratio, the median of the runs' ratios: the
# machine's load moves both members of a pair alike.
declare -A med_phase
analyze() {
	local walls=() rsss=() gzs=() ratios=() i p g
	declare -A times
	for ((i = 0; i < runs; i++)); do
		if [[ ${2:-} == paired ]]; then
			g=$(wall gzip -dc "$1")
			gzs+=("$g")
		fi
		/usr/bin/time -f '%e %M' -o "$work/time" "$work/ipvslint" analyze --timings --format json --fail-on never -o /dev/null "$1" 2>"$work/timings"
		read -r w r <"$work/time"
		walls+=("$w")
		rsss+=("$r")
		if [[ ${2:-} == paired ]]; then
			ratios+=("$(calc "$w / $g")")
		fi
		for p in "${phases[@]}"; do
			times[$p]+=" $(awk -v p="$p" '$1 == "timing" && $2 == p {sub("s$", "", $3); print $3}' "$work/timings")"
		done
	done
	med_wall=$(median "${walls[@]}")
	med_rss=$(median "${rsss[@]}")
	if [[ ${2:-} == paired ]]; then
		med_gz=$(median "${gzs[@]}")
		med_ratio=$(median "${ratios[@]}")
	fi
	for p in "${phases[@]}"; do
		# shellcheck disable=SC2086 # the times are words
		med_phase[$p]=$(median ${times[$p]})
	done
}


nodes=${NODES:-20}
if ((nodes > 5)); then
	many=$(bench_bundle "$work" "$nodes" 100000)
	analyze "$many"
	many_wall=$med_wall many_rss=$med_rss
fi
analyze "$small"
small_wall=$med_wall small_rss=$med_rss
analyze "$big" paired

healthy=()
for ((i = 0; i < runs; i++)); do healthy+=("$(wall "$work/ipvslint" analyze --fail-on never bundles/healthy)"); done
med_healthy=$(median "${healthy[@]}")

verdict() { if awk "BEGIN {exit !($1)}"; then echo PASS; else echo MISS; fi; }
ratio=$med_ratio
rss_mb=$(calc "$med_rss / 1024")
small_mb=$(calc "$small_rss / 1024")
growth=$(calc "$med_rss / $small_rss")
share=$(calc "100 * ${med_phase[evaluate]} / $med_wall")
healthy_ms=$(calc "1000 * $med_healthy")

echo "machine: $(nproc) cores, $(uname -m), $(go version | cut -d' ' -f3); median of $runs runs; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bundle:  $big ($(du -h "$big" | cut -f1))"
printf '%-44s %12s %12s  %s\n' measure value target result
printf '%-44s %11.2fs %12s\n' "gzip -dc BUNDLE > /dev/null" "$med_gz" ""
printf '%-44s %11.2fs %12s\n' "ipvslint analyze BUNDLE" "$med_wall" ""
printf '%-44s %11.2fs %12s\n' "  of which reading (--timings read)" "${med_phase[read]}" ""
printf '%-44s %11.2fx %12s  %s\n' "analyze / gzip -dc" "$ratio" "<= 2x" "$(verdict "$ratio <= 2")"
printf '%-44s %10.0fMB %12s  %s\n' "peak RSS, 1,000,000 flows" "$rss_mb" "< 300 MB" "$(verdict "$rss_mb < 300")"
printf '%-44s %10.0fMB %12s\n' "peak RSS, 100,000 flows" "$small_mb" ""
printf '%-44s %11.2fx %12s  %s\n' "RSS 1M flows / RSS 100k flows" "$growth" "<= 1.1x" "$(verdict "$growth <= 1.1")"
printf '%-44s %11.1f%% %12s  %s\n' "Rego evaluation share of analyze" "$share" "< 25 %" "$(verdict "$share < 25")"
printf '%-44s %10.0fms %12s  %s\n' "ipvslint analyze bundles/healthy" "$healthy_ms" "< 150 ms" "$(verdict "$healthy_ms < 150")"
if ((nodes > 5)); then
	printf '%-44s %11.2fs %12s\n' "wall time each node adds (5 -> $nodes nodes)" "$(calc "($many_wall - $small_wall) / ($nodes - 5)")" ""
	printf '%-44s %10.1fMB %12s\n' "peak RSS each node adds (5 -> $nodes nodes)" "$(calc "($many_rss - $small_rss) / 1024 / ($nodes - 5)")" ""
	printf '%-44s %10.0fMB %12s\n' "peak RSS, $nodes nodes, 100,000 flows" "$(calc "$many_rss / 1024")" ""
fi
echo
echo "phases of analyze BUNDLE (--timings, medians; compile runs beside read; the rest is start-up and exit)"
for p in "${phases[@]}"; do
	printf '  %-10s %8.2fs %6.1f%%\n' "$p" "${med_phase[$p]}" "$(calc "100 * ${med_phase[$p]} / $med_wall")"
done
