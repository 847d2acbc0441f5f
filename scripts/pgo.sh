#!/usr/bin/env bash
# pgo.sh writes cmd/ipvslint/default.pgo, the CPU profile that go build
# uses to optimize ipvslint (profile-guided optimization): profiles of
# analyze on the large generated bundles of scripts/bench.sh, taken with a
# binary built without a profile, merged into one.
#
# Usage: scripts/pgo.sh
# Environment: WORK (temporary directory to reuse: the bundles of
# scripts/bench.sh there are used as they are), RUNS (default 3: profiles
# of the 1,000,000-flow bundle; the 20-node bundle gets one fewer).
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${RUNS:-3}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work/pgo"
rm -f "$work"/pgo/*.pprof

go build -pgo=off -o "$work/ipvslint-nopgo" ./cmd/ipvslint
go build -o "$work/genbundle" ./cmd/genbundle
# shellcheck source=scripts/bundles.sh
. scripts/bundles.sh
big=$(bench_bundle "$work" 5 1000000)
nodes=$(bench_bundle "$work" 20 100000)

# profile NAME BUNDLE profiles one analyze of BUNDLE into $work/pgo/NAME.pprof.
profile() {
	"$work/ipvslint-nopgo" analyze --cpu-profile "$work/pgo/$1.pprof" --format json --fail-on never -o /dev/null "$2"
}

for ((i = 0; i < runs; i++)); do
	profile "big-$i" "$big"
done
for ((i = 1; i < runs; i++)); do
	profile "nodes-$i" "$nodes"
done
profile healthy bundles/healthy

profiles=("$work"/pgo/*.pprof)
go tool pprof -proto "${profiles[@]}" >"$work/pgo/merged"
mv "$work/pgo/merged" cmd/ipvslint/default.pgo
echo "wrote cmd/ipvslint/default.pgo ($(wc -c <cmd/ipvslint/default.pgo) bytes) from ${#profiles[@]} profiles" >&2
