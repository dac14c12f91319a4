#!/bin/bash
# releaser mirror: fast-forward, clean merge, conflict, refusals, races.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

test_expect_success 'mirror --help shows the options and the exit codes' '
	"$R" mirror --help >out
	test_grep "^usage: releaser mirror" out
	test_grep " --dry-run" out
	test_grep " --check" out
	test_grep " --push" out
	test_grep "RELEASER_AUTHOR_NAME" out
	test_grep "^exit codes: 0" out
'

test_expect_success 'debug with nothing of its own is fast-forwarded' '
	make_repo r && cd r
	commit_on main a "from main"
	releaser mirror >out
	test_grep "^analysis: fast-forward" out
	test_grep "^ahead: 0" out
	test_grep "^behind: 1" out
	test_grep "^result: fast-forwarded" out
	test "$(git rev-parse debug)" = "$(git rev-parse main)"
	test "$(git log --format=%s -1 debug)" = "a: from main on main"
'

test_expect_success 'an up-to-date debug is left alone' '
	make_repo r && cd r
	commit_on debug d "own"
	state before
	releaser mirror >out
	test_grep "^analysis: up-to-date" out
	test_grep "^ahead: 1" out
	test_grep "^result: up-to-date" out
	state after
	test_cmp before after
'

test_expect_success 'when both moved, main is merged into debug with a message naming main'"'"'s commit' '
	make_repo r && cd r
	commit_on main a "from main"
	commit_on debug d "own"
	old=$(git rev-parse debug)
	releaser mirror >out
	test_grep "^analysis: merge" out
	test_grep "^result: merged" out
	test "$(git rev-parse debug^1)" = "$old"
	test "$(git rev-parse debug^2)" = "$(git rev-parse main)"
	git log -1 --format=%B debug >msg
	test_grep "Merge branch .main. ($(git rev-parse --short=12 main)) into debug" msg
	test_grep "$(git rev-parse main)" msg
	git show debug:a >a && test "$(cat a)" = "from main"
	git show debug:d >d && test "$(cat d)" = "own"
	test "$(sed -n "s/^commit: //p" out)" = "$(git rev-parse debug)"
'

test_expect_success 'the merge is by config identity, or by RELEASER_* when set' '
	make_repo r && cd r
	commit_on main a x && commit_on debug d y
	git branch keep debug
	releaser mirror >/dev/null
	test "$(git log -1 --format="%an <%ae>|%cn <%ce>" debug)" = "Test User <test@example.invalid>|Test User <test@example.invalid>"
	git branch -f debug keep
	RELEASER_AUTHOR_NAME=Bot RELEASER_AUTHOR_EMAIL=bot@example.invalid \
	RELEASER_COMMITTER_NAME=CI RELEASER_COMMITTER_EMAIL=ci@example.invalid releaser mirror >/dev/null
	test "$(git log -1 --format="%an <%ae>|%cn <%ce>" debug)" = "Bot <bot@example.invalid>|CI <ci@example.invalid>"
'

test_expect_success 'without any identity the merge is refused (exit 2), nothing changes' '
	make_repo r && cd r
	commit_on main a x && commit_on debug d y
	state before
	HOME=$TRASH expect_exit 2 releaser mirror >out 2>err
	one_line err
	test_grep "no identity for the commit: set user.name" err
	state after
	test_cmp before after
'

test_expect_success 'with debug checked out, the index and work tree follow the merge' '
	make_repo r && cd r
	commit_on main a "from main"
	commit_on debug d "own"
	git checkout -q debug
	echo scratch >untracked
	releaser mirror >out
	test_grep "^result: merged" out
	test "$(cat a)" = "from main"
	test "$(git status --porcelain --untracked-files=no)" = ""
	test "$(cat untracked)" = scratch
	test "$(git symbolic-ref HEAD)" = refs/heads/debug
'

test_expect_success 'with debug checked out, a fast-forward updates the work tree too' '
	make_repo r && cd r
	git checkout -q debug
	commit_on main a "from main"
	releaser mirror >out
	test_grep "^result: fast-forwarded" out
	test "$(cat a)" = "from main"
	test "$(git status --porcelain)" = ""
'

test_expect_success 'a conflict changes nothing, lists the paths, exit 1' '
	make_repo r && cd r
	commit_on main file "main change"
	commit_on main other "main other"
	commit_on debug file "debug change"
	commit_on debug other "debug other"
	commit_on debug fine "no conflict here"
	git checkout -q debug
	state before
	expect_exit 1 releaser mirror >out 2>err
	one_line err
	test_grep "merging .main. into .debug. conflicts in 2 paths: nothing was changed" err
	test_grep "^result: conflict" out
	test_grep "^conflicts: file$" out
	test_grep "^conflicts: other$" out
	test_grep -v "^conflicts: fine" out
	state after
	test_cmp before after
	test "$(cat file)" = "debug change"
	test ! -e .git/MERGE_HEAD
'

test_expect_success 'a conflict with --json lists the paths in the JSON' '
	make_repo r && cd r
	commit_on main file "main change"
	commit_on debug file "debug change"
	expect_exit 1 releaser mirror --json >out 2>err
	jq -e ".result == \"conflict\" and .conflicts == [\"file\"] and .analysis == \"merge\"" out
'

test_expect_success '--dry-run says what it would do and changes nothing' '
	make_repo r && cd r
	commit_on main a x
	state before
	releaser mirror --dry-run >out
	test_grep "^result: would-fast-forward" out
	commit_on debug d y
	state before
	releaser mirror --dry-run >out
	test_grep "^result: would-merge" out
	state after
	test_cmp before after
	commit_on main d z
	state before
	expect_exit 1 releaser mirror --dry-run >out 2>err
	test_grep "^conflicts: d" out
	state after
	test_cmp before after
'

test_expect_success '--json reports branches, counts and the new commit' '
	make_repo r && cd r
	commit_on main a x
	commit_on main b x
	releaser mirror --json >out
	jq -e ".main.branch == \"main\" and .debug.branch == \"debug\" and .ahead == 0 and .behind == 2" out
	jq -e ".analysis == \"fast-forward\" and .result == \"fast-forwarded\"" out
	test "$(jq -r .commit out)" = "$(git rev-parse main)"
'

test_expect_success '--main and --debug name other branches; settings name them too' '
	make_repo r && cd r
	git branch trunk main
	git branch trunk-debug main
	commit_on trunk a x
	releaser mirror --main trunk --debug trunk-debug >out
	test "$(git rev-parse trunk-debug)" = "$(git rev-parse trunk)"
	commit_on trunk b x
	printf "[branch]\n\tmain = trunk\n\tdebug = trunk-debug\n" >releaser.conf
	releaser mirror >out
	test "$(git rev-parse trunk-debug)" = "$(git rev-parse trunk)"
'

test_expect_success 'a missing debug or main branch is refused (exit 2), nothing changes' '
	make_repo r && cd r
	git branch -D debug
	state before
	expect_exit 2 releaser mirror >out 2>err
	one_line err
	test_grep "branch .debug. does not exist: fetch it (releaser mirror --fetch), or start it from .main. (releaser mirror --init)" err
	expect_exit 2 releaser mirror --main nope >out 2>err
	one_line err
	test_grep "branch .nope. does not exist" err
	expect_exit 2 releaser mirror --main "bad..name" >out 2>err
	one_line err
	test_grep ".bad..name. is not a valid branch name" err
	state after
	test_cmp before after
'

test_expect_success 'the same branch twice, unrelated branches, bad options: exit 2' '
	make_repo r && cd r
	expect_exit 2 releaser mirror --debug main 2>err
	one_line err
	test_grep "main and debug are both .main." err
	git checkout -q --orphan lone && git commit -q --allow-empty -m lone && git checkout -q main
	state before
	expect_exit 2 releaser mirror --debug lone 2>err
	one_line err
	test_grep "share no history" err
	expect_exit 2 releaser mirror --frob 2>err
	test_grep "^releaser: unknown option .--frob. (see releaser [a-z]* --help)$" err
	expect_exit 2 releaser mirror --main 2>err
	test_grep "^releaser: option .--main. needs a value (see releaser [a-z]* --help)$" err
	expect_exit 2 releaser mirror extra 2>err
	one_line err
	test_grep "unexpected argument .extra." err
	expect_exit 2 releaser mirror --check --push 2>err
	one_line err
	test_grep "[-]-check only reads" err
	state after
	test_cmp before after
'

test_expect_success 'debug checked out with local changes is refused (exit 2), nothing changes' '
	make_repo r && cd r
	commit_on main a x
	git checkout -q debug
	echo local >file
	state before
	expect_exit 2 releaser mirror >out 2>err
	one_line err
	test_grep ".debug. is checked out and has local changes: commit or stash them first" err
	state after
	test_cmp before after
'

test_expect_success 'debug checked out in another work tree is refused (exit 2)' '
	make_repo r && cd r
	commit_on main a x
	git worktree add -q ../wt debug
	state before
	expect_exit 2 releaser mirror >out 2>err
	one_line err
	test_grep "checked out in another work tree" err
	state after
	test_cmp before after
'

test_expect_success 'an untracked file in the way stops the merge before anything moves (exit 1)' '
	make_repo r && cd r
	commit_on main a "from main"
	commit_on debug d y
	git checkout -q debug
	echo mine >a
	state before
	expect_exit 1 releaser mirror >out 2>err
	one_line err
	test_grep "cannot update the work tree (nothing was moved" err
	state after
	test_cmp before after
	test "$(cat a)" = mine
'

test_expect_success 'a debug ref locked by another process: exit 1, nothing moved' '
	make_repo r && cd r
	commit_on main a x
	: >.git/refs/heads/debug.lock
	state before
	expect_exit 1 releaser mirror >out 2>err
	one_line err
	test_grep "refs/heads/debug. is locked by another process" err
	rm .git/refs/heads/debug.lock
	state after
	test_cmp before after
'

test_expect_success 'two concurrent mirrors: the second to move debug fails, the first wins' '
	make_repo r && cd r
	commit_on main a x
	commit_on debug d y
	mkfifo pause
	exec 8<>pause
	# the first run computes its merge, then waits on the FIFO before moving debug
	RELEASER_TEST_MIRROR_PAUSE=$PWD/pause releaser mirror >first.out 2>first.err &
	first=$!
	# meanwhile a second run merges and moves debug
	commit_on main b x
	releaser mirror >second.out
	test_grep "^result: merged" second.out
	won=$(git rev-parse debug)
	echo go >&8
	set +e; wait $first; rc=$?; set -e
	test $rc -eq 1
	one_line first.err
	test_grep "refs/heads/debug. was changed by someone else meanwhile: nothing was moved, run again" first.err
	test "$(git rev-parse debug)" = "$won"
	# a new run then completes
	releaser mirror >third.out
	test_grep "^result: up-to-date" third.out
'
test_done
