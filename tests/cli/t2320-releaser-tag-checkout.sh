#!/bin/bash
# The releaser decides the release from git state and releaser.conf alone:
# a CI runner's detached checkout of a pushed tag releases that tag on its
# branch's channel, with no --branch and no logic in the calling script.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key

# flavor TARBALL ARCH: the flavor the release-named object in TARBALL declares
flavor() {
	tar -xzf "$1" -O --wildcards "*/share/analyzer/analyzer.ebpf.release.$2" >../obj
	readelf -x .analyzer_info ../obj >/dev/null
	grep -ao "flavor=[a-z]*" ../obj | cut -d= -f2
}

# origin: a project with v1.0.1 on main, and a clone of it as a CI runner
# has it: the tag checked out (detached HEAD), no local main branch
ci_clone() {
	fake_project origin
	git -C origin tag -a v1.0.1 -m v1.0.1
	git clone -q origin p
	cd p
	git checkout -q v1.0.1
	git branch -D main >/dev/null
}

test_expect_success 'a detached checkout of a tag on main releases it on the release channel' '
	ci_clone
	"$R" release --key "$KEY" --arch amd64 --out ../dist >../out 2>../err
	test_grep "released v1.0.1 (release channel)" ../err
	test -s ../dist/profiling-agent-v1.0.1-linux-amd64.tar.gz
	test "$(flavor ../dist/profiling-agent-v1.0.1-linux-amd64.tar.gz amd64)" = release
	"$R" info --json >../json
	test "$(jq -r .tag ../json)" = v1.0.1
	test "$(jq -r .tag_from ../json)" = HEAD
	test "$(jq -r .branch ../json)" = main
	test "$(jq -r .branch_ref ../json)" = refs/remotes/origin/main
	test "$(jq -r .channel ../json)" = release
	test "$(jq -r .prerelease ../json)" = false
	(cd ../dist && sha256sum -c --quiet SHA256SUMS)
'

test_expect_success 'on a tag push, $GITHUB_REF_NAME names the tag' '
	ci_clone
	git tag -a v1.0.1-rc.1 -m rc
	GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v1.0.1-rc.1 "$R" info --json >../json
	test "$(jq -r .tag ../json)" = v1.0.1-rc.1
	test "$(jq -r .tag_from ../json)" = GITHUB_REF_NAME
	test "$(jq -r .prerelease ../json)" = true
	GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v1.0.1 "$R" release --key "$KEY" --arch amd64 --out ../dist \
		>/dev/null 2>../err
	test_grep "released v1.0.1 (release channel)" ../err
	test -s ../dist/profiling-agent-v1.0.1-linux-amd64.tar.gz
'

test_expect_success 'a release tag not reachable from main exits 2 naming the tag and the branch' '
	fake_project origin
	git -C origin checkout -q -b topic
	(cd origin && commit_change "not on main" && git tag -a v1.0.2 -m v1.0.2)
	git clone -q origin p && cd p
	git checkout -q v1.0.2
	git for-each-ref >../refs.before
	expect_exit 2 "$R" release --key "$KEY" --out ../dist 2>../err
	one_line ../err
	test_grep "tag .v1.0.2. .* is not on branch .main. nor .origin/main." ../err
	test ! -e ../dist
	test ! -e build
	git for-each-ref >../refs.after
	test_cmp ../refs.before ../refs.after
'

test_expect_success 'a debug release from the configured debug branch (branch.debug = canary)' '
	fake_project p && cd p
	printf "[branch]\n\tdebug = canary\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	git checkout -q -b canary
	commit_change "canary only"
	git tag -a v1.0.1-debug -m "debug release of v1.0.1"
	"$R" info >../out
	test_grep "^channel:   debug$" ../out
	test_grep "^branch:    canary (the tag.s, on refs/heads/canary)$" ../out
	git checkout -q --detach v1.0.1-debug
	"$R" release --key "$KEY" --arch amd64 --out ../dist >/dev/null 2>../err
	test_grep "released v1.0.1-debug (debug channel)" ../err
	test "$(flavor ../dist/profiling-agent-v1.0.1-debug-linux-amd64.tar.gz amd64)" = debug
	test "$(jq -r .channel ../dist/manifest.json)" = debug
'

test_expect_success 'a -debug tag on a branch merely named like debug is not a debug release' '
	fake_project p && cd p
	git checkout -q -b my-debug-work
	commit_change "work"
	git tag -a v1.0.1-debug -m debug
	expect_exit 2 "$R" release --no-sign --out ../dist 2>../err
	test_grep "is not on branch .debug. nor .origin/debug." ../err
'

test_done
