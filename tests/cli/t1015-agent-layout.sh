#!/bin/bash
# The agent's layers show in the tree: libanalyzer/ is the only code using
# libbpf, no file under agent/ is over 500 lines, /proc/PID/maps is opened
# in one file (the process table), and the releaser and the agent see only
# libanalyzer's public header. Each check runs on this tree, and on a copy
# with a violation, which it must refuse.
. "$(dirname "$0")/../lib.sh"

# bpf_users DIR: the files under DIR's agent/ and libanalyzer/ that include <bpf/...>
bpf_users() {
	(cd "$1" && grep -rl '<bpf/' agent libanalyzer | sort)
}

# only_libanalyzer_uses_bpf DIR
only_libanalyzer_uses_bpf() {
	bpf_users "$1" >users
	test -s users || return 1
	not grep -v "^libanalyzer/" users
}

# long_files DIR: the files under DIR/agent over 500 lines, with their counts
long_files() {
	(cd "$1" && find agent -type f -exec wc -l {} + | awk '$2 != "total" && $1 > 500')
}

# maps_readers DIR: the files under agent/ and libanalyzer/ whose code
# names /proc/PID/maps (a string ending in /maps; comments do not count)
maps_readers() {
	(cd "$1" && grep -rlF '/maps"' agent libanalyzer | sort)
}

# one_maps_reader DIR
one_maps_reader() {
	maps_readers "$1" >readers
	echo agent/proc/table.c >expect
	test_cmp expect readers
}

# includes_outside DIR: #include "..." lines of the releaser and the agent
# naming a libanalyzer header other than the public one
includes_outside() {
	(cd "$1" && grep -rnE '#include "(internal|slots)\.h"' releaser agent || true)
}

# copy_tree DIR: agent/, libanalyzer/ and releaser/ of this tree in DIR
copy_tree() {
	mkdir -p "$1"
	set -- "$(cd "$1" && pwd)"
	(cd "$ROOT" && git ls-files -z agent libanalyzer releaser | xargs -0 cp -a --parents -t "$1")
	(cd "$ROOT" && git ls-files -z -o --exclude-standard agent libanalyzer releaser |
		xargs -0 -r cp -a --parents -t "$1")
}

test_expect_success 'only libanalyzer/ includes libbpf' '
	only_libanalyzer_uses_bpf "$ROOT"
	cat users
	copy_tree bad
	printf "#include <bpf/libbpf.h>\n" >>bad/agent/unwind/copy.c
	not only_libanalyzer_uses_bpf bad
	test_grep "^agent/unwind/copy.c$" users
'

test_expect_success 'no file under agent/ is over 500 lines' '
	long_files "$ROOT" >long
	test_line_count long 0
	copy_tree bad2
	seq 501 >bad2/agent/clock.c
	long_files bad2 >long
	test_grep " agent/clock.c$" long
'

test_expect_success '/proc/PID/maps is opened in one file, the process table' '
	one_maps_reader "$ROOT"
	copy_tree bad3
	printf "static const char *p = \"/proc/%%u/maps\";\n" >>bad3/agent/symbolize/symbolize.c
	not one_maps_reader bad3
'

test_expect_success 'the releaser and the agent see only libanalyzer/include/analyzer.h' '
	includes_outside "$ROOT" >outside
	test_line_count outside 0
	# no include path for everyone; the public header'"'"'s folder for those that embed
	make -s -C "$ROOT" print-CPPFLAGS_ALL >flags
	not grep -q -- "-I" flags
	test "$(make -s -C "$ROOT" print-LIBANALYZER_CPPFLAGS)" = "-Ilibanalyzer/include"
	grep -q -- "\$(LIBANALYZER_CPPFLAGS)" "$ROOT/releaser/build.mk"
	not grep -q -- "-Iagent" "$ROOT/releaser/build.mk" "$ROOT/Makefile"
	copy_tree bad4
	printf "#include \"internal.h\"\n" >>bad4/releaser/release/plan.c
	includes_outside bad4 >outside
	test_line_count outside 1
'

test_expect_success 'libanalyzer has no analyzer_map_fd: the unwind maps have typed calls' '
	not grep -n "analyzer_map_fd" "$ROOT/libanalyzer/include/analyzer.h"
	test_grep "^int analyzer_unwind_proc_set(" "$ROOT/libanalyzer/include/analyzer.h"
	test_grep "^int analyzer_unwind_rules_write(" "$ROOT/libanalyzer/include/analyzer.h"
'

test_done
