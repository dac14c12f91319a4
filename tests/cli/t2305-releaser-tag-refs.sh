#!/bin/bash
# The tags info describes with, read from git's files (refs/tags/ and
# packed-refs) as git reads them: a loose tag hides a packed one of the
# same name, peeled lines give annotated tags' commits, a packed-refs
# without traits or a tag of a tree is handled, and a file the reader does
# not take is left to libgit2; describe always matches git describe.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

# same_describe: info's describe and version tag are git's
same_describe() {
	"$R" info --json >../json &&
	test "$(jq -r .describe ../json)" = "$(git describe --tags --match "v[0-9]*" --abbrev=12)"
}

test_expect_success 'packed annotated and lightweight tags, peeled or not, describe as git does' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1
	commit_change one
	git tag v1.1.0
	commit_change two
	git tag -a v1.2.0-rc.1 -m rc
	commit_change three
	git pack-refs --all
	test_grep "^# pack-refs with: .*peeled" .git/packed-refs
	test_grep "^\^" .git/packed-refs
	same_describe
	# a packed-refs without its header: every tag is peeled by reading it
	sed -i "/^#/d; /^\^/d" .git/packed-refs
	same_describe
	test "$(jq -r .version ../json)" = "v1.2.0-rc.1.SNAPSHOT-$(git rev-parse --short=12 HEAD)"
'

test_expect_success 'a loose tag hides the packed one of the same name' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1
	commit_change one
	git tag -a v2.0.0 -m v2
	git pack-refs --all
	commit_change two
	# v2.0.0 moves to HEAD as a loose ref; the packed line still names the old commit
	git tag -f -a v2.0.0 -m again >/dev/null
	test -f .git/refs/tags/v2.0.0
	test_grep "refs/tags/v2.0.0$" .git/packed-refs
	same_describe
	test "$(jq -r .describe ../json)" = v2.0.0
	test "$(jq -r .tag ../json)" = v2.0.0
'

test_expect_success 'a tag of a tree, a symbolic tag and a nested tag name are no versions' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1
	commit_change one
	git tag v9.0.0 "HEAD^{tree}"
	git symbolic-ref refs/tags/v8.0.0 refs/tags/v1.0.0
	git tag rel/v7.0.0
	same_describe
	git pack-refs --all
	same_describe
	test "$(jq -r .describe ../json)" = "v1.0.0-1-g$(git rev-parse --short=12 HEAD)"
'

test_expect_success 'a loose tag the reader does not take is left to libgit2' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1
	git pack-refs --all
	commit_change one
	# an id without its newline: git and libgit2 take it, the reader leaves it
	printf %s "$(git rev-parse HEAD)" >.git/refs/tags/v3.0.0
	same_describe
	test "$(jq -r .describe ../json)" = v3.0.0
'

test_done
