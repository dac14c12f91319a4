#!/bin/sh
# Publish a finalized release directory as the GitHub release of the tag
# ($GITHUB_REF_NAME), with the GitHub CLI (gh) and $GH_TOKEN. A debug tag
# (vX.Y.Z-debug) and a pre-release are marked as pre-releases.
#
#   ci/publish.sh DIR [--print]
#
# --print  print the gh command instead of running it
set -eu
. "$(dirname "$0")/lib.sh"

dir=${1:?usage: ci/publish.sh DIR [--print]}
print=0
if [ "${2:-}" = --print ]; then
	print=1
fi
tag=${GITHUB_REF_NAME:-$(git describe --exact-match --tags HEAD 2>/dev/null || true)}
if [ -z "$tag" ]; then
	ci_error "ci/publish.sh: no tag to publish: set GITHUB_REF_NAME or check out the tag"
	exit 2
fi
if [ ! -s "$dir/SHA256SUMS" ] || [ ! -s "$dir/SHA256SUMS.minisig" ]; then
	ci_error "ci/publish.sh: '$dir' is not a finalized release (no SHA256SUMS and signature): run ci/release.sh --finalize"
	exit 2
fi
pre=""
case "$tag" in *-*) pre=--prerelease ;; esac
set -- gh release create "$tag" --title "$tag" --notes "See RELEASING.md, \"Verifying a download\"." $pre
for f in "$dir"/*; do
	case "$(basename "$f")" in manifest-*.json) continue ;; esac
	set -- "$@" "$f"
done
if [ "$print" = 1 ]; then
	echo "$@"
	exit 0
fi
"$@"
