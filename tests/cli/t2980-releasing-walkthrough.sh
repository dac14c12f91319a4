#!/bin/bash
# RELEASING.md's commands, as a maintainer runs them, on a repository with a
# bare remote: the first day of the debug branch, a release, a debug release
# with a signed tag, a debug branch that moved past its release, a mirror
# conflict resolved by hand, the guard.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"
. "$ROOT/tests/lib-release.sh"
. "$(dirname "$0")/lib-doc.sh"

RELEASER=$BUILD/bin/releaser
export RELEASER
unset GITHUB_ACTIONS

# clone DIR: a maintainer's clone of a project (with ci/ and .gitignore)
# whose origin is TRASH/origin.git, holding main and debug; the release key
# in it, as RELEASING.md makes it (the project's .gitignore keeps it out)
clone() {
	make_repo seed --with-ci
	git clone -q --bare seed origin.git
	git clone -q origin.git "$1"
	git -C "$1" branch -q debug origin/debug
	printf '%s\n' out err '*.out' '*.err' '*.json' >"$1/.git/info/exclude"
	(cd "$1" && releaser keygen --out profiling-agent >/dev/null 2>&1)
}

# first_day_clone DIR: a clone of a project (with ci/) whose origin,
# TRASH/origin.git, has main only: no debug branch yet
first_day_clone() {
	make_repo seed --with-ci
	git -C seed branch -q -D debug
	git clone -q --bare seed origin.git
	git clone -q origin.git "$1"
	printf '%s\n' out err '*.out' '*.err' '*.json' >"$1/.git/info/exclude"
}

test_expect_success 'the first day of the debug branch, then a release and its debug release' '
	first_day_clone work && cd work
	# before the first day, the mirror says what to run: exit 2, no raw git error
	expect_exit 2 ci/mirror.sh --fetch --push >mirror.out 2>mirror.err
	test_grep "no branch .debug. on .origin.: start it with releaser mirror --init --push" mirror.err
	test_grep -v "^fatal:" mirror.err
	test "$(git symbolic-ref HEAD)" = refs/heads/main
	not git rev-parse -q --verify refs/heads/debug
	releaser mirror --init --push >init.out
	git log --oneline -2 debug >log.out
	test_grep "Start the debug branch .debug. from .main.$" log.out
	test "$(git -C ../origin.git rev-parse debug)" = "$(git rev-parse debug)"
	test "$(git rev-parse debug^)" = "$(git rev-parse main)"
	test "$(git symbolic-ref HEAD)" = refs/heads/main
	# main moves on; the mirror merges it, HEAD stays on main
	commit_on main feature.c "the 1.0.1 feature"
	git tag -a v1.0.1 -m v1.0.1 main
	git push origin main v1.0.1 2>/dev/null
	ci/mirror.sh --fetch --push >mirror.out
	test "$(git symbolic-ref HEAD)" = refs/heads/main
	test "$(git -C ../origin.git rev-parse debug^2)" = "$(git rev-parse v1.0.1^{commit})"
	git checkout debug
	releaser tag v1.0.1 >tag.out
	test_grep "^marker: no" tag.out
	git push origin debug v1.0.1-debug 2>/dev/null
	test "$(git -C ../origin.git rev-parse v1.0.1-debug^{commit})" = "$(git -C ../origin.git rev-parse debug)"
	# someone else pushes to main; the next mirror, with HEAD on debug: HEAD
	# stays there, the work tree follows, local main catches up with origin
	git clone -q ../origin.git ../other
	(cd ../other && echo later >later.c && git add later.c && git commit -q -m later && git push -q origin main)
	ci/mirror.sh --fetch --push >mirror.out
	test "$(git symbolic-ref HEAD)" = refs/heads/debug
	test "$(cat later.c)" = later
	test "$(git status --porcelain)" = ""
	test "$(git rev-parse main)" = "$(git -C ../origin.git rev-parse main)"
'

# project_clone DIR: a maintainer's clone of a small project built like this
# one (tests/lib-release.sh: its Makefile makes what a release packages in
# a moment), with this project's ci/ and .gitignore, whose origin,
# TRASH/origin.git, has main only; gh is the stand-in (tests/tools), its
# releases in TRASH/github
project_clone() {
	fake_project seed
	cp -R "$ROOT/ci" seed/ci
	cp "$ROOT/.gitignore" seed/.gitignore
	git -C seed add -A
	git -C seed commit -q -m "ci, .gitignore"
	git -C seed branch -q -M main
	git clone -q --bare seed origin.git
	git clone -q origin.git "$1"
	printf '%s\n' out err '*.out' '*.err' '*.json' >"$1/.git/info/exclude"
	mkdir bin
	ln -s "$ROOT/tests/tools/gh-stand-in.sh" bin/gh
	PATH=$TRASH/bin:$PATH
	GH_STAND_IN_DIR=$TRASH/github
	export GH_STAND_IN_DIR
}

# on BRANCH: HEAD is on branch BRANCH (nothing left it detached)
on() {
	test "$(git symbolic-ref HEAD)" = "refs/heads/$1"
}

# published TAG CHANNEL: the stand-in holds release TAG, whose files verify
# with the release key and whose manifest names TAG and CHANNEL
published() {
	releaser verify --pubkey profiling-agent.pub "$TRASH/github/$1" >verify.out
	test "$(jq -r .ref "$TRASH/github/$1/manifest.json")" = "refs/tags/$1"
	test "$(jq -r .channel "$TRASH/github/$1/manifest.json")" = "$2"
}

test_expect_success 'a whole cycle: first day, v1.0.0, v1.0.0-debug, an rc, a mirror after main moved, its debug release' '
	project_clone work && cd work
	# the first day: the nightly mirror fails as documented (2), then starts it
	expect_exit 2 ci/mirror.sh --fetch --push >mirror.out 2>mirror.err
	test_grep "releaser mirror --init --push" mirror.err
	on main
	run_doc_block "$ROOT/RELEASING.md" "releaser mirror --init --push" >init.out 2>&1
	on main
	run_doc_block "$ROOT/RELEASING.md" "git log --oneline -2 debug" >log.out
	test_grep "Start the debug branch .debug. from .main.$" log.out
	test "$(git -C ../origin.git rev-parse debug^)" = "$(git rev-parse main)"
	# the key, made in the checkout: no local change for preflight
	releaser keygen --out profiling-agent >keygen.out 2>&1
	test "$(git status --porcelain)" = ""
	# v1.0.0 on main, released and published
	git checkout main
	git tag -a v1.0.0 -m v1.0.0
	git push origin main v1.0.0 2>/dev/null
	expect_exit 2 ci/release.sh >release.out 2>release.err
	ci/release.sh --key profiling-agent.key >release.out
	ci/publish.sh --pubkey profiling-agent.pub dist >publish.out
	published v1.0.0 release
	mv dist ../dist-v1.0.0
	on main
	# its debug release: the mirror merges, HEAD stays on main
	ci/mirror.sh --fetch --push >mirror.out
	on main
	git checkout debug
	expect_exit 2 releaser tag v1.0.1 >tag.out 2>tag.err
	releaser tag --sign-key profiling-agent.key v1.0.0 >tag.out
	git push origin debug v1.0.0-debug 2>/dev/null
	ci/release.sh --key profiling-agent.key >release.out
	ci/publish.sh --pubkey profiling-agent.pub dist >publish.out
	published v1.0.0-debug debug
	mv dist ../dist-v1.0.0-debug
	on debug
	# an rc: main moves on, the mirror runs with HEAD on main
	git checkout main
	echo "rc feature" >rc.c && git add rc.c && git commit -q -m "the 1.1.0 feature"
	git tag -a v1.1.0-rc.1 -m v1.1.0-rc.1
	git push origin main v1.1.0-rc.1 2>/dev/null
	ci/release.sh --key profiling-agent.key >release.out
	test "$(releaser info --json | jq .prerelease)" = true
	ci/publish.sh --pubkey profiling-agent.pub dist >publish.out
	published v1.1.0-rc.1 release
	mv dist ../dist-v1.1.0-rc.1
	expect_exit 1 releaser mirror --check >check.out 2>check.err
	ci/mirror.sh --fetch --push >mirror.out
	on main
	test "$(git -C ../origin.git rev-parse debug^2)" = "$(git rev-parse v1.1.0-rc.1^{commit})"
	# the second debug release, from a tag on debug only
	expect_exit 2 releaser tag v1.1.0-rc.1 >tag.out 2>tag.err
	git checkout debug
	releaser tag --sign-key profiling-agent.key v1.1.0-rc.1 >tag.out
	test_grep "^marker: no" tag.out
	git push origin debug v1.1.0-rc.1-debug 2>/dev/null
	releaser tag --allowed-signers profiling-agent.pub > allowed_signers
	git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile=allowed_signers verify-tag v1.1.0-rc.1-debug 2>/dev/null
	ci/release.sh --key profiling-agent.key >release.out
	ci/publish.sh --pubkey profiling-agent.pub dist >publish.out
	published v1.1.0-rc.1-debug debug
	on debug
	test "$(git status --porcelain)" = ""
	ls ../github >releases
	printf "%s\n" v1.0.0 v1.0.0-debug v1.1.0-rc.1 v1.1.0-rc.1-debug >expect
	test_cmp expect releases
	# only the final release is no pre-release
	(cd ../github && ls -d */.prerelease) | LC_ALL=C sort >pre
	printf "%s/.prerelease\n" v1.0.0-debug v1.1.0-rc.1 v1.1.0-rc.1-debug | LC_ALL=C sort >expect
	test_cmp expect pre
'

test_expect_success 'debug moved past its release: releaser tag --late, no force-push, then the next debug release' '
	clone work && cd work
	# debug made by hand from main has no commit of its own: the mirror fast-forwards it
	commit_on main feature.c "the 1.0.0 feature"
	git tag -a v1.0.0 -m v1.0.0 main
	commit_on main after.c "after the release"
	git push origin main v1.0.0 2>/dev/null
	ci/mirror.sh --fetch --push >mirror.out
	on main
	test "$(git -C ../origin.git rev-parse debug)" = "$(git rev-parse main)"
	git checkout debug
	expect_exit 2 releaser tag v1.0.0 >tag.out 2>tag.err
	test_grep "moved past .v1.0.0. without a commit of its own: tag it with releaser tag --late v1.0.0" tag.err
	# the block of RELEASING.md, as written, under dash
	run_doc_block "$ROOT/RELEASING.md" "releaser tag --late v1.0.0" >tag.out 2>&1
	on debug
	test "$(git status --porcelain)" = ""
	# run again, it does nothing and succeeds
	releaser tag --late v1.0.0 >again.out
	# a plain push: origin'"'"'s debug moved forward, the tag names a marker on v1.0.0
	test "$(git -C ../origin.git rev-parse debug^1)" = "$(git rev-parse main)"
	test "$(git -C ../origin.git rev-parse v1.0.0-debug^{commit}^)" = "$(git rev-parse v1.0.0^{commit})"
	test "$(git -C ../origin.git rev-parse v1.0.0-debug^{tree})" = "$(git rev-parse v1.0.0^{tree})"
	# the next release: the mirror merges, the debug tag needs nothing special
	commit_on main next.c "the 1.0.1 feature"
	git tag -a v1.0.1 -m v1.0.1 main
	git push origin main v1.0.1 2>/dev/null
	ci/mirror.sh --fetch --push >mirror.out
	test "$(git symbolic-ref HEAD)" = refs/heads/debug
	releaser tag --sign-key profiling-agent.key v1.0.1 >tag.out
	test_grep "^marker: no" tag.out
	git push origin debug v1.0.1-debug 2>/dev/null
	on debug
	test "$(git -C ../origin.git rev-parse debug^2)" = "$(git rev-parse v1.0.1^{commit})"
	test "$(git -C ../origin.git rev-parse v1.0.1-debug^{commit})" = "$(git -C ../origin.git rev-parse debug)"
'

test_expect_success 'a release, then its debug release with a signed tag, as RELEASING.md says' '
	clone work && cd work
	commit_on main feature.c "the 1.0.1 feature"
	# the blocks of RELEASING.md, as written, under dash
	run_doc_block "$ROOT/RELEASING.md" "git checkout main" >release.out 2>&1
	on main
	ci/mirror.sh --fetch --push >mirror.out
	git checkout debug
	releaser tag --sign-key profiling-agent.key v1.0.1 >tag.out
	git push origin debug v1.0.1-debug 2>/dev/null
	run_doc_block "$ROOT/RELEASING.md" "releaser tag --allowed-signers profiling-agent.pub > allowed_signers" \
		>verify.out 2>&1
	test_grep "Good \"git\" signature" verify.out
	# the key pair and the signers file are no local change for preflight
	test "$(git status --porcelain)" = ""
	releaser info --json >info.json
	test "$(jq -r ".problems[]" info.json | grep -c "uncommitted")" = 0
	# on the remote: the two tags on different commits, debug holding main
	test "$(git -C ../origin.git rev-parse v1.0.1-debug^{commit})" != "$(git -C ../origin.git rev-parse v1.0.1^{commit})"
	git -C ../origin.git merge-base --is-ancestor v1.0.1 debug
	test "$(git -C ../origin.git rev-parse debug)" = "$(git -C ../origin.git rev-parse v1.0.1-debug^{commit})"
'

test_expect_success 'a mirror conflict: the job fails, a maintainer merges by hand as RELEASING.md says' '
	clone work && cd work
	commit_on main releaser.conf "[project] name = profiling-agent"
	commit_on debug releaser.conf "[branch] debug = debug"
	git push -q origin main debug
	expect_exit 1 ci/mirror.sh --fetch --push >mirror.out 2>mirror.err
	test_grep "^error: releaser.conf: conflict merging main into debug" mirror.err
	git checkout debug
	expect_exit 1 git merge main >merge.out
	printf "[project]\n\tname = profiling-agent\n[branch]\n\tdebug = debug\n" >releaser.conf
	git add releaser.conf
	git commit --no-edit
	releaser mirror --check
	git push origin debug 2>/dev/null
	test "$(git -C ../origin.git rev-parse debug^2)" = "$(git -C ../origin.git rev-parse main)"
	ci/mirror.sh --fetch --push >mirror.out
'

test_expect_success 'the guard over what a branch adds to origin/main' '
	clone work && cd work
	git checkout -q -b topic
	commit_on topic notes.txt "text is fine"
	releaser guard
	releaser guard origin/main..HEAD
	cp "$BUILD/bin/gen-frametypes" tool
	git add tool && git commit -q -m "oops, a binary"
	expect_exit 1 releaser guard origin/main..HEAD >out 2>err
	test_grep "^.tool.: ELF file" out
'
test_done
