#!/bin/bash
# releaser tag: vX.Y.Z-debug on the debug branch, distinct from vX.Y.Z.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

# released DIR: main with v1.0.1 on a new commit, mirrored into debug, on debug
released() {
	make_repo "$1"
	cd "$1"
	commit_on main a "1.0.1"
	git tag -a v1.0.1 -m "v1.0.1" main
}

test_expect_success 'tag --help shows the options and the exit codes' '
	"$R" tag --help >out
	test_grep "^usage: releaser tag \[--late\] \[--sign-key FILE\] VERSION" out
	test_grep " --late " out
	test_grep "marker commit" out
	test_grep "^exit codes: 0" out
'

test_expect_success 'after a fast-forward, a marker commit keeps v1.0.1-debug off v1.0.1'"'"'s commit' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	test "$(git rev-parse debug)" = "$(git rev-parse v1.0.1^{commit})"
	releaser tag v1.0.1 >out
	test_grep "^marker: yes" out
	test_grep "^result: created" out
	test "$(git cat-file -t v1.0.1-debug)" = tag
	test "$(git rev-parse v1.0.1-debug^{commit})" != "$(git rev-parse v1.0.1^{commit})"
	test "$(git rev-parse v1.0.1-debug^{commit})" = "$(git rev-parse debug)"
	# the marker changes no file and sits on the tagged commit
	test "$(git rev-parse debug^{tree})" = "$(git rev-parse v1.0.1^{tree})"
	test "$(git rev-parse debug^)" = "$(git rev-parse v1.0.1^{commit})"
	git log -1 --format=%s debug >../subject
	test_grep "^Mark debug release v1.0.1-debug$" ../subject
	test "$(git status --porcelain)" = ""
'

test_expect_success 'the tag message records main'"'"'s tag and commit' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	releaser tag v1.0.1 >/dev/null
	git cat-file tag v1.0.1-debug >tag
	test_grep "^tag v1.0.1-debug$" tag
	test_grep "^tagger Test User <test@example.invalid>" tag
	test_grep "^main-tag: v1.0.1$" tag
	test_grep "^main-commit: $(git rev-parse v1.0.1^{commit})$" tag
'

test_expect_success 'after a merge, the tag goes on the merge commit that brought the release in' '
	released r
	commit_on debug d own
	releaser mirror >/dev/null
	merge=$(git rev-parse debug)
	commit_on main b "after the release"
	releaser mirror >/dev/null
	git checkout -q debug
	releaser tag v1.0.1 >out
	test_grep "^marker: no" out
	test "$(git rev-parse v1.0.1-debug^{commit})" = "$merge"
	test "$(git rev-parse debug^1)" = "$merge"
'

test_expect_success 'running it again is a no-op success' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	releaser tag v1.0.1 >/dev/null
	state before
	releaser tag v1.0.1 >out 2>err
	test_grep "^result: exists" out
	test_grep "already names" err
	state after
	test_cmp before after
'

test_expect_success 'the next release merges, and its debug tag needs no marker' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	releaser tag v1.0.1 >/dev/null
	commit_on main b "1.0.2"
	git tag -a v1.0.2 -m v1.0.2 main
	releaser mirror >out
	test_grep "^result: merged" out
	releaser tag v1.0.2 >out
	test_grep "^marker: no" out
	test "$(git rev-parse v1.0.2-debug^{commit})" = "$(git rev-parse debug)"
	test "$(git rev-parse debug^2)" = "$(git rev-parse v1.0.2^{commit})"
'

test_expect_success 'a pre-release tags the same way (v1.2.0-rc.1 -> v1.2.0-rc.1-debug)' '
	make_repo r && cd r
	commit_on main a rc
	git tag -a v1.2.0-rc.1 -m rc main
	releaser mirror >/dev/null
	git checkout -q debug
	releaser tag v1.2.0-rc.1 >out
	test_grep "^tag: v1.2.0-rc.1-debug$" out
	git rev-parse v1.2.0-rc.1-debug >/dev/null
'

test_expect_success 'refused when not on the debug branch (exit 2), nothing changes' '
	released r
	releaser mirror >/dev/null
	state before
	expect_exit 2 releaser tag v1.0.1 >out 2>err
	one_line err
	test_grep "not on the debug branch .debug. (HEAD is .main.): git checkout debug" err
	git checkout -q --detach debug
	expect_exit 2 releaser tag v1.0.1 >out 2>err
	one_line err
	test_grep "HEAD is detached" err
	git checkout -q main
	state after
	test_cmp before after
'

test_expect_success 'refused with local changes (exit 2), nothing changes' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	echo local >file
	state before
	expect_exit 2 releaser tag v1.0.1 >out 2>err
	one_line err
	test_grep "the work tree has local changes (1 file, first .file.): commit or stash them" err
	state after
	test_cmp before after
'

test_expect_success 'refused when main'"'"'s tag does not exist (exit 2)' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	state before
	expect_exit 2 releaser tag v9.9.9 >out 2>err
	one_line err
	test_grep "tag .v9.9.9. does not exist: tag the release on .main. first" err
	state after
	test_cmp before after
'

test_expect_success 'refused when main'"'"'s tag is not in debug yet (exit 2)' '
	released r
	git checkout -q debug
	state before
	expect_exit 2 releaser tag v1.0.1 >out 2>err
	one_line err
	test_grep "tag .v1.0.1. is not in .debug. yet: run releaser mirror first" err
	state after
	test_cmp before after
'

test_expect_success 'refused when the tag is not on main (exit 2)' '
	released r
	commit_on debug d own
	git tag -a v2.0.0 -m "on debug" debug
	git checkout -q debug
	state before
	expect_exit 2 releaser tag v2.0.0 >out 2>err
	one_line err
	test_grep "tag .v2.0.0. is not on .main.: debug releases follow main" err
	state after
	test_cmp before after
'

test_expect_success 'refused when the debug tag exists elsewhere (exit 2), nothing changes' '
	released r
	commit_on debug d own
	releaser mirror >/dev/null
	git tag -a v1.0.1-debug -m wrong debug~1
	git checkout -q debug
	state before
	expect_exit 2 releaser tag v1.0.1 >out 2>err
	one_line err
	test_grep "tag .v1.0.1-debug. already exists on $(git rev-parse --short=12 debug~1): delete it (git tag -d v1.0.1-debug)" err
	state after
	test_cmp before after
'

test_expect_success 'refused when a marker is needed but the debug tag exists (exit 2), no marker left' '
	released r
	releaser mirror >/dev/null
	git tag v1.0.1-debug main~1
	git checkout -q debug
	state before
	expect_exit 2 releaser tag v1.0.1 >out 2>err
	one_line err
	test_grep "already exists" err
	state after
	test_cmp before after
'

test_expect_success 'refused when debug moved past the release without a commit of its own (exit 2)' '
	released r
	commit_on main b later
	releaser mirror >/dev/null
	git checkout -q debug
	state before
	expect_exit 2 releaser tag v1.0.1 >out 2>err
	one_line err
	test_grep ".debug. moved past .v1.0.1. without a commit of its own: tag it with releaser tag --late v1.0.1 (RELEASING.md" err
	state after
	test_cmp before after
'

test_expect_success '--late: a marker on the release, merged into debug without changing a file' '
	released r
	commit_on main b later
	releaser mirror >/dev/null
	git checkout -q debug
	past=$(git rev-parse debug)
	releaser tag --late v1.0.1 >out
	test_grep "^marker: yes" out
	test_grep "^result: created" out
	# the tag names a marker on the tagged commit, with its tree
	test "$(git rev-parse v1.0.1-debug^{commit}^)" = "$(git rev-parse v1.0.1^{commit})"
	test "$(git rev-parse v1.0.1-debug^{tree})" = "$(git rev-parse v1.0.1^{tree})"
	git log -1 --format=%s v1.0.1-debug^{commit} >../subject
	test_grep "^Mark debug release v1.0.1-debug$" ../subject
	# debug moved forward only: a merge of its old tip and the marker, its tree unchanged
	test "$(git rev-parse debug^1)" = "$past"
	test "$(git rev-parse debug^2)" = "$(git rev-parse v1.0.1-debug^{commit})"
	test "$(git rev-parse debug^{tree})" = "$(git rev-parse "$past^{tree}")"
	test "$(sed -n "s/^merge: //p" out)" = "$(git rev-parse debug)"
	test "$(git symbolic-ref HEAD)" = refs/heads/debug
	test "$(git status --porcelain)" = ""
	# again, with or without --late: nothing to do
	state before
	releaser tag --late v1.0.1 >out
	test_grep "^result: exists" out
	releaser tag v1.0.1 >out
	test_grep "^result: exists" out
	state after
	test_cmp before after
'

test_expect_success '--late where debug has a commit for the release tags as without it' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	releaser tag --late v1.0.1 >out
	test_grep "^marker: yes" out
	test_grep -v "^merge:" out
	test "$(git rev-parse debug^)" = "$(git rev-parse v1.0.1^{commit})"
	expect_exit 2 releaser tag --late --go v1.0.1 2>err
	one_line err
	test_grep "[-]-late is for debug tags" err
'

test_expect_success 'a debug tag, a non-version and bad usage are refused (exit 2)' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	state before
	expect_exit 2 releaser tag v1.0.1-debug 2>err
	one_line err
	test_grep ".v1.0.1-debug. is a debug tag: give main.s tag (v1.0.1)" err
	expect_exit 2 releaser tag 1.0.1 2>err
	one_line err
	test_grep ".1.0.1. is not a release version" err
	expect_exit 2 releaser tag 2>err
	one_line err
	test_grep "give one version" err
	expect_exit 2 releaser tag v1.0.1 v1.0.2 2>err
	one_line err
	test_grep "give one version" err
	expect_exit 2 releaser tag --frob v1.0.1 2>err
	test_grep "^releaser: unknown option .--frob. (see releaser [a-z]* --help)$" err
	expect_exit 2 releaser tag v1.0.1 --sign-key 2>err
	test_grep "^releaser: option .--sign-key. needs a value (see releaser [a-z]* --help)$" err
	state after
	test_cmp before after
'

test_expect_success 'a debug tag created meanwhile by another run: exit 1, the marker is undone' '
	released r
	releaser mirror >/dev/null
	git checkout -q debug
	# the tag ref is locked as if another run were creating it
	mkdir -p .git/refs/tags && : >.git/refs/tags/v1.0.1-debug.lock
	state before
	expect_exit 1 releaser tag v1.0.1 >out 2>err
	one_line err
	test_grep "refs/tags/v1.0.1-debug. is locked by another process" err
	rm .git/refs/tags/v1.0.1-debug.lock
	state after
	test_cmp before after
'
test_done
