#!/bin/bash
# releaser mirror --init (the first day of the debug branch) and --fetch
# (the local branches brought up to origin's without detaching HEAD),
# against real bare remotes; ci/mirror.sh --fetch before the first day.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

RELEASER=$BUILD/bin/releaser
export RELEASER
unset GITHUB_ACTIONS

# branches: the local branches, HEAD and the work tree's status, which a
# refused command must leave alone (the remote-tracking refs may be fetched)
branches() {
	{
		git for-each-ref --format='%(refname) %(objectname)' refs/heads refs/tags
		echo "HEAD $(git symbolic-ref -q HEAD || true) $(git rev-parse HEAD)"
		git ls-files -s
		git status --porcelain --untracked-files=all
	} >"$1"
}

# origin_main DIR [--with-ci]: TRASH/origin.git with main only, cloned into
# DIR (its scratch files ignored); TRASH/other is another clone
origin_main() {
	make_repo seed "${2:-}"
	git -C seed branch -q -D debug
	git clone -q --bare seed origin.git
	git clone -q origin.git "$1"
	git clone -q origin.git other
	printf '%s\n' out err before after '*.out' '*.err' '*.json' >"$1/.git/info/exclude"
}

# push_from_other BRANCH PATH TEXT: someone else commits TEXT into PATH on
# BRANCH and pushes it to origin
push_from_other() {
	(cd "$TRASH/other" && git fetch -q origin && git checkout -q -B "$1" "origin/$1" &&
		mkdir -p "$(dirname "$2")" && echo "$3" >"$2" && git add "$2" &&
		git commit -q -m "$2: $3 on $1 (other)" && git push -q origin "$1")
}

test_expect_success 'mirror --help names --init and --fetch' '
	"$R" mirror --help >out
	test_grep "^       releaser mirror --init" out
	test_grep "^  --init " out
	test_grep "^  --fetch " out
'

test_expect_success '--init: debug from main with a first commit that changes no file; HEAD untouched' '
	origin_main r && cd r
	echo scratch >untracked
	branches before
	releaser mirror --init >out
	test_grep "^analysis: init" out
	test_grep "^result: created" out
	test "$(git rev-parse debug^)" = "$(git rev-parse main)"
	test "$(git rev-parse debug^{tree})" = "$(git rev-parse main^{tree})"
	test "$(sed -n "s/^commit: //p" out)" = "$(git rev-parse debug)"
	git log -1 --format=%B debug >msg
	test_grep "^Start the debug branch .debug. from .main.$" msg
	test_grep "$(git rev-parse main)" msg
	test "$(git symbolic-ref HEAD)" = refs/heads/main
	test "$(cat untracked)" = scratch
	# not pushed without --push
	not git -C ../origin.git rev-parse -q --verify refs/heads/debug
	# no drift, nothing behind; the release notes leave the first commit out
	releaser mirror --check >out
	test_grep "^result: ok" out
	git tag -a v1.0.0 -m v1.0.0 main
	git checkout -q debug
	releaser tag v1.0.0 >out
	test_grep "^marker: no" out
	test "$(git rev-parse v1.0.0-debug^{commit})" = "$(git rev-parse debug)"
	releaser notes v1.0.0-debug >notes
	test_grep -v "Start the debug branch" notes
'

test_expect_success '--init --push creates debug on origin; after it, mirrors are merges' '
	origin_main r && cd r
	releaser mirror --init --push >out
	test_grep "^pushed: origin" out
	test "$(git -C ../origin.git rev-parse debug)" = "$(git rev-parse debug)"
	push_from_other main a "from main"
	releaser mirror --fetch >out
	test_grep "^fetched: origin" out
	test_grep "^updated: main fast-forwarded to origin/main" out
	test_grep "^analysis: merge" out
	test "$(git rev-parse debug^2)" = "$(git -C ../origin.git rev-parse main)"
'

test_expect_success '--init refuses (exit 2) a debug that exists here, as origin/debug, or on origin' '
	origin_main r && cd r
	releaser mirror --init --push >/dev/null
	branches before
	expect_exit 2 releaser mirror --init 2>err
	one_line err
	test_grep "branch .debug. exists already: it starts only once; bring it up to date with releaser mirror" err
	branches after
	test_cmp before after
	git branch -q -D debug
	branches before
	expect_exit 2 releaser mirror --init --push 2>err
	one_line err
	test_grep "branch .debug. exists on .origin. (origin/debug): take it (git branch debug origin/debug)" err
	branches after
	test_cmp before after
	# a clone that never fetched debug: origin itself is asked
	git update-ref -d refs/remotes/origin/debug
	branches before
	expect_exit 2 releaser mirror --init --push 2>err
	one_line err
	test_grep "branch .debug. exists on .origin. already: it starts only once" err
	branches after
	test_cmp before after
'

test_expect_success '--init --push refuses (exit 2) when origin lacks main or commits of it' '
	origin_main r && cd r
	commit_on main a "not pushed"
	branches before
	expect_exit 2 releaser mirror --init --push 2>err
	one_line err
	test_grep "local .main. has commits that .origin. lacks: push them first (git push origin main)" err
	branches after
	test_cmp before after
	not git -C ../origin.git rev-parse -q --verify refs/heads/debug
	git init -q --bare ../empty.git
	git remote add empty ../empty.git
	expect_exit 2 releaser mirror --init --push --remote empty 2>err
	one_line err
	test_grep "no branch .main. on .empty.: push it first (git push empty main)" err
	expect_exit 2 releaser mirror --init --push --remote nowhere 2>err
	one_line err
	test_grep "no remote .nowhere." err
	branches after
	test_cmp before after
'

test_expect_success '--init --push failing on origin: exit 1, the local debug it made is removed' '
	origin_main r && cd r
	# origin'"'"'s debug is being written by someone else
	: >../origin.git/refs/heads/debug.lock
	branches before
	expect_exit 1 releaser mirror --init --push >out 2>err
	one_line err
	test_grep "push to .origin. rejected for .refs/heads/debug." err
	branches after
	test_cmp before after
	rm ../origin.git/refs/heads/debug.lock
	not git -C ../origin.git rev-parse -q --verify refs/heads/debug
'

test_expect_success '--init --dry-run, and --init with --fetch or --check: nothing changes' '
	origin_main r && cd r
	branches before
	releaser mirror --init --dry-run >out
	test_grep "^result: would-create" out
	expect_exit 2 releaser mirror --init --fetch 2>err
	one_line err
	test_grep "[-]-init creates the debug branch, --fetch updates it: give one" err
	expect_exit 2 releaser mirror --check --init 2>err
	one_line err
	expect_exit 2 releaser mirror --fetch --dry-run 2>err
	one_line err
	test_grep "[-]-dry-run moves nothing" err
	HOME=$TRASH expect_exit 2 releaser mirror --init 2>err
	one_line err
	test_grep "no identity" err
	branches after
	test_cmp before after
'

test_expect_success '--fetch without debug on origin: exit 2, one line naming releaser mirror --init' '
	origin_main r --with-ci && cd r
	branches before
	expect_exit 2 releaser mirror --fetch >out 2>err
	one_line err
	test_grep "^releaser: no branch .debug. on .origin.: start it with releaser mirror --init --push" err
	test_cmp /dev/null out
	# ci/mirror.sh too: the releaser'"'"'s line, not git'"'"'s exit 128; HEAD stays on main
	expect_exit 2 ci/mirror.sh --fetch --push >out 2>err
	test_grep "no branch .debug. on .origin.: start it with releaser mirror --init --push" err
	test_grep -v "^fatal:" err
	branches after
	test_cmp before after
'

test_expect_success '--fetch with HEAD on main: main and its work tree follow origin, HEAD stays on main' '
	origin_main r && cd r
	releaser mirror --init --push >/dev/null
	git branch -q -D debug
	push_from_other main a "from main"
	echo scratch >untracked
	releaser mirror --fetch --push >out
	test_grep "^updated: main fast-forwarded to origin/main" out
	test_grep "^updated: debug created from origin/debug" out
	test_grep "^result: merged" out
	test "$(git symbolic-ref HEAD)" = refs/heads/main
	test "$(git rev-parse main)" = "$(git -C ../origin.git rev-parse main)"
	test "$(cat a)" = "from main"
	test "$(cat untracked)" = scratch
	test "$(git status --porcelain --untracked-files=no)" = ""
	test "$(git -C ../origin.git rev-parse debug)" = "$(git rev-parse debug)"
	test "$(git rev-parse debug^2)" = "$(git rev-parse main)"
'

test_expect_success '--fetch with HEAD on debug: debug is merged with its work tree, HEAD stays on debug' '
	origin_main r && cd r
	releaser mirror --init --push >/dev/null
	git checkout -q debug
	push_from_other main a "from main"
	push_from_other debug d "debug setting"
	releaser mirror --fetch >out
	test_grep "^updated: main fast-forwarded to origin/main" out
	test_grep "^updated: debug fast-forwarded to origin/debug" out
	test_grep "^result: merged" out
	test "$(git symbolic-ref HEAD)" = refs/heads/debug
	test "$(cat a)" = "from main"
	test "$(cat d)" = "debug setting"
	test "$(git status --porcelain)" = ""
	test "$(git rev-parse debug^1)" = "$(git -C ../origin.git rev-parse debug)"
	# nothing new: up to date, nothing moves
	branches before
	releaser mirror --fetch >out
	test_grep "^result: up-to-date" out
	test_grep -v "^updated:" out
	branches after
	test_cmp before after
'

test_expect_success '--fetch with the checked-out branch changed locally: exit 2 naming it, nothing moved' '
	origin_main r && cd r
	releaser mirror --init --push >/dev/null
	push_from_other main a "from main"
	echo local >file
	branches before
	expect_exit 2 releaser mirror --fetch >out 2>err
	one_line err
	test_grep ".main. is checked out and has local changes: commit or stash them first (nothing was moved)" err
	branches after
	test_cmp before after
	# debug checked out and changed: main is not moved either, though it could be
	git checkout -q -- file
	git checkout -q debug
	echo local >file
	branches before
	expect_exit 2 releaser mirror --fetch >out 2>err
	one_line err
	test_grep ".debug. is checked out and has local changes" err
	branches after
	test_cmp before after
	test "$(git rev-parse main)" != "$(git -C ../origin.git rev-parse main)"
	# a change where nothing moves is fine
	git checkout -q -- file && git checkout -q main && git merge -q --ff-only origin/main
	echo local >file
	releaser mirror --fetch >out
	test_grep "^result: merged" out
	test "$(cat file)" = local
'

test_expect_success '--fetch refuses (exit 2) a local branch diverged from origin'"'"'s, and one checked out elsewhere' '
	origin_main r && cd r
	releaser mirror --init --push >/dev/null
	push_from_other main a "from main"
	commit_on main b "local only"
	branches before
	expect_exit 2 releaser mirror --fetch >out 2>err
	one_line err
	test_grep "local .main. and .origin/main. have diverged: merge them (git checkout main && git merge origin/main)" err
	branches after
	test_cmp before after
	git reset -q --hard HEAD~1
	git checkout -q --detach
	git worktree add -q ../wt main
	branches before
	expect_exit 2 releaser mirror --fetch >out 2>err
	one_line err
	test_grep "checked out in another work tree" err
	branches after
	test_cmp before after
'

test_expect_success '--fetch refuses (exit 2) a local main ahead of origin'"'"'s: debug gets only what origin has' '
	origin_main r --with-ci && cd r
	releaser mirror --init --push >/dev/null
	commit_on main b "not pushed yet"
	branches before
	expect_exit 2 releaser mirror --fetch --push >out 2>err
	one_line err
	test_grep "local .main. has commits that .origin. lacks: push them first (git push origin main)" err
	branches after
	test_cmp before after
	expect_exit 2 ci/mirror.sh --fetch --push >out 2>err
	test "$(git -C ../origin.git rev-parse debug)" = "$(git rev-parse debug)"
	not git merge-base --is-ancestor main debug
	# pushed, the same mirror goes through
	git push -q origin main
	ci/mirror.sh --fetch --push >out
	git -C ../origin.git merge-base --is-ancestor main debug
	test "$(git symbolic-ref HEAD)" = refs/heads/main
'

test_expect_success '--fetch from a missing or unreachable remote: exit 2 or 1, nothing moved' '
	origin_main r && cd r
	releaser mirror --init --push >/dev/null
	branches before
	expect_exit 2 releaser mirror --fetch --remote nowhere 2>err
	one_line err
	test_grep "no remote .nowhere.: add it" err
	git remote add gone "$TRASH/gone.git"
	expect_exit 1 releaser mirror --fetch --remote gone 2>err
	one_line err
	test_grep "cannot reach remote .gone." err
	branches after
	test_cmp before after
'

test_expect_success 'ci/mirror.sh --fetch --push runs no git itself and leaves HEAD on its branch' '
	origin_main r --with-ci && cd r
	releaser mirror --init --push >/dev/null
	git checkout -q debug
	push_from_other main a "from main"
	ci/mirror.sh --fetch --push >out 2>err
	test "$(git symbolic-ref HEAD)" = refs/heads/debug
	test "$(git -C ../origin.git rev-parse debug)" = "$(git rev-parse debug)"
	test "$(git rev-parse debug^2)" = "$(git -C ../origin.git rev-parse main)"
	test "$(cat a)" = "from main"
	not grep -n "^[^#]*git checkout\|^[^#]*git fetch" "$ROOT/ci/mirror.sh"
'
test_done
