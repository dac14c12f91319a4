#!/bin/bash
# support/ebpf/Makefile: two flavors, their identity, fake-release, arm64,
# reproducibility, outputs outside the source tree.
# run: once
. "$(dirname "$0")/../lib.sh"

# info OBJECT: the object's .analyzer_info section, read with llvm-objcopy
info() {
	llvm-objcopy --dump-section .analyzer_info="$TRASH/info.$$" "$1" "$TRASH/junk.$$"
	tr -d '\0' <"$TRASH/info.$$"
	rm -f "$TRASH/info.$$" "$TRASH/junk.$$"
}
ebpf_make() {
	make -s -C "$ROOT/support/ebpf" "$@"
}

test_expect_success 'both flavors build into the output directory, not the source tree' '
	before=$(cd "$ROOT" && git status --porcelain --ignored support/ebpf)
	ebpf_make OUTPUT="$TRASH/out"
	test -s out/analyzer.ebpf.release.$HOST_ARCH
	test -s out/analyzer.ebpf.debug.$HOST_ARCH
	after=$(cd "$ROOT" && git status --porcelain --ignored support/ebpf)
	test "$before" = "$after"
'

test_expect_success 'each object declares its flavor, arch and abi' '
	ebpf_make OUTPUT="$TRASH/out"
	info out/analyzer.ebpf.release.$HOST_ARCH >rel
	info out/analyzer.ebpf.debug.$HOST_ARCH >dbg
	test "$(value flavor rel)" = release
	test "$(value flavor dbg)" = debug
	test "$(value arch rel)" = $HOST_ARCH
	# the abi is the one the shared header declares
	abi=$(sed -n "s/^#define ANALYZER_ABI_VERSION \([0-9]*\)$/\1/p" "$ROOT/support/ebpf/analyzer_shared.h")
	test -n "$abi"
	test "$(value abi rel)" = "$abi"
	test "$(value abi dbg)" = "$abi"
	test -n "$(value source rel)"
	test "$(value source rel)" = "$(value source dbg)"
'

test_expect_success 'the release object has no trace_printk, debug records or debug map' '
	ebpf_make OUTPUT="$TRASH/out" release
	test ! -e out/analyzer.ebpf.debug.$HOST_ARCH
	llvm-objdump -d out/analyzer.ebpf.release.$HOST_ARCH >rel.asm
	grep -q "call 14" rel.asm   # sanity: helper calls are visible as "call N"
	# 6 trace_printk, 177 trace_vprintk, 131 ringbuf_reserve (the debug
	# records are reserved in their ring, then submitted)
	test_grep -v "call \(6\|177\|131\)$" rel.asm
	# one ring buffer write only: the stack copy, cut to the bytes copied
	# (130 ringbuf_output)
	test "$(grep -c "call 130$" rel.asm)" = 1
	# the debug object has the records the release one has not
	ebpf_make OUTPUT="$TRASH/out" debug
	llvm-objdump -d out/analyzer.ebpf.debug.$HOST_ARCH >dbg.asm
	test_grep "call 131$" dbg.asm
	llvm-readelf -s out/analyzer.ebpf.release.$HOST_ARCH >rel.syms
	test_grep " counts$" rel.syms
	test_grep " stack_copies$" rel.syms
	test_grep -v "debug_events\|debug_level\|debug_printk" rel.syms
'

test_expect_success 'the debug object has the ring buffer, its settings and trace_printk' '
	ebpf_make OUTPUT="$TRASH/out" debug
	test ! -e out/analyzer.ebpf.release.$HOST_ARCH
	llvm-objdump -d out/analyzer.ebpf.debug.$HOST_ARCH >dbg.asm
	test_grep "call 6$" dbg.asm
	# the stack copy, and the debug records
	test "$(grep -c "call 131$" dbg.asm)" -gt 1
	llvm-readelf -s out/analyzer.ebpf.debug.$HOST_ARCH >dbg.syms
	test_grep " debug_events$" dbg.syms
	test_grep " debug_level$" dbg.syms
'

test_expect_success 'fake-release installs the debug object under the release name' '
	ebpf_make OUTPUT="$TRASH/out" fake-release
	cmp out/analyzer.ebpf.debug.$HOST_ARCH out/analyzer.ebpf.release.$HOST_ARCH
	info out/analyzer.ebpf.release.$HOST_ARCH >fake
	test "$(value flavor fake)" = debug
'

test_expect_success 'a later plain build replaces a fake release with a real one' '
	ebpf_make OUTPUT="$TRASH/out" fake-release
	ebpf_make OUTPUT="$TRASH/out"
	info out/analyzer.ebpf.release.$HOST_ARCH >rel
	test "$(value flavor rel)" = release
	not cmp -s out/analyzer.ebpf.debug.$HOST_ARCH out/analyzer.ebpf.release.$HOST_ARCH
'

test_expect_success 'arm64 objects build and say arm64' '
	ebpf_make OUTPUT="$TRASH/out" TARGET_ARCH=arm64
	info out/analyzer.ebpf.release.arm64 >rel
	info out/analyzer.ebpf.debug.arm64 >dbg
	test "$(value arch rel)" = arm64
	test "$(value arch dbg)" = arm64
	test "$(value flavor dbg)" = debug
	file out/analyzer.ebpf.release.arm64 | grep -q "eBPF"
'

test_expect_success 'an unknown TARGET_ARCH is refused by name' '
	expect_exit 2 make -s -C "$ROOT/support/ebpf" OUTPUT="$TRASH/out" TARGET_ARCH=riscv64 2>err
	test_grep "TARGET_ARCH must be amd64 or arm64, not .riscv64." err
	test ! -e out
'

test_expect_success 'two clones at different paths build byte-identical objects' '
	for d in one/deeper/path two; do
		mkdir -p $d
		mkdir -p $d/src && cp -r "$ROOT/support" $d/src/support
		make -s -C $d/src/support/ebpf OUTPUT="$TRASH/$d/out" TARGET_ARCH=amd64
		make -s -C $d/src/support/ebpf OUTPUT="$TRASH/$d/out" TARGET_ARCH=arm64
	done
	for f in release.amd64 debug.amd64 release.arm64 debug.arm64; do
		cmp one/deeper/path/out/analyzer.ebpf.$f two/out/analyzer.ebpf.$f
	done
	not grep -a -q "$TRASH" one/deeper/path/out/analyzer.ebpf.debug.amd64
	not grep -a -q "$ROOT" two/out/analyzer.ebpf.release.amd64
'

test_expect_success 'the build does not read the running kernel' '
	make -C "$ROOT/support/ebpf" OUTPUT="$TRASH/out" V=1 -B >log 2>&1 || { cat log; exit 1; }
	test_grep " -target bpf " log
	test_grep -v "vmlinux\|/sys/kernel/btf\|/lib/modules" log
	not grep -rq "include.*vmlinux" "$ROOT/support/ebpf"
'
test_done
