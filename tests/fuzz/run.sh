#!/bin/sh
# Runs the libFuzzer harnesses (`make fuzz`), JOBS at a time (default 1).
#
#   tests/fuzz/run.sh [--build DIR] [--seconds N] [--jobs N] [TARGET...]
#
# Each target (default: every DIR/fuzz-*) runs for N seconds (default 10)
# on DIR/corpus/TARGET, a scratch corpus that starts as a copy of the
# committed seeds in tests/fuzz/corpus/TARGET and keeps what the fuzzer
# adds; the seeds themselves are never changed. A crash, leak, timeout or
# out-of-memory input is written to DIR/crashes/TARGET/ and the fuzzer's
# log to DIR/logs/TARGET.log. For a target that crashed, stderr gets the
# fuzzer's report (the input replayed with the harness's own messages,
# DIR/logs/TARGET.replay.log, or else the log of the run) and the input in
# base64, so that a CI log names the crash. Ends with one line per target,
# in the order given:
#   TARGET: N executions, N crashes
# Exit 0 when no target crashed, 1 when one did, 2 on bad usage.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build/fuzz
SECONDS_EACH=10
JOBS=1
usage() {
	echo "usage: $0 [--build DIR] [--seconds N] [--jobs N] [TARGET...]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--build) [ $# -ge 2 ] || usage; BUILD=$(cd "$2" && pwd) || exit 2; shift 2 ;;
	--seconds) [ $# -ge 2 ] || usage; SECONDS_EACH=$2; shift 2 ;;
	--jobs | -j) [ $# -ge 2 ] || usage; JOBS=$2; shift 2 ;;
	-*) usage ;;
	*) break ;;
	esac
done
case "$SECONDS_EACH" in
''|*[!0-9]*) echo "run.sh: --seconds wants a whole number, not '$SECONDS_EACH'" >&2; exit 2 ;;
esac
case "$JOBS" in
''|*[!0-9]*|0) echo "run.sh: --jobs wants a number > 0, not '$JOBS'" >&2; exit 2 ;;
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
for t in "$@"; do
	if [ ! -x "$BUILD/fuzz-$t" ]; then
		echo "run.sh: no harness '$BUILD/fuzz-$t': run 'make fuzz-build' first" >&2
		exit 2
	fi
done
mkdir -p "$BUILD/logs"
results=$(mktemp -d) || exit 2
trap 'rm -rf "$results"' EXIT

# report T LOG INPUT: the fuzzer's report of T's crash and its input, on stderr
report() {
	t=$1 log=$2 input=$3
	replay=$BUILD/logs/$t.replay.log
	# replayed without -close_fd_mask, the harness's own messages (a broken
	# promise) are in the report; a crash that does not come again keeps
	# the report of the run
	if [ -f "$input" ] && ! "$BUILD/fuzz-$t" -timeout=30 -rss_limit_mb=2048 "$input" >"$replay" 2>&1; then
		log=$replay
	fi
	echo "fuzz $t: the fuzzer's report ($log):" >&2
	first=$(grep -n -m 1 -E '==[0-9]*==ERROR|ERROR: libFuzzer|broken promise|deadly signal|runtime error|SUMMARY: ' "$log" |
		cut -d: -f1)
	if [ -n "$first" ]; then
		[ "$first" -gt 3 ] && first=$((first - 3))
		sed -n "$first,$((first + 40))p" "$log" >&2
	else
		tail -n 40 "$log" >&2
	fi
	if [ -f "$input" ]; then
		echo "fuzz $t: the input ($input, $(wc -c <"$input") bytes), base64:" >&2
		head -c 65536 "$input" | base64 >&2
	fi
}

# fuzz T: runs target T; its summary line in $results/T, its report in $results/T.err
fuzz() {
	t=$1
	bin=$BUILD/fuzz-$t
	corpus=$BUILD/corpus/$t
	crashes=$BUILD/crashes/$t
	log=$BUILD/logs/$t.log
	mkdir -p "$corpus" "$crashes"
	if [ -d "$ROOT/tests/fuzz/corpus/$t" ]; then
		"$ROOT/tests/fuzz/seeds.sh" "$ROOT/tests/fuzz/corpus/$t" "$corpus"
	fi
	ls "$crashes" >"$results/$t.before"
	# -close_fd_mask=2: the parsers' own messages are noise here; the
	# fuzzer's report keeps going to the log
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
		-close_fd_mask=2 -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
	ls "$crashes" >"$results/$t.after"
	grep -v -x -F -f "$results/$t.before" "$results/$t.after" >"$results/$t.new"
	n=$(wc -l <"$results/$t.new")
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		n=1 # it died without writing an input: see the log
	fi
	if [ "$n" -gt 0 ]; then
		{
			echo "fuzz $t: crashed (exit $rc): see '$log' and '$crashes'"
			# the input the fuzzer names (it may have been there before)
			input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
			report "$t" "$log" "${input:-$crashes/$(head -n 1 "$results/$t.new")}" 2>&1
		} >"$results/$t.err"
	fi
	echo "$t: ${execs:-0} executions, $n crashes" >"$results/$t"
}

# JOBS targets at a time, each for SECONDS_EACH
running=0
for t in "$@"; do
	echo "fuzz $t: ${SECONDS_EACH}s" >&2
	fuzz "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait

failed=0
for t in "$@"; do
	if [ -s "$results/$t.err" ]; then
		cat "$results/$t.err" >&2
		failed=1
	fi
done
for t in "$@"; do
	cat "$results/$t" 2>/dev/null || { echo "$t: no result"; failed=1; }
done
exit "$failed"
