#!/bin/bash
# releaser keygen: key pairs in minisign's format that minisign and signify use.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-sign.sh"
unset RELEASER_KEY_PASSWORD RELEASER_SIGNING_KEY RELEASER_PUBKEY

test_expect_success 'keygen --help shows the options and exit codes' '
	"$R" keygen --help >out
	test_grep "^usage: releaser keygen \[--out PREFIX\] \[--force\]" out
	test_grep "^  --out PREFIX" out
	test_grep "^  --force" out
	test_grep "^  2  bad usage" out
	"$R" --help >all
	test_grep "^  keygen " all
'

test_expect_success 'keygen makes a 0600 secret key and a public key, prints the pub path and key id' '
	"$R" keygen --out k >out 2>err
	test "$(stat -c %a k.key)" = 600
	test -f k.pub
	test_grep "^untrusted comment: " k.pub
	test_line_count k.pub 2
	id=$(sed -n "s/^key id: //p" out)
	test_grep "^public key: k.pub$" out
	echo "$id" | grep -qx "[1-9A-F][0-9A-F]\{0,15\}"
	test_grep "$id" k.pub
	test_grep "not encrypted" err
	# the secret never shows
	not grep -qF "$(sed -n 2p k.key)" out err
	test "$(sed -n 2p k.key | head -c 6)" = RWQAAE # "Ed" and no kdf, as minisign -G -W
'

test_expect_success 'keygen defaults to releaser.key and releaser.pub' '
	"$R" keygen >out 2>/dev/null
	test -f releaser.key
	test -f releaser.pub
	test_grep "^public key: releaser.pub$" out
'

test_expect_success 'minisign signs with a keygen key, and the key id is the one minisign sees' '
	"$R" keygen --out k >out 2>/dev/null
	"$R" keygen --out other >/dev/null 2>&1
	echo data >file
	minisign -S -s k.key -m file >/dev/null
	minisign -V -p k.pub -m file >mout
	test_grep "^Signature and comment signature verified" mout
	expect_exit 1 minisign -V -p other.pub -m file >mout 2>&1
	test_grep "key id in file.minisig is $(sed -n "s/^key id: //p" out)" mout
'

test_expect_success 'signify verifies with a keygen public key' '
	"$R" keygen --out k >/dev/null 2>&1
	release_dir dist
	"$SIGN" --key k.key dist
	"$SIGNIFY" -V -p k.pub -x dist/SHA256SUMS.sig -e -m list >/dev/null
	(cd dist && sha256sum --tag -- *.tar.gz manifest.json provenance.intoto.json) >want
	test_cmp want list
'

test_expect_success 'keygen refuses to replace a pair without --force (exit 2), replaces it with' '
	"$R" keygen --out k >/dev/null 2>&1
	cp k.key k.key.orig && cp k.pub k.pub.orig
	expect_exit 2 "$R" keygen --out k >out 2>err
	one_line err
	test_grep "k.key. already exists: pass --force" err
	test_cmp k.key.orig k.key
	test_cmp k.pub.orig k.pub
	rm k.key
	expect_exit 2 "$R" keygen --out k 2>err
	test_grep "k.pub. already exists" err
	test ! -e k.key
	"$R" keygen --out k --force >/dev/null 2>&1
	not cmp -s k.pub.orig k.pub
	test "$(stat -c %a k.key)" = 600
'

test_expect_success 'keygen into a missing directory fails (exit 1) and leaves nothing' '
	expect_exit 1 "$R" keygen --out nowhere/k 2>err
	one_line err
	test_grep "cannot create a file in .nowhere." err
	test ! -e nowhere
	test "$(ls -A)" = err
'

test_expect_success 'keygen into an unwritable directory fails (exit 1) and leaves nothing' '
	d=$(mktemp -d "${TMPDIR:-/tmp}/keygen-ro.XXXXXX")
	trap "chmod 755 \"$d/ro\" 2>/dev/null; rm -rf \"$d\"" EXIT
	chmod 755 "$d" && mkdir "$d/ro" && chmod 555 "$d/ro"
	expect_exit 1 as_other_user "$R" keygen --out "$d/ro/k" 2>err
	one_line err
	test_grep "cannot create a file in .*/ro.: Permission denied" err
	test -z "$(ls -A "$d/ro")"
'

test_expect_success 'keygen usage errors exit 2' '
	expect_exit 2 "$R" keygen --frob 2>err
	one_line err
	test_grep "unknown option .--frob." err
	expect_exit 2 "$R" keygen extra 2>err
	test_grep "unexpected argument .extra." err
	expect_exit 2 "$R" keygen --out 2>err
	test_grep "needs a value" err
	expect_exit 2 "$R" keygen --out= 2>err
	test_grep "non-empty prefix" err
	test "$(ls -A)" = err
'

test_expect_success 'with RELEASER_KEY_PASSWORD the key is encrypted, and minisign and the releaser both open it' '
	RELEASER_KEY_PASSWORD="correct horse" "$R" keygen --out enc >/dev/null 2>err
	test_grep "encrypted with RELEASER_KEY_PASSWORD" err
	test "$(sed -n 2p enc.key | head -c 6)" = RWRTY0 # "EdSc": scrypt
	echo data >file
	echo "correct horse" | minisign -S -s enc.key -m file >/dev/null
	minisign -V -p enc.pub -m file >/dev/null
	release_dir dist
	RELEASER_KEY_PASSWORD="correct horse" "$SIGN" --key enc.key dist
	minisign -V -p enc.pub -m dist/SHA256SUMS -x dist/SHA256SUMS.minisig >/dev/null
'
test_done
