#!/bin/bash
# Killed runs and what the user keeps in the output directory (strace
# fault injection). In place (the output directory a mount point: a tmpfs
# in a private mount namespace), a run killed at any syscall of its last
# step leaves a directory that the next run completes: it exits 0 and the
# directory verifies as its release, with no file of the older release
# left. With the swap, a directory the user keeps in the output directory
# (holding a file) survives a kill at any syscall of the exchange. Each
# kill replays only the last step (`releaser package` from one build).
# The user's directory is .notes/: `releaser verify` reports any entry
# not listed in SHA256SUMS whose name does not start with a dot.
#
# Random kill points: KILLS per case (default 25, so that the file runs in
# about a minute; KILLS=100 is the full run), each a syscall among
# SYSCALLS and an N among its calls: in place, of the whole run; with the
# swap, of the commit (from the opening of the lock to the exit). SEED=S
# repeats a run (the seed is printed).
if [ -z "${T2545_UNSHARED:-}" ] && [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
	T2545_UNSHARED=1 exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

KILLS=${KILLS:-25}
SEED=${SEED:-$(( $(date +%s) % 100000 ))}
echo "# seed $SEED, $KILLS random kills per case (SEED=$SEED KILLS=$KILLS repeats it)"
"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
PUB=$TRASH_ROOT/key.pub
ARCH=(--arch "$HOST_ARCH")
# LeakSanitizer cannot run under ptrace; the reruns, untraced, still check leaks
TRACED_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# the kill points: the syscalls of this arch among these (arm64 has no rename, unlink, mkdir, open)
SYSCALLS=
for sc in rename renameat renameat2 unlink unlinkat link linkat mkdir mkdirat open openat write fsync; do
	if strace -o /dev/null -e trace=$sc true 2>/dev/null; then
		SYSCALLS="$SYSCALLS${SYSCALLS:+,}$sc"
	fi
done

# verifies_as DIR COMMIT: DIR verifies, as the release of COMMIT
verifies_as() {
	if ! "$R" verify --pubkey "$PUB" "$1" >"$TRASH/verify.out" 2>&1; then
		cat "$TRASH/verify.out" >&2
		return 1
	fi
	if ! grep -q "^trusted comment: .* commit:$2 " "$TRASH/verify.out"; then
		echo "'$1' verifies, but not as $2" >&2
		cat "$TRASH/verify.out" >&2
		return 1
	fi
}

# only_lock_and_notes DIR: its dot entries are the lock and the user's .notes/ (no stage, no journal)
only_lock_and_notes() {
	find "$1" -mindepth 1 -maxdepth 1 -name ".*" -printf "%f\n" >"$TRASH/dots"
	if grep -v -x "\.releaser\.lock\|\.notes" "$TRASH/dots" >&2; then
		echo "'$1' holds the entries above" >&2
		return 1
	fi
}

# notes_kept DIR: the user's directory and its file are in DIR, unchanged
notes_kept() {
	if [ "$(cat "$1/.notes/keep.txt" 2>/dev/null)" != "the user's notes" ]; then
		echo "'$1/.notes/keep.txt' is gone or changed" >&2
		ls -laR "$1" >&2
		return 1
	fi
}

# kill_points TRACE [all]: "syscall first last" for each kill point
# syscall of the commit (from the opening of the lock), or of the whole
# run with "all": its calls first..last of the run
kill_points() {
	awk -v all="${2:-}" '
	BEGIN {
		started = all == "all"
	}
	{
		sub(/^[0-9]+ +/, "")
		name = $0
		sub(/\(.*/, "", name)
		if (name !~ /^[a-z0-9_]+$/)
			next
		if (!started && index($0, "/.releaser.lock\"")) {
			started = 1
			for (k in total)
				before[k] = total[k]
		}
		total[name]++
	}
	END {
		for (k in total)
			if (started && total[k] > before[k] + 0)
				print k, before[k] + 1, total[k]
	}' "$1" | sort
}

# the case's scratch on a tmpfs (cheap fsync); unmounted when the case ends
scratch_tmpfs() {
	mkdir fs && mount -t tmpfs -o size=64m tmpfs fs && cd fs
}

# older_release_and_build: in the project p (current directory), an older
# release in dist/ with the user's .notes/keep.txt, saved in ../old-dist; a
# newer commit built in build/; prints its commit
older_release_and_build() {
	"$R" release --key "$KEY" "${ARCH[@]}" >/dev/null 2>&1
	mkdir dist/.notes
	echo "the user's notes" >dist/.notes/keep.txt
	mkdir -p ../old-dist && cp -a dist/. ../old-dist/
	commit_change "a newer release"
	"$R" build "${ARCH[@]}" >/dev/null 2>&1
	git rev-parse HEAD
}

# older_project: (a fixture) the project p with older_release_and_build
# done in it, the older release in old-dist/; the cases get copies of it
older_project() {
	fake_project p
	cd p
	older_release_and_build >/dev/null
}

# kill_and_rerun SC N RESTORE NEW: RESTORE puts the older release back, a
# `releaser package` is killed at its Nth SC call (or runs to its end),
# then the user's directory must be there (or in the dead run's stage),
# and a rerun must exit 0 with dist/ verifying as NEW, the user's directory
# in it, nothing of the older release (commit $old) or of the dead run
# left. Counts kills,
# recoveries and the user's directory found in a stage in $kills,
# $recoveries and $in_stage.
kill_and_rerun() {
	sc=$1 n=$2 restore=$3 new=$4
	$restore
	rc=0
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -b execve -o /dev/null -e inject=$sc:signal=KILL:when=$n \
		"$R" package --key "$KEY" "${ARCH[@]}" >/dev/null 2>../err || rc=$?
	# strace follows the releaser's threads (-f) and leaves its children at
	# their execve (-b execve); a kill of a child before that makes the run
	# fail cleanly (exit 1, naming the program), as good a point as any
	case $rc in
	0) ;;
	137) kills=$((kills + 1)) ;;
	1) grep -q "^releaser: 'rpmbuild' failed (exit [0-9]*): see " ../err ||
		{ echo "$sc $n: exit 1, not a kill nor a killed rpmbuild" >&2; cat ../err >&2; return 1; } ;;
	*) echo "$sc $n: exit $rc, not a kill" >&2; cat ../err >&2; return 1 ;;
	esac
	echo "$sc $n $rc" >>../points
	# killed between its move into the new set and the swap, the user's
	# directory is in the dead run's stage, which the next run empties into dist/
	if ! notes_kept dist 2>/dev/null; then
		notes_kept .dist.releaser-*/new || { echo "after the kill at $sc $n" >&2; return 1; }
		in_stage=$((in_stage + 1))
	fi
	if ! "$R" package --key "$KEY" "${ARCH[@]}" >/dev/null 2>../err; then
		echo "killed at $sc $n: the rerun fails" >&2
		cat ../err >&2
		return 1
	fi
	verifies_as dist "$new" || { echo "killed at $sc $n: the rerun does not verify" >&2; return 1; }
	only_lock_and_notes dist || { echo "killed at $sc $n" >&2; return 1; }
	notes_kept dist || { echo "killed at $sc $n, then rerun" >&2; return 1; }
	# shellcheck disable=SC2154 # old: set by the case
	test "$(find dist -maxdepth 1 -name "*${old:0:12}*" | wc -l)" = 0 || { echo "killed at $sc $n: the older release is left" >&2; ls -la dist >&2; return 1; }
	recoveries=$((recoveries + 1))
}

# random_kills COUNT RESTORE NEW [all]: COUNT kills at random points of the
# commit (or of the whole run)
random_kills() {
	count=$1 restore=$2 new=$3 all=${4:-}
	$restore
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -b execve -o ../trace -e trace="$SYSCALLS" \
		"$R" package --key "$KEY" "${ARCH[@]}" >/dev/null 2>&1
	kill_points ../trace $all >../kill-points
	test -s ../kill-points
	mapfile -t points <../kill-points
	RANDOM=$SEED
	for i in $(seq "$count"); do
		read -r sc first last <<<"${points[RANDOM % ${#points[@]}]}"
		n=$((first + RANDOM % (last - first + 1)))
		kill_and_rerun "$sc" "$n" "$restore" "$new" || { echo "kill $i of seed $SEED" >&2; return 1; }
	done
}

report() {
	if [ -f "$TRASH_ROOT/case-$test_n/figures" ]; then
		echo "# $1: $(cat "$TRASH_ROOT/case-$test_n/figures")"
	fi
}

if [ -z "${T2545_UNSHARED:-}" ] || ! command -v strace >/dev/null 2>&1 || ! strace -f -o /dev/null true 2>/dev/null ||
	! { mkdir -p "$TRASH_ROOT/probe" && mount -t tmpfs -o size=16k tmpfs "$TRASH_ROOT/probe" 2>/dev/null &&
		umount "$TRASH_ROOT/probe"; }; then
	for t in 'in place: killed at each rename and unlink of the commit over an older release, every rerun completes it' \
		'in place: killed at random syscalls of the run, every rerun completes it' \
		'swap: killed at random syscalls of the exchange, the user'"'"'s directory survives' \
		'a directory under a release file name stops the run, even with --force; under an older release file name it stays'; do
		test_skip "$t" 'needs root (a private mount namespace, tmpfs mounts) and a working strace'
	done
	test_done
fi

test_expect_success 'in place: killed at each rename and unlink of the commit over an older release, every rerun completes it' '
	scratch_tmpfs
	trap "cd /; umount -l \"$TRASH/fs\"" EXIT
	fixture older older_project
	cd p
	old=$(git rev-parse HEAD^) new=$(git rev-parse HEAD)
	rm -rf dist && mkdir dist && mount -t tmpfs -o size=16m tmpfs dist
	older() { find dist -mindepth 1 -delete && cp -a ../old-dist/. dist/; }
	kills=0 recoveries=0 in_stage=0
	older
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -b execve -o ../trace -e trace="$SYSCALLS" \
		"$R" package --key "$KEY" "${ARCH[@]}" >/dev/null 2>&1
	kill_points ../trace | grep "^rename\|^unlink" >../each
	while read -r sc first last <&3; do
		for n in $(seq "$first" "$last"); do
			kill_and_rerun "$sc" "$n" older "$new" </dev/null || return 1
		done
	done 3<../each
	# the renames into dist/ (the journal, 9 files) and the removals of the older release
	# (a point of the traced run may not come again: the .deb thread and a
	# child before its execve make their calls in another order each run;
	# such a run completes, and counts as a recovery without a kill)
	test $kills -ge 12
	test $recoveries -ge $kills
	echo "$kills kills, $recoveries recoveries" >"$TRASH/figures"
'
report 'in place, each rename and unlink'

test_expect_success 'in place: killed at random syscalls of the run, every rerun completes it' '
	scratch_tmpfs
	trap "cd /; umount -l \"$TRASH/fs\"" EXIT
	fixture older older_project
	cd p
	old=$(git rev-parse HEAD^) new=$(git rev-parse HEAD)
	rm -rf dist && mkdir dist && mount -t tmpfs -o size=16m tmpfs dist
	older() { find dist -mindepth 1 -delete && cp -a ../old-dist/. dist/; }
	kills=0 recoveries=0 in_stage=0
	random_kills "$KILLS" older "$new" all
	test $kills -ge $((KILLS / 2))
	test $recoveries = "$KILLS"
	echo "$kills kills, $recoveries recoveries ($(cut -d" " -f1 ../points | sort | uniq -c | xargs))" >"$TRASH/figures"
'
report 'in place, random'

test_expect_success 'swap: killed at random syscalls of the exchange, the user'"'"'s directory survives' '
	scratch_tmpfs
	trap "cd /; umount -l \"$TRASH/fs\"" EXIT
	fixture older older_project
	cd p
	old=$(git rev-parse HEAD^) new=$(git rev-parse HEAD)
	older() { rm -rf dist && cp -a ../old-dist dist; }
	kills=0 recoveries=0 in_stage=0
	# first the renames of the commit, one by one: the move of .notes/ into the new set and the swap
	older
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -b execve -o ../trace -e trace="$SYSCALLS" \
		"$R" package --key "$KEY" "${ARCH[@]}" >/dev/null 2>&1
	grep -q "renameat2(.*RENAME_EXCHANGE" ../trace
	kill_points ../trace | grep "^rename" >../renames
	while read -r sc first last <&3; do
		for n in $(seq "$first" "$last"); do
			kill_and_rerun "$sc" "$n" older "$new" </dev/null || return 1
		done
	done 3<../renames
	# killed between them, the directory of the user was in the stage of the dead run
	test $in_stage -ge 1
	# the random points of the exchange: not every one comes again in a
	# later run (about a third kill under ASan), each run must recover
	renamed=$kills
	random_kills "$KILLS" older "$new"
	test $((kills - renamed)) -ge 1
	# no stage of a dead run is left beside dist/, and the work tree is clean
	test -z "$(find . -maxdepth 1 -name ".dist.releaser-*")"
	test -z "$(git status --porcelain)"
	echo "$kills kills, $recoveries recoveries, the user'"'"'s directory $in_stage times in the dead stage" \
		"($(cut -d" " -f1 ../points | sort | uniq -c | xargs))" >"$TRASH/figures"
'
report 'swap, random'

test_expect_success 'a directory under a release file name stops the run, even with --force; under an older release file name it stays' '
	scratch_tmpfs
	trap "cd /; umount -l \"$TRASH/fs\"" EXIT
	fixture older older_project
	cd p
	old=$(git rev-parse HEAD^) new=$(git rev-parse HEAD)
	for mode in swap in-place; do
		rm -rf dist ../old-dist/.notes && mkdir dist
		test $mode = swap || mount -t tmpfs -o size=16m tmpfs dist
		cp -a ../old-dist/. dist/
		# an older tarball replaced by the user'"'"'s directory of that name
		tgz=$(cd dist && ls *-linux-$HOST_ARCH.tar.gz)
		rm "dist/$tgz" && mkdir "dist/$tgz" && echo mine >"dist/$tgz/file"
		# and one under a name the new release writes
		rm dist/CHANGELOG.md && mkdir dist/CHANGELOG.md && echo mine >dist/CHANGELOG.md/file
		expect_exit 1 "$R" package --key "$KEY" "${ARCH[@]}" --force 2>../err >/dev/null
		tail -n 1 ../err >../last
		test_grep "^releaser: .*/dist/CHANGELOG.md. is a directory, which the release cannot replace: move it away$" ../last
		test "$(cat dist/CHANGELOG.md/file)" = mine
		rm -r dist/CHANGELOG.md
		"$R" package --key "$KEY" "${ARCH[@]}" >/dev/null 2>&1
		test "$(cat "dist/$tgz/file")" = mine
		test "$(jq -r .version dist/manifest.json)" != "$(jq -r .version ../old-dist/manifest.json)"
		test $mode = swap || umount dist
	done
'

test_done
