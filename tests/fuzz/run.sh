#!/bin/sh
# Runs the libFuzzer harnesses, one after the other (`make fuzz`).
#
#   tests/fuzz/run.sh [--build DIR] [--seconds N] [TARGET...]
#
# Each target (default: every DIR/fuzz-*) runs for N seconds (default 10)
# on DIR/corpus/TARGET, a scratch corpus that starts as a copy of the
# committed seeds in tests/fuzz/corpus/TARGET and keeps what the fuzzer
# adds; the seeds themselves are never changed. A crash, leak, timeout or
# out-of-memory input is written to DIR/crashes/TARGET/ and the fuzzer's
# log to DIR/logs/TARGET.log. Ends with one line per target:
#   TARGET: N executions, N crashes
# Exit 0 when no target crashed, 1 when one did, 2 on bad usage.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build/fuzz
SECONDS_EACH=10
while [ $# -gt 0 ]; do
	case "$1" in
	--build) BUILD=$(cd "$2" && pwd) || exit 2; shift 2 ;;
	--seconds) SECONDS_EACH=$2; shift 2 ;;
	-*) echo "usage: $0 [--build DIR] [--seconds N] [TARGET...]" >&2; exit 2 ;;
	*) break ;;
	esac
done
case "$SECONDS_EACH" in
''|*[!0-9]*) echo "run.sh: --seconds wants a whole number, not '$SECONDS_EACH'" >&2; exit 2 ;;
esac
if [ $# -eq 0 ]; then
	for f in "$BUILD"/fuzz-*; do
		[ -x "$f" ] && set -- "$@" "${f##*/fuzz-}"
	done
fi
if [ $# -eq 0 ]; then
	echo "run.sh: no harness in '$BUILD': run 'make fuzz-build' first" >&2
	exit 2
fi

summary=""
failed=0
for t in "$@"; do
	bin=$BUILD/fuzz-$t
	if [ ! -x "$bin" ]; then
		echo "run.sh: no harness '$bin': run 'make fuzz-build' first" >&2
		exit 2
	fi
	corpus=$BUILD/corpus/$t
	crashes=$BUILD/crashes/$t
	log=$BUILD/logs/$t.log
	mkdir -p "$corpus" "$crashes" "$BUILD/logs"
	if [ -d "$ROOT/tests/fuzz/corpus/$t" ]; then
		"$ROOT/tests/fuzz/seeds.sh" "$ROOT/tests/fuzz/corpus/$t" "$corpus"
	fi
	before=$(ls "$crashes" | wc -l)
	echo "fuzz $t: ${SECONDS_EACH}s" >&2
	# -close_fd_mask=2: the parsers' own messages are noise here; the
	# fuzzer's report keeps going to the log
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
		-close_fd_mask=2 -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
	n=$(($(ls "$crashes" | wc -l) - before))
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		n=1 # it died without writing an input: see the log
	fi
	if [ "$n" -gt 0 ]; then
		failed=1
		echo "fuzz $t: crashed (exit $rc): see '$log' and '$crashes'" >&2
	fi
	summary="$summary$t: ${execs:-0} executions, $n crashes
"
done
printf '%s' "$summary"
exit "$failed"
