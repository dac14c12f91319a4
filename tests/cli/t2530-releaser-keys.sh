#!/bin/bash
# Where the signing key comes from: --key, RELEASER_SIGNING_KEY, or the
# development key fallback; a bad key stops the release before building.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

test_expect_success 'without a key, --dev-key makes a development key once and warns' '
	fake_project p && cd p
	"$R" release --dev-key ../dev >/dev/null 2>../err
	test_grep "warning: signing with the development key .../dev.key.: these artifacts are for testing only" ../err
	test "$(stat -c %a ../dev.key)" = 600
	minisign -Vm dist/SHA256SUMS -p ../dev.pub >/dev/null
	cp ../dev.key ../dev.key.first
	"$R" release --dev-key ../dev >/dev/null 2>&1
	cmp ../dev.key ../dev.key.first
'

test_expect_success 'a given key wins over the development key' '
	fake_project p && cd p
	"$R" keygen --out ../real >/dev/null 2>&1
	"$R" release --key ../real.key --dev-key ../dev >/dev/null 2>../err
	test ! -e ../dev.key
	not grep -q "development key" ../err
	minisign -Vm dist/SHA256SUMS -p ../real.pub >/dev/null
'

test_expect_success 'RELEASER_SIGNING_KEY may hold the key itself' '
	fake_project p && cd p
	"$R" keygen --out ../ci >/dev/null 2>&1
	RELEASER_SIGNING_KEY=$(cat ../ci.key) "$R" release >/dev/null 2>&1
	minisign -Vm dist/SHA256SUMS -p ../ci.pub >/dev/null
'

test_expect_success 'an encrypted key needs its password; a wrong one stops before building' '
	fake_project p && cd p
	RELEASER_KEY_PASSWORD=right "$R" keygen --out ../enc >/dev/null 2>&1
	RELEASER_KEY_PASSWORD=wrong expect_exit 2 "$R" release --key ../enc.key 2>../err
	one_line ../err
	test_grep "wrong password" ../err
	test ! -e build
	test ! -e dist
	RELEASER_KEY_PASSWORD=right "$R" release --key ../enc.key >/dev/null 2>&1
	minisign -Vm dist/SHA256SUMS -p ../enc.pub >/dev/null
'

test_expect_success 'a missing, corrupt or group-readable key stops before building' '
	fake_project p && cd p
	expect_exit 2 "$R" release --key ../nothing.key 2>../err
	one_line ../err
	test_grep "nothing.key" ../err
	"$R" keygen --out ../k >/dev/null 2>&1
	chmod 640 ../k.key
	expect_exit 2 "$R" release --key ../k.key 2>../err2
	one_line ../err2
	test_grep "k.key. is accessible by group or others" ../err2
	chmod 600 ../k.key
	head -c 60 ../k.key >../corrupt.key && chmod 600 ../corrupt.key
	expect_exit 2 "$R" release --key ../corrupt.key 2>../err3
	one_line ../err3
	test_grep "corrupt.key. is truncated or corrupt" ../err3
	test ! -e build
	test ! -e dist
'
test_done
