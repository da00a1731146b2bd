#!/usr/bin/env bash
# bench/run.sh [part...] runs make bench's benchmarks (all parts, or those
# named) and writes their output to a dated result file under bench/,
# headed by the commit, the CPU model, the Go version and the load average
# before and after; then bench/report regenerates BENCHMARKS.md's tables of
# the benchmarks the file holds. Parts: store journal pull pack
# kiosk-unlock kiosk-search reconcile reconcile-hub reconcile-slow hub.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
commit=$(git rev-parse --short HEAD)
# Changes to the code measured mark the commit; those of the results and
# of BENCHMARKS.md, which the report writes, do not.
if [ -n "$(git status --porcelain --untracked-files=no -- . ':!BENCHMARKS.md' ':!bench/*.txt')" ]; then
	commit="$commit+changes"
fi
out="bench/$(date -u +%Y-%m-%dT%H%M%SZ)-$commit.txt"
{
	echo "# commit: $commit"
	echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "# cores: $(nproc)"
	echo "# go: $($GO env GOVERSION)"
	echo "# load-before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out"
bench() { $GO test -tags ci -run '^$' "$@" 2>&1 | tee -a "$out"; }
for part in ${@:-store journal pull pack kiosk-unlock kiosk-search reconcile reconcile-hub reconcile-slow hub}; do
	echo "# part: $part" >>"$out"
	case $part in
	store) bench -bench 'Build|Seal|Open|Decrypt' -benchtime 5x -count 5 -timeout 60m ./store/ ;;
	journal) bench -bench Journal -benchtime 200x -count 5 ./store/ ;;
	pull) bench -bench Pull -benchtime 3x -count 3 -timeout 60m ./sync/live/ ;;
	pack) bench -bench WardPack -benchtime 5x -count 5 ./app/pack/ ;;
	kiosk-unlock) bench -bench UIUnlock -benchtime 5x -count 5 -timeout 60m ./app/kiosk/ ;;
	kiosk-search) bench -bench UISearch -benchtime 520x -count 5 -timeout 60m ./app/kiosk/ ;;
	reconcile) bench -bench 'Reconcile$' -benchtime 1x -count 1 -timeout 150m ./sync/reconcile/ ;;
	reconcile-hub) bench -bench 'ReconcileHub$' -benchtime 1x -count 1 -timeout 150m ./sync/reconcile/ ;;
	reconcile-slow) bench -bench ReconcileSlowServer -benchtime 1x -count 1 -timeout 60m ./sync/reconcile/ ;;
	hub) bench -bench '^BenchmarkHub$' -benchtime 1x -count 1 -timeout 60m ./sync/hub/ ;;
	*)
		echo "bench/run.sh: no part $part" >&2
		exit 2
		;;
	esac
done
echo "# load-after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out"
$GO run ./bench/report "$out"
echo "$out"
