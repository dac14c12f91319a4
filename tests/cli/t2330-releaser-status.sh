#!/bin/bash
# The dirty files info reports are git status's (submodules left out), on
# real repositories: a clean tree is told from the index's stat data
# alone (releaser/git/index.c reads the index once; versions 2 and 4;
# git writes version 3 only for entries with flags left to libgit2),
# and every change or unusual state (racy timestamps, symlinks, the
# executable bit, ignored and untracked files and directories,
# skip-worktree, submodules, conflicts) gives git's answer.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

# LeakSanitizer cannot run under ptrace; same_status, untraced, still checks leaks
TRACED_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# index_reads: how many times info opens .git/index (1: the quick check
# alone; more: libgit2's status decided)
index_reads() {
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -e trace=openat -o ../trace "$R" info >/dev/null &&
	grep -c '/\.git/index"' ../trace
}

# settle: the index written again once the clock (4 ms a tick for file
# times here) has moved past the last file written, so that no entry is
# "racily clean" by chance (test 3 makes one on purpose)
settle() {
	sleep 0.05 && git update-index --force-write-index
}

# next_second: waits for the clock's next second. git compares stat times
# in whole seconds: a change of a file within the second its entry was
# taken in is not in the index after a refresh (info, comparing the
# nanoseconds too, then leaves the file to libgit2)
next_second() {
	s=$(date +%s)
	while [ "$(date +%s)" = "$s" ]; do sleep 0.05; done
}

# same_status: info's dirty files, "XY path", are git status's
same_status() {
	"$R" info --json >../json &&
	jq -r '.dirty_files[] | .status + " " + .path' ../json | sort >../ours &&
	git --no-optional-locks status --porcelain --ignore-submodules=all | sort >../theirs &&
	test_cmp ../theirs ../ours &&
	test "$(jq -r .dirty ../json)" = "$(test -s ../theirs && echo true || echo false)"
}

test_expect_success 'a clean tree is told from the index alone, in versions 2 and 4' '
	fake_project p && cd p
	mkdir -p src/deep/er && echo deep >src/deep/er/f.c && echo x >src/a-b && echo y >src/a.c
	git add -A && git commit -q -m tree
	for v in 2 4; do
		git update-index --index-version $v
		test "$(od -An -tu1 -j7 -N1 .git/index | tr -d " ")" = $v || return 1
		same_status || return 1
		test "$(jq -r .dirty ../json)" = false || return 1
		settle && test "$(index_reads)" = 1 || return 1
		echo change >>src/deep/er/f.c
		same_status || return 1
		test "$(jq -r ".dirty_files[0].path" ../json)" = src/deep/er/f.c || return 1
		test "$(index_reads)" -gt 1 || return 1
		git checkout -q -- src/deep/er/f.c || return 1
	done
'

test_expect_success 'modified, deleted, staged, type changes, symlinks and the executable bit are git status' '
	fake_project p && cd p
	ln -s README.md link && ln -s nowhere dangling && echo run >tool && chmod +x tool
	git add -A && git commit -q -m links
	same_status
	settle
	test "$(index_reads)" = 1
	ln -sf LICENSE link
	same_status
	test_grep "^ M link$" ../ours
	git checkout -q -- link
	next_second
	chmod -x tool
	same_status
	test_grep "^ M tool$" ../ours
	chmod +x tool
	rm LICENSE && ln -s README.md LICENSE
	same_status
	test_grep "^ T LICENSE$" ../ours
	rm LICENSE
	same_status
	test_grep "^ D LICENSE$" ../ours
	git checkout -q -- LICENSE
	echo new >staged.txt && git add staged.txt
	same_status
	test_grep "^A  staged.txt$" ../ours
	git rm -q --cached staged.txt && rm staged.txt
	same_status
	test "$(jq -r .dirty ../json)" = false
	# the index changed and its cache tree is gone: libgit2 compares it with HEAD
	test "$(index_reads)" -gt 1
	git write-tree >/dev/null
	# the ctime of tool changed with its mode: stale stat data, libgit2 compares the content
	test "$(index_reads)" -gt 1
	git update-index --refresh
	settle
	test "$(index_reads)" = 1
'

test_expect_success 'a file not older than the index is not trusted from its stat data (racy git)' '
	fake_project p && cd p
	echo one >racy.txt && git add racy.txt && git commit -q -m racy
	# the entry records an mtime after the index was written: git and info compare the content
	touch -d "@$(( $(date +%s) + 3600 ))" racy.txt
	git update-index --refresh >/dev/null
	same_status
	test "$(jq -r .dirty ../json)" = false
	test "$(index_reads)" -gt 1
	# the same size, the same future mtime, other content
	echo two >racy.txt && touch -d "@$(( $(date +%s) + 3600 ))" racy.txt
	same_status
	test_grep "^ M racy.txt$" ../ours
'

test_expect_success '.gitignore, info/exclude and untracked files and directories are git status' '
	fake_project p && cd p
	mkdir -p build/obj docs && echo o >build/obj/x.o && echo doc >docs/guide.md
	git add docs && git commit -q -m docs
	printf "*.tmp\n" >>.git/info/exclude && echo t >scratch.tmp
	printf "*.log\n" >docs/.gitignore && git add docs/.gitignore && git commit -q -m ignore
	echo l >docs/build.log && echo t >docs/more.tmp
	same_status
	test "$(jq -r .dirty ../json)" = false
	settle
	test "$(index_reads)" = 1
	# untracked: a file, a directory, a directory of ignored files only
	echo n >docs/new.md
	same_status
	test_grep "^?? docs/new.md$" ../ours
	rm docs/new.md && mkdir -p newdir/sub && echo f >newdir/sub/f
	same_status
	test_grep "^?? newdir/$" ../ours
	rm -r newdir && mkdir onlyignored && echo l >onlyignored/a.log && echo t >onlyignored/b.tmp
	printf "*.log\n" >>.git/info/exclude
	same_status
	test "$(jq -r .dirty ../json)" = false
'

test_expect_success 'skip-worktree, submodules and conflicts are left to libgit2 and still git status' '
	fake_project p && cd p
	# an entry with extended flags makes git write version 3
	git update-index --index-version 3 --skip-worktree README.md
	test "$(od -An -tu1 -j7 -N1 .git/index | tr -d " ")" = 3
	same_status
	test "$(index_reads)" -gt 1
	echo change >>Makefile
	same_status
	test_grep "^ M Makefile$" ../ours
	git checkout -q -- Makefile
	git update-index --no-skip-worktree README.md
	fake_project ../sub
	git -c protocol.file.allow=always submodule -q add "$TRASH/sub" sub
	git commit -q -m sub
	same_status
	test "$(jq -r .dirty ../json)" = false
	test "$(index_reads)" -gt 1
	git checkout -q -b other && echo a >conflict.txt && git add conflict.txt && git commit -q -m a
	git checkout -q main && echo b >conflict.txt && git add conflict.txt && git commit -q -m b
	not git merge -q other >/dev/null 2>&1
	"$R" info --json >../json
	test "$(jq -r .dirty ../json)" = true
	test "$(jq -r ".dirty_files[].path" ../json)" = conflict.txt
'

test_expect_success 'an index info cannot read is left to libgit2: a damaged one is an error, as before' '
	fake_project p && cd p
	cp .git/index ../index.good
	printf "DIRC\0\0\0\2\0\0\0\1" >.git/index
	expect_exit 1 "$R" info >../out 2>../err
	test_grep "^releaser: cannot read the work tree status: " ../err
	cp ../index.good .git/index
	same_status
	settle
	test "$(index_reads)" = 1
'

test_expect_success 'an empty index: only untracked files can make the tree dirty' '
	git init -q e && cd e
	git commit -q --allow-empty -m empty
	echo "*.o" >.git/info/exclude && echo o >a.o
	same_status
	test "$(jq -r .dirty ../json)" = false
	settle
	test "$(index_reads)" = 1
	echo n >new.txt
	same_status
	test_grep "^?? new.txt$" ../ours
'

test_done
