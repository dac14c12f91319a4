#!/bin/bash
# Runs the whole suite: C unit tests (BUILD/tests/test-*), then the shell
# tests in tests/cli and tests/bpf.
#
#   tests/run.sh [--build DIR] [--jobs N] [PATTERN...]
#
# PATTERN keeps only tests whose name contains it. Tests run JOBS at a time
# (default: the number of CPUs, or $JOBS); a test file whose header holds
# the line "# run: alone" (it measures, or it builds into the shared
# BUILD) runs with no other test beside it, after the others. The other
# tests under tests/bpf (they load the analyzer and open perf events) run
# one at a time, beside the tests that are not BPF ones, the first as soon
# as the run starts (they are a chain: started late, they would end it with
# one CPU idle). A test
# whose header holds "# run: once" runs no project code that the sanitizers
# would check (it builds its own tree, or runs only shell and outside
# tools): the ASan/UBSan pass (SANITIZE=1) leaves it to the plain pass.
# Each test's output is printed whole when it ends, with its wall time;
# the times are kept in BUILD/test-times, and the next run starts the
# tests that share nothing longest first. The run ends with the ten slowest tests, how many tests ran (and how many
# were left to the plain pass), the wall time, the skipped cases by name
# and "N passed, N failed". Exit 0 when nothing failed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 1)}
while [ $# -gt 0 ]; do
	case "$1" in
	--build) BUILD=$(cd "$2" && pwd); shift 2 ;;
	--jobs) JOBS=$2; shift 2 ;;
	*) break ;;
	esac
done
case "$JOBS" in '' | *[!0-9]* | 0) echo "run.sh: --jobs wants a number > 0, not '$JOBS'" >&2; exit 2 ;; esac
export ROOT BUILD
PATTERNS="$*"

selected() {
	[ -z "$PATTERNS" ] && return 0
	for p in $PATTERNS; do
		case "$1" in *"$p"*) return 0 ;; esac
	done
	return 1
}

now() { date +%s.%N; }

passed=0
failed=0
skipped=0
failed_names=""
skipped_names=""
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start_all=$(now)

# the tests to run, in name order: "name<TAB>command..." per line
names=()
cmds=()
alone=()
bpf=()
plain_only=0
# has_header FILE LINE: whether FILE's header (its first 20 lines) holds LINE
has_header() {
	local line n=0
	[ -f "$1" ] || return 1
	while [ $n -lt 20 ] && IFS= read -r line; do
		[ "$line" = "$2" ] && return 0
		n=$((n + 1))
	done <"$1"
	return 1
}
is_alone() { has_header "$1" "# run: alone"; }
add() {
	selected "$1" || return 0
	if has_header "$2" "# run: once"; then
		plain_only=$((plain_only + 1))
		[ "${SANITIZE:-}" = 1 ] && return 0
	fi
	names+=("$1")
	cmds+=("$2")
	if is_alone "$2"; then alone+=(1); else alone+=(0); fi
	case "$1" in bpf/*) bpf+=(1) ;; *) bpf+=(0) ;; esac
}
for t in "$BUILD"/tests/test-*; do
	[ -x "$t" ] && add "unit/${t##*/}" "$t"
done
for t in "$ROOT"/tests/cli/t[0-9]*.sh "$ROOT"/tests/bpf/t[0-9]*.sh; do
	d=${t%/*}
	b=${t##*/}
	[ -f "$t" ] && add "${d##*/}/${b%.sh}" "$t"
done

# start I: runs test I in the background, its output and times in $work/I.*
start() {
	local i=$1 cmd=${cmds[$1]}
	now >"$work/$i.start"
	(
		case "$cmd" in
		*.sh) bash "$cmd" ;;
		*) "$cmd" ;;
		esac >"$work/$i.log" 2>&1
		echo $? >"$work/$i.rc"
		now >"$work/$i.end"
	) &
	pids[$!]=$i
}

# finish I: prints test I's output and counts its cases
finish() {
	local i=$1 name=${names[$1]} log="$work/$1.log" rc p s f secs
	rc=$(cat "$work/$i.rc" 2>/dev/null || echo 255)
	secs=$(echo "$(cat "$work/$i.end") $(cat "$work/$i.start")" | awk '{ printf "%.1f", $1 - $2 }')
	printf '%s\t%s\n' "$secs" "$name" >>"$work/times"
	echo "*** $name (${secs} s)"
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	s=$(grep -c '^ok .*# SKIP' "$log")
	f=$(grep -c '^not ok ' "$log")
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	if [ "$s" -gt 0 ]; then
		skipped_names="$skipped_names$(grep '^ok .*# SKIP' "$log" | sed "s|^ok [0-9]* - |  $name: |")
"
	fi
	if [ "$f" -gt 0 ]; then
		failed_names="$failed_names  $name
"
	elif [ "$rc" -ne 0 ] || [ $((p + f)) -eq 0 ]; then
		# a crash, or a test that ran no case, is a failure too
		failed=$((failed + 1))
		failed_names="$failed_names  $name (exit $rc, $((p + f)) cases)
"
	fi
}

# wait_one: waits for any running test and finishes it
declare -A pids
running=0
bpf_running=0
wait_one() {
	local pid
	wait -n -p pid
	finish "${pids[$pid]}"
	[ "${bpf[${pids[$pid]}]}" = 1 ] && bpf_running=0
	unset "pids[$pid]"
	running=$((running - 1))
}

# the order of the tests that share nothing: the longest first (by their
# times of the last run, kept in BUILD/test-times, or for a first run in
# another build directory, the plain build's), so that no long test starts
# last while the other jobs have nothing left; tests with no time yet first,
# in name order
TIMES=$BUILD/test-times
declare -A last
times_from=$TIMES
[ -s "$times_from" ] || times_from=$ROOT/build/test-times
if [ -s "$times_from" ]; then
	while IFS=$'\t' read -r secs name; do
		last[$name]=$secs
	done <"$times_from"
fi
order=()
while IFS=$'\t' read -r _ i; do
	order+=("$i")
done < <(
	for i in "${!names[@]}"; do
		[ "${alone[$i]}" = 0 ] && printf '%s\t%s\n' "${last[${names[$i]}]:-1000000}" "$i"
	done | sort -t $'\t' -k1,1gr -k2,2n
)

# the tests that share nothing run JOBS at a time, a BPF one (in order)
# whenever none runs, then each "alone" test
pending=("${order[@]}")
while [ "${#pending[@]}" -gt 0 ]; do
	while [ "$running" -ge "$JOBS" ]; do wait_one; done
	pick=""
	for k in "${!pending[@]}"; do
		if [ "${bpf[${pending[$k]}]}" = 1 ]; then
			[ "$bpf_running" = 0 ] && { pick=$k; break; }
		elif [ -z "$pick" ]; then
			pick=$k
			[ "$bpf_running" = 1 ] && break
		fi
	done
	if [ -z "$pick" ]; then
		wait_one
		continue
	fi
	i=${pending[$pick]}
	unset "pending[$pick]"
	[ "${bpf[$i]}" = 1 ] && bpf_running=1
	start "$i"
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do wait_one; done
for i in "${!names[@]}"; do
	[ "${alone[$i]}" = 1 ] || continue
	start "$i"
	running=1
	wait_one
done

# this run's times replace those of the same tests in BUILD/test-times
if [ -s "$work/times" ] && [ -d "$BUILD" ]; then
	cut -f 2 "$work/times" >"$work/ran"
	{
		[ -f "$TIMES" ] && awk -F '\t' 'NR == FNR { ran[$0] = 1; next } !($2 in ran)' "$work/ran" "$TIMES"
		cat "$work/times"
	} >"$work/test-times" && cp "$work/test-times" "$TIMES.tmp.$$" && mv -f "$TIMES.tmp.$$" "$TIMES"
fi

echo
if [ -s "$work/times" ]; then
	echo "slowest:"
	sort -rn "$work/times" | head -n 10 | awk -F '\t' '{ printf "  %6.1f s  %s\n", $1, $2 }'
fi
if [ "${SANITIZE:-}" = 1 ]; then
	echo "tests run: ${#names[@]} in this ASan/UBSan pass; $plain_only left to the plain pass (# run: once)"
else
	echo "tests run: ${#names[@]}, $plain_only of them in this plain pass only (# run: once)"
fi
awk -v a="$start_all" -v b="$(now)" -v j="$JOBS" 'BEGIN { printf "wall time: %.0f s (%d jobs)\n", b - a, j }'
if [ -n "$skipped_names" ]; then
	echo "skipped:"
	printf '%s' "$skipped_names"
fi
if [ -n "$failed_names" ]; then
	echo "failed:"
	printf '%s' "$failed_names"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
