#!/bin/sh
# Install everything the project builds and tests with, from Debian's packages.
#
# Usage: ci/install-deps.sh [--check]
#   --check   only report what is missing; exit 1 when something is
#
# Idempotent: when every package is present it does nothing and returns at
# once (one dpkg-query call). Otherwise it runs `apt-get update` once and
# installs what is missing. Needs root (or sudo) for the install step.
set -eu

PACKAGES="
make gcc pkg-config git
clang llvm lld bpftool
libbpf-dev libelf-dev zlib1g-dev libzstd-dev
libgit2-dev libarchive-dev libssl-dev libjansson-dev openssh-client
minisign signify-openbsd golang-go
tar gzip coreutils binutils file jq time strace
"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "missing packages:$missing" >&2
	exit 1
fi

echo "install-deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-deps: need root to install:$missing (run as root or install sudo)" >&2
		exit 2
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done" >&2
