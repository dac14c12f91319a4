# shellcheck shell=bash
# Sourced by every shell test (run with bash) (tests/cli/tNNNN-*.sh, tests/bpf/tNNNN-*.sh).
#
#   test_expect_success 'what it shows' '
#	commands; a failing command fails the case (set -e)
#   '
#   test_skip 'what it would show' 'why it cannot run here'
#   test_done
#
# Each case runs in a subshell inside a fresh scratch directory ($TRASH),
# removed at exit. Output: "ok N - desc", "not ok N - desc" with the case's
# output, "ok N - desc # SKIP reason". tests/run.sh counts these lines.
#
# Environment (set by tests/run.sh): ROOT the source tree, BUILD the build
# directory (absolute), SANITIZE=1 when it is the ASan/UBSan build.

set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
export ROOT BUILD
TEST_NAME=$(basename "$0" .sh)
TRASH_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/$TEST_NAME.XXXXXX")
trap 'rm -rf "$TRASH_ROOT"' EXIT
test_n=0
test_failures=0
# git used by tests must not read the machine's config
export GIT_CONFIG_NOSYSTEM=1 HOME="$TRASH_ROOT/home"
# nor the releaser the CI run's own tag push
unset GITHUB_REF_TYPE GITHUB_REF_NAME GITHUB_ACTIONS
mkdir -p "$HOME"
git config --global user.name 'Test User'
git config --global user.email 'test@example.invalid'
git config --global init.defaultBranch main
git config --global advice.detachedHead false

test_expect_success() {
	test_n=$((test_n + 1))
	TRASH="$TRASH_ROOT/case-$test_n"
	mkdir -p "$TRASH"
	(
		cd "$TRASH" || exit 1
		exec 9>"$TRASH_ROOT/trace-$test_n"
		BASH_XTRACEFD=9
		set -ex
		eval "$2"
	) >"$TRASH_ROOT/out-$test_n" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok $test_n - $1"
	else
		echo "not ok $test_n - $1"
		sed 's/^/#   /' "$TRASH_ROOT/out-$test_n"
		echo "#   (exit $rc) last commands:"
		tail -n 12 "$TRASH_ROOT/trace-$test_n" | sed 's/^/#   /' 
		test_failures=$((test_failures + 1))
	fi
}

test_skip() {
	test_n=$((test_n + 1))
	echo "ok $test_n - $1 # SKIP $2"
}

test_done() {
	[ "$test_failures" -eq 0 ]
	exit $?
}

# skip_unless_bpf AGENT CASE...: when the kernel refuses AGENT BPF or perf
# events (the one reason a BPF test may skip), each CASE is skipped by name
# with the kernel's words, and the test ends
skip_unless_bpf() {
	_agent=$1
	shift
	"$_agent" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe" && return 0
	grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
		"$TRASH_ROOT/probe" || return 0
	for _case in "$@"; do
		test_skip "$_case" "kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	done
	test_done
}

# --- helpers for case bodies ---

# sum FILE: the total of a folded profile's counts
sum() {
	awk '{ n += $NF } END { print n + 0 }' "$1"
}

# start_ready COMMAND...: runs COMMAND in the background until it prints
# "ready" on stdout (ready.out), its pid in $ready_pid; stop_ready ends it
start_ready() {
	"$@" >ready.out &
	ready_pid=$!
	while ! grep -q ready ready.out; do
		kill -0 $ready_pid
		sleep 0.05
	done
}

stop_ready() {
	kill $ready_pid 2>/dev/null || true
	wait $ready_pid 2>/dev/null || true
}

# build_make ARGS...: make in the source tree with the suite's build config
build_make() {
	make -C "$ROOT" BUILD="$BUILD" SANITIZE="${SANITIZE:-}" "$@"
}

# debug_slot_build: prints a build directory whose agent and libanalyzer
# embed the debug slot: $BUILD, or on a debug branch (release slot only)
# one built here with the other branches' policy
debug_slot_build() {
	if make -s -C "$ROOT" print-AGENT_FEATURES | grep -q debug-analyzer; then
		echo "$BUILD"
		return 0
	fi
	if ! make -s -C "$ROOT" BUILD="$TRASH_ROOT/main-build" SANITIZE="${SANITIZE:-}" BRANCH=main \
		all "$TRASH_ROOT/main-build/tests/burner" >"$TRASH_ROOT/main-build.log" 2>&1; then
		cat "$TRASH_ROOT/main-build.log" >&2
		return 1
	fi
	echo "$TRASH_ROOT/main-build"
}

# project_copy DIR [--whole-build]: this work tree's tracked files, times
# kept, committed in a new repository on main, with DIR/build holding the
# suite's compiled releaser (--whole-build: all of $BUILD), so that make
# there compiles only what changed
project_copy() {
	mkdir -p "$1/build/obj/libanalyzer"
	set -- "$(cd "$1" && pwd)" "${2:-}"
	(cd "$ROOT" && git ls-files -z | xargs -0 cp -a --parents -t "$1")
	if [ "$2" = --whole-build ]; then
		(cd "$BUILD" && tar -cf - --exclude=./asan --exclude=./make-vars .) | tar -xf - -C "$1/build"
	else
		cp -a "$BUILD/obj/releaser" "$BUILD/obj/releaser-boot" "$1/build/obj/"
		cp -a "$BUILD/obj/libanalyzer/object-info.o" "$1/build/obj/libanalyzer/"
	fi
	git -C "$1" init -q -b main
	git -C "$1" add -A
	git -C "$1" commit -q -m "the project"
}

# fixture NAME COMMAND...: copies (cp -a) into the current directory what
# COMMAND made in an empty directory of its own; COMMAND runs once per test
# file, in the first case asking for NAME (later cases get a copy of the
# same files, times kept). Call it as a plain command: a failing COMMAND
# fails the case, and the next case asking for NAME runs it again.
fixture() {
	local dir="$TRASH_ROOT/fixture-$1"
	shift
	if [ ! -e "$dir.done" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$dir" || exit 1; "$@")
		[ $? -eq 0 ] || return 1
		: >"$dir.done"
	fi
	cp -a "$dir/." .
}

# expect_exit CODE CMD...: CMD exits with exactly CODE
expect_exit() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2
		return 1
	fi
}

# not CMD...: CMD fails (use instead of "! CMD", which set -e ignores)
not() {
	if "$@"; then
		echo "should have failed: $*" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL: files are equal, show a diff when not
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep [-v] PATTERN FILE: with the file's contents shown on failure
test_grep() {
	if [ "$1" = "-v" ]; then
		shift
		if grep -q -e "$1" "$2"; then
			echo "'$2' should not match '$1':" >&2
			cat "$2" >&2
			return 1
		fi
		return 0
	fi
	if ! grep -q -e "$1" "$2"; then
		echo "'$2' does not match '$1':" >&2
		cat "$2" >&2
		return 1
	fi
}

# test_line_count FILE N: FILE has exactly N lines
test_line_count() {
	n=$(wc -l <"$1")
	if [ "$n" -ne "$2" ]; then
		echo "'$1' has $n lines, expected $2:" >&2
		cat "$1" >&2
		return 1
	fi
}

# value KEY FILE: the value of a "key=value" line
value() {
	sed -n "s/^$1=//p" "$2" | head -n 1
}

# one_line FILE: FILE holds exactly one non-empty line (an error message),
# besides the releaser's progress lines ("releaser: [1/5] preflight: 0.1 s",
# "releaser: decrypting KEY ...")
PROGRESS_LINE='^releaser: (\[[0-9]+/[0-9]+\] |decrypting )'
one_line() {
	n=$(grep -Evc "$PROGRESS_LINE" "$1" || true)
	if [ "$n" -ne 1 ] || ! grep -Ev "$PROGRESS_LINE" "$1" | grep -q .; then
		echo "'$1' has $n lines besides progress lines, expected 1 non-empty:" >&2
		cat "$1" >&2
		return 1
	fi
}

HOST_ARCH=$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
export HOST_ARCH
