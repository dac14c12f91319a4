#!/bin/bash
# --pid follows a process tree: children forked while profiling,
# descendants already running, several --pid, and nothing else; processes
# that live 0.1 s are symbolized. Alone: the share of the hot function in
# burners that live 0.1 s falls when another test takes CPU from them.
# run: alone
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent
BURNER=$BUILD/tests/burner
CHECK=$BUILD/tests/profile-check

# start_burner VAR MODE SECONDS: run a burner in the background, its pid in VAR
start_burner() {
	"$BURNER" "$2" "$3" >"$1.ready" &
	eval "$1=$!"
	while ! grep -q ready "$1.ready"; do
		sleep 0.05
	done
}

# samples_of PID SUMMARY: the samples profile-check counted for process PID
samples_of() {
	n=$(value "pid:$1" "$2")
	echo "${n:-0}"
}

"$AGENT" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	reason="kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	for t in 'children forked while profiling are profiled' \
		 'descendants running before the agent started are profiled' \
		 'several --pid: each of them, and no other process' \
		 'processes that live 0.1 s are symbolized'; do
		test_skip "$t" "$reason"
	done
	test_done
fi

test_expect_success 'children forked while profiling are profiled' '
	# the parent only waits: its children and grandchildren burn the CPU
	start_burner parent fork 20
	"$AGENT" --pid $parent --frequency 99 --duration 3 --format json --output profile.json 2>err
	kill $parent; wait
	test ! -s err
	"$CHECK" profile.json >summary
	cat summary
	total=$(value samples summary)
	test "$total" -gt 50
	own=$(samples_of $parent summary)
	# children and grandchildren: a new pair every 0.2 s
	test "$(value pids summary)" -ge 6
	test $(((total - own) * 10)) -ge $((total * 8))
'

test_expect_success 'descendants running before the agent started are profiled' '
	sh -c "\"$BURNER\" cpu 20 >burner.ready & exec sh -c \"wait; sleep 60\"" &
	shell=$!
	while ! grep -q ready burner.ready 2>/dev/null; do sleep 0.05; done
	burner=$(pgrep -P $shell -x burner)
	"$AGENT" --pid $shell --frequency 99 --duration 2 --format json --output profile.json
	kill $burner $shell; wait
	"$CHECK" profile.json hot_function >summary
	cat summary
	test "$(samples_of $burner summary)" -gt 50
	test "$(value symbol:hot_function summary)" -gt 25
'

test_expect_success 'several --pid: each of them, and no other process' '
	start_burner one cpu 20
	start_burner two cpu 20
	start_burner three cpu 20
	"$AGENT" --pid $one --pid $two --frequency 99 --duration 3 --format json --output profile.json
	kill $one $two $three; wait
	"$CHECK" profile.json >summary
	cat summary
	# three burners share the CPUs
	test "$(value pids summary)" -eq 2
	test "$(samples_of $one summary)" -gt 10
	test "$(samples_of $two summary)" -gt 10
	test "$(samples_of $three summary)" -eq 0
'
test_expect_success 'processes that live 0.1 s are symbolized' '
	# a loop execs one burner after the other, each exiting long before
	# the agent drains its samples
	sh -c "echo ready >loop.ready; for i in \$(seq 40); do \"$BURNER\" cpu 0.1 >/dev/null; done" &
	loop=$!
	while ! grep -q ready loop.ready 2>/dev/null; do sleep 0.05; done
	"$AGENT" --pid $loop --frequency 99 --duration 3 --format json --output profile.json
	wait
	"$CHECK" profile.json hot_function >summary
	cat summary
	total=$(value samples summary)
	test "$total" -gt 50
	test "$(value pids summary)" -ge 10
	frames=$(value user_frame_samples summary)
	# every frame is in a file, none left as a raw address, and named
	# (libc'"'"'s __libc_start_call_main from libc6-dbg'"'"'s debug file)
	test $(($(value mapped_user_frame_samples summary) * 100)) -ge $((frames * 95))
	test $(($(value named_user_frame_samples summary) * 100)) -ge $((frames * 95))
	test $(($(value symbol:hot_function summary) * 10)) -ge $((total * 8))
'
test_done
