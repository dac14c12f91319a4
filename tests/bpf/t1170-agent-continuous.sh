#!/bin/bash
# Continuous mode with --output-dir: a file per --interval window until
# SIGTERM, which flushes the last window; --keep rotates; SIGHUP opens the
# directory again; a full disk costs the windows it cannot hold, not the
# run, and the end says so. Processes that exited are forgotten once
# their window is written: the symbolizer's table stays small in a churn.
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent
BURNER=$BUILD/tests/burner

CASES=('windows every --interval until SIGTERM, which flushes the last one'
       '--keep N keeps the N newest files of each format'
       'SIGHUP opens the output directory again'
       'a full disk: the windows it cannot hold are counted, sampling goes on, exit 1'
       'many short processes: the symbolizer forgets those that exited, its table shrinks back')

skip_unless_bpf "$AGENT" "${CASES[@]}"

# wait_files DIR N PID: until DIR holds at least N finished .folded files, while
# process PID runs (at most 120 s)
wait_files() {
	for _ in $(seq 1200); do
		[ "$(find "$1" -maxdepth 1 -name "profile-*.folded" | wc -l)" -ge "$2" ] && return 0
		kill -0 "$3" || return 1
		sleep 0.1
	done
	echo "no $2 files in $1" >&2
	return 1
}

# wrote ERR: the samples the agent said it wrote, one "name count" a line
wrote() {
	sed -n "s|^profiling-agent: wrote .[^']*/\(profile-[^']*\).: \([0-9]*\) samples$|\1 \2|p" "$1"
}

test_expect_success "${CASES[0]}" '
	start_ready "$BURNER" cpu 120
	mkdir out
	"$AGENT" --pid $ready_pid --frequency 99 --interval 1 --output-dir out --verbose 2>err &
	agent=$!
	wait_files out 3 $agent
	kill -TERM $agent
	wait $agent
	stop_ready
	test_grep "Terminated: stopping" err
	ls out >files
	test "$(wc -l <files)" -ge 4
	test_grep -v "^\." files
	wrote err >wrote
	test_line_count wrote "$(wc -l <files)"
	while read -r name count; do
		test "$(sum "out/$name")" = "$count" || return 1
		grep -q "^burner;.*hot_function [0-9]*$" "out/$name" || test "$count" -lt 5 || return 1
	done <wrote
	test "$(sed "s/ .*//" wrote)" = "$(cat files)"
'

test_expect_success "${CASES[1]}" '
	start_ready "$BURNER" cpu 120
	mkdir out
	"$AGENT" --pid $ready_pid --frequency 99 --interval 1 --duration 4.5 --output-dir out \
		--format folded,pprof --keep 2 --verbose 2>err
	stop_ready
	wrote err >wrote
	test "$(wc -l <wrote)" -ge 6
	ls out >files
	sed "s/ .*//" wrote | tail -n 4 | sort >newest
	test_cmp newest files
'

test_expect_success "${CASES[2]}" '
	start_ready "$BURNER" cpu 120
	mkdir out
	"$AGENT" --pid $ready_pid --frequency 99 --interval 1 --output-dir out --verbose 2>err &
	agent=$!
	wait_files out 1 $agent
	mv out out.old
	mkdir out
	kill -HUP $agent
	wait_files out 1 $agent
	kill -TERM $agent
	wait $agent
	stop_ready
	test_grep "SIGHUP: opened .out. again" err
	test -n "$(ls out.old)"
	wrote err >wrote
	test "$(ls out out.old | grep -c "^profile-")" = "$(wc -l <wrote)"
'

# sweeps ERR FIELD: FIELD (kept, forgotten) of each "symbolizer:" line of ERR
sweeps() {
	sed -n "s/^profiling-agent: symbolizer: \([0-9]*\) processes kept, \([0-9]*\) forgotten as exited;.*/\1 \2/p" "$1" |
		if [ "$2" = kept ]; then cut -d" " -f1; else cut -d" " -f2; fi
}

test_expect_success "${CASES[4]}" '
	# a child burning 0.1 s after another, each forking a grandchild that does the same
	start_ready "$BURNER" fork 120
	mkdir churn
	"$AGENT" --pid $ready_pid --frequency 99 --interval 1 --output-dir churn --verbose 2>err &
	agent=$!
	wait_files churn 8 $agent
	kill -TERM $agent
	wait $agent
	stop_ready
	grep "symbolizer:" err
	sweeps err kept >kept
	sweeps err forgotten >forgotten
	test "$(wc -l <kept)" -ge 8
	# pids the windows name: many processes were seen
	cat churn/profile-*.folded | wc -l
	# every window forgets what exited before the one before it
	last_forgotten=$(tail -n 1 forgotten)
	last_kept=$(tail -n 1 kept)
	max_kept=$(sort -n kept | tail -n 1)
	echo "kept at the end $last_kept, at most $max_kept; forgotten $last_forgotten"
	test "$last_forgotten" -ge 30
	# bounded: never more than about two windows of processes, a fraction of all
	test "$max_kept" -lt "$last_forgotten"
	test $((last_kept * 3)) -lt $((last_kept + last_forgotten))
'

mkdir "$TRASH_ROOT/probe-mount"
if ! mount -t tmpfs -o size=64k tmpfs "$TRASH_ROOT/probe-mount" 2>"$TRASH_ROOT/mount.err"; then
	test_skip "${CASES[3]}" "cannot mount a small tmpfs: $(cat "$TRASH_ROOT/mount.err")"
	test_done
fi
umount "$TRASH_ROOT/probe-mount"

test_expect_success "${CASES[3]}" '
	mkdir full
	mount -t tmpfs -o size=64k tmpfs full
	dd if=/dev/zero of=full/filler bs=4k 2>/dev/null || true
	start_ready "$BURNER" cpu 120
	set +e
	"$AGENT" --pid $ready_pid --frequency 99 --interval 1 --duration 3.5 --output-dir full --verbose 2>err
	rc=$?
	set -e
	stop_ready
	ls -A full >left
	umount full
	test "$rc" = 1
	test_grep "^profiling-agent: cannot write .full/profile-[0-9T.]*Z.folded.: No space left on device$" err
	failed=$(grep -c "cannot write .full/profile-" err)
	test "$failed" -ge 2
	test_grep "^profiling-agent: $failed of $failed files could not be written to .full. (see above)$" err
	test "$(tail -n 1 err)" = "profiling-agent: $failed of $failed files could not be written to '\''full'\'' (see above)"
	test "$(grep -c "drained:" err)" -ge 3
	echo filler >expected
	test_cmp expected left
'
test_done
