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
# Unless --only: also node and npm (Debian's, when no node is installed) and
# the verifiers the tests run, pinned by tests/package-lock.json, into
# tests/node_modules with `npm ci --prefix tests`, again only when the lock
# file changed since the last install.
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
libprotobuf-c-dev protobuf-c-compiler protobuf-compiler golang-github-google-pprof-dev libcurl4-openssl-dev
"

check=0 cross=0 npm_deps=1
while [ $# -gt 0 ]; do
	case "$1" in
	--check) check=1; shift ;;
	--cross) cross=1; shift ;;
	--only)
		[ "${2:-}" = finalize ] || { echo "install-deps: --only takes 'finalize'" >&2; exit 2; }
		PACKAGES=$FINALIZE npm_deps=0
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
libdw-dev:$foreign libbz2-dev:$foreign liblzma-dev:$foreign
libprotobuf-c-dev:$foreign libcurl4-openssl-dev:$foreign"
fi

# the test verifiers: node and npm from Debian unless a node is there already
if [ "$npm_deps" = 1 ] && ! command -v npm >/dev/null 2>&1; then
	PACKAGES="$PACKAGES nodejs npm"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
lock=$root/tests/package-lock.json
stamp=$root/tests/node_modules/.installed-lock
npm_ci() {
	# (a checkout without the tests' lockfile has nothing to install)
	[ "$npm_deps" = 1 ] && [ -f "$lock" ] && ! cmp -s "$lock" "$stamp" || return 0
	if [ "$check" = 1 ]; then
		echo "missing: tests/node_modules (npm ci --prefix tests)" >&2
		return 1
	fi
	echo "install-deps: npm ci --prefix tests" >&2
	npm ci --prefix "$root/tests" --no-audit --no-fund --loglevel=error >/dev/null
	cp "$lock" "$stamp"
}

# one dpkg-query for every package (a plain name is the native arch's or
# an "all" one; NAME:ARCH that arch's)
native=$(dpkg --print-architecture)
# shellcheck disable=SC2046
installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Architecture}\n' \
	$(for p in $PACKAGES; do echo "${p%%:*}"; done | sort -u) 2>/dev/null || true)
missing=$(printf '%s\n' "$installed" | WANT="$PACKAGES" NATIVE="$native" awk '
	$1 ~ /^ii/ { ok[$2 ":" $3] = 1; if ($3 == ENVIRON["NATIVE"] || $3 == "all") ok[$2] = 1 }
	END {
		n = split(ENVIRON["WANT"], want, /[ \t\n]+/)
		for (i = 1; i <= n; i++)
			if (want[i] != "" && !(want[i] in ok)) printf " %s", want[i]
	}')

if [ -z "$missing" ]; then
	npm_ci
	exit
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
npm_ci
echo "install-deps: done" >&2
