# shellcheck shell=bash
# Helpers for the signing tests (tests/cli/t21xx, t22xx); sourced after lib.sh.
#
#   release_dir DIR          a few artifacts and their SHA256SUMS (sha256sum)
#   minisign_key PREFIX      an unencrypted pair made by minisign itself
#   flip_byte FILE OFFSET    XOR one byte of FILE with 1, in place
#   offset_of FILE TEXT      the byte offset of TEXT's first occurrence
#   line_offset FILE N       the byte offset where line N starts
#   snapshot DIR             a listing (names, modes, sizes, hashes) to compare
#   as_other_user CMD...     CMD without root's powers (nobody), when root
#
# $R is the releaser, $SIGN the sign_sums_text() driver (tests/tools/sign-sums.c),
# $SIGNIFY OpenBSD's signify (signify-openbsd on Debian).

R=$BUILD/bin/releaser
SIGN=$BUILD/tests/sign-sums
SIGNIFY=$(command -v signify-openbsd || command -v signify || echo signify-not-installed)

release_dir() {
	mkdir -p "$1"
	(
		cd "$1" || exit 1
		printf 'agent for amd64\n' >profiling-agent-v1.2.3-linux-amd64.tar.gz
		head -c 3000 /dev/zero | tr '\0' 'x' >profiling-agent-v1.2.3-linux-arm64.tar.gz
		printf '{"artifacts": []}\n' >manifest.json
		printf '{"_type": "https://in-toto.io/Statement/v1"}\n' >provenance.intoto.json
		sha256sum -- *.tar.gz manifest.json provenance.intoto.json >SHA256SUMS
	)
}

minisign_key() {
	minisign -G -W -p "$1.pub" -s "$1.key" >/dev/null
}

flip_byte() {
	old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "$(printf '\\%03o' $((old ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

offset_of() {
	grep -boaF -- "$2" "$1" | head -n 1 | cut -d: -f1
}

line_offset() {
	head -n $(($2 - 1)) "$1" | wc -c
}

snapshot() {
	(cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

as_other_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}
