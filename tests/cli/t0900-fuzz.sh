#!/bin/bash
# The libFuzzer harnesses of tests/fuzz: each replays the crash inputs kept
# under tests/fuzz/regressions/<target>/ and runs a few seconds on its seeds.
# The harnesses always build with ASan/UBSan (build/fuzz), so the
# sanitized pass of `make test` has nothing to add and skips.
# run: alone
# run: once
. "$(dirname "$0")/../lib.sh"

FUZZ=$ROOT/build/fuzz
TARGETS=$(cd "$ROOT/tests/fuzz" && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//')

if [ "${SANITIZE:-}" = 1 ]; then
	test_skip 'the fuzz targets' 'they always run sanitized: the plain pass ran them'
	test_done
fi

test_expect_success 'every harness builds' '
	build_make -s fuzz-build
	for t in $TARGETS; do test -x "$FUZZ/fuzz-$t"; done
'

test_expect_success 'every target has a seed corpus, at least 10 targets' '
	test "$(echo $TARGETS | wc -w)" -ge 10
	for t in $TARGETS; do
		test -n "$(ls "$ROOT/tests/fuzz/corpus/$t")" || { echo "no seeds for $t" >&2; exit 1; }
	done
'

test_expect_success 'README gives the number of harnesses there are' '
	test_grep "\`fuzz/\`: $(echo $TARGETS | wc -w) libFuzzer harnesses, one per parser or writer" "$ROOT/README.md"
'

test_expect_success 'every kept crash input replays without a crash' '
	for d in "$ROOT"/tests/fuzz/regressions/*/; do
		[ -d "$d" ] || continue
		t=$(basename "$d")
		test -x "$FUZZ/fuzz-$t"
		"$ROOT/tests/fuzz/seeds.sh" "$d" "inputs-$t"
		"$FUZZ/fuzz-$t" -timeout=30 -rss_limit_mb=2048 "inputs-$t"/* >replay-$t.log 2>&1 ||
			{ cat replay-$t.log >&2; echo "regression input of $t crashes again" >&2; exit 1; }
		test_grep "Executed" replay-$t.log
	done
'

# two targets at a time (the file runs alone: both cores); on a crash the
# fuzzer's report and the input come first, before the summary lines, so
# that the head of a CI log names the crash
test_expect_success 'every target runs 3 seconds on its seeds without a crash' '
	build_make -s fuzz FUZZ_SECONDS=3 FUZZ_JOBS=2 >out 2>err ||
		{ grep -v "^fuzz [^ ]*: [0-9]*s$" err >&2; cat out >&2; exit 1; }
	for t in $TARGETS; do test_grep "^$t: [0-9]* executions, 0 crashes$" out; done
'

test_done
