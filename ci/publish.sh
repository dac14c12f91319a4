#!/bin/sh
# Publish a finalized release directory as the GitHub release of the tag the
# releaser names (releaser info --json: $GITHUB_REF_NAME on a tag push, else
# the tag at HEAD), marked as a pre-release when the releaser says it is one
# (a -rc, or a debug release). Uses the GitHub CLI (gh) and $GH_TOKEN.
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
if [ ! -s "$dir/SHA256SUMS" ] || [ ! -s "$dir/SHA256SUMS.minisig" ]; then
	ci_error "ci/publish.sh: '$dir' is not a finalized release (no SHA256SUMS and signature): run ci/release.sh --finalize"
	exit 2
fi
releaser=$(ci_releaser)
info=$(cd "$CI_ROOT" && "$releaser" info --json --require-tag)
tag=$(printf '%s' "$info" | jq -r '.tag // empty')
if [ -z "$tag" ]; then
	ci_error "ci/publish.sh: $(printf '%s' "$info" | jq -r '.problems[0]')"
	exit 2
fi
pre=""
if [ "$(printf '%s' "$info" | jq -r .prerelease)" = true ]; then
	pre=--prerelease
fi
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
