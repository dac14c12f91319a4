#!/bin/bash
# Both analyzer flavors load into this kernel, attach to perf events and
# produce samples; the debug one produces debug records, the release one none.
. "$(dirname "$0")/../lib.sh"

RUN=$BUILD/tests/analyzer-run
OBJ=$BUILD/ebpf

# run_analyzer OUT ARGS...: run the driver; a kernel refusal (exit 77) skips
run_analyzer() {
	out=$1
	shift
	set +e
	"$RUN" "$@" >"$out" 2>"$out.err"
	rc=$?
	set -e
	if [ $rc -eq 77 ]; then
		echo "kernel refused: $(cat "$out.err")" >"$TRASH_ROOT/refused"
		return 0
	fi
	cat "$out.err" >&2
	return $rc
}

# the kernel refusing BPF or perf events is the one reason to skip
"$RUN" --seconds 0.1 "$OBJ/analyzer.ebpf.release.$HOST_ARCH" >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -eq 77 ]; then
	reason="kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	test_skip 'the release analyzer loads and samples' "$reason"
	test_skip 'the debug analyzer loads, samples and reports' "$reason"
	test_skip 'the pid filter drops other processes, and the debug flavor says so' "$reason"
	test_done
fi

test_expect_success 'the release analyzer loads and samples' '
	run_analyzer out --self --seconds 1 "$OBJ/analyzer.ebpf.release.$HOST_ARCH"
	cat out
	test "$(value flavor out)" = release
	test "$(value xlated_insns out)" -gt 50
	test "$(value samples out)" -gt 100
	test "$(value samples_self out)" -gt 100
	test "$(value recorded out)" -gt 100
	test "$(value stacks out)" -gt 0
	test "$(value debug_records out)" -eq 0
'

test_expect_success 'the debug analyzer loads, samples and reports' '
	run_analyzer out --self --seconds 1 "$OBJ/analyzer.ebpf.debug.$HOST_ARCH"
	cat out
	test "$(value flavor out)" = debug
	test "$(value samples_self out)" -gt 100
	test "$(value debug_records out)" -gt 100
	test "$(value debug_sample out)" -gt 100
'

test_expect_success 'the pid filter drops other processes, and the debug flavor says so' '
	run_analyzer out --other-pid --seconds 0.5 "$OBJ/analyzer.ebpf.debug.$HOST_ARCH"
	cat out
	test "$(value recorded out)" -eq 0
	test "$(value filtered out)" -gt 50
	test "$(value debug_filtered out)" -gt 50
	test "$(value stacks out)" -eq 0
'
test_done
