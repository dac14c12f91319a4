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
# GH_STAND_IN_DIR (required) holds one directory per release, its assets
# inside. Renaming, as GitHub does it (documented as "special characters,
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
[ $# -ge 3 ] || die "usage: gh release create|upload|view|download TAG ..."
verb=$2
tag=$3
shift 3
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

clobber=
dir=.
case "$verb" in
view)
	[ -d "$rel" ] || die "release not found"
	echo "$tag"
	;;
create)
	[ ! -d "$rel" ] || die "HTTP 422: Validation Failed (Release.tag_name already exists)"
	while [ $# -gt 0 ]; do
		case "$1" in
		--title | --notes-file) shift ;;
		--verify-tag | --prerelease) ;;
		-*) die "create: unknown option '$1'" ;;
		*) break ;;
		esac
		shift
	done
	mkdir -p "$rel"
	upload "$@"
	;;
upload)
	[ -d "$rel" ] || die "release not found"
	[ "${1:-}" = --clobber ] && clobber=1 && shift
	upload "$@"
	;;
download)
	[ -d "$rel" ] || die "release not found"
	while [ $# -gt 0 ]; do
		case "$1" in
		--dir | -D) dir=$2; shift ;;
		--clobber) clobber=1 ;;
		*) die "download: unknown option '$1'" ;;
		esac
		shift
	done
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
