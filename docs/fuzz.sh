#!/usr/bin/env bash
# Runs every native Go fuzz target of the module, one after the other (Go
# fuzzes one target per invocation), each for FUZZTIME, and ends with a
# table: the target, how long it ran, its executions and how many new
# inputs it added to its corpus. Exits non-zero when a target fails; the
# failing input is then in the package's testdata/fuzz/<target>/, to be
# committed with the fix as a regular test case (see FUZZING.md).
#
#   FUZZTIME=5m docs/fuzz.sh            # make fuzz
#   FUZZTIME=3s docs/fuzz.sh            # make fuzz-smoke (make test)
#   FUZZTIME=60s docs/fuzz.sh store     # only the targets of ./store
#
# FUZZMINIMIZE bounds how long a worker minimizes a new input (Go's default,
# 60 s, stalls short runs); FUZZPARALLEL is the number of workers (default:
# GOMAXPROCS); FUZZTIMEOUT is go test's -timeout for one target (default 0,
# none: Go's 10 minutes would end a longer FUZZTIME). Targets are found by their declaration, func FuzzXxx(f
# *testing.F), so a new target is run without changing this script.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-5m}
FUZZMINIMIZE=${FUZZMINIMIZE:-5s}
FUZZTIMEOUT=${FUZZTIMEOUT:-0}
parallel=()
[ -n "${FUZZPARALLEL:-}" ] && parallel=(-parallel "$FUZZPARALLEL")

mapfile -t targets < <(grep -rE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' "${@:-.}" |
	sed -E 's#^(\./)?(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+).*#\2 \3#' | sort -u)
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
rows=()
failed=()
start=$SECONDS
for t in "${targets[@]}"; do
	pkg=${t% *} name=${t#* }
	echo "fuzz: $name in ./$pkg for $FUZZTIME"
	t0=$SECONDS
	status=ok
	corpus=$pkg/testdata/fuzz/$name
	before=$(ls "$corpus" 2>/dev/null || true)
	if ! "$GO" test -tags ci -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZE" -timeout "$FUZZTIMEOUT" \
		"${parallel[@]}" "./$pkg" >"$log" 2>&1; then
		# Go 1.26's coordinator can fail a run at the end of -fuzztime with
		# a bare "context deadline exceeded" and no failing input
		# (go.dev/issue/75804, fixed in Go 1.27): said, not failed.
		if [ "$(grep -cvE '^(fuzz: |--- FAIL: |FAIL|exit status |.*Fyne error|.*Cause: |.*At: )' "$log")" = 1 ] &&
			grep -qx '    context deadline exceeded' "$log" && [ "$(ls "$corpus" 2>/dev/null || true)" = "$before" ]; then
			status=flake
			echo "fuzz: $name stopped with Go's end-of-run race (go.dev/issue/75804), no failing input; not a failure"
		else
			status=FAIL
			failed+=("$name")
			cat "$log" >&2
		fi
	fi
	# The last progress line: "fuzz: elapsed: 5s, execs: 123 (24/sec), new interesting: 4 (total: 15)"
	last=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -1 || true)
	elapsed=$(sed -nE 's/^fuzz: elapsed: ([^,]+),.*/\1/p' <<<"$last")
	execs=$(sed -nE 's/.*execs: ([0-9]+) .*/\1/p' <<<"$last")
	newi=$(sed -nE 's/.*new interesting: ([0-9]+) .*/\1/p' <<<"$last")
	total=$(sed -nE 's/.*\(total: ([0-9]+)\).*/\1/p' <<<"$last")
	rows+=("$(printf '%-6s %-26s %-14s %8s %10s %8s %7s %5ss' "$status" "$name" "$pkg" "${elapsed:--}" "${execs:--}" "${newi:--}" "${total:--}" $((SECONDS - t0)))")
done

echo
printf '%-6s %-26s %-14s %8s %10s %8s %7s %6s\n' result target package fuzzed execs new corpus wall
printf '%s\n' "${rows[@]}"
echo "fuzz: ${#targets[@]} targets, FUZZTIME=$FUZZTIME each, $((SECONDS - start)) s in all"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: failed: ${failed[*]} (the failing inputs are in testdata/fuzz/)" >&2
	exit 1
fi
