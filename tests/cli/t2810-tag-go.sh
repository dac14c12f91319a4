#!/bin/bash
# releaser tag --go: support/go/vX.Y.Z beside vX.Y.Z, on the same commit;
# releaser info reports it and a release refuses one on another commit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

# released DIR: main with v1.0.1 on a new commit
released() {
	make_repo "$1"
	cd "$1"
	commit_on main a "1.0.1"
	git tag -a v1.0.1 -m "v1.0.1" main
}

test_expect_success 'tag --go makes support/go/VERSION on the release tag'"'"'s commit, once' '
	released r
	git checkout -q debug
	releaser tag --go v1.0.1 >out
	test_grep "^tag: support/go/v1.0.1$" out
	test_grep "^result: created$" out
	test "$(git cat-file -t support/go/v1.0.1)" = tag
	test "$(git rev-parse support/go/v1.0.1^{commit})" = "$(git rev-parse v1.0.1^{commit})"
	git cat-file tag support/go/v1.0.1 >tag
	test_grep "^release-tag: v1.0.1$" tag
	test_grep "^release-commit: $(git rev-parse v1.0.1^{commit})$" tag
	git for-each-ref refs/tags >before
	releaser tag --go v1.0.1 >out 2>err
	test_grep "^result: exists$" out
	test_grep "already names" err
	git for-each-ref refs/tags >after
	test_cmp before after
'

test_expect_success 'tag --go refuses a missing tag, a debug tag, a tag off main and a Go tag elsewhere' '
	released r
	git for-each-ref refs/tags >before
	expect_exit 2 releaser tag --go v9.9.9 2>err
	one_line err
	test_grep "tag .v9.9.9. does not exist" err
	expect_exit 2 releaser tag --go v1.0.1-debug 2>err
	one_line err
	test_grep "is a debug tag" err
	commit_on debug d "debug only"
	git tag -a v1.0.2 -m v1.0.2 debug
	git for-each-ref refs/tags >before
	expect_exit 2 releaser tag --go v1.0.2 2>err
	one_line err
	test_grep "tag .v1.0.2. is not on .main." err
	git tag support/go/v1.0.1 main~1
	git for-each-ref refs/tags >before
	expect_exit 2 releaser tag --go v1.0.1 2>err
	one_line err
	test_grep "tag .support/go/v1.0.1. already exists on .*, not on v1.0.1 .*git tag -d support/go/v1.0.1" err
	git for-each-ref refs/tags >after
	test_cmp before after
	expect_exit 2 releaser tag --go --allowed-signers x 2>err
	one_line err
'

test_expect_success 'info reports the Go tag: missing, at the release commit, elsewhere (then a refusal)' '
	released r
	git checkout -q v1.0.1
	releaser info >out
	test_grep "^go tag:    support/go/v1.0.1 missing (releaser tag --go v1.0.1)$" out
	test_grep -v "^preflight: tag .support/go" out
	test "$(releaser info --json | jq -r .go_tag.status)" = missing
	releaser tag --go v1.0.1 >/dev/null
	releaser info >out
	test_grep "^go tag:    support/go/v1.0.1 at $(git rev-parse --short=12 v1.0.1^{commit}) (the release.s commit)$" out
	# the Go tag at HEAD is not taken for a release tag
	test_grep "^version:   v1.0.1$" out
	test_grep -v "is not a release version" out
	releaser info --json >info.json
	test "$(jq -r .go_tag.status info.json)" = ok
	test "$(jq -r .go_tag.commit info.json)" = "$(git rev-parse v1.0.1^{commit})"
	git tag -f support/go/v1.0.1 main~1 >/dev/null
	releaser info >out
	test_grep "not the release.s commit" out
	test_grep "^preflight: tag .support/go/v1.0.1. names .*, not the commit of .v1.0.1." out
	test "$(releaser info --json | jq -r .go_tag.status)" = elsewhere
	expect_exit 2 releaser build 2>err
	one_line err
	test_grep "tag .support/go/v1.0.1. names" err
'

test_expect_success 'the Go tag is pushed beside the release tag, as RELEASING.md shows' '
	git init -q --bare origin.git
	released r
	git remote add origin ../origin.git
	git push -q origin main v1.0.1
	releaser tag --go v1.0.1 >/dev/null
	git push origin support/go/v1.0.1 2>/dev/null
	test "$(git -C ../origin.git rev-parse support/go/v1.0.1^{commit})" = "$(git rev-parse v1.0.1^{commit})"
'

test_expect_success 'a snapshot has no Go tag' '
	released r
	commit_on main b "after the release"
	releaser info --json >info.json
	test "$(jq -r .go_tag info.json)" = null
	releaser info >out
	test_grep -v "^go tag:" out
'
test_done
