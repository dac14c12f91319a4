#!/bin/bash
# --format pprof: go tool pprof reads what the agent writes; one run's
# folded and pprof outputs (--output-dir with --format folded,pprof) have
# the same total and the same samples per leaf function; kernel frames
# have their own mapping; labels, sample types, period, build-ids, and
# demangled beside system names (decoded with protoc against Debian's
# profile.proto); source file and line of each location from the -g
# build's line table, as addr2line gives them.
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent
BURNER=$BUILD/tests/burner
CXX_PROG=$BUILD/tests/nested-cxx
PPROF_PROTO=$(make -s -C "$ROOT" print-PPROF_PROTO)

CASES=('one run as folded and pprof: same total, same samples per function'
       'labels pid, tid, comm, flavor; the mapping of the file with its build-id'
       '--format pprof --output: go tool pprof reads it; cpu time is count x period'
       'kernel frames are in their own mapping'
       'functions have demangled and system names'
       'lines: the file and line addr2line gives, inside the hot function')

# skip_all REASON: every case skipped
skip_all() {
	for t in "${CASES[@]}"; do
		test_skip "$t" "$1"
	done
	test_done
}

"$AGENT" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	skip_all "kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
fi
command -v go >/dev/null || skip_all "no go (golang-go) for go tool pprof"

# pprof_total FILE: the samples/count total of go tool pprof -raw
pprof_total() {
	go tool pprof -raw "$1" >"$1.raw" || return 1
	awk '/^Samples:/ { on = 1; next } /^Locations/ { on = 0 } on && /^ *[0-9]+ +[0-9]+:/ { n += $1 }
	     END { print n + 0 }' "$1.raw"
}

# pprof_flat FILE: "function count" per function with flat samples, sorted
pprof_flat() {
	go tool pprof -top -sample_index=samples -nodefraction=0 -nodecount=1000000 "$1" >"$1.top" || return 1
	awk 'on && $1 + 0 > 0 { name = $6; for (i = 7; i <= NF; i++) name = name " " $i; print name " " $1 }
	     /^ *flat +flat%/ { on = 1 }' "$1.top" | sort
}

# folded_flat FILE: the same from a folded profile: samples per leaf frame
folded_flat() {
	awk '{ n = $NF; sub(/ [0-9]+$/, ""); k = split($0, f, ";"); leaf = f[k]; sub(/_\[k\]$/, "", leaf)
	       c[leaf] += n } END { for (l in c) print l " " c[l] }' "$1" | sort
}

# the one file of DIR with extension EXT
one_file() {
	set -- "$1"/profile-*."$2"
	test $# -eq 1 && test -f "$1" && echo "$1"
}

# the first case's run, which the second reads too
RUN1=$TRASH_ROOT/run1

test_expect_success "${CASES[0]}" '
	start_ready "$BURNER" cpu 30
	mkdir "$RUN1"
	"$AGENT" --pid $ready_pid --frequency 99 --duration 3 --format folded,pprof --output-dir "$RUN1" 2>err
	echo $ready_pid >"$RUN1/pid"
	stop_ready
	folded=$(one_file "$RUN1" folded)
	pprof=$(one_file "$RUN1" pb.gz)
	test "$(sum "$folded")" -ge 10
	test "$(pprof_total "$pprof")" = "$(sum "$folded")"
	folded_flat "$folded" >folded.flat
	pprof_flat "$pprof" >pprof.flat
	test_cmp folded.flat pprof.flat
	sort -k2,2nr pprof.flat | head -n 1 >top
	test "$(cut -d" " -f1 top)" = hot_function
	go tool pprof -top "$pprof" >top.out
	test_grep "^Type: cpu$" top.out
'

test_expect_success "${CASES[1]}" '
	pprof=$(one_file "$RUN1" pb.gz)
	raw=$pprof.raw
	ready_pid=$(cat "$RUN1/pid")
	test_grep "^samples/count cpu/nanoseconds$" "$raw"
	test_grep "^PeriodType: cpu nanoseconds$" "$raw"
	test_grep "^Period: 10101010$" "$raw"
	test_grep "comm:\[burner\] flavor:\[release\]" "$raw"
	test_grep "pid:\[$ready_pid\] tid:\[$ready_pid\]" "$raw"
	build_id=$(readelf -n "$BURNER" | sed -n "s/.*Build ID: //p")
	test -n "$build_id"
	test_grep "^[0-9]*: 0x0/0x[0-9a-f]*/0x0 $BURNER $build_id \[FN\]$" "$raw"
	test_grep " M=[0-9]* hot_function " "$raw"
'

test_expect_success "${CASES[2]}" '
	start_ready "$BURNER" cpu 30
	"$AGENT" --pid $ready_pid --frequency 99 --duration 2 --format pprof --output p.pb.gz
	stop_ready
	gzip -t p.pb.gz
	total=$(pprof_total p.pb.gz)
	test "$total" -ge 10
	awk "/^Samples:/ { on = 1; next } /^Locations/ { on = 0 }
	     on && /^ *[0-9]+ +[0-9]+:/ && \$2 + 0 != \$1 * 10101010 { bad = 1; print }
	     END { exit bad }" p.pb.gz.raw
	go tool pprof -top -sample_index=samples p.pb.gz >top.out
	test "$(awk "/flat%/ { getline; print \$NF; exit }" top.out)" = hot_function
'

test_expect_success "${CASES[3]}" '
	start_ready "$BURNER" syscall 30
	rm -rf out && mkdir out
	"$AGENT" --pid $ready_pid --frequency 99 --duration 2 --format folded,pprof --output-dir out
	stop_ready
	folded=$(one_file out folded)
	pprof=$(one_file out pb.gz)
	test_grep "_\[k\] " "$folded"
	test "$(pprof_total "$pprof")" = "$(sum "$folded")"
	folded_flat "$folded" >folded.flat
	pprof_flat "$pprof" >pprof.flat
	test_cmp folded.flat pprof.flat
	sed -n "/^Mappings/,\$p" "$pprof.raw" >mappings
	test_grep " \[kernel.kallsyms\] " mappings
	test_grep " $BURNER " mappings
'

test_expect_success "${CASES[4]}" '
	start_ready "$CXX_PROG" 30
	"$AGENT" --pid $ready_pid --frequency 499 --duration 2 --format pprof --output cxx.pb.gz
	stop_ready
	gzip -dc cxx.pb.gz >cxx.pb
	protoc --decode=perftools.profiles.Profile -I "$(dirname "$PPROF_PROTO")" \
		"$(basename "$PPROF_PROTO")" <cxx.pb >cxx.txt
	test_grep "^string_table: \"work::catch_one(std::vector<int, std::allocator<int> >&, int)\"$" cxx.txt
	test_grep "^string_table: \"_ZN4work9catch_oneERSt6vectorIiSaIiEEi\"$" cxx.txt
	go tool pprof -top cxx.pb.gz >top.out
	test_grep "work::catch_one" top.out
'

test_expect_success "${CASES[5]}" '
	pprof=$(one_file "$RUN1" pb.gz)
	src=$ROOT/tests/fixtures/burner.c
	# the lines of hot_function in the source: its name to its closing brace
	first=$(grep -n "^__attribute__((noinline)) void hot_function(" "$src" | cut -d: -f1)
	last=$(awk -v f="$first" "NR > f && /^}/ { print NR; exit }" "$src")
	test -n "$first"
	test -n "$last"
	# "7: 0x127d M=1 hot_function /dir/tests/fixtures/burner.c:39 s=0"
	sed -n "/^Locations/,/^Mappings/p" "$pprof.raw" | grep " hot_function " >hot.locs
	test -s hot.locs
	cat hot.locs
	while read -r id addr map fn fileline rest; do
		file=${fileline%:*} line=${fileline##*:}
		test "${file##*/}" = burner.c || return 1
		test "$line" -ge "$first" && test "$line" -le "$last" || return 1
		# the leaf is the sampled address itself: addr2line says the same
		a2l=$(addr2line -e "$BURNER" "$addr" | sed "s/ (discriminator [0-9]*)$//")
		test "$a2l" = "$fileline" || { echo "addr2line: $a2l"; return 1; }
	done <hot.locs
	# go tool pprof -lines: the hottest line is one of hot_function
	go tool pprof -lines -top -sample_index=samples "$pprof" >lines.top
	awk "/flat%/ { getline; print \$(NF - 1), \$NF; exit }" lines.top >hottest
	cat hottest
	test_grep "^hot_function .*/burner.c:[0-9]*$" hottest
	# callers too: burn_cpu at its call of hot_function
	test_grep " burn_cpu .*/burner.c:[0-9]* " "$pprof.raw"
'
test_done
