#!/bin/bash
# A release run again with nothing changed does nothing: after make, the
# output directory holding exactly this release (same version and commit,
# every file of the manifest with its digest, SHA256SUMS signed with the
# key) stops the run with one line, before anything is packaged or signed.
# Any difference packages again (or is refused as a conflict, as before).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
"$R" keygen --out "$TRASH_ROOT/other" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key

# snapshot DIR: name, inode, mtime and sha256 of every file in DIR
snapshot() {
	(cd "$1" && find . -mindepth 1 -maxdepth 1 -printf "%f\n" | sort | while read -r f; do
		echo "$f $(stat -c "%i %Y" "$f") $(sha256sum <"$f")"; done)
}

# nothing_done OUT ERR: the run said the release is there and neither packaged nor signed
nothing_done() {
	one_line "$1" &&
	test_grep "^'.*dist' already holds v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD) (commit $(git rev-parse --short=12 HEAD)), every file checked: nothing to do$" "$1" &&
	test_grep "build:" "$2" &&
	not grep -e "package:" -e "sign:" -e "write:" -e "released" "$2"
}

# packaged_again ERR: the run packaged and signed
packaged_again() {
	test_grep "package:" "$1" && test_grep "sign:" "$1" && test_grep "released v0.0.0-SNAPSHOT" "$1"
}

test_expect_success 'a second run leaves every file of dist/ as it was and says so' '
	fake_project p && cd p
	"$R" release --key "$KEY" >../out1 2>../err1
	packaged_again ../err1
	not grep "does not hold" ../err1
	snapshot dist >../before
	cp build/releaser-build ../record
	"$R" release --key "$KEY" >../out 2>../err
	nothing_done ../out ../err
	snapshot dist >../after
	test_cmp ../before ../after
	# the build record is the same: releaser package still takes this build
	test_cmp ../record build/releaser-build
	"$R" verify --pubkey "$TRASH_ROOT/key.pub" dist >/dev/null
	# what make release runs (the development key is not this key: it signs again)
	"$R" release --dev-key build/dev-signing >../out 2>../err
	packaged_again ../err
	"$R" release --dev-key build/dev-signing >../out 2>../err
	nothing_done ../out ../err
'

test_expect_success 'the no-op answers --json with the files it checked' '
	fake_project p && cd p
	"$R" release --key "$KEY" --json >../first.json 2>/dev/null
	"$R" release --key "$KEY" --json >../second.json 2>/dev/null
	jq -S "[.files[] | {name, size, sha256}] | sort_by(.name)" ../first.json >../expect
	jq -S "[.files[] | {name, size, sha256}] | sort_by(.name)" ../second.json >../actual
	test_cmp ../expect ../actual
	test "$(jq -r .version ../second.json)" = "$(jq -r .version ../first.json)"
'

test_expect_success 'make is checked first: a failing build fails the run even when dist/ holds the release' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	snapshot dist >../before
	FAKE_FAIL=1 expect_exit 1 "$R" release --key "$KEY" >../out 2>../err
	not grep "already holds" ../out
	snapshot dist >../after
	test_cmp ../before ../after
'

test_expect_success 'a new commit, a removed or altered file, or another key packages again' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	commit_change "a second commit"
	"$R" release --key "$KEY" >../out 2>../err
	packaged_again ../err
	test "$(jq -r .commit dist/manifest.json)" = "$(git rev-parse HEAD)"
	for f in "$(ls dist/*-linux-amd64.tar.gz)" dist/*.deb dist/sbom.spdx.json dist/SHA256SUMS.sig dist/manifest.json; do
		cp "$f" ../saved &&
		rm "$f" &&
		"$R" release --key "$KEY" >../out 2>../err &&
		packaged_again ../err &&
		{ test "$f" = dist/manifest.json || test_grep "does not hold this release yet" ../err; } &&
		cmp ../saved "$f" &&
		"$R" verify --pubkey "$TRASH_ROOT/key.pub" dist >/dev/null || { echo "removed $f" >&2; return 1; }
	done
	# the same size, other bytes: a snapshot in dist/ is replaced
	t=$(ls dist/*-linux-amd64.tar.gz)
	cp "$t" ../saved
	printf X | dd of="$t" bs=1 seek=100 conv=notrunc 2>/dev/null
	not cmp ../saved "$t"
	"$R" release --key "$KEY" >../out 2>../err
	packaged_again ../err
	test_grep "is missing or has other bytes" ../err
	cmp ../saved "$t"
	"$R" release --key "$TRASH_ROOT/other.key" >../out 2>../err
	packaged_again ../err
	test_grep "signatures of SHA256SUMS are missing or not made with this key" ../err
	"$R" verify --pubkey "$TRASH_ROOT/other.pub" dist >/dev/null
	"$R" release --key "$TRASH_ROOT/other.key" >../out 2>../err
	nothing_done ../out ../err
'

test_expect_success 'the journal of an interrupted replacement is finished, not taken for a release' '
	fake_project p && cd p
	"$R" release --key "$KEY" >/dev/null 2>&1
	printf "%s\n" "# releaser journal 1: a replacement of these files was interrupted; the next run finishes it" \
		>dist/.releaser-journal
	"$R" release --key "$KEY" >../out 2>../err
	test_grep "holds .releaser-journal: a replacement was interrupted" ../err
	test ! -e dist/.releaser-journal
	"$R" release --key "$KEY" >../out 2>../err
	nothing_done ../out ../err
'

test_expect_success 'a tagged release with other bytes is still refused, and nothing changes' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1.0.0
	"$R" release --key "$KEY" >/dev/null 2>&1
	"$R" release --key "$KEY" >../out 2>/dev/null
	test_grep "already holds v1.0.0" ../out
	t=$(ls dist/*-linux-amd64.tar.gz)
	printf X | dd of="$t" bs=1 seek=100 conv=notrunc 2>/dev/null
	snapshot dist >../before
	expect_exit 1 "$R" release --key "$KEY" >/dev/null 2>../err
	test_grep "exists with other contents" ../err
	snapshot dist >../after
	test_cmp ../before ../after
'

test_done
