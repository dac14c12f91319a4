#!/bin/bash
# A build killed at any instant (SIGKILL: no make cleanup runs) leaves no
# partial file under a final name, so the next make takes up where it was
# and succeeds. Every object, library and binary is written under a
# temporary name and renamed when complete.
# run: once
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

# killed_at PATTERN [N]: start make in its own process group under strace
# (the execve calls that succeed) and SIGKILL the whole group as soon as it
# starts the Nth (default 1st) command whose execve line matches the glob
# PATTERN; fails when make ends before that (showing its output)
killed_at() {
	rm -f ../execs && mkfifo ../execs
	setsid strace -f -qq -z --seccomp-bpf -e trace=execve -e signal=none -o ../execs \
		env -u BUILD make -s -j2 $TARGETS >../killed.out 2>&1 &
	pid=$!
	seen=0
	while IFS= read -r line; do
		# shellcheck disable=SC2254 # PATTERN is a glob
		case "$line" in
		$1)
			seen=$((seen + 1))
			if [ "$seen" -ge "${2:-1}" ]; then
				kill -KILL -- "-$pid"
				break
			fi
			;;
		esac
	done <../execs
	wait "$pid" 2>/dev/null || true
	rm -f ../execs
	if [ "$seen" -lt "${2:-1}" ]; then
		echo "make ended before its command number ${2:-1} matching $1:" >&2
		cat ../killed.out >&2
		return 1
	fi
}

# every_object_whole: each object, archive and binary under build/ is a
# whole ELF file or ar archive (a killed compiler would leave an empty or
# cut one)
every_object_whole() {
	mkdir -p build
	find build -name '*.o' -o -name '*.a' -o -name '*.so' -o -path 'build/bin/*' ! -name '*.tmp' -type f >objects
	while read -r f; do
		case "$f" in
		*.a) head -c 8 "$f" | grep -q '^!<arch>' || { echo "cut archive: $f"; return 1; } ;;
		*) readelf -h "$f" >/dev/null 2>&1 || { echo "cut object: $f"; return 1; } ;;
		esac
	done <objects
}

# Killed in each step of a clean build, in build order, each time in the
# make that resumes after the last kill: while compiling (the first
# compile, a later one), at the rename of a compiled object, while
# archiving, while linking (twice), at the rename of a linked binary. Each
# make goes on from where the last stopped, and the last one completes.
test_expect_success 'killed in each step of a clean build (compile, rename, archive, link), the next make goes on' '
	copy_tree tree && cd tree
	killed_at "*/cc1\"*"
	every_object_whole
	killed_at "*/cc1\"*" 12
	every_object_whole
	killed_at "*\"mv\", \"-f\", \"build/obj/*.o.tmp\"*"
	every_object_whole
	killed_at "*\"ar\", \"rc*"
	every_object_whole
	killed_at "*/ld\"*"
	every_object_whole
	killed_at "*/ld\"*" 2
	every_object_whole
	killed_at "*\"mv\", \"-f\", \"build/bin/*.tmp\"*"
	every_object_whole
	tree_make >../out 2>&1 || { cat ../out; false; }
	every_object_whole
	build/bin/releaser --help >/dev/null
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
