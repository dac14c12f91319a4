#!/bin/bash
# profiling-agent's command line: --help, --version, bad usage, failures
# that come before any BPF, and how the binary is linked.
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent

test_expect_success '--help lists every option and the exit codes' '
	"$AGENT" --help >out 2>err
	test ! -s err
	for o in --duration --frequency --pid --output --format --verbose --debug-analyzer \
		 --debug-level --unwind-table --version --help; do
		test_grep "$o" out
	done
	test_grep "^Exit codes: 0 profile written, 1 failure" out
'

test_expect_success '--version names the version, the commit and what each slot holds' '
	"$AGENT" --version >out
	test_line_count out 4
	test "$(sed -n 1p out)" = "profiling-agent $(make -s -C "$ROOT" print-VERSION)"
	test "$(sed -n 2p out)" = "commit $(git -C "$ROOT" rev-parse HEAD)"
	if test -n "$(make -s -C "$ROOT" print-AGENT_FEATURES)"; then
		test "$(sed -n 3p out)" = "release slot: release analyzer"
		test "$(sed -n 4p out)" = "debug slot: debug analyzer"
	else
		test "$(sed -n 3p out)" = "release slot: debug analyzer (debug release)"
		test "$(sed -n 4p out)" = "debug slot: not in this build"
	fi
'

# bad_usage PATTERN ARGS...: exit 2, one line on stderr matching PATTERN, nothing on stdout
bad_usage() {
	pattern=$1
	shift
	test_expect_success "refuses $*" '
		expect_exit 2 "$AGENT" '"$(printf '%q ' "$@")"' >out 2>err
		test ! -s out
		one_line err
		test_grep "^profiling-agent: $pattern" err
	'
}

bad_usage "invalid --frequency .0.: expected a whole number of Hz from 1 to 10000" --frequency 0
bad_usage "invalid --frequency .20000." --frequency 20000
bad_usage "invalid --frequency .fast." --frequency fast
bad_usage "invalid --duration .0.: expected a number of seconds above 0" --duration 0
bad_usage "invalid --duration .-3." --duration -3
bad_usage "invalid --duration .10s." --duration 10s
bad_usage "invalid --pid .abc.: expected a process id above 0" --pid abc
bad_usage "invalid --pid .0." --pid 0
bad_usage "invalid --format .svg.: expected folded, json or pprof" --format svg
bad_usage "invalid --output ..: expected a file name" --output ""
bad_usage "invalid --debug-level .7.: expected 0, 1 or 2" --debug-analyzer --debug-level 7
bad_usage "invalid --unwind-table .0.: expected a whole number of MiB from 1 to 1024" --unwind-table 0
bad_usage "invalid --unwind-table .2048." --unwind-table 2048
bad_usage "unknown option .--bogus.: see --help" --bogus
bad_usage "unknown option .-x.: see --help" -x
bad_usage "option .--pid. needs a value: see --help" --pid
bad_usage "unexpected argument .extra.: see --help" extra

if test -n "$(make -s -C "$ROOT" print-AGENT_FEATURES)"; then
test_expect_success '--debug-level without the debug analyzer is bad usage' '
	expect_exit 2 "$AGENT" --debug-level 2 --duration 1 >out 2>err
	one_line err
	test_grep "^profiling-agent: --debug-level needs the debug analyzer: add --debug-analyzer" err
'
else
test_skip '--debug-level without the debug analyzer is bad usage' 'a debug release runs the debug analyzer by default'
fi

test_expect_success 'a pid that does not exist: one line, exit 1, no output file' '
	sh -c "echo \$\$" >pid
	pid=$(cat pid)
	not kill -0 "$pid" 2>/dev/null
	expect_exit 1 "$AGENT" --pid "$pid" --duration 1 --output profile 2>err
	one_line err
	test_grep "^profiling-agent: no process with pid $pid: check the pid" err
	test -z "$(ls -A | grep profile)"
'

test_expect_success 'an output file that cannot be written fails before profiling' '
	expect_exit 1 "$AGENT" --duration 1 --output "$TRASH/no/such/dir/profile" 2>err
	one_line err
	test_grep "^profiling-agent: cannot write .*no/such/dir/profile.: No such file or directory" err
	mkdir adir
	expect_exit 1 "$AGENT" --duration 1 --output adir 2>err
	one_line err
	test_grep "cannot write .adir.: it is a directory" err
'

test_expect_success 'the agent is one static binary (dynamic under ASan), with no NSS calls' '
	file "$AGENT" >file.out
	if test "${SANITIZE:-}" = 1; then
		test_grep "dynamically linked" file.out
		ldd "$AGENT" >ldd.out
		test_grep "libasan" ldd.out
	else
		test_grep "statically linked" file.out
		expect_exit 1 ldd "$AGENT" >ldd.out 2>&1
		test_grep "not a dynamic executable" ldd.out
	fi
	nm "$AGENT" >syms
	test_grep " T main$" syms
	test_grep -v " [TW] \(getpwnam\|getpwuid\|getgrnam\|getaddrinfo\|gethostbyname\)$" syms
'
test_done
