#!/bin/sh
# Runs the whole suite: C unit tests (BUILD/tests/test-*), then the shell
# tests in tests/cli and tests/bpf, in name order.
#
#   tests/run.sh [--build DIR] [PATTERN...]
#
# PATTERN keeps only tests whose name contains it. Prints each test's
# "ok"/"not ok" lines, the skipped cases by name, and ends with
# "N passed, N failed". Exit 0 when nothing failed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
while [ $# -gt 0 ]; do
	case "$1" in
	--build) BUILD=$(cd "$2" && pwd); shift 2 ;;
	*) break ;;
	esac
done
export ROOT BUILD

selected() {
	[ $# -eq 0 ] && return 0
	name=$1
	shift
	for p in $PATTERNS; do
		case "$name" in *"$p"*) return 0 ;; esac
	done
	return 1
}
PATTERNS="$*"

passed=0
failed=0
skipped=0
failed_names=""
skipped_names=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {
	name=$1
	shift
	[ -z "$PATTERNS" ] || selected "$name" $PATTERNS || return 0
	echo "*** $name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	s=$(grep -c '^ok .*# SKIP' "$log")
	f=$(grep -c '^not ok ' "$log")
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	if [ "$s" -gt 0 ]; then
		skipped_names="$skipped_names$(grep '^ok .*# SKIP' "$log" | sed "s/^ok [0-9]* - /  $name: /")
"
	fi
	if [ "$f" -gt 0 ]; then
		failed_names="$failed_names  $name
"
	elif [ "$rc" -ne 0 ] || [ $((p + f)) -eq 0 ]; then
		# a crash, or a test that ran no case, is a failure too
		failed=$((failed + 1))
		failed_names="$failed_names  $name (exit $rc, $((p + f)) cases)
"
	fi
}

for t in "$BUILD"/tests/test-*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in "$ROOT"/tests/cli/t[0-9]*.sh "$ROOT"/tests/bpf/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$(dirname "$t")")/$(basename "$t" .sh)" bash "$t"
done

echo
if [ -n "$skipped_names" ]; then
	echo "skipped:"
	printf '%s' "$skipped_names"
fi
if [ -n "$failed_names" ]; then
	echo "failed:"
	printf '%s' "$failed_names"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
