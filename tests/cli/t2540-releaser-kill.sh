#!/bin/bash
# Killed and concurrent releases (strace fault injection). A release killed
# at its renames (the first two, the middle one and the last two of each
# rename syscall: the staging of the first files, of one more, of the last
# ones, and the swap) leaves the output directory verifying as the old
# release or the new one (or without a release, for the first one), never
# a mix, with no temporary file in it, and a rerun succeeds. Of two
# releases of different commits into one directory, exactly one wins.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
PUB=$TRASH_ROOT/key.pub
RENAMES=rename,renameat,renameat2
# LeakSanitizer cannot run under ptrace; the reruns, untraced, still check leaks
TRACED_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# verifies_as DIR COMMIT...: DIR verifies, as the release of one of the commits
verifies_as() {
	dir=$1
	shift
	if ! "$R" verify --pubkey "$PUB" "$dir" >"$TRASH/verify.out" 2>&1; then
		cat "$TRASH/verify.out" >&2
		return 1
	fi
	for c in "$@"; do
		grep -q "^trusted comment: .* commit:$c " "$TRASH/verify.out" && return 0
	done
	echo "'$dir' verifies, but as none of: $*" >&2
	cat "$TRASH/verify.out" >&2
	return 1
}

# only_lock DIR: the only dot entry of DIR is the lock (no stage, no temporary file)
only_lock() {
	find "$1" -mindepth 1 -maxdepth 1 -name ".*" -printf "%f\n" >"$TRASH/dots"
	if grep -v -x "\.releaser\.lock" "$TRASH/dots" >&2; then
		echo "'$1' holds the entries above" >&2
		return 1
	fi
}

# no_release DIR: DIR is absent or holds no release file
no_release() {
	test ! -e "$1" || test -z "$(ls "$1")"
}

# most_calls SC TRACE: the most calls of SC one process made in TRACE
# (strace -f -o: "PID call(..."), as strace counts them for when=N
most_calls() {
	awk -v sc="$1(" 'index($2, sc) == 1 { n[$1]++ } END { m = 0; for (p in n) if (n[p] > m) m = n[p]; print m }' "$2"
}

# kill_points SC TOTAL: the calls of SC to kill a run at, of TOTAL in a
# whole run (per process, as strace counts): the first two, the middle one
# and the last two (the renames between them stage one more file each,
# alike), then the one after the last (the run is not killed)
kill_points() {
	[ "$2" -gt 0 ] || { echo 1; return 0; }
	printf "%s\n" 1 2 $((($2 + 1) / 2)) $(($2 - 1)) "$2" $(($2 + 1)) | awk -v t="$2" '$1 >= 1 && $1 <= t + 1' | sort -nu
}

# kill_each_rename SETUP AFTER ARGS...: SETUP puts dist/ back and a traced
# `releaser release ARGS` counts its rename calls (strace counts each
# syscall apart); it verifies as HEAD. Then for each rename syscall and
# each of its kill_points N until a run is not killed: SETUP, `releaser
# release ARGS` killed at its Nth call, AFTER checks dist/, and a rerun
# must succeed and verify as HEAD. Leaves the number of kill points in
# ../kills, the points in ../killed, the rename calls of a whole run in
# ../renames.
kill_each_rename() {
	setup=$1 after=$2
	shift 2
	head=$(git rev-parse HEAD)
	kills=0
	: >../killed
	$setup
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -b execve -qq -o ../calls -e trace=$RENAMES "$R" release "$@" >/dev/null 2>&1
	verifies_as dist "$head"
	only_lock dist
	grep -cE "^[0-9]+ +rename(at|at2)?\(" ../calls >../renames
	for sc in rename renameat renameat2; do
		for n in $(kill_points $sc "$(most_calls "$sc" ../calls)"); do
			$setup
			rc=0
			ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -b execve -o /dev/null -e inject=$sc:signal=KILL:when=$n \
				"$R" release "$@" \
				>/dev/null 2>../err || rc=$?
			[ "$rc" -ne 0 ] || break
			if [ "$rc" -ne 137 ]; then
				echo "$sc $n: exit $rc, not a kill" >&2
				cat ../err >&2
				return 1
			fi
			echo "$sc $n" >>../killed
			test ! -e dist || only_lock dist
			$after
			"$R" release "$@" >/dev/null 2>&1
			verifies_as dist "$head"
			only_lock dist
			kills=$((kills + 1))
		done
		verifies_as dist "$head"
		only_lock dist
	done
	# a dead run's stage is removed by the next run; it never made the tree dirty
	test -z "$(find . -maxdepth 1 -name ".dist.releaser-*")"
	test -z "$(git status --porcelain)"
	echo "$kills" >../kills
}

report_kills() {
	if [ -f "$TRASH_ROOT/case-$test_n/kills" ]; then
		echo "# $1: $(cat "$TRASH_ROOT/case-$test_n/kills") kill points, each followed by a verify and a rerun"
	fi
}

if ! command -v strace >/dev/null 2>&1 || ! strace -f -o /dev/null true 2>/dev/null; then
	for t in 'killed at the first, middle and last renames into an empty directory: no release, or the new one' \
		'killed at the first, middle and last renames of --force over an older release: the old release or the new one' \
		'over an identical release: a run stages nothing and renames nothing in it, so there is no point to kill it at' \
		'two releases of different commits into one directory: exactly one wins, three times'; do
		test_skip "$t" 'strace is missing or cannot trace here (ci/install-deps.sh installs it)'
	done
	test_done
fi

test_expect_success 'killed at the first, middle and last renames into an empty directory: no release, or the new one' '
	fake_project p && cd p
	empty() { rm -rf dist; }
	check() { no_release dist || verifies_as dist "$(git rev-parse HEAD)"; }
	kill_each_rename empty check --key "$KEY"
	# the swap is one of them
	grep -x "renameat2 1" ../killed
'
report_kills 'into an empty directory'

test_expect_success 'killed at the first, middle and last renames of --force over an older release: the old release or the new one' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	old=$(git rev-parse HEAD)
	cp -a dist ../old-dist
	commit_change "a newer release"
	new=$(git rev-parse HEAD)
	older() { rm -rf dist && cp -a ../old-dist dist; }
	check() { verifies_as dist "$old" "$new"; }
	kill_each_rename older check --key "$KEY" --force
	grep -x "renameat2 1" ../killed
	# the old release is gone as a set: only the new tarballs are left
	ls dist/*.tar.gz >../tarballs
	not grep "${old:0:12}" ../tarballs
'
report_kills '--force over an older release'

test_expect_success 'over an identical release: a run stages nothing and renames nothing in it, so there is no point to kill it at' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	snap() { (cd dist && stat -c "%n %i %Y" . $(ls -A) && sha256sum $(ls -A)); }
	snap >../before
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -b execve -qq -o ../calls -e trace=$RENAMES \
		"$R" release --key "$KEY" >../out 2>&1
	test_grep "already holds" ../out
	# (the build record under build/ is put back after make: not the release)
	not grep -E "^[0-9]+ +rename(at|at2)?\(.*(/dist|\.dist\.releaser-)" ../calls
	test -z "$(find . -maxdepth 1 -name ".dist.releaser-*")"
	snap >../after
	test_cmp ../before ../after
	verifies_as dist "$(git rev-parse HEAD)"
'

test_expect_success 'two releases of different commits into one directory: exactly one wins, three times' '
	fake_project a && fake_project b
	(cd b && commit_change "another commit")
	ca=$(git -C a rev-parse HEAD)
	cb=$(git -C b rev-parse HEAD)
	for i in 1 2 3; do
		rm -rf shared
		for c in a b; do
			(
				cd $c
				rc=0
				ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -b execve -o /dev/null \
					-e inject=$RENAMES:delay_enter=200000 "$R" release --key "$KEY" --out ../shared \
					>/dev/null 2>../err-$c || rc=$?
				echo $rc >../rc-$c
			) &
		done
		wait
		case "$(cat rc-a) $(cat rc-b)" in
		"0 1") winner=$ca loser=b ;;
		"1 0") winner=$cb loser=a ;;
		*) echo "round $i: exits $(cat rc-a) (a) and $(cat rc-b) (b)" >&2; cat err-a err-b >&2; false ;;
		esac
		tail -n 1 err-$loser >last
		test_grep "is being written by another releaser run\|with other contents: remove" last
		verifies_as shared "$winner"
		only_lock shared
		test -z "$(find . -maxdepth 1 -name ".shared.releaser-*")"
	done
'

test_done
