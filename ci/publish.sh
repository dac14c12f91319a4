#!/bin/sh
# Publish a finalized release directory as the GitHub release of the tag the
# releaser names (releaser info --json: $GITHUB_REF_NAME on a tag push, else
# the tag at HEAD), marked as a pre-release when the releaser says it is one
# (a -rc, or a debug release). Uses the GitHub CLI (gh) and $GH_TOKEN.
#
# Nothing is published unless the releaser says the tag is ready (info
# --require-tag: "ready", no "problems"), DIR passes `releaser verify`, and
# the manifest.json that verify read from DIR names that tag's ref, version
# and commit (not a snapshot, not another release).
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
# release tag or one not ready, no public key, DIR not that tag's release.
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
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$CI_ROOT" && "$releaser" info --json --require-tag) >"$tmp/info.json"; then
	ci_error "ci/publish.sh: releaser info failed (see its message above)"
	exit 2
fi
if [ "$(jq -r '.ready == true and .tag != null and (.problems | length) == 0' "$tmp/info.json")" != true ]; then
	ci_error "ci/publish.sh: nothing to publish: $(jq -r '.problems | join("; ")' "$tmp/info.json")"
	exit 2
fi
tag=$(jq -r .tag "$tmp/info.json")

verify() {
	"$releaser" verify --json "$dir" >"$tmp/verify.json"
}
rc=0
ci_run "verify $dir" verify || rc=$?
[ -s "$tmp/verify.json" ] && cat "$tmp/verify.json"
[ "$rc" -eq 0 ] || exit "$rc"
# DIR holds the tag's release: the manifest verify read names its ref,
# version and commit
why=$(jq -rn --slurpfile i "$tmp/info.json" --slurpfile v "$tmp/verify.json" '
	$i[0] as $i | $v[0].release as $m |
	if $m == null then "it has no manifest.json listed in SHA256SUMS"
	elif $m.snapshot != false or $m.ref != $i.ref or $m.version != $i.version or $m.commit != $i.commit then
		"its manifest.json names \($m.ref) (version \($m.version), commit \($m.commit)), " +
		"not \($i.ref) (version \($i.version), commit \($i.commit))"
	else empty end')
if [ -n "$why" ]; then
	ci_error "ci/publish.sh: '$dir' is not the release of tag $tag: $why; publish the directory that releaser release made for it"
	exit 2
fi

set --
for f in "$dir"/*; do
	[ -f "$f" ] && set -- "$@" "$f"
done
notes=$tmp/notes.md
if [ -f "$dir/CHANGELOG.md" ]; then
	# GitHub refuses a body over 125,000 characters: the releaser cuts the
	# list to fit and says so; the signed CHANGELOG.md keeps every entry
	"$releaser" -C "$CI_ROOT" notes --body "$(cd "$dir" && pwd)/CHANGELOG.md" >"$notes"
else
	echo "See RELEASING.md, \"Verifying a download\"." >"$notes"
fi
pre=""
if [ "$(jq -r .prerelease "$tmp/info.json")" = true ]; then
	pre=--prerelease
fi

# create TAG: a new release without files; 0 also when it exists already
create() {
	gh release view -- "$tag" >/dev/null 2>&1 && return 0
	out=$(gh release create --verify-tag --title "$tag" --notes-file "$notes" $pre -- "$tag" 2>&1) && return 0
	case "$out" in
	*"already exists"*) return 0 ;;
	esac
	echo "$out" >&2
	return 1
}
ci_run "create release $tag" create
ci_run "upload ${#} files to $tag" gh release upload --clobber -- "$tag" "$@"
