#!/bin/bash
# README's "pprof, continuous mode and OTLP" block: every command in it is
# run here as written (tests/cli/lib-doc.sh checks it), and does what the
# README says.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cli/lib-doc.sh"

RECEIVER=$ROOT/tests/tools/otlp-receiver.py
# the README's profiling-agent is the one built here
mkdir -p "$TRASH_ROOT/bin"
ln -s "$BUILD/bin/profiling-agent" "$TRASH_ROOT/bin/profiling-agent"
PATH=$TRASH_ROOT/bin:$PATH

# term_agent_when PARENT CONDITION...: once CONDITION holds, SIGTERM to
# the profiling-agent child of PARENT (the README commands run in the
# foreground, as written); gives up after 120 s
term_agent_when() {
	parent=$1
	shift
	for _ in $(seq 600); do
		if "$@" && agent=$(pgrep -P "$parent" -x profiling-agent); then
			kill -TERM "$agent"
			return 0
		fi
		sleep 0.2
	done
	kill -TERM "$(pgrep -P "$parent" -x profiling-agent)"
}

CASES=('the README block names commands this test runs'
       'pprof: go tool pprof -top reads the file'
       'continuous mode: SIGTERM flushes the window to profiles/'
       'OTLP to localhost:4318')

profiling-agent --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	for t in "${CASES[@]}"; do
		test_skip "$t" "kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	done
	test_done
fi

test_expect_success "${CASES[0]}" '
	awk "/^### pprof, continuous mode and OTLP\$/ { on = 1; next } /^##/ { on = 0 } on" "$ROOT/README.md" >block.md
	doc_commands block.md >commands
	test "$(wc -l <commands)" = 4
	check_doc block.md "$ROOT/tests/bpf/$TEST_NAME.sh" >missing
	test_cmp /dev/null missing
'

test_expect_success "${CASES[1]}" '
	profiling-agent --format pprof --output profile.pb.gz --duration 10
	go tool pprof -top profile.pb.gz >top
	test_grep "^Type: cpu$" top
	test_grep "flat%" top
'

test_expect_success "${CASES[2]}" '
	mkdir profiles
	me=$BASHPID
	term_agent_when $me sleep 3 &
	profiling-agent --output-dir profiles --format folded,pprof --interval 60 --keep 1440
	ls profiles >files
	test_line_count files 2
	test_grep "^profile-[0-9]*T[0-9]*\.[0-9]*Z\.folded$" files
	test_grep "^profile-[0-9]*T[0-9]*\.[0-9]*Z\.pb\.gz$" files
	go tool pprof -top profiles/*.pb.gz >top
'

if ! (exec 3<>/dev/tcp/127.0.0.1/4318) 2>/dev/null; then
test_expect_success "${CASES[3]}" '
	mkdir rx
	python3 "$RECEIVER" rx --port 4318 >rx.out &
	rx=$!
	trap "kill $rx 2>/dev/null || true" EXIT
	while ! grep -q ready rx.out; do kill -0 $rx; sleep 0.05; done
	me=$BASHPID
	term_agent_when $me sh -c "ls rx | grep -q \"\\.pb\$\"" &
	profiling-agent --otlp-endpoint http://localhost:4318 --interval 10 --service-name web 2>err
	kill $rx
	wait $rx || true
	for pb in rx/*.pb; do
		protoc --decode=otlp.ExportProfilesServiceRequest -I "$ROOT/agent/export" otlp-profiles.proto \
			<"$pb" >"$pb.txt" || return 1
		grep -q "string_value: \"web\"" "$pb.txt" || return 1
	done
'
else
test_skip "${CASES[3]}" 'port 4318 is in use'
fi
test_done
