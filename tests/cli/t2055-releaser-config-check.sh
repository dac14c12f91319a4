#!/bin/bash
# Everything a release can be refused for without building is refused
# before building: releaser.conf values that become package names, file
# names, versions or control fields are checked where they are read, and
# a version the releaser computes is one it parses back. `info` names the
# problem (exit 2 for a bad releaser.conf, a preflight line otherwise), and
# `release` exits 2 with one line naming the key, with nothing built and
# nothing in the output directory.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

# conf_refused TEXT MESSAGE: with releaser.conf holding TEXT (printf
# format), info, package and release exit 2 with the one line MESSAGE
# (exactly), build/ and ../dist are not made
conf_refused() {
	fake_project p && cd p
	printf "$1" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	git tag -a v1.0.0 -m v1.0.0
	for cmd in "info" "info --json" "package --no-sign --out ../dist" "release --no-sign --out ../dist"; do
		# shellcheck disable=SC2086
		expect_exit 2 "$R" $cmd >../out 2>../err || return 1
		one_line ../err || return 1
		printf "releaser: %s\n" "$2" >../expect
		test_cmp ../expect ../err || return 1
		test ! -s ../out || return 1
	done
	test ! -e build && test ! -e ../dist
}

test_expect_success 'the snapshot after the highest patch is refused before building, info lists it' '
	fake_project p && cd p
	git tag -a v1.4.999999999 -m last
	commit_change after
	"$R" info >../info
	test_grep "^version:   none" ../info
	test_grep "^preflight: tag .v1.4.999999999. has the highest patch number a version takes (999999999): no snapshot follows it; tag a higher minor or major version first$" ../info
	"$R" info --json >../info.json
	test "$(jq -r .ready ../info.json)" = false
	expect_exit 2 "$R" release --no-sign --out ../dist 2>../err
	one_line ../err
	test_grep "tag .v1.4.999999999. has the highest patch number" ../err
	test ! -e build && test ! -e ../dist
	# the patch before it still has a snapshot, and it parses back
	git tag -a v1.5.999999998 -m before
	commit_change again
	test "$("$R" info --json | jq -r .version)" = "v1.5.999999999-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
'

test_done
