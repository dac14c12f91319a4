#!/bin/bash
# Bad input from the command line and the environment: exit 2, one line
# naming the thing that is wrong and what to do, nothing built or written.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
PUB=$TRASH_ROOT/key.pub

test_expect_success 'a repository without commits is a precondition (exit 2), not a failure' '
	git init -q empty && cd empty
	for cmd in info "release --no-sign" build; do
		# shellcheck disable=SC2086
		expect_exit 2 "$R" $cmd 2>../err
		one_line ../err
		test_grep "has no commits yet: commit something to release first" ../err
	done
	test ! -e build && test ! -e dist
'

test_expect_success 'a public key given as --key says so, even when others may read it' '
	fake_project p && cd p
	cp "$PUB" ../other.pub && chmod 644 ../other.pub
	expect_exit 2 "$R" release --key ../other.pub --out ../dist 2>../err
	one_line ../err
	test_grep "other.pub. is a public key: pass the secret key (the .key file)" ../err
	test_grep -v "chmod" ../err
	test ! -e build && test ! -e ../dist
'

test_expect_success 'a secret key others may read is refused with the chmod to run' '
	fake_project p && cd p
	cp "$KEY" ../open.key && chmod 644 ../open.key
	expect_exit 2 "$R" release --key ../open.key --out ../dist 2>../err
	one_line ../err
	test_grep "is accessible by group or others: run chmod 600" ../err
'

test_expect_success 'RELEASER_PUBKEY that is neither a file nor a key is named' '
	mkdir d
	RELEASER_PUBKEY=RWSgarbage expect_exit 2 "$R" verify d 2>err
	one_line err
	test_grep "RELEASER_PUBKEY .RWSgarbage. is neither a public key file nor a public key" err
'

test_expect_success 'a valid semver tag too long to release names the limit and why' '
	fake_project p && cd p
	git tag -a "v1.0.0-$(printf "a%.0s" $(seq 70))" -m long
	expect_exit 2 "$R" release --no-sign --out ../dist 2>../err
	one_line ../err
	test_grep "has a pre-release part longer than 63 bytes, the longest a release takes" ../err
	test_grep -v "not a release version" ../err
	git tag -d "$(git tag)" >/dev/null
	git tag -a "v1.0.0-$(printf "a%.0s" $(seq 63))" -m fits
	"$R" info --json >../json
	test "$(jq -r .ready ../json)" = true
'

test_done
