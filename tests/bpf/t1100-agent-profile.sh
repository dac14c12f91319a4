#!/bin/bash
# profiling-agent profiles a real program: its hot function, rooted
# stacks, kernel frames, json, the output file, SIGTERM/SIGINT mid-run,
# the target exiting, and missing privileges. The sample counts are asked
# of runs stopped after that many samples, not after a time.
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent
BURNER=$BUILD/tests/burner
CHECK=$BUILD/tests/profile-check

# start_burner MODE SECONDS: run the burner in the background, set $burner
# to its pid once it runs
start_burner() {
	"$BURNER" "$1" "$2" >burner.ready &
	burner=$!
	while ! grep -q ready burner.ready; do
		kill -0 $burner
		sleep 0.05
	done
}

stop_burner() {
	kill $burner 2>/dev/null || true
	wait $burner 2>/dev/null || true
}

# drained: the samples the agent's last complete "drained:" line in err
# counts, 0 before the first (a line being written does not match)
drained() {
	n=$(sed -n "s/^profiling-agent: drained: [0-9]* stacks, \([0-9]*\) samples so far$/\1/p" err | tail -n 1)
	echo "${n:-0}"
}

# profile_samples N AGENT-ARGS...: profile the burner until the agent has
# drained at least N samples, then stop it with SIGTERM (exit 0): the count
# does not depend on how much CPU time a busy machine leaves the burner.
# The agent's messages go to err.
profile_samples() {
	want=$1
	shift
	"$AGENT" --pid $burner --frequency 99 --verbose "$@" 2>err &
	agent=$!
	while [ "$(drained)" -lt "$want" ]; do
		kill -0 $agent
		sleep 0.1
	done
	kill -TERM $agent
	expect_exit 0 wait $agent
}

# well_formed FILE: every line is "comm;frame;... count", kernel frames
# (_[k]) after all user frames
well_formed() {
	awk '
		!/^[^;]+(;[^;]+)* [0-9]+$/ { print "malformed: " $0; bad = 1; next }
		{
			sub(/ [0-9]+$/, "")
			n = split($0, f, ";")
			k = 0
			for (i = 2; i <= n; i++) {
				if (f[i] ~ /_\[k\]$/) k = 1
				else if (k) { print "user frame after a kernel frame: " $0; bad = 1 }
			}
		}
		END { exit bad }
	' "$1"
}

# the kernel refusing BPF or perf events is the one reason to skip
"$AGENT" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	reason="kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	for t in 'the hot function holds most samples, in stacks rooted at main' \
		 'a syscall loop shows kernel frames after its user frames' \
		 'json output has frame types, addresses, symbols and build-ids' \
		 '--output replaces the file only when complete' \
		 'SIGTERM mid-run writes the complete profile and exits 0' \
		 'SIGINT mid-run does the same' \
		 'the agent stops when the profiled process exits' \
		 'a zombie counts as exited' \
		 'without privileges: one line with the errno and a hint, exit 1'; do
		test_skip "$t" "$reason"
	done
	test_done
fi

test_expect_success 'the hot function holds most samples, in stacks rooted at main' '
	start_burner cpu 120
	profile_samples 60 >profile
	stop_burner
	cat profile
	well_formed profile
	not grep -v "^burner;" profile
	total=$(sum profile)
	test "$total" -gt 50
	grep ";hot_function\( \|;\)" profile >hot
	hot=$(sum hot)
	test $((hot * 2)) -gt "$total"
	# root first: the process, then main, then its callees down to the leaf
	not grep -v "^burner;\(.*;\)\{0,1\}main;burn_cpu;hot_function\( \|;\)" hot
	test "$(sort -k2 -n -t" " profile | tail -n 1 | sed "s/ [0-9]*$//; s/.*;//")" = hot_function
'

test_expect_success 'a syscall loop shows kernel frames after its user frames' '
	start_burner syscall 120
	profile_samples 60 >profile
	stop_burner
	cat profile
	well_formed profile
	total=$(sum profile)
	test "$total" -gt 50
	grep "_\[k\]" profile >kernel
	test $(($(sum kernel) * 2)) -gt "$total"
	grep "^burner;\(.*;\)\{0,1\}main;.*_\[k\]" kernel
'

test_expect_success 'json output has frame types, addresses, symbols and build-ids' '
	start_burner syscall 120
	profile_samples 60 --format json --output profile.json
	stop_burner
	"$CHECK" profile.json main hot_function >summary
	cat summary
	test "$(value format summary)" = profiling-agent-profile
	test "$(value flavor summary)" = release
	test "$(value samples summary)" -gt 50
	test "$(value kernel_frames summary)" -gt 0
	test "$(value native_frames summary)" -gt 0
	test "$(value symbolized_frames summary)" -gt 0
	test "$(value modules_with_build_id summary)" -gt 0
	test $(($(value symbol:main summary) * 2)) -gt "$(value samples summary)"
	test "$(value symbol:hot_function summary)" -eq 0
	test_grep "\"path\": \".*/tests/burner\"" profile.json
	test_grep "\"pid\": $burner" profile.json
'

test_expect_success '--output replaces the file only when complete' '
	echo old >profile
	umask 022
	start_burner cpu 20
	"$AGENT" --pid $burner --frequency 99 --duration 1 --output profile 2>err
	stop_burner
	test ! -s err
	rm err
	not grep -q "^old$" profile
	well_formed profile
	test "$(stat -c %a profile)" = 644
	test "$(ls -A)" = "burner.ready
profile"
'

# interrupt SIGNAL: profile the burner until SIGNAL, after samples were drained
interrupt() {
	start_burner cpu 30
	"$AGENT" --pid $burner --frequency 99 --verbose --output profile 2>err &
	agent=$!
	while [ "$(drained)" -eq 0 ]; do
		kill -0 $agent
		sleep 0.1
	done
	seen=$(drained)
	kill -$1 $agent
	expect_exit 0 wait $agent
	stop_burner
	cat profile
	well_formed profile
	test "$(sum profile)" -ge "$seen"
	test_grep "hot_function" profile
	test "$(ls -A)" = "burner.ready
err
profile"
}

test_expect_success 'SIGTERM mid-run writes the complete profile and exits 0' '
	interrupt TERM
	test_grep "Terminated: stopping" err
'

test_expect_success 'SIGINT mid-run does the same' '
	interrupt INT
	test_grep "Interrupt: stopping" err
'

# the burner exits (killed) once the agent has drained samples of it: the
# agent must notice and stop, whatever time its start took
test_expect_success 'the agent stops when the profiled process exits' '
	start_burner cpu 120
	timeout 120 "$AGENT" --pid $burner --frequency 99 --duration 600 --verbose >profile 2>err &
	agent=$!
	while [ "$(drained)" -eq 0 ]; do kill -0 $agent; sleep 0.1; done
	stop_burner
	expect_exit 0 wait $agent
	test_grep "process $burner exited" err
	test_grep "hot_function" profile
'

test_expect_success 'a zombie counts as exited' '
	# the shell running the burner execs sleep, so nobody reaps the burner
	sh -c "\"$BURNER\" cpu 120 >burner.ready & exec sleep 120" &
	parent=$!
	while ! grep -q ready burner.ready; do sleep 0.05; done
	burner=$(pgrep -P $parent -x burner)
	timeout 120 "$AGENT" --pid $burner --frequency 99 --duration 600 --verbose >profile 2>err &
	agent=$!
	while [ "$(drained)" -eq 0 ]; do kill -0 $agent; sleep 0.1; done
	kill $burner
	expect_exit 0 wait $agent
	test "$(sed "s/.*) \(.\).*/\1/" /proc/$burner/stat)" = Z
	kill $parent
	wait $parent || true
	test_grep "process $burner exited" err
	test_grep "hot_function" profile
'

test_expect_success 'without privileges: one line with the errno and a hint, exit 1' '
	expect_exit 1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$AGENT" --duration 1 >out 2>err
	cat err
	one_line err
	test_grep "^profiling-agent: cannot .*: Operation not permitted (needs CAP_BPF and CAP_PERFMON, or root)$" err
	test ! -s out
'
test_done
