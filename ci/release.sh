#!/bin/sh
# Release the tag at HEAD: vX.Y.Z from main as a release, vX.Y.Z-debug from
# the debug branch as a debug release. Runs `releaser info --json` to learn
# the channel, refuses a tag that is not on its branch, then runs
# `releaser release`; its exit code is passed through.
#
#   ci/release.sh [--tag TAG] [--out DIR] [--key FILE] [--remote NAME]
#   ci/release.sh --arch ARCH --no-sign [--tag TAG] [--out DIR]   (one runner's part)
#   ci/release.sh --finalize [--out DIR] [--key FILE]             (merge the parts, sign)
#
# --tag TAG      the tag to release (default: $GITHUB_REF_NAME for a tag
#                push, else the tag at HEAD)
# --out DIR      where the artifacts go (default: dist)
# --key FILE     the signing key (default: $RELEASER_SIGNING_KEY)
# --remote NAME  whose branches count when the local ones are missing
#                (default: origin)
# --arch ARCH    build and package only ARCH (each runner its own)
# --no-sign      leave the tarball and manifest-<arch>.json unsigned, for
#                --finalize on the machine that holds the key
# --finalize     check the parts gathered in --out against their manifests,
#                then write the checksums and signatures (releaser finalize)
#
# Exit codes: releaser's (0 released, 1 failed, 2 precondition); 2 also when
# HEAD has no tag, the tag is not on its branch, or the channel is not the
# tag's.
set -eu
. "$(dirname "$0")/lib.sh"

tag="" out=dist key="" remote=origin arch="" nosign="" finalize=0
while [ $# -gt 0 ]; do
	case "$1" in
	--tag) tag=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--key) key=$2; shift 2 ;;
	--remote) remote=$2; shift 2 ;;
	--arch) arch=$2; shift 2 ;;
	--no-sign) nosign=--no-sign; shift ;;
	--finalize) finalize=1; shift ;;
	*) ci_error "ci/release.sh: unknown argument '$1' (see the comment at the top of ci/release.sh)"; exit 2 ;;
	esac
done

cd "$CI_ROOT"
if [ "$finalize" = 1 ]; then
	releaser=$(ci_releaser)
	rc=0
	ci_run "finalize $out" "$releaser" finalize --out "$out" ${key:+--key "$key"} || rc=$?
	exit "$rc"
fi
if [ -z "$tag" ] && [ "${GITHUB_REF_TYPE:-}" = tag ]; then
	tag=$GITHUB_REF_NAME
fi
if [ -z "$tag" ]; then
	tag=$(git describe --exact-match --tags HEAD 2>/dev/null || true)
fi
if [ -z "$tag" ]; then
	ci_error "ci/release.sh: no tag at HEAD: check out a release tag (vX.Y.Z on main, vX.Y.Z-debug on the debug branch)"
	exit 2
fi
if [ "$(git rev-parse -q --verify "refs/tags/$tag^{commit}" || true)" != "$(git rev-parse HEAD)" ]; then
	ci_error "ci/release.sh: tag '$tag' is not at HEAD: check it out first (git checkout $tag)"
	exit 2
fi

case "$tag" in
*-debug) branch=$(ci_setting branch.debug debug) want=debug ;;
*) branch=$(ci_setting branch.main main) want=release ;;
esac
# the tag must be on its branch (the local one, else the remote's)
on_branch=0
for ref in "refs/heads/$branch" "refs/remotes/$remote/$branch"; do
	if git rev-parse -q --verify "$ref" >/dev/null && git merge-base --is-ancestor HEAD "$ref"; then
		on_branch=1
		break
	fi
done
if [ "$on_branch" = 0 ]; then
	ci_error "ci/release.sh: tag '$tag' is not on branch '$branch': $want releases are tagged there (see RELEASING.md)"
	exit 2
fi

releaser=$(ci_releaser)
RELEASER_BRANCH=$branch
export RELEASER_BRANCH
info=$(mktemp)
trap 'rm -f "$info"' EXIT
info() {
	"$releaser" info --json --branch "$branch" --tag "$tag" >"$info"
}
ci_run "releaser info" info
channel=$(jq -r .channel "$info")
if [ "$channel" != "$want" ]; then
	ci_error "ci/release.sh: releaser says channel '$channel' for tag '$tag', expected '$want'"
	exit 2
fi

rc=0
ci_run "release $tag ($channel${arch:+, $arch})" "$releaser" release --branch "$branch" --tag "$tag" --out "$out" \
	${key:+--key "$key"} ${arch:+--arch "$arch"} $nosign || rc=$?
exit "$rc"
