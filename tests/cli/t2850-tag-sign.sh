#!/bin/bash
# releaser tag --sign-key: an SSH signature made with the release key that
# git verify-tag (gpg.format=ssh) and ssh-keygen check.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

# ready DIR: main released as v1.0.1 and mirrored; on debug
ready() {
	make_repo "$1"
	cd "$1"
	commit_on main a "1.0.1"
	git tag -a v1.0.1 -m v1.0.1 main
	releaser mirror >/dev/null
	git checkout -q debug
}

test_expect_success 'a signed debug tag verifies with git verify-tag and the allowed-signers line' '
	releaser keygen --out "$TRASH/profiling-agent" >/dev/null 2>&1
	ready r
	releaser tag --sign-key "$TRASH/profiling-agent.key" v1.0.1 >out
	test_grep "^result: created" out
	git cat-file tag v1.0.1-debug >tag
	test_grep "^-----BEGIN SSH SIGNATURE-----$" tag
	releaser tag --allowed-signers "$TRASH/profiling-agent.pub" >"$TRASH/allowed_signers"
	test_grep "^profiling-agent namespaces=\"git\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5" "$TRASH/allowed_signers"
	git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$TRASH/allowed_signers" verify-tag v1.0.1-debug 2>verify
	test_grep "Good \"git\" signature for profiling-agent with ED25519 key" verify
'

test_expect_success 'ssh-keygen -Y verify checks the same signature over the tag without it' '
	releaser keygen --out "$TRASH/profiling-agent" >/dev/null 2>&1
	ready r
	releaser tag --sign-key "$TRASH/profiling-agent.key" v1.0.1 >/dev/null
	releaser tag --allowed-signers "$TRASH/profiling-agent.pub" >"$TRASH/allowed"
	git cat-file tag v1.0.1-debug >tag
	sed -n "/^-----BEGIN SSH SIGNATURE-----$/,\$p" tag >tag.sig
	sed "/^-----BEGIN SSH SIGNATURE-----$/,\$d" tag >payload
	ssh-keygen -Y verify -f "$TRASH/allowed" -I profiling-agent -n git -s tag.sig <payload
	# one changed byte of the payload fails
	sed "s/main-tag: v1.0.1/main-tag: v1.0.2/" payload >forged
	not ssh-keygen -Y verify -f "$TRASH/allowed" -I profiling-agent -n git -s tag.sig <forged
'

test_expect_success 'another key in the allowed signers does not verify it' '
	releaser keygen --out "$TRASH/profiling-agent" >/dev/null 2>&1
	releaser keygen --out "$TRASH/other" >/dev/null 2>&1
	ready r
	releaser tag --sign-key "$TRASH/profiling-agent.key" v1.0.1 >/dev/null
	releaser tag --allowed-signers "$TRASH/other.pub" >"$TRASH/allowed_signers"
	not git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$TRASH/allowed_signers" verify-tag v1.0.1-debug
'

test_expect_success 'a key made by minisign -G, and an encrypted releaser key, sign too' '
	minisign -G -W -p "$TRASH/mini.pub" -s "$TRASH/mini.key" >/dev/null
	ready r
	releaser tag --sign-key "$TRASH/mini.key" v1.0.1 >/dev/null
	releaser tag --allowed-signers "$TRASH/mini.pub" >"$TRASH/allowed_signers"
	git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$TRASH/allowed_signers" verify-tag v1.0.1-debug
	cd "$TRASH"
	RELEASER_KEY_PASSWORD=secret releaser keygen --out "$TRASH/locked" >/dev/null 2>&1
	ready r2
	RELEASER_KEY_PASSWORD=secret releaser tag --sign-key "$TRASH/locked.key" v1.0.1 >/dev/null
	releaser tag --allowed-signers "$TRASH/locked.pub" >"$TRASH/allowed_signers"
	git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$TRASH/allowed_signers" verify-tag v1.0.1-debug
'

test_expect_success 'a missing, exposed or locked key is refused (exit 2) before anything is written' '
	RELEASER_KEY_PASSWORD=secret releaser keygen --out "$TRASH/locked" >/dev/null 2>&1
	releaser keygen --out "$TRASH/open" >/dev/null 2>&1
	chmod 0644 "$TRASH/open.key"
	ready r
	state before
	expect_exit 2 releaser tag --sign-key "$TRASH/nope.key" v1.0.1 >out 2>err
	one_line err
	test_grep "nope.key" err
	expect_exit 2 releaser tag --sign-key "$TRASH/open.key" v1.0.1 >out 2>err
	one_line err
	test_grep "open.key" err
	RELEASER_KEY_PASSWORD=wrong expect_exit 2 releaser tag --sign-key "$TRASH/locked.key" v1.0.1 >out 2>err
	one_line err
	test_grep "wrong password" err
	state after
	test_cmp before after
	test "$(git rev-parse debug)" = "$(git rev-parse v1.0.1^{commit})"
'

test_expect_success '--allowed-signers refuses a bad key file or a version (exit 2)' '
	make_repo r && cd r
	echo junk >bad.pub
	expect_exit 2 releaser tag --allowed-signers bad.pub >out 2>err
	one_line err
	test_grep "bad.pub" err
	releaser keygen --out k >/dev/null 2>&1
	expect_exit 2 releaser tag --allowed-signers k.pub v1.0.1 2>err
	one_line err
	test_grep "[-]-allowed-signers takes no version" err
'
test_done
