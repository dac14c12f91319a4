#!/bin/bash
# A debug release (make BRANCH=debug: the release slot holds the debug
# analyzer, no debug slot) says so in --version, refuses --debug-analyzer,
# shows debug records without it and installs only the fake release.
. "$(dirname "$0")/../lib.sh"

DBUILD=$TRASH_ROOT/debug-build
AGENT=$DBUILD/bin/profiling-agent
BURNER=$BUILD/tests/burner

# debug_make ARGS...: make on the debug branch policy into DBUILD
debug_make() {
	make -C "$ROOT" BUILD="$DBUILD" SANITIZE="${SANITIZE:-}" BRANCH=debug COMMIT=0123abc "$@"
}

test_expect_success 'a debug-branch build into its own directory' '
	debug_make -s VERSION=v9.8.7-debug "$AGENT" >log 2>&1 || { cat log; exit 1; }
	test -x "$AGENT"
	test ! -e "$DBUILD/lib/libanalyzer.so.1"
'

test_expect_success '--version shows the debug analyzer in the release slot' '
	"$AGENT" --version >out
	cat >expect <<-\EOF
	profiling-agent v9.8.7-debug
	commit 0123abc
	release slot: debug analyzer (debug release)
	debug slot: not in this build
	EOF
	test_cmp expect out
'

test_expect_success '--debug-analyzer is refused: this build has only the release slot' '
	expect_exit 2 "$AGENT" --debug-analyzer --duration 1 >out 2>err
	one_line err
	test_grep "^profiling-agent: --debug-analyzer: this build has only the release slot, and it holds the debug analyzer (a debug release)" err
	test ! -s out
'

test_expect_success 'a new VERSION rebuilds agent-version.o and the agent, nothing else' '
	debug_make V=1 VERSION=v9.8.8-debug "$AGENT" >log 2>&1 || { cat log; exit 1; }
	grep " -c " log >compiled
	test_line_count compiled 1
	test_grep "agent/agent-version.c" compiled
	test_grep -v "clang\|  BPF " log
	# linked again (with its link map), then put in place
	test_grep " -o [^ ]*/bin/profiling-agent.tmp " log
	test_grep "mv -f [^ ]*/bin/profiling-agent.tmp [^ ]*/bin/profiling-agent$" log
	test "$("$AGENT" --version | head -n 1)" = "profiling-agent v9.8.8-debug"
	debug_make V=1 VERSION=v9.8.8-debug "$AGENT" >log 2>&1
	test_grep -v " -c \| -o " log
'

test_expect_success 'install ships only the release-named object, which says debug' '
	debug_make -s VERSION=v9.8.8-debug install PREFIX=/opt/pa DESTDIR="$TRASH/root" >log 2>&1 || { cat log; exit 1; }
	(cd root/opt/pa/share/analyzer && ls) >objects
	printf "%s\n" analyzer.ebpf.release.$HOST_ARCH frametypes.json >expect
	test_cmp expect objects
	llvm-objcopy --dump-section .analyzer_info=info root/opt/pa/share/analyzer/analyzer.ebpf.release.$HOST_ARCH junk
	test "$(tr -d "\0" <info | value flavor /dev/stdin)" = debug
'

"$AGENT" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	test_skip 'the debug release shows debug records without the flag' \
		"kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	test_done
fi

test_expect_success 'the debug release shows debug records without the flag' '
	"$BURNER" cpu 20 >ready &
	burner=$!
	while ! grep -q ready ready; do sleep 0.05; done
	"$AGENT" --pid $burner --debug-level 2 --frequency 99 --duration 2 >profile 2>err
	kill $burner; wait
	test_grep hot_function profile
	test "$(sed -n 1p err)" = "profiling-agent: note: a debug release: its release slot holds the debug analyzer, whose records follow on stderr"
	test_grep "^analyzer: sample pid=$burner tgid=$burner comm=burner " err
'
test_done
