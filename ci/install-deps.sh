#!/bin/sh
# Install everything the project builds and tests with, from Debian's packages.
#
# Usage: ci/install-deps.sh [--only finalize] [--cross] [--check]
#   --only finalize  only what building the releaser, `releaser finalize` and
#                    ci/publish.sh need (the job that signs and publishes)
#   --cross          also the cross toolchain and the other arch's libraries
#                    (arm64 on amd64, amd64 on arm64: dpkg --add-architecture),
#                    and qemu-user-static to run what it builds
#   --check          only report what is missing; exit 1 when something is
#
# Idempotent: when every package is present it does nothing and returns at
# once (one dpkg-query call). Otherwise it runs `apt-get update` once and
# installs what is missing. Needs root (or sudo) for the install step.
set -eu

# the releaser and publishing: the signing job installs only these
FINALIZE="
make gcc libc6-dev pkg-config git ca-certificates
libgit2-dev libarchive-dev libssl-dev libjansson-dev libelf-dev zlib1g-dev
jq gh
"
PACKAGES="$FINALIZE
clang llvm lld bpftool libclang-rt-14-dev
libbpf-dev libzstd-dev libdw-dev libbz2-dev liblzma-dev openssh-client strace
minisign signify-openbsd golang-go
tar gzip coreutils binutils file time lintian
shellcheck python3-yaml python3-jsonschema linux-perf
libc6-dbg g++ cmark help2man rpm rpmlint
"

check=0 cross=0
while [ $# -gt 0 ]; do
	case "$1" in
	--check) check=1; shift ;;
	--cross) cross=1; shift ;;
	--only)
		[ "${2:-}" = finalize ] || { echo "install-deps: --only takes 'finalize'" >&2; exit 2; }
		PACKAGES=$FINALIZE
		shift 2
		;;
	*) echo "install-deps: unknown argument '$1' (see the comment at the top of ci/install-deps.sh)" >&2; exit 2 ;;
	esac
done

foreign=""
if [ "$cross" = 1 ]; then
	case "$(dpkg --print-architecture)" in
	amd64) foreign=arm64 triplet=aarch64-linux-gnu ;;
	arm64) foreign=amd64 triplet=x86-64-linux-gnu ;;
	*) echo "install-deps: --cross: no cross build from '$(dpkg --print-architecture)'" >&2; exit 2 ;;
	esac
	PACKAGES="$PACKAGES gcc-$triplet g++-$triplet libc6-dev-$foreign-cross qemu-user-static
libbpf-dev:$foreign libelf-dev:$foreign zlib1g-dev:$foreign libzstd-dev:$foreign libjansson-dev:$foreign
libdw-dev:$foreign libbz2-dev:$foreign liblzma-dev:$foreign"
fi

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
if [ "$check" = 1 ]; then
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
if [ -n "$foreign" ] && ! dpkg --print-foreign-architectures | grep -qx "$foreign"; then
	$SUDO dpkg --add-architecture "$foreign"
fi
# apt's sandbox user cannot verify the archive here and would silently keep
# the old lists (none at all for a new architecture)
$SUDO apt-get -o APT::Sandbox::User=root update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done" >&2
