#!/bin/sh
# A stand-in for the GitHub CLI's `gh release` that keeps releases in a
# directory, and names uploaded files as GitHub names release assets: a
# test links it as `gh` first on PATH and uploads, downloads and checks
# what came back.
#
#   gh release create TAG [--verify-tag] [--title T] [--notes-file F] [--prerelease] [FILE...]
#   gh release upload TAG [--clobber] FILE...
#   gh release view TAG
#   gh release download TAG [--dir DIR | -D DIR] [--clobber]
#
# Options may come before or after TAG, and "--" ends them, as with gh.
# GH_STAND_IN_DIR (required) holds one directory per release, its assets
# inside (and a file .prerelease for a pre-release). Renaming, as GitHub does it (documented as "special characters,
# non-alphanumeric characters, and leading or trailing periods"; seen
# with '~', '+', ':', spaces, parentheses): every byte other than ASCII
# letters, digits, '.', '_' and '-' becomes '.', a leading '.' becomes
# "default.", a trailing '.' is dropped. The renamed name is printed on
# stderr. Exits 1 like gh on a missing release, an asset that exists
# (upload without --clobber), or a file that exists (download).
set -eu

die() {
	echo "gh: $*" >&2
	exit 1
}

# asset_name NAME: the name GitHub gives an uploaded file named NAME
asset_name() {
	printf '%s\n' "$1" | LC_ALL=C sed -e 's/[^A-Za-z0-9._-]/./g' -e 's/^\./default./' -e 's/\.*$//'
}

[ -n "${GH_STAND_IN_DIR:-}" ] || die "GH_STAND_IN_DIR is not set"
[ "${1:-}" = release ] || die "only 'gh release' is stood in for, not '$*'"
[ $# -ge 2 ] || die "usage: gh release create|upload|view|download TAG ..."
verb=$2
shift 2

# options anywhere before "--", as gh takes them; the rest stays in "$@"
clobber=
prerelease=
dir=.
count=$#
i=0
done_opts=
while [ "$i" -lt "$count" ]; do
	a=$1
	shift
	i=$((i + 1))
	if [ -z "$done_opts" ]; then
		case "$verb:$a" in
		*:--) done_opts=1; continue ;;
		create:--title | create:--notes-file) shift; i=$((i + 1)); continue ;;
		create:--verify-tag) continue ;;
		create:--prerelease) prerelease=1; continue ;;
		upload:--clobber | download:--clobber) clobber=1; continue ;;
		download:--dir | download:-D) dir=$1; shift; i=$((i + 1)); continue ;;
		*:-*) die "$verb: unknown option '$a'" ;;
		esac
	fi
	set -- "$@" "$a"
done
[ $# -ge 1 ] || die "usage: gh release $verb TAG ..."
tag=$1
shift
rel=$GH_STAND_IN_DIR/$tag

# upload FILE...: each file into the release under its GitHub name
upload() {
	for f in "$@"; do
		[ -f "$f" ] || die "$f: no such file"
		name=$(asset_name "$(basename "$f")")
		[ -z "$clobber" ] && [ -e "$rel/$name" ] && die "asset '$name' already exists (use --clobber)"
		[ "$name" = "$(basename "$f")" ] || echo "gh: '$(basename "$f")' uploaded as '$name'" >&2
		cp "$f" "$rel/$name.tmp"
		mv "$rel/$name.tmp" "$rel/$name"
	done
}

case "$verb" in
view)
	[ -d "$rel" ] || die "release not found"
	echo "$tag"
	;;
create)
	[ ! -d "$rel" ] || die "HTTP 422: Validation Failed (Release.tag_name already exists)"
	mkdir -p "$rel"
	# a pre-release is marked by a dot file, which no download copies
	[ -z "$prerelease" ] || : >"$rel/.prerelease"
	upload "$@"
	;;
upload)
	[ -d "$rel" ] || die "release not found"
	upload "$@"
	;;
download)
	[ -d "$rel" ] || die "release not found"
	[ $# -eq 0 ] || die "download: unexpected '$1'"
	mkdir -p "$dir"
	for f in "$rel"/*; do
		[ -f "$f" ] || continue
		[ -z "$clobber" ] && [ -e "$dir/$(basename "$f")" ] && die "$dir/$(basename "$f") already exists"
		cp "$f" "$dir/"
	done
	;;
*)
	die "release $verb is not stood in for"
	;;
esac
