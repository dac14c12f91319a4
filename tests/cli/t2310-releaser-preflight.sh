#!/bin/bash
# Preflight: every refusal exits 2 with one line naming what is wrong, and
# nothing is built, written or moved.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

# refused CMD...: exits 2 with one line in ../err, and the repository and
# work tree are as they were: no build/, no dist/, same refs and status
refused() {
	git for-each-ref >../refs.before
	git status --porcelain >../status.before
	expect_exit 2 "$@" 2>../err
	one_line ../err
	test ! -e build
	test ! -e dist
	git for-each-ref >../refs.after
	git status --porcelain >../status.after
	test_cmp ../refs.before ../refs.after
	test_cmp ../status.before ../status.after
}

test_expect_success 'a tag at HEAD that is not a version is refused by name' '
	fake_project p && cd p
	git tag -a release-2024 -m bad
	refused "$R" release --no-sign
	test_grep "tag .release-2024. is not a release version" ../err
	test_grep "snapshot" ../err
	git tag -d release-2024 >/dev/null && git tag -a v1.2 -m bad
	refused "$R" build
	test_grep "tag .v1.2. is not a release version" ../err
'

test_expect_success 'a -debug tag whose commit is not on the debug branch is refused' '
	fake_project p && cd p
	git tag -a v1.0.1-debug -m debug
	refused "$R" release --no-sign
	test_grep "tag .v1.0.1-debug. ($(git rev-parse --short=12 HEAD)) is not on branch .debug. nor .origin/debug.: debug releases are tagged on .debug." ../err
'

test_expect_success 'a release tag whose commit is not on the main branch is refused' '
	fake_project p && cd p
	git checkout -q -b debug
	commit_change "debug only"
	git tag -a v1.0.1 -m release
	refused "$R" release --no-sign
	test_grep "tag .v1.0.1. ($(git rev-parse --short=12 HEAD)) is not on branch .main. nor .origin/main.: releases are tagged on .main. (branch.main in .releaser.conf.)" ../err
'

test_expect_success 'a -debug tag on the debug branch is that release' '
	fake_project p && cd p
	git checkout -q -b debug
	commit_change "debug only"
	git tag -a v1.0.1-debug -m debug
	"$R" info --json >../json
	test "$(jq -r .version ../json)" = v1.0.1-debug
	test "$(jq -r .channel ../json)" = debug
	test "$(jq -r .prerelease ../json)" = true
	test "$(jq -r .ready ../json)" = true
'

test_expect_success '--tag and $GITHUB_REF_NAME must name a tag at HEAD' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1
	commit_change later
	refused "$R" release --no-sign --tag v1.0.0
	test_grep "tag .v1.0.0. (from --tag) points at $(git rev-parse --short=12 v1.0.0^{commit}), not at HEAD ($(git rev-parse --short=12 HEAD))" ../err
	refused "$R" release --no-sign --tag v9.9.9
	test_grep "tag .v9.9.9. (from --tag) does not exist" ../err
	GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v1.0.0 refused "$R" release --no-sign
	test_grep "tag .v1.0.0. (from GITHUB_REF_NAME) points at" ../err
	GITHUB_REF_TYPE=branch GITHUB_REF_NAME=v1.0.0 "$R" info --json >../json
	test "$(jq -r .snapshot ../json)" = true
'

test_expect_success 'a --branch that is not the tag'"'"'s branch is refused' '
	fake_project p && cd p
	git branch debug
	git tag -a v1.0.0 -m v1
	refused "$R" release --no-sign --branch debug
	test_grep "tag .v1.0.0. is a release, made from branch .main. (branch.main in .releaser.conf.), not from .debug. (--branch)" ../err
'

test_expect_success 'a dirty tree is refused, naming the files' '
	fake_project p && cd p
	echo more >>README.md
	echo new >untracked.txt
	refused "$R" release --no-sign
	test_grep "the work tree has uncommitted changes: .README.md., .untracked.txt. (commit or stash them)" ../err
	for i in 1 2 3 4 5 6 7; do echo $i >extra-$i; done
	refused "$R" build
	test_grep "and 4 more" ../err
'

test_expect_success 'a shallow clone is refused with the unshallow hint' '
	git clone -q --depth 1 "file://$(fake_project full >/dev/null && cd full && pwd)" p && cd p
	refused "$R" release --no-sign
	test_grep "is a shallow clone" ../err
	test_grep "git fetch --unshallow" ../err
'

test_expect_success 'a detached HEAD without a release tag needs --branch or RELEASER_BRANCH' '
	fake_project p && cd p
	git checkout -q --detach
	refused "$R" release --no-sign
	test_grep "HEAD is detached and has no release tag: check out a branch or a release tag, or name the branch with --branch NAME or RELEASER_BRANCH" ../err
'

test_expect_success '--snapshot skips the tag checks but never the tree checks' '
	fake_project p && cd p
	git tag -a not-a-version -m x
	"$R" info --snapshot --json >../json
	test "$(jq -r .ready ../json)" = true
	test "$(jq -r .version ../json)" = "v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
	echo dirt >dirt.txt
	refused "$R" release --no-sign --snapshot
	test_grep "uncommitted changes: .dirt.txt." ../err
'

test_expect_success 'a package.file missing from the work tree is refused' '
	fake_project p && cd p
	printf "[package]\n\tfile = LICENSE\n\tfile = NOTICE\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	refused "$R" release --no-sign
	test_grep "package.file .NOTICE. in .releaser.conf. is not a file of the work tree" ../err
'

test_expect_success 'without a signing key a release is refused before building' '
	fake_project p && cd p
	refused "$R" release
	test_grep "no signing key: give --key FILE or set RELEASER_SIGNING_KEY" ../err
'

test_expect_success 'conflicting or bad options are bad usage' '
	fake_project p && cd p
	refused "$R" release --snapshot --tag v1.0.0
	test_grep "exclude each other" ../err
	refused "$R" release --no-sign --key some.key
	test_grep "exclude each other" ../err
	refused "$R" release --jobs 0
	test_grep "[-]-jobs needs a number" ../err
	refused "$R" build --arch amd64,amd64
	test_grep "arch .amd64. is given twice" ../err
	refused "$R" release extra-arg
	test_grep "takes no arguments" ../err
	SOURCE_DATE_EPOCH=yesterday refused "$R" release --no-sign
	test_grep "SOURCE_DATE_EPOCH .yesterday. is not a number" ../err
'
test_done
