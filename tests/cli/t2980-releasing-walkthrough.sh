#!/bin/bash
# RELEASING.md's commands, as a maintainer runs them, on a repository with a
# bare remote: a release, a debug release with a signed tag, a mirror
# conflict resolved by hand, the guard.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

RELEASER=$BUILD/bin/releaser
export RELEASER
unset GITHUB_ACTIONS

# clone DIR: a maintainer's clone of a project (with ci/) whose origin is
# TRASH/origin.git, holding main and debug; the release key beside it
clone() {
	make_repo seed --with-ci
	git clone -q --bare seed origin.git
	git clone -q origin.git "$1"
	git -C "$1" branch -q debug origin/debug
	printf '%s\n' out err '*.out' '*.err' '*.json' allowed_signers release.key release.pub \
		>"$1/.git/info/exclude"
	(cd "$1" && releaser keygen --out release >/dev/null 2>&1)
}

test_expect_success 'a release, then its debug release with a signed tag, as RELEASING.md says' '
	clone work && cd work
	commit_on main feature.c "the 1.0.1 feature"
	git checkout main
	git tag -a v1.0.1 -m v1.0.1
	git push origin main v1.0.1 2>/dev/null
	ci/mirror.sh --fetch --push >mirror.out
	git checkout debug
	releaser tag --sign-key release.key v1.0.1 >tag.out
	git push origin debug v1.0.1-debug 2>/dev/null
	releaser tag --allowed-signers release.pub > allowed_signers
	git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile=allowed_signers verify-tag v1.0.1-debug
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
	git checkout -q --detach
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
