#!/bin/bash
# releaser verify: checksums, unlisted files, the signatures; a changed byte
# anywhere that matters fails it, naming the file. Directories signed by the
# real clients alone (minisign -S, minisign -S -l, signify -S -e) verify.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-sign.sh"
unset RELEASER_KEY_PASSWORD RELEASER_SIGNING_KEY RELEASER_PUBKEY

# a signed release in dist/ and its key pair k.key / k.pub
signed_dir() {
	minisign_key k
	release_dir dist
	"$SIGN" --key k.key --comment "version:v1.2.3" dist
}

# verify with public key $2 (default k.pub) fails (exit 1) with
# "FAILED $1: ..." and one message on stderr
fails_naming() {
	expect_exit 1 "$R" verify --pubkey "${2:-k.pub}" dist >out 2>err
	test_grep "^FAILED $1: " out
	one_line err
	test_grep "verification of .dist. failed" err
}

test_expect_success 'verify --help shows the options and exit codes' '
	"$R" verify --help >out
	test_grep "^usage: releaser verify \[--pubkey FILE\] \[--require LIST\] \[--json\] DIR" out
	test_grep "^  --pubkey FILE" out
	test_grep "^  --require LIST" out
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
	signatures checked: minisign, signify
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
	test "$(jq -c .signatures out)" = "{\"minisign\":\"ok\",\"signify\":\"ok\"}"
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

test_expect_success 'unlisted names and the trusted comment reach the terminal escaped, one line each' '
	minisign_key k
	release_dir dist
	"$SIGN" --key k.key --comment "$(printf "v1\033]0;pwned\007")" dist
	printf x >"dist/$(printf "title\033]0;pwned\007")"
	printf x >"dist/$(printf "clear\033[2J\033[H")"
	printf x >"dist/$(printf "two\nFAILED lines")"
	printf x >"dist/$(printf "bad\377\376utf8")"
	printf x >"dist/$(printf "c1\302\233x and back\\\\slash")"
	expect_exit 1 "$R" verify --pubkey k.pub dist >out 2>err
	not grep -q "$(printf "[\001-\010\013-\037\177]")" out
	not grep -aq "$(printf "\377")" out
	test "$(grep -c "^FAILED " out)" = 5
	test_grep "^FAILED title\\\\x1b\]0;pwned\\\\x07: not listed in SHA256SUMS$" out
	test_grep "^FAILED clear\\\\x1b\[2J\\\\x1b\[H: not listed" out
	test_grep "^FAILED two\\\\x0aFAILED lines: not listed" out
	test_grep "^FAILED bad\\\\xff\\\\xfeutf8: not listed" out
	test_grep "^FAILED c1\\\\xc2\\\\x9bx and back\\\\slash: not listed" out
	test_grep "^trusted comment: v1\\\\x1b\]0;pwned\\\\x07$" out
	one_line err
'

test_expect_success '--json lists every file, a name that is not UTF-8 too (U+FFFD, and name_escaped)' '
	signed_dir
	printf x >"dist/$(printf "bad\377name")"
	printf x >"dist/$(printf "esc\033[2J")"
	expect_exit 1 "$R" verify --pubkey k.pub --json dist >out 2>err
	jq -e ".failed == 2 and ([.files[] | select(.ok | not)] | length) == 2" out
	jq -e ".checked == (.files | length)" out
	jq -e "[.files[] | select(.name == \"bad\ufffdname\")] == [{\"name\": \"bad\ufffdname\", \"name_escaped\": \"bad\\\\xffname\", \"ok\": false, \"reason\": \"not listed in SHA256SUMS\"}]" out
	jq -e "[.files[] | select(.name == \"esc\u001b[2J\")] | length == 1 and (.[0] | has(\"name_escaped\") | not)" out
	jq -e ".release == null" out
'

test_expect_success '--json gives the release manifest.json names, once everything verified' '
	minisign_key k
	release_dir dist
	printf "{\"schema\": \"releaser-manifest/v1\", \"project\": \"p\", \"version\": \"v1.2.3\", \"snapshot\": false, \"commit\": \"%s\", \"ref\": \"refs/tags/v1.2.3\", \"artifacts\": []}\n" \
		"$(printf %040d 7)" >dist/manifest.json
	(cd dist && sha256sum -- *.tar.gz manifest.json provenance.intoto.json >SHA256SUMS)
	"$SIGN" --key k.key --comment x dist
	"$R" verify --pubkey k.pub --json dist >out
	jq -c .release out >got
	printf "{\"project\":\"p\",\"version\":\"v1.2.3\",\"commit\":\"%s\",\"ref\":\"refs/tags/v1.2.3\",\"snapshot\":false}\n" \
		"$(printf %040d 7)" >want
	test_cmp want got
	echo stray >dist/stray
	expect_exit 1 "$R" verify --pubkey k.pub --json dist >out 2>err
	jq -e ".release == null" out
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

test_expect_success 'one signature file is enough; verify says which it checked' '
	signed_dir
	mv dist/SHA256SUMS.sig .
	"$R" verify --pubkey k.pub dist >out 2>err
	test_grep "^ok SHA256SUMS.minisig$" out
	not grep "^[a-zA-Z]* SHA256SUMS.sig" out
	test_grep "^signatures checked: minisign (no SHA256SUMS.sig)$" out
	test_grep "^all 5 checks passed" out
	test ! -s err
	"$R" verify --pubkey k.pub --json dist >out
	test "$(jq -c .signatures out)" = "{\"minisign\":\"ok\",\"signify\":\"missing\"}"
	mv SHA256SUMS.sig dist/ && mv dist/SHA256SUMS.minisig .
	"$R" verify --pubkey k.pub dist >out
	test_grep "^signatures checked: signify (no SHA256SUMS.minisig)$" out
	test_grep "^ok SHA256SUMS.sig$" out
'

test_expect_success '--require insists on the signatures it names' '
	signed_dir
	"$R" verify --pubkey k.pub --require minisign,signify dist >/dev/null
	mv dist/SHA256SUMS.sig .
	"$R" verify --pubkey k.pub --require minisign dist >/dev/null
	expect_exit 1 "$R" verify --pubkey k.pub --require signify dist >out 2>err
	test_grep "^FAILED SHA256SUMS.sig: missing$" out
	test_grep "^signatures checked: minisign (no SHA256SUMS.sig)$" out
	one_line err
	expect_exit 1 "$R" verify --pubkey k.pub --require minisign,signify dist >out 2>err
	test_grep "^FAILED SHA256SUMS.sig: missing$" out
	mv SHA256SUMS.sig dist/ && mv dist/SHA256SUMS.minisig .
	expect_exit 1 "$R" verify --pubkey k.pub --require minisign --json dist >out 2>err
	test_grep "\"reason\": \"missing\"" out
	test "$(jq -r .signatures.minisign out)" = missing
'

test_expect_success '--require with an unknown or empty list is bad usage (exit 2)' '
	signed_dir
	for list in gpg minisign,gpg ""; do
		expect_exit 2 "$R" verify --pubkey k.pub --require "$list" dist >out 2>err
		one_line err
		test ! -s out
	done
	test_grep "needs a list" err
	expect_exit 2 "$R" verify --pubkey k.pub --require gpg dist 2>err
	test_grep "unknown signature format .gpg. in --require" err
'

test_expect_success 'without any signature file, or without SHA256SUMS, it fails' '
	signed_dir
	mv dist/SHA256SUMS.sig dist/SHA256SUMS.minisig .
	fails_naming SHA256SUMS.minisig
	test_grep "^FAILED SHA256SUMS.minisig: missing$" out
	test_grep "^FAILED SHA256SUMS.sig: missing$" out
	test_grep "^signatures checked: none$" out
	mv SHA256SUMS.sig SHA256SUMS.minisig dist/
	rm dist/SHA256SUMS
	fails_naming SHA256SUMS
	test_grep "^FAILED SHA256SUMS: missing$" out
'

test_expect_success 'a signature file that is there but unreadable still fails' '
	signed_dir
	mv dist/SHA256SUMS.sig . && ln -s ../SHA256SUMS.sig dist/SHA256SUMS.sig
	fails_naming SHA256SUMS.sig
	test_grep "^FAILED SHA256SUMS.sig: a symbolic link$" out
	rm dist/SHA256SUMS.sig && mkdir dist/SHA256SUMS.sig
	fails_naming SHA256SUMS.sig
	test_grep "^FAILED SHA256SUMS.sig: not a regular file$" out
'

# a release directory whose SHA256SUMS was signed by minisign itself
# (minisign -S; with "-l" the legacy, not prehashed format)
minisign_only_dir() {
	minisign_key k
	release_dir dist
	minisign -S -s k.key -m dist/SHA256SUMS -t "version:v1.2.3" "$@" >/dev/null
	minisign -V -p k.pub -m dist/SHA256SUMS >/dev/null
}

test_expect_success 'a directory signed only by minisign -S verifies' '
	minisign_only_dir
	test "$(sed -n 2p dist/SHA256SUMS.minisig | base64 -d | head -c 2)" = ED
	"$R" verify --pubkey k.pub dist >out
	test_grep "^ok SHA256SUMS.minisig$" out
	test_grep "^trusted comment: version:v1.2.3$" out
	test_grep "^signatures checked: minisign (no SHA256SUMS.sig)$" out
	"$R" verify --pubkey k.pub --require minisign dist >/dev/null
	expect_exit 1 "$R" verify --pubkey k.pub --require signify dist >out 2>&1
	test_grep "^FAILED SHA256SUMS.sig: missing$" out
'

test_expect_success 'a directory signed only by minisign -S -l (legacy) verifies, as minisign -V accepts it' '
	minisign_only_dir -l
	test "$(sed -n 2p dist/SHA256SUMS.minisig | base64 -d | head -c 2)" = Ed
	"$R" verify --pubkey k.pub dist >out
	test_grep "^ok SHA256SUMS.minisig$" out
	test_grep "^signatures checked: minisign (no SHA256SUMS.sig)$" out
	expect_exit 1 "$R" verify --pubkey k.pub --require minisign,signify dist >/dev/null 2>&1
	flip_byte dist/SHA256SUMS 10
	not minisign -V -p k.pub -m dist/SHA256SUMS >/dev/null 2>&1
	fails_naming SHA256SUMS.minisig
	test_grep "^FAILED SHA256SUMS.minisig: the signature does not match SHA256SUMS$" out
'

test_expect_success 'a legacy minisign signature by another key, or of another algorithm, fails' '
	minisign_only_dir -l
	minisign_key other
	expect_exit 1 "$R" verify --pubkey other.pub dist >out 2>&1
	test_grep "^FAILED SHA256SUMS.minisig: signed by key" out
	m=dist/SHA256SUMS.minisig
	{ sed -n 1p $m; sed -n 2p $m | base64 -d | { printf Xd; tail -c +3; } | base64 -w0; echo; sed -n 3,4p $m; } >new
	mv new $m
	fails_naming SHA256SUMS.minisig
	test_grep "^FAILED SHA256SUMS.minisig: unexpected signature algorithm .Xd. (expected .ED. or .Ed.)$" out
'

# a release directory signed only by signify, with its own key pair
# (signify -C needs the list in BSD style, as sha256sum --tag writes it)
signify_only_dir() {
	"$SIGNIFY" -G -n -p s.pub -s s.sec
	release_dir dist
	(cd dist && sha256sum --tag -- *.tar.gz manifest.json provenance.intoto.json >../bsd)
	"$SIGNIFY" -S -e -s s.sec -m bsd -x dist/SHA256SUMS.sig
	(cd dist && "$SIGNIFY" -C -p ../s.pub -x SHA256SUMS.sig >/dev/null)
}

test_expect_success 'a directory signed only by signify -S -e verifies with the signify public key' '
	signify_only_dir
	"$R" verify --pubkey s.pub dist >out
	test_grep "^ok SHA256SUMS.sig$" out
	test_grep "^signatures checked: signify (no SHA256SUMS.minisig)$" out
	test_grep "^all 5 checks passed (key [0-9A-F]\{1,16\})$" out
	RELEASER_PUBKEY="$(cat s.pub)" "$R" verify --require signify dist >/dev/null
	expect_exit 1 "$R" verify --pubkey s.pub --require minisign dist >out 2>&1
	test_grep "^FAILED SHA256SUMS.minisig: missing$" out
	minisign_key k
	expect_exit 1 "$R" verify --pubkey k.pub dist >out 2>&1
	test_grep "^FAILED SHA256SUMS.sig: signed by key" out
'

test_expect_success 'a signify signature of another list than SHA256SUMS fails' '
	signify_only_dir
	(cd dist && sha256sum --tag -- manifest.json >../bsd)
	"$SIGNIFY" -S -e -s s.sec -m bsd -x dist/SHA256SUMS.sig
	fails_naming SHA256SUMS.sig s.pub
	test_grep "^FAILED SHA256SUMS.sig: its embedded list differs from SHA256SUMS$" out
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
