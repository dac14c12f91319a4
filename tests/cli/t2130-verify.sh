#!/bin/bash
# releaser verify: checksums, unlisted files, both signatures; a changed byte
# anywhere that matters fails it, naming the file.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-sign.sh"
unset RELEASER_KEY_PASSWORD RELEASER_SIGNING_KEY RELEASER_PUBKEY

# a signed release in dist/ and its key pair k.key / k.pub
signed_dir() {
	minisign_key k
	release_dir dist
	"$SIGN" --key k.key --comment "version:v1.2.3" dist
}

# verify fails (exit 1) with "FAILED $1: ..." and one message on stderr
fails_naming() {
	expect_exit 1 "$R" verify --pubkey k.pub dist >out 2>err
	test_grep "^FAILED $1: " out
	one_line err
	test_grep "verification of .dist. failed" err
}

test_expect_success 'verify --help shows the options and exit codes' '
	"$R" verify --help >out
	test_grep "^usage: releaser verify \[--pubkey FILE\] \[--json\] DIR" out
	test_grep "^  --pubkey FILE" out
	test_grep "^  --json" out
	test_grep "^  1  a check failed" out
	test_grep "^  2  bad usage" out
'

test_expect_success 'a good directory verifies: one line per file and a summary' '
	signed_dir
	"$R" verify --pubkey k.pub dist >out 2>err
	cat >want <<-EOF
	ok SHA256SUMS.minisig
	ok SHA256SUMS.sig
	ok profiling-agent-v1.2.3-linux-amd64.tar.gz
	ok profiling-agent-v1.2.3-linux-arm64.tar.gz
	ok manifest.json
	ok provenance.intoto.json
	trusted comment: version:v1.2.3
	all 6 checks passed (key $(sed -n "s/.*public key //p" k.pub))
	EOF
	test_cmp want out
	test ! -s err
'

test_expect_success '--json reports the same for CI' '
	signed_dir
	"$R" verify --pubkey k.pub --json dist >out
	test_grep "^  \"ok\": true," out
	test_grep "^  \"checked\": 6," out
	test_grep "^  \"failed\": 0," out
	test_grep "\"trusted_comment\": \"version:v1.2.3\"" out
	test_grep "\"name\": \"manifest.json\"" out
	test "releaser $(jq -r .releaser_version out)" = "$("$R" --version)"
	flip_byte dist/manifest.json 2
	expect_exit 1 "$R" verify --pubkey k.pub --json dist >out 2>err
	test_grep "\"ok\": false" out
	test_grep "\"reason\": \"its sha256 differs from SHA256SUMS\"" out
	one_line err
'

test_expect_success 'RELEASER_PUBKEY gives the key: a path, or the key text' '
	signed_dir
	RELEASER_PUBKEY=k.pub "$R" verify dist >/dev/null
	RELEASER_PUBKEY="$(cat k.pub)" "$R" verify dist >/dev/null
	RELEASER_PUBKEY="$(sed -n 2p k.pub)" "$R" verify dist >/dev/null
'

test_expect_success 'a changed byte in each artifact fails, naming it' '
	signed_dir
	for f in profiling-agent-v1.2.3-linux-amd64.tar.gz profiling-agent-v1.2.3-linux-arm64.tar.gz \
		 manifest.json provenance.intoto.json; do
		cp "dist/$f" saved
		flip_byte "dist/$f" $(( $(stat -c %s "dist/$f") / 2 ))
		fails_naming "$f"
		test_grep "^FAILED $f: its sha256 differs from SHA256SUMS$" out
		test "$(grep -c ^FAILED out)" -eq 1
		cp saved "dist/$f"
	done
	"$R" verify --pubkey k.pub dist >/dev/null
'

test_expect_success 'a changed byte in SHA256SUMS fails both signatures' '
	signed_dir
	flip_byte dist/SHA256SUMS 10 # in the first checksum
	fails_naming SHA256SUMS.minisig
	test_grep "^FAILED SHA256SUMS.minisig: the signature does not match SHA256SUMS$" out
	test_grep "^FAILED SHA256SUMS.sig: its embedded list differs from SHA256SUMS$" out
	test_grep "^FAILED profiling-agent-v1.2.3-linux-amd64.tar.gz: its sha256 differs" out
	flip_byte dist/SHA256SUMS 10
	flip_byte dist/SHA256SUMS $(offset_of dist/SHA256SUMS manifest.json) # in a name
	fails_naming SHA256SUMS.minisig
	test_grep "^FAILED SHA256SUMS.sig: its embedded list differs from SHA256SUMS$" out
'

test_expect_success 'a changed byte in SHA256SUMS.minisig fails it: signature, trusted comment, comment signature' '
	signed_dir
	m=dist/SHA256SUMS.minisig
	cp $m saved
	for at in "$(( $(line_offset $m 2) + 40 ))" "$(( $(offset_of $m "version:") + 3 ))" \
		  "$(( $(stat -c %s $m) - 20 ))" "$(( $(offset_of $m "trusted comment:") - 1 ))"; do
		flip_byte $m "$at"
		fails_naming SHA256SUMS.minisig
		test "$(grep -c ^FAILED out)" -eq 1
		cp saved $m
	done
'

test_expect_success 'a changed byte in SHA256SUMS.sig fails it: signature or embedded list' '
	signed_dir
	s=dist/SHA256SUMS.sig
	cp $s saved
	for at in "$(( $(line_offset $s 2) + 40 ))" "$(( $(offset_of $s "SHA256 (manifest") + 30 ))" \
		  "$(( $(offset_of $s "SHA256 (manifest") + 9 ))" "$(( $(stat -c %s $s) - 1 ))"; do
		flip_byte $s "$at"
		fails_naming SHA256SUMS.sig
		test "$(grep -c ^FAILED out)" -eq 1
		cp saved $s
	done
'

test_expect_success 'the untrusted comments are not signed: changing them does not matter' '
	signed_dir
	sed -i "1s/.*/untrusted comment: edited/" dist/SHA256SUMS.minisig dist/SHA256SUMS.sig
	"$R" verify --pubkey k.pub dist >/dev/null
'

test_expect_success 'an unlisted artifact fails, naming it; dot files are ignored' '
	signed_dir
	echo extra >dist/extra.tar.gz
	fails_naming extra.tar.gz
	test_grep "^FAILED extra.tar.gz: not listed in SHA256SUMS$" out
	rm dist/extra.tar.gz
	echo tmp >dist/.partial.tmp
	"$R" verify --pubkey k.pub dist >/dev/null
'

test_expect_success 'a missing artifact, a symbolic link, a directory instead of a file fail' '
	signed_dir
	mv dist/manifest.json .
	fails_naming manifest.json
	test_grep "^FAILED manifest.json: missing$" out
	ln -s ../manifest.json dist/manifest.json
	fails_naming manifest.json
	test_grep "^FAILED manifest.json: a symbolic link$" out
	rm dist/manifest.json && mkdir dist/manifest.json
	fails_naming manifest.json
	test_grep "^FAILED manifest.json: not a regular file$" out
'

test_expect_success 'both signature files must be there' '
	signed_dir
	mv dist/SHA256SUMS.sig .
	fails_naming SHA256SUMS.sig
	test_grep "^FAILED SHA256SUMS.sig: missing$" out
	test_grep "^ok SHA256SUMS.minisig$" out
	mv SHA256SUMS.sig dist/ && mv dist/SHA256SUMS.minisig .
	fails_naming SHA256SUMS.minisig
	test_grep "^FAILED SHA256SUMS.minisig: missing$" out
	rm dist/SHA256SUMS
	fails_naming SHA256SUMS
	test_grep "^FAILED SHA256SUMS: missing$" out
'

test_expect_success 'signatures by another key fail, naming both key ids' '
	signed_dir
	minisign_key other
	expect_exit 1 "$R" verify --pubkey other.pub dist >out 2>err
	test_grep "^FAILED SHA256SUMS.minisig: signed by key [0-9A-F]\{1,16\}, not by the given key [0-9A-F]\{1,16\}$" out
	test_grep "^FAILED SHA256SUMS.sig: signed by key" out
'

test_expect_success 'a malformed SHA256SUMS fails, naming its line' '
	signed_dir
	echo "garbage" >>dist/SHA256SUMS
	fails_naming SHA256SUMS
	test_grep "^FAILED SHA256SUMS: line 5: " out
'

test_expect_success 'verify without a public key is a usage error (exit 2)' '
	signed_dir
	expect_exit 2 "$R" verify dist >out 2>err
	one_line err
	test_grep "no public key: pass --pubkey FILE or set RELEASER_PUBKEY" err
	test ! -s out
'

test_expect_success 'verify with a missing or corrupt public key exits 2' '
	signed_dir
	expect_exit 2 "$R" verify --pubkey nope.pub dist 2>err
	one_line err
	test_grep "cannot read .nope.pub." err
	echo "untrusted comment: x" >bad.pub && echo "RWQ" >>bad.pub
	expect_exit 2 "$R" verify --pubkey bad.pub dist 2>err
	one_line err
	test_grep "public key .bad.pub. is truncated or corrupt" err
	expect_exit 2 "$R" verify --pubkey k.key dist 2>err
	test_grep "k.key. looks like a secret key" err
'

test_expect_success 'verify of a missing directory, or without one, exits 2' '
	signed_dir
	expect_exit 2 "$R" verify --pubkey k.pub nodir 2>err
	one_line err
	test_grep "cannot open directory .nodir." err
	expect_exit 2 "$R" verify --pubkey k.pub 2>err
	test_grep "which directory" err
	expect_exit 2 "$R" verify --pubkey k.pub dist dist 2>err
	one_line err
	test_grep "one directory only" err
	expect_exit 2 "$R" verify --frob dist 2>err
	test_grep "unknown option .--frob." err
'

test_expect_success 'verify changes nothing in the directory' '
	signed_dir
	echo extra >dist/extra
	snapshot dist >before
	expect_exit 1 "$R" verify --pubkey k.pub dist >/dev/null 2>&1
	snapshot dist >after
	test_cmp before after
'
test_done
