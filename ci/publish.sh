#!/bin/sh
# Publish a finalized release directory as the GitHub release of the tag the
# releaser names (releaser info --json: $GITHUB_REF_NAME on a tag push, else
# the tag at HEAD), marked as a pre-release when the releaser says it is one
# (a -rc, or a debug release). Uses the GitHub CLI (gh) and $GH_TOKEN.
#
#   ci/publish.sh [--pubkey FILE] DIR
#
# --pubkey FILE  the release's public key (default: $RELEASER_PUBKEY, a path
#                or the key's text); DIR is published only if
#                `releaser verify` passes with it
#
# The notes are DIR/CHANGELOG.md when there is one (cut to GitHub's limit
# by `releaser notes --body`). The release is created
# without files, then every file of DIR is uploaded with --clobber; a release
# that exists already (a re-run, or a run that stopped half-way) gets its
# files uploaded again, so running this twice is safe.
#
# Exit codes: 0 published; 1 verification or gh failed; 2 bad usage, no
# release tag, no public key.
set -eu
. "$(dirname "$0")/lib.sh"

usage="usage: ci/publish.sh [--pubkey FILE] DIR"
if [ "${1:-}" = --pubkey ]; then
	[ $# -ge 2 ] || { ci_error "ci/publish.sh: --pubkey needs a FILE ($usage)"; exit 2; }
	RELEASER_PUBKEY=$2
	export RELEASER_PUBKEY
	shift 2
fi
[ $# -eq 1 ] || { ci_error "ci/publish.sh: $usage"; exit 2; }
dir=$1
releaser=$(ci_releaser)
info=$(cd "$CI_ROOT" && "$releaser" info --json --require-tag)
tag=$(printf '%s' "$info" | jq -r '.tag // empty')
if [ -z "$tag" ]; then
	ci_error "ci/publish.sh: $(printf '%s' "$info" | jq -r '.problems[0]')"
	exit 2
fi
ci_run "verify $dir" "$releaser" verify "$dir"

set --
for f in "$dir"/*; do
	[ -f "$f" ] && set -- "$@" "$f"
done
notes=$(mktemp)
trap 'rm -f "$notes"' EXIT
if [ -f "$dir/CHANGELOG.md" ]; then
	# GitHub refuses a body over 125,000 characters: the releaser cuts the
	# list to fit and says so; the signed CHANGELOG.md keeps every entry
	"$releaser" -C "$CI_ROOT" notes --body "$(cd "$dir" && pwd)/CHANGELOG.md" >"$notes"
else
	echo "See RELEASING.md, \"Verifying a download\"." >"$notes"
fi
pre=""
if [ "$(printf '%s' "$info" | jq -r .prerelease)" = true ]; then
	pre=--prerelease
fi

# create TAG: a new release without files; 0 also when it exists already
create() {
	gh release view "$tag" >/dev/null 2>&1 && return 0
	out=$(gh release create "$tag" --verify-tag --title "$tag" --notes-file "$notes" $pre 2>&1) && return 0
	case "$out" in
	*"already exists"*) return 0 ;;
	esac
	echo "$out" >&2
	return 1
}
ci_run "create release $tag" create
ci_run "upload ${#} files to $tag" gh release upload "$tag" --clobber "$@"
