#!/bin/bash
# Loading secret keys (sign_key_load): minisign's own keys, encrypted or not,
# from a file or $RELEASER_SIGNING_KEY, and every way a key can be unusable.
# Signing goes through the sign_sums_text() driver ($SIGN).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-sign.sh"
unset RELEASER_KEY_PASSWORD RELEASER_SIGNING_KEY RELEASER_PUBKEY

# a key that minisign encrypts with a password: made once (scrypt over
# 1 GiB takes seconds), used by the cases below
SHARED=$TRASH_ROOT/shared
mkdir -p "$SHARED"

# a refused key: exit 2, one line matching $1 in err, nothing written in dist
refused() {
	expect_exit 2 "$@" 2>err
	one_line err
	test ! -e dist/SHA256SUMS.minisig
	test ! -e dist/SHA256SUMS.sig
	test -z "$(find dist -mindepth 1 -maxdepth 1 -printf "%f\n" | grep -v -e "^SHA256SUMS$" -e "^profiling-agent" -e "json$")"
}

test_expect_success 'a key made by minisign -G -W signs; minisign and signify verify' '
	minisign_key mk
	release_dir dist
	"$SIGN" --key mk.key dist
	minisign -V -p mk.pub -m dist/SHA256SUMS -x dist/SHA256SUMS.minisig >out
	test_grep "^Signature and comment signature verified" out
	(cd dist && "$SIGNIFY" -C -p ../mk.pub -x SHA256SUMS.sig) >out
	test_grep "^Signature Verified" out
	"$R" verify --pubkey mk.pub dist >/dev/null
'

test_expect_success 'a key encrypted by minisign loads with RELEASER_KEY_PASSWORD' '
	printf "s3cret pass\ns3cret pass\n" | minisign -G -p "$SHARED/enc.pub" -s "$SHARED/enc.key" >/dev/null
	test "$(sed -n 2p "$SHARED/enc.key" | head -c 6)" = RWRTY0 # "EdSc": scrypt, as expected
	release_dir dist
	RELEASER_KEY_PASSWORD="s3cret pass" "$SIGN" --key "$SHARED/enc.key" dist
	minisign -V -p "$SHARED/enc.pub" -m dist/SHA256SUMS -x dist/SHA256SUMS.minisig >/dev/null
	"$R" verify --pubkey "$SHARED/enc.pub" dist >/dev/null
'

test_expect_success 'a wrong password is refused (exit 2) and nothing is signed' '
	release_dir dist
	refused env RELEASER_KEY_PASSWORD="s3cret pasS" "$SIGN" --key "$SHARED/enc.key" dist
	test_grep "wrong password for secret key .*enc.key.: check RELEASER_KEY_PASSWORD" err
'

test_expect_success 'an encrypted key without RELEASER_KEY_PASSWORD is refused (exit 2)' '
	release_dir dist
	refused "$SIGN" --key "$SHARED/enc.key" dist
	test_grep "enc.key. is encrypted: set RELEASER_KEY_PASSWORD" err
'

test_expect_success 'the key may come from RELEASER_SIGNING_KEY (whole file, or its base64 line)' '
	minisign_key mk
	release_dir dist
	RELEASER_SIGNING_KEY="$(cat mk.key)" "$SIGN" dist
	"$R" verify --pubkey mk.pub dist >/dev/null
	rm dist/SHA256SUMS.*
	RELEASER_SIGNING_KEY="$(sed -n 2p mk.key)" "$SIGN" dist
	"$R" verify --pubkey mk.pub dist >/dev/null
'

test_expect_success 'no key at all is refused (exit 2), naming RELEASER_SIGNING_KEY' '
	release_dir dist
	refused "$SIGN" dist
	test_grep "no signing key: pass a secret key file or set RELEASER_SIGNING_KEY" err
	refused env RELEASER_SIGNING_KEY= "$SIGN" dist
	test_grep "no signing key" err
'

test_expect_success 'a missing key file is refused (exit 2), saying how to make one' '
	release_dir dist
	refused "$SIGN" --key nokey.key dist
	test_grep "secret key .nokey.key. does not exist: make one with .releaser keygen." err
'

test_expect_success 'a key readable by group or others is refused (exit 2): chmod 600' '
	minisign_key mk
	release_dir dist
	chmod 640 mk.key
	refused "$SIGN" --key mk.key dist
	test_grep "secret key .mk.key. is accessible by group or others: run chmod 600 .mk.key." err
	chmod 604 mk.key
	refused "$SIGN" --key mk.key dist
	chmod 600 mk.key
	"$SIGN" --key mk.key dist
'

test_expect_success 'a symbolic link to a key is refused (exit 2)' '
	minisign_key mk
	release_dir dist
	ln -s mk.key link.key
	refused "$SIGN" --key link.key dist
	test_grep "link.key. is a symbolic link" err
'

test_expect_success 'a corrupt key is refused (exit 2)' '
	minisign_key mk
	release_dir dist
	cp mk.key bad.key
	flip_byte bad.key $(( $(offset_of bad.key RWQ) + 120 )) # in the secret key
	refused "$SIGN" --key bad.key dist
	test_grep "secret key .bad.key. is \(corrupt\|truncated or corrupt\)" err
	(echo "untrusted comment: x"; echo "RWQ*broken*") >bad.key
	refused "$SIGN" --key bad.key dist
	test_grep "truncated or corrupt" err
	echo "no comment, no key" >bad.key
	refused "$SIGN" --key bad.key dist
	test_grep "bad.key. is \(not a minisign secret key\|truncated or corrupt\)" err
'

test_expect_success 'a truncated key is refused (exit 2)' '
	minisign_key mk
	release_dir dist
	head -c 150 mk.key >short.key && chmod 600 short.key
	refused "$SIGN" --key short.key dist
	test_grep "short.key. is truncated or corrupt" err
	head -n 1 mk.key >short.key
	refused "$SIGN" --key short.key dist
	test_grep "short.key. is not a minisign secret key" err
	: >short.key
	refused "$SIGN" --key short.key dist
	test_grep "short.key" err
'

test_expect_success 'a public key given as the secret key is refused (exit 2)' '
	minisign_key mk
	release_dir dist
	cp mk.pub pub.key && chmod 600 pub.key
	refused "$SIGN" --key pub.key dist
	test_grep "pub.key. is a public key: pass the secret key" err
'

test_expect_success 'a corrupt key in RELEASER_SIGNING_KEY is refused (exit 2)' '
	release_dir dist
	refused env RELEASER_SIGNING_KEY="RWQAAEIy" "$SIGN" dist
	test_grep "the secret key in RELEASER_SIGNING_KEY is truncated or corrupt" err
'

test_expect_success 'sign_key_write_pubkey writes the public half, as minisign wrote it' '
	minisign_key mk
	release_dir dist
	"$SIGN" --key mk.key --write-pubkey again.pub dist
	test "$(sed -n 2p again.pub)" = "$(sed -n 2p mk.pub)"
'
test_done
