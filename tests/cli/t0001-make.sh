#!/bin/bash
# The top-level Makefile: branch policy, incremental builds, dependencies.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'a debug branch builds the fake release and only the release slot' '
	cd "$ROOT"
	test "$(make -s BRANCH=debug print-EBPF_FLAGS)" = fake-release
	test -z "$(make -s BRANCH=debug print-AGENT_FEATURES)"
	test "$(make -s BRANCH=v1-debug-fixes print-EBPF_FLAGS)" = fake-release
'

test_expect_success 'any other branch builds both flavors and embeds both slots' '
	cd "$ROOT"
	test -z "$(make -s BRANCH=main print-EBPF_FLAGS)"
	test "$(make -s BRANCH=main print-AGENT_FEATURES)" = debug-analyzer
	test "$(make -s BRANCH=feature/x print-AGENT_FEATURES)" = debug-analyzer
'

test_expect_success 'a second make with nothing changed does no work' '
	cd "$ROOT"
	build_make -s >/dev/null
	build_make V=1 >"$TRASH/second" 2>&1
	test_grep -v "clang\|  CC \|  LD \|  AR \|  BPF \| -c " "$TRASH/second"
'

test_expect_success 'install-deps finds everything installed and changes nothing' '
	"$ROOT"/ci/install-deps.sh --check
'
test_done
