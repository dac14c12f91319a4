#!/bin/bash
# The analyzer unwinds user stacks from CFI: a program built with gcc -O2
# (no frame pointers) has stacks rooted at main; the same program without
# its .eh_frame does not, and the debug analyzer names the mapping and the
# reason for each such unwind. Alone: the rooted share of children that
# fork or exec and live 0.1 s falls when another test takes CPU from them.
# run: alone
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent
DBUILD=$(debug_slot_build) || exit 1
DEBUG_AGENT=$DBUILD/bin/profiling-agent
NESTED=$BUILD/tests/nested
STRIPPED=$BUILD/tests/nested-no-eh-frame
RECORD='^analyzer: [a-z-]* pid=[0-9]* tgid=[0-9]* comm=[^ ]* cpu=[0-9]* err=-\{0,1\}[0-9]*\( (.*)\)\{0,1\}$'

# start_nested PROGRAM [MODE] SECONDS: run it in the background, its pid in $nested
start_nested() {
	start_ready "$@"
	nested=$ready_pid
}

# The checks on counts of samples profile at 499 Hz: a shared, loaded
# machine gives the program a fraction of a CPU, and 99 Hz fewer samples
# than they need.

# the kernel refusing BPF or perf events is the one reason to skip
"$AGENT" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	reason="kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	for t in 'the fixture has no frame pointers, and CFI' \
		 'stacks of a program without frame pointers reach main through its CFI' \
		 'without its .eh_frame, the same stacks stop short' \
		 'the debug analyzer names the mapping and the reason of each failed unwind' \
		 'the debug analyzer has nothing to report on the program with its CFI' \
		 'forked children unwind from their first sample' \
		 'processes that exec and live 0.1 s unwind too' \
		 '--unwind-table sizes the rules table'; do
		test_skip "$t" "$reason"
	done
	test_done
fi

test_expect_success 'the fixture has no frame pointers, and CFI' '
	objdump -d --no-show-raw-insn "$NESTED" >asm
	# level_c, at -O2, neither saves nor sets up %rbp / x29
	sed -n "/<level_c>:/,/^$/p" asm >level_c
	test -s level_c
	not grep -q "push *%rbp\|mov *%rsp,%rbp\|stp *x29, x30" level_c
	readelf -S "$NESTED" >sections
	test_grep " .eh_frame " sections
	readelf -S "$STRIPPED" >sections
	test_grep -v " .eh_frame" sections
'

test_expect_success 'stacks of a program without frame pointers reach main through its CFI' '
	start_nested "$NESTED" 30
	"$AGENT" --pid $nested --frequency 499 --duration 3 --verbose >profile 2>err
	stop_ready
	cat profile
	total=$(sum profile)
	test "$total" -gt 50
	grep ";main;" profile >rooted || true
	rooted=$(sum rooted)
	echo "rooted $rooted of $total"
	test $((rooted * 100)) -ge $((total * 95))
	# the calls in order, root first, down to the hot leaf
	grep ";main;level_a;level_b;level_c\( \|;\)" profile >leaf
	test $(($(sum leaf) * 2)) -gt "$total"
	not grep -q ";level_c;level_b\|;level_b;level_a" profile
	# rules of the program, libc and the loader, loaded once before sampling
	test_grep "unwind rules: [0-9]* processes, [3-9] files, [1-9][0-9]* of [0-9]* rules" err
	test_grep "0 files without CFI, 0 without room" err
'

test_expect_success 'without its .eh_frame, the same stacks stop short' '
	start_nested "$STRIPPED" 30
	"$AGENT" --pid $nested --frequency 499 --duration 2 >profile
	stop_ready
	cat profile
	total=$(sum profile)
	test "$total" -gt 50
	grep ";main;" profile >rooted || true
	test $(($(sum rooted) * 2)) -lt "$total"
'

test_expect_success 'the debug analyzer names the mapping and the reason of each failed unwind' '
	start_nested "$STRIPPED" 30
	"$DEBUG_AGENT" --debug-analyzer --pid $nested --frequency 499 --duration 2 >profile 2>err
	"$AGENT" --pid $nested --frequency 99 --duration 1 >profile.release 2>err.release
	stop_ready
	build_id=$(readelf -n "$STRIPPED" | sed -n "s/.*Build ID: //p")
	test -n "$build_id"
	not grep -v "$RECORD" err
	grep "^analyzer: unwind pid=[0-9]* tgid=$nested " err >unwind
	head -n 3 unwind
	# each names the program (path, build-id, offset) and why: no CFI, then a fault or a bad pc
	grep " (reason=[a-z-]* depth=[0-9]* pc=0x[0-9a-f]* mapping=$STRIPPED build-id=$build_id+0x[0-9a-f]* fp-fallback=no-cfi)$" \
		unwind >named
	test "$(wc -l <named)" -gt 50
	# exactly one per sample whose stack reaches no entry (_start)
	total=$(sum profile)
	grep "^[^;]*;_start;" profile >rooted || true
	test "$(wc -l <unwind)" -eq $((total - $(sum rooted)))
	# the release analyzer prints none
	test ! -s err.release
'

test_expect_success 'the debug analyzer has nothing to report on the program with its CFI' '
	start_nested "$NESTED" 30
	"$DEBUG_AGENT" --debug-analyzer --pid $nested --frequency 499 --duration 2 >profile 2>err
	stop_ready
	total=$(sum profile)
	test "$total" -gt 50
	not grep -v "$RECORD" err
	grep -c "^analyzer: unwind pid=[0-9]* tgid=$nested " err >count || true
	cat err
	# one record per sample whose stack reaches no entry, none for the
	# others (clock_gettime too: the vDSO unwinds from its CFI)
	grep "^[^;]*;_start;" profile >rooted || true
	test "$(cat count)" -eq $((total - $(sum rooted)))
	test $(($(cat count) * 20)) -le "$total"
'
# rooted_share PROFILE COMM: the % of COMM's samples whose stacks reach main
rooted_share() {
	grep "^$2;" "$1" >all.$2 || true
	grep "^$2;.*;main;level_a" "$1" >rooted.$2 || true
	echo "$2: $(sum rooted.$2) of $(sum all.$2) rooted" >&2
	test "$(sum all.$2)" -gt 30 || { echo 0; return; }
	echo $(($(sum rooted.$2) * 100 / $(sum all.$2)))
}

test_expect_success 'forked children unwind from their first sample' '
	# the parent only waits; each child inherits its mappings, and their rules
	start_nested "$NESTED" fork 30
	"$AGENT" --pid $nested --frequency 499 --duration 3 >profile 2>err
	stop_ready
	grep "^nested;" profile | grep -v ";main;level_a" || true
	share=$(rooted_share profile nested)
	test "$share" -ge 95
'

test_expect_success 'processes that exec and live 0.1 s unwind too' '
	# each child execs anew: its first samples come as stack copies, which
	# the agent unwinds once it has read the new mappings
	start_nested "$NESTED" exec 30
	"$AGENT" --pid $nested --frequency 499 --duration 3 --verbose >profile 2>err
	stop_ready
	# a sample inside execve has the old image'"'"'s registers and no stack of
	# the new one: not an unwind; one in the loader before main is complete
	# when it reaches _start (the more so as a busy machine slows start-up)
	grep "^nested;" profile | grep -v "__x64_sys_execve_\[k\]" >all
	grep -E "^nested;_start;|;main;level_a" all >rooted || true
	echo "rooted $(sum rooted) of $(sum all)"
	test "$(sum all)" -gt 100
	test $(($(sum rooted) * 100)) -ge $(($(sum all) * 95))
	copies=$(sed -n "s/.* recorded (\([0-9]*\) as stack copies.*/\1/p" err)
	echo "stack copies: $copies"
	test "$copies" -gt 0
'

test_expect_success '--unwind-table sizes the rules table' '
	start_nested "$NESTED" 30
	"$AGENT" --pid $nested --frequency 99 --duration 1 --verbose --unwind-table 1 >profile 2>err
	# 1 MiB: 65536 rules, room for the program, libc and the loader
	test_grep "unwind rules: [0-9]* processes, [0-9]* files, [0-9]* of 65536 rules" err
	test_grep " 0 without room" err
	stop_ready
	grep ";main;level_a" profile >rooted || true
	test $(($(sum rooted) * 100)) -ge $(($(sum profile) * 95))
'
test_done
