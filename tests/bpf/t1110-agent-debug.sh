#!/bin/bash
# --debug-analyzer: the debug slot's records on stderr, one readable line
# each; the default (release) analyzer prints none.
. "$(dirname "$0")/../lib.sh"

DBUILD=$(debug_slot_build) || exit 1
AGENT=$DBUILD/bin/profiling-agent
BURNER=$BUILD/tests/burner
RECORD='^analyzer: [a-z-]* pid=[0-9]* tgid=[0-9]* comm=[^ ]* cpu=[0-9]* err=-\{0,1\}[0-9]*\( (.*)\)\{0,1\}$'

# start_burner VAR MODE SECONDS: run a burner in the background, its pid in VAR
start_burner() {
	"$BURNER" "$2" "$3" >"$1.ready" &
	eval "$1=$!"
	while ! grep -q ready "$1.ready"; do
		sleep 0.05
	done
}

"$AGENT" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	reason="kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	for t in 'the release analyzer prints no debug records' \
		 'the debug analyzer reports what the pid filter drops at level 2 only' \
		 'debug level 2 reports every recorded sample' \
		 'debug level 0 reports nothing'; do
		test_skip "$t" "$reason"
	done
	test_done
fi
# two burners keep both CPUs busy: samples of the other one are filtered out
test_expect_success 'the release analyzer prints no debug records' '
	start_burner one cpu 20
	start_burner two cpu 20
	"$AGENT" --pid $one --frequency 99 --duration 2 >profile 2>err
	kill $one $two; wait
	test_grep hot_function profile
	test ! -s err
'

test_expect_success 'the debug analyzer reports what the pid filter drops at level 2 only' '
	start_burner one cpu 20
	start_burner two cpu 20
	"$AGENT" --debug-analyzer --pid $one --frequency 99 --duration 2 >profile 2>err
	"$AGENT" --debug-analyzer --debug-level 2 --pid $one --frequency 99 --duration 2 >profile2 2>err2
	kill $one $two; wait
	test_grep hot_function profile
	not grep -v "$RECORD" err
	test_grep -v "^analyzer: filtered " err
	not grep -v "$RECORD" err2
	test_grep "^analyzer: filtered pid=$two tgid=$two comm=burner cpu=[0-9]* err=0$" err2
	test_grep -v "^analyzer: filtered pid=[0-9]* tgid=$one " err2
'

test_expect_success 'debug level 2 reports every recorded sample and what the pid filter drops' '
	start_burner one cpu 20
	start_burner two cpu 20
	"$AGENT" --debug-analyzer --debug-level 2 --pid $one --frequency 99 --duration 2 >profile 2>err
	kill $one $two; wait
	not grep -v "$RECORD" err
	grep "^analyzer: sample pid=$one tgid=$one comm=burner " err >samples
	test "$(wc -l <samples)" -eq "$(sum profile)"
	test "$(sum profile)" -gt 20
	test_grep "^analyzer: filtered pid=$two tgid=$two comm=burner cpu=[0-9]* err=0$" err
	test_grep -v "^analyzer: filtered pid=[0-9]* tgid=$one " err
'

test_expect_success 'debug level 0 reports nothing' '
	start_burner one cpu 20
	start_burner two cpu 20
	"$AGENT" --debug-analyzer --debug-level 0 --pid $one --frequency 99 --duration 1 >profile 2>err
	kill $one $two; wait
	test_grep hot_function profile
	test ! -s err
'
test_done
