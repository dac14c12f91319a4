#!/bin/bash
# The agent and libanalyzer for the other arch (arm64 on amd64, amd64 on
# arm64), built with Debian's cross compiler against its :ARCH libraries,
# statically linked like the host's, and run under qemu-user.
# run: once
. "$(dirname "$0")/../lib.sh"
unset MAKEFLAGS MFLAGS MAKELEVEL

case "$HOST_ARCH" in
amd64) OTHER=arm64 MACHINE="ARM aarch64" QEMU=qemu-aarch64-static ;;
arm64) OTHER=amd64 MACHINE="x86-64" QEMU=qemu-x86_64-static ;;
*) OTHER="" ;;
esac
CROSS_BUILD=$TRASH_ROOT/cross

test_expect_success "the $OTHER agent builds on $HOST_ARCH, statically linked, and runs under qemu" '
	test -n "$OTHER"
	make -s -C "$ROOT" -j2 AGENT_ARCH=$OTHER BUILD="$CROSS_BUILD" SANITIZE= \
		VERSION=v1.2.3 COMMIT=0123456789abcdef release-outputs >out 2>&1 || { cat out; false; }
	file "$CROSS_BUILD/bin/profiling-agent" >file.out
	test_grep "ELF 64-bit LSB executable, $MACHINE" file.out
	test_grep "statically linked" file.out
	file -L "$CROSS_BUILD/lib/libanalyzer.so" >so.out
	test_grep "$MACHINE" so.out
	$QEMU "$CROSS_BUILD/bin/profiling-agent" --version >version.out
	test_grep "^profiling-agent v1.2.3$" version.out
	test_grep "^release slot: release analyzer$" version.out
'

test_expect_success 'the cross build makes the analyzer objects of its own arch' '
	test -n "$OTHER"
	readelf -p .analyzer_info "$CROSS_BUILD/ebpf/analyzer.ebpf.release.$OTHER" >info.out
	test_grep "arch=$OTHER" info.out
'

test_done
