#!/bin/bash
# The debug analyzer's records for what they exist for: a caller whose
# address lies in no executable mapping (a garbage return address) gives
# one `outside-mapping` record per sample, an unwind step that does not
# move the frame (CFI that puts the caller at the frame's own stack
# pointer) one `no-progress` record per sample; the release agent's
# stacks stop there too. The programs are x86-64 assembly (nested's
# badcaller and stuck modes).
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent
DBUILD=$(debug_slot_build) || exit 1
DEBUG_AGENT=$DBUILD/bin/profiling-agent
NESTED=$BUILD/tests/nested
ROOT='^[^;]*;\(_start\|clone3\|clone\|start_thread\);'

# the records of process $2 in $1 that give reason $3
records() {
	grep -c "^analyzer: unwind pid=[0-9]* tgid=$2 .*(reason=$3 " "$1" || true
}

# profile MODE: the debug agent on nested MODE, 2 s at 499 Hz; sets
# $total (samples), $rooted, $all (its records) and leaves them in err;
# fails when the agent does
profile() {
	start_ready "$NESTED" "$1" 30
	prog=$ready_pid
	"$DEBUG_AGENT" --debug-analyzer --pid $prog --frequency 499 --duration 2 >profile 2>err
	rc=$?
	stop_ready
	total=$(sum profile)
	grep "$ROOT" profile >rooted || true
	rooted=$(sum rooted)
	all=$(grep -c "^analyzer: [a-z-]* pid=[0-9]* tgid=$prog " err || true)
	echo "$1: $rooted rooted of $total, $all records"
	grep "^analyzer:" err | head -n 3
	return $rc
}

if [ "$(uname -m)" != x86_64 ]; then
	for t in 'a garbage return address: one outside-mapping record per sample' \
		 'a frame that does not move: one no-progress record per sample' \
		 'the release agent stops at the garbage caller'; do
		test_skip "$t" "the programs are x86-64 assembly"
	done
	test_done
fi
"$AGENT" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	reason="kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	for t in 'a garbage return address: one outside-mapping record per sample' \
		 'a frame that does not move: one no-progress record per sample' \
		 'the release agent stops at the garbage caller'; do
		test_skip "$t" "$reason"
	done
	test_done
fi

# the spins take 10 M iterations (milliseconds) between two calls to
# now(): nearly every sample lands in them; half of them is far below

test_expect_success 'a garbage return address: one outside-mapping record per sample' '
	profile badcaller &&
	n=$(records err $prog outside-mapping) &&
	test "$total" -ge 100 &&
	test "$all" -eq $((total - rooted)) &&
	test $((n * 2)) -ge "$total" &&
	# the record names the garbage address, in no mapping, with no frame pointers tried
	grep "(reason=outside-mapping " err >outside &&
	test_grep " pc=0x123456 mapping=none)$" outside &&
	not grep -v " pc=0x123456 mapping=none)$" outside
'

test_expect_success 'a frame that does not move: one no-progress record per sample' '
	profile stuck &&
	n=$(records err $prog no-progress) &&
	test "$total" -ge 100 &&
	test "$all" -eq $((total - rooted)) &&
	test $((n * 2)) -ge "$total" &&
	test_grep "(reason=no-progress depth=1 pc=0x[0-9a-f]* mapping=$NESTED build-id=" err &&
	test "$(records err $prog outside-mapping)" -eq 0
'

test_expect_success 'the release agent stops at the garbage caller' '
	start_ready "$NESTED" badcaller 30 &&
	"$AGENT" --pid $ready_pid --frequency 499 --duration 2 >profile 2>err
	stop_ready
	grep ";spin_bad_caller\( \|;\)" profile >spin || true
	test $(($(sum spin) * 2)) -ge "$(sum profile)" &&
	# no frame found by frame pointers above it: nothing between the caller and the program
	not grep -q "^nested;[^;]*;[^;]*;spin_bad_caller" profile
'
test_done
