#!/bin/bash
# RELEASING.md, section "Keys": every command it shows runs here, as written.
# run: alone
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-sign.sh"
. "$(dirname "$0")/lib-doc.sh"
unset RELEASER_KEY_PASSWORD RELEASER_SIGNING_KEY RELEASER_PUBKEY

THIS=$ROOT/tests/cli/$(basename "$0")
# the documented names
releaser() { "$R" "$@"; }
signify() { "$SIGNIFY" "$@"; }

test_expect_success 'every command in the Keys section of RELEASING.md is one this test runs' '
	awk "/^## Keys/ { keys = 1 } /^## / && !/^## Keys/ { keys = 0 } keys" "$ROOT/RELEASING.md" >keys.md
	doc_commands keys.md >commands
	test "$(wc -l <commands)" -ge 7
	check_doc keys.md "$THIS" >problems
	test_cmp /dev/null problems
'

test_expect_success 'making a key pair with releaser keygen and a password' '
	echo "pass phrase" | {
		read -rs RELEASER_KEY_PASSWORD && export RELEASER_KEY_PASSWORD
		releaser keygen --out profiling-agent >out 2>/dev/null
	}
	test_grep "^public key: profiling-agent.pub$" out
	test "$(stat -c %a profiling-agent.key)" = 600
	test "$(sed -n 2p profiling-agent.key | head -c 6)" = RWRTY0 # encrypted: "EdSc"
	chmod 600 profiling-agent.key
'

test_expect_success 'making a key pair with minisign -G' '
	printf "pass phrase\npass phrase\n" | minisign -G -p profiling-agent.pub -s profiling-agent.key >/dev/null
	test "$(sed -n 2p profiling-agent.key | head -c 6)" = RWRTY0
	test_grep "^untrusted comment: " profiling-agent.pub
'

test_expect_success 'rotating: the old key signs the new public key' '
	releaser keygen --out profiling-agent >/dev/null 2>&1
	releaser keygen --out profiling-agent-2 >/dev/null 2>&1
	minisign -S -s profiling-agent.key -m profiling-agent-2.pub >/dev/null
	minisign -V -p profiling-agent.pub -m profiling-agent-2.pub >out
	test_grep "^Signature and comment signature verified" out
	expect_exit 1 minisign -V -p profiling-agent-2.pub -m profiling-agent-2.pub >/dev/null 2>&1
'

test_expect_success 'verifying a download, as documented' '
	releaser keygen --out profiling-agent >/dev/null 2>&1
	release_dir v1.2.3
	"$SIGN" --key profiling-agent.key --comment "version:v1.2.3" v1.2.3
	{
		cd v1.2.3
		minisign -V -p ../profiling-agent.pub -m SHA256SUMS -x SHA256SUMS.minisig
		sha256sum -c SHA256SUMS
		signify -C -p ../profiling-agent.pub -x SHA256SUMS.sig
		cd ..
		releaser verify --pubkey profiling-agent.pub v1.2.3
	} >out
	test_grep "^Trusted comment: version:v1.2.3$" out
	test_grep "^manifest.json: OK$" out
	test "$(grep -c "^manifest.json: OK$" out)" -eq 2 # sha256sum and signify
	test_grep "^all 6 checks passed" out
'

test_expect_success 'a changed file fails every documented check but minisign -V (the list is intact)' '
	releaser keygen --out profiling-agent >/dev/null 2>&1
	release_dir v1.2.3
	"$SIGN" --key profiling-agent.key v1.2.3
	flip_byte v1.2.3/manifest.json 4
	cd v1.2.3
	minisign -V -p ../profiling-agent.pub -m SHA256SUMS -x SHA256SUMS.minisig >/dev/null # the list is intact
	expect_exit 1 sha256sum -c SHA256SUMS >/dev/null 2>&1
	expect_exit 1 signify -C -p ../profiling-agent.pub -x SHA256SUMS.sig >/dev/null 2>&1
	cd ..
	expect_exit 1 releaser verify --pubkey profiling-agent.pub v1.2.3 >out 2>/dev/null
	test_grep "^FAILED manifest.json: " out
'
test_done
