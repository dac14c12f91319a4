#!/bin/bash
# --duration: the agent says where a run's time went (starting, sampling,
# reading the last records, writing), the sampling it reports is the
# profile's duration and lasts --duration; past it no new process is read.
# And the first samples of new processes (stack copies) are all kept: the
# count of those lost is reported, 0 for a process that execs every 0.1 s.
# How long each part takes is a benchmark's business (bench/accuracy).
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent
NESTED=$BUILD/tests/nested

"$AGENT" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	reason="kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	test_skip '--verbose reports the parts of the run; the sampling is the profile'"'"'s duration' "$reason"
	test_skip 'stack copies of processes that exec: counted, none lost' "$reason"
	test_done
fi

# the phases of the timing line, "starting sampling reading writing"
phases() {
	sed -n 's/^profiling-agent: timing: \([0-9.]*\) s starting, \([0-9.]*\) s sampling, \([0-9.]*\) s reading the last records, \([0-9.]*\) s writing$/\1 \2 \3 \4/p' "$1"
}

test_expect_success '--verbose reports the parts of the run; the sampling is the profile'"'"'s duration' '
	start_ready "$NESTED" 30 &&
	"$AGENT" --pid $ready_pid --frequency 99 --duration 1.5 --verbose --format json --output profile.json 2>err
	stop_ready
	set -- $(phases err) &&
	echo "timing: $*" &&
	test $# -eq 4 &&
	# sampled until --duration (and not much more: no drain outlives it)
	awk -v s="$2" "BEGIN { exit !(s >= 1.5) }" &&
	jq -e --arg s "$2" "(.duration_s - (\$s | tonumber)) | fabs < 0.01" profile.json &&
	test_grep "; [0-9]* processes not read past --duration$" err
'

test_expect_success 'stack copies of processes that exec: counted, none lost' '
	# each child execs anew: its first samples come as stack copies
	start_ready "$NESTED" exec 30 &&
	"$AGENT" --pid $ready_pid --frequency 499 --duration 2 --verbose --format json --output profile.json 2>err
	stop_ready
	copies=$(sed -n "s/.* recorded (\([0-9]*\) as stack copies, \([0-9]*\) more without room).*/\1 \2/p" err) &&
	echo "stack copies, lost: $copies" &&
	set -- $copies &&
	test "$1" -gt 0 &&
	test "$2" -eq 0 &&
	test "$(jq .stats.stack_copies_lost profile.json)" -eq 0 &&
	test "$(jq .stats.stack_copies profile.json)" -eq "$1"
'
test_done
