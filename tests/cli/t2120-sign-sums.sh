#!/bin/bash
# sign_sums_text() through its driver ($SIGN): SHA256SUMS.minisig and
# SHA256SUMS.sig that minisign and signify verify, written atomically.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-sign.sh"
unset RELEASER_KEY_PASSWORD RELEASER_SIGNING_KEY RELEASER_PUBKEY SOURCE_DATE_EPOCH

test_expect_success 'minisign -V verifies SHA256SUMS.minisig and shows the trusted comment' '
	minisign_key k
	release_dir dist
	"$SIGN" --key k.key --comment "timestamp:1700000000	version:v1.2.3	channel:release" dist
	minisign -V -m dist/SHA256SUMS -x dist/SHA256SUMS.minisig -p k.pub >out
	test_grep "^Signature and comment signature verified$" out
	test_grep "^Trusted comment: timestamp:1700000000	version:v1.2.3	channel:release$" out
	# prehashed ("ED"), four lines
	test_line_count dist/SHA256SUMS.minisig 4
	test "$(sed -n 2p dist/SHA256SUMS.minisig | base64 -d | head -c 2)" = ED
	# minisign -H accepts only prehashed signatures
	minisign -V -H -m dist/SHA256SUMS -x dist/SHA256SUMS.minisig -p k.pub >/dev/null
'

test_expect_success 'signify -V verifies SHA256SUMS.sig; it embeds the BSD-style list of SHA256SUMS' '
	minisign_key k
	release_dir dist
	"$SIGN" --key k.key dist
	"$SIGNIFY" -V -p k.pub -x dist/SHA256SUMS.sig -e -m list >out
	test_grep "^Signature Verified$" out
	(cd dist && sha256sum --tag -- *.tar.gz manifest.json provenance.intoto.json) >want
	test_cmp want list
'

test_expect_success 'signify -C, run in the directory, checks every artifact' '
	minisign_key k
	release_dir dist
	"$SIGN" --key k.key dist
	(cd dist && "$SIGNIFY" -C -p ../k.pub -x SHA256SUMS.sig) >out
	test_grep "^Signature Verified$" out
	for f in profiling-agent-v1.2.3-linux-amd64.tar.gz profiling-agent-v1.2.3-linux-arm64.tar.gz \
		 manifest.json provenance.intoto.json; do
		test_grep "^$f: OK$" out
	done
	# and it notices a changed artifact
	flip_byte dist/manifest.json 3
	(cd dist && expect_exit 1 "$SIGNIFY" -C -p ../k.pub -x SHA256SUMS.sig) >out 2>&1
	test_grep "manifest.json: FAIL" out
'

test_expect_success 'sha256sum -c still passes after signing, and SHA256SUMS is unchanged' '
	minisign_key k
	release_dir dist
	cp dist/SHA256SUMS before
	"$SIGN" --key k.key dist
	test_cmp before dist/SHA256SUMS
	(cd dist && sha256sum -c SHA256SUMS) >/dev/null
'

test_expect_success 'the default trusted comment takes its time from SOURCE_DATE_EPOCH' '
	minisign_key k
	release_dir dist
	SOURCE_DATE_EPOCH=1600000000 "$SIGN" --key k.key dist
	test "$(sed -n 3p dist/SHA256SUMS.minisig)" = "trusted comment: timestamp:1600000000	file:SHA256SUMS	hashed"
	expect_exit 1 env SOURCE_DATE_EPOCH=soon "$SIGN" --key k.key dist 2>err
	one_line err
	test_grep "SOURCE_DATE_EPOCH=.soon. is not a number of seconds" err
'

test_expect_success 'signing is deterministic: the same key, list and comment give the same bytes' '
	minisign_key k
	release_dir dist
	"$SIGN" --key k.key --comment same dist
	cp dist/SHA256SUMS.minisig m1 && cp dist/SHA256SUMS.sig s1
	"$SIGN" --key k.key --comment same dist
	test_cmp m1 dist/SHA256SUMS.minisig
	test_cmp s1 dist/SHA256SUMS.sig
'

test_expect_success 'a trusted comment of two lines is refused (exit 1), nothing written' '
	minisign_key k
	release_dir dist
	snapshot dist >before
	expect_exit 1 "$SIGN" --key k.key --comment "$(printf "a\nb")" dist 2>err
	one_line err
	test_grep "comment must be one line" err
	snapshot dist >after
	test_cmp before after
'

test_expect_success 'a missing or malformed SHA256SUMS is refused (exit 1), nothing written' '
	minisign_key k
	release_dir dist
	rm dist/SHA256SUMS
	snapshot dist >before
	expect_exit 1 "$SIGN" --key k.key dist 2>err
	one_line err
	test_grep "cannot read .dist/SHA256SUMS." err
	snapshot dist >after
	test_cmp before after
	echo "not a checksum list" >dist/SHA256SUMS
	snapshot dist >before
	expect_exit 1 "$SIGN" --key k.key dist 2>err
	one_line err
	test_grep "dist/SHA256SUMS. is not a sha256sum list: line 1: " err
	snapshot dist >after
	test_cmp before after
'

test_expect_success 'an unwritable directory: an error, nothing under the final names' '
	minisign_key k
	d=$(mktemp -d "${TMPDIR:-/tmp}/sign-ro.XXXXXX")
	trap "chmod -R u+w \"$d\" 2>/dev/null; rm -rf \"$d\"" EXIT
	chmod 755 "$d"
	release_dir "$d/dist"
	chmod 555 "$d/dist"
	snapshot "$d/dist" >before
	expect_exit 1 as_other_user env RELEASER_SIGNING_KEY="$(cat k.key)" "$SIGN" "$d/dist" 2>err
	one_line err
	test_grep "cannot create a file in .*/dist.: Permission denied" err
	snapshot "$d/dist" >after
	test_cmp before after
'

test_expect_success 'a full disk (writes fail): an error, no partial or temporary file' '
	minisign_key k
	release_dir dist
	snapshot dist >before
	# the file size limit makes every write fail (EFBIG) once SIGXFSZ is ignored
	# (messages go through a pipe: a file would hit the limit too)
	(trap "" XFSZ; set +e; prlimit --fsize=0 "$SIGN" --key k.key dist 2>&1; echo "exit $?") | cat >out
	test "$(tail -n 1 out)" = "exit 1"
	head -n -1 out >err
	one_line err
	test_grep "cannot write .dist/SHA256SUMS.minisig.: File too large" err
	snapshot dist >after
	test_cmp before after
'

test_expect_success 'when the second rename fails, the first signature is taken back' '
	minisign_key k
	release_dir dist
	mkdir dist/SHA256SUMS.sig # rename() onto a directory fails
	snapshot dist >before
	expect_exit 1 "$SIGN" --key k.key dist 2>err
	one_line err
	test_grep "cannot rename into .dist/SHA256SUMS.sig." err
	snapshot dist >after
	test_cmp before after
	test ! -e dist/SHA256SUMS.minisig
'

test_expect_success 're-signing replaces both signatures atomically' '
	minisign_key k
	minisign_key k2
	release_dir dist
	"$SIGN" --key k.key dist
	"$SIGN" --key k2.key dist
	minisign -V -m dist/SHA256SUMS -p k2.pub >/dev/null
	"$SIGNIFY" -V -p k2.pub -x dist/SHA256SUMS.sig -e -m /dev/null >/dev/null
	test -z "$(ls -A dist | grep "^\.")"
'
test_done
