#!/bin/bash
# A build killed at any instant (SIGKILL: no make cleanup runs) leaves no
# partial file under a final name, so the next make takes up where it was
# and succeeds. Every object, library and binary is written under a
# temporary name and renamed when complete.
. "$(dirname "$0")/../lib.sh"
unset MAKEFLAGS MFLAGS MAKELEVEL SANITIZE

# a copy of the tracked tree (with its uncommitted edits), built from scratch
copy_tree() {
	mkdir -p "$1"
	git -C "$ROOT" ls-files -z | (cd "$ROOT" && tar -cf - --null -T -) | tar -C "$1" -xf -
}

# the parts of the build that compile C: objects, archives, binaries
TARGETS="build/bin/releaser build/lib/libanalyzer.a build/lib/libanalyzer.so build/bin/gen-frametypes"

# make in the copy, with its own build directory (not the suite's $BUILD)
tree_make() {
	env -u BUILD make -s -j2 $TARGETS
}

# killed_after SECONDS: start make in its own process group and SIGKILL the
# whole group after SECONDS
killed_after() {
	setsid env -u BUILD make -s -j2 $TARGETS >/dev/null 2>&1 &
	pid=$!
	sleep "$1"
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# every_object_whole: each object and archive under build/ is a whole ELF
# file or ar archive (a killed compiler would leave an empty or cut one)
every_object_whole() {
	mkdir -p build
	find build -name '*.o' -o -name '*.a' -o -name '*.so' >objects
	while read -r f; do
		case "$f" in
		*.a) head -c 8 "$f" | grep -q '^!<arch>' || { echo "cut archive: $f"; return 1; } ;;
		*) readelf -h "$f" >/dev/null 2>&1 || { echo "cut object: $f"; return 1; } ;;
		esac
	done <objects
}

test_expect_success 'killed at eight instants of a clean build, the next make succeeds each time' '
	copy_tree tree && cd tree
	for t in 0.2 0.4 0.7 1.0 1.4 1.8 2.3 2.9; do
		killed_after "$t"
		every_object_whole
		tree_make >../out 2>&1 || { cat ../out; false; }
		every_object_whole
		build/bin/releaser --help >/dev/null
		rm -rf build
	done
'

test_expect_success 'killed repeatedly, a build resumes until it is complete' '
	copy_tree tree2 && cd tree2
	for t in 0.3 0.3 0.5 0.5 0.8 0.8; do
		killed_after "$t"
		every_object_whole
	done
	tree_make >../out 2>&1 || { cat ../out; false; }
	build/bin/releaser --help >/dev/null
'

test_done
