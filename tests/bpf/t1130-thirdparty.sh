#!/bin/bash
# make install, then a third-party program built with nothing but
# `pkg-config --cflags --libs analyzer` runs the debug analyzer and its
# callback receives debug records.
# run: alone
. "$(dirname "$0")/../lib.sh"

test_expect_success 'install lays out exactly the documented files, with their modes' '
	build_make -s install PREFIX="$TRASH/prefix" >log 2>&1 || { cat log; exit 1; }
	(cd prefix && find . -printf "%M %p %l\n" | sort -k2) >actual
	if test -n "$(make -s -C "$ROOT" print-AGENT_FEATURES)"; then
		debug_obj="-rw-r--r-- ./share/analyzer/analyzer.ebpf.debug.$HOST_ARCH "
	else
		debug_obj=
	fi
	sed "/^$/d" >expect <<-EOF
	drwxr-xr-x . 
	drwxr-xr-x ./bin 
	-rwxr-xr-x ./bin/profiling-agent 
	drwxr-xr-x ./include 
	drwxr-xr-x ./include/analyzer 
	-rw-r--r-- ./include/analyzer.h 
	-rw-r--r-- ./include/analyzer/frametypes.h 
	drwxr-xr-x ./lib 
	-rw-r--r-- ./lib/libanalyzer.a 
	lrwxrwxrwx ./lib/libanalyzer.so libanalyzer.so.1
	-rwxr-xr-x ./lib/libanalyzer.so.1 
	drwxr-xr-x ./lib/pkgconfig 
	-rw-r--r-- ./lib/pkgconfig/analyzer.pc 
	drwxr-xr-x ./share 
	drwxr-xr-x ./share/analyzer 
	$debug_obj
	-rw-r--r-- ./share/analyzer/analyzer.ebpf.release.$HOST_ARCH 
	-rw-r--r-- ./share/analyzer/frametypes.json 
	drwxr-xr-x ./share/doc 
	drwxr-xr-x ./share/doc/profiling-agent 
	-rw-r--r-- ./share/doc/profiling-agent/LICENSE 
	-rw-r--r-- ./share/doc/profiling-agent/README.md 
	EOF
	test_cmp expect actual
	cmp prefix/include/analyzer/frametypes.h "$ROOT/support/ebpf/frametypes.h"
	cmp prefix/share/analyzer/analyzer.ebpf.release.$HOST_ARCH "$BUILD/ebpf/analyzer.ebpf.release.$HOST_ARCH"
	objdump -p prefix/lib/libanalyzer.so.1 | test_grep "SONAME *libanalyzer.so.1" /dev/stdin
'

test_expect_success 'installing again over an install leaves no temporary files' '
	build_make -s install PREFIX="$TRASH/prefix" >/dev/null 2>&1
	build_make -s install PREFIX="$TRASH/prefix" >/dev/null 2>&1
	test -z "$(find prefix -name "*.tmp")"
	prefix/bin/profiling-agent --version >version
	test_grep "^release slot: " version
'

test_expect_success 'analyzer.pc is relocatable and gives the flags for shared and static use' '
	build_make -s install PREFIX=/opt/sdk DESTDIR="$TRASH/root" >/dev/null 2>&1
	mv root/opt/sdk moved
	export PKG_CONFIG_PATH="$TRASH/moved/lib/pkgconfig"
	pkg-config --cflags analyzer >cflags
	test_grep "^-I$TRASH/moved/lib/pkgconfig/../../include *$" cflags
	pkg-config --libs analyzer >libs
	test_grep "^-L$TRASH/moved/lib/pkgconfig/../../lib -lanalyzer" libs
	test_grep -v "lbpf" libs
	pkg-config --static --libs analyzer >static
	test_grep " -lbpf .*-lelf .*-lz" static
	# a build by hand has the version the releaser gives (0.0.0~SNAPSHOT-<sha12> before any release tag)
	test "$(pkg-config --modversion analyzer)" = "$(build_make -s print-PC_VERSION)"
	"$BUILD/bin/releaser" -C "$ROOT" info --make-vars >vars
	test_grep "^PC_VERSION := $(pkg-config --modversion analyzer)$" vars
	build_make -s install PREFIX=/opt/sdk DESTDIR="$TRASH/root" PC_VERSION=1.3.0~rc.1 >/dev/null 2>&1
	test "$(PKG_CONFIG_PATH=root/opt/sdk/lib/pkgconfig pkg-config --modversion analyzer)" = 1.3.0~rc.1
'

"$BUILD/bin/profiling-agent" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	reason="kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
	test_skip 'the example, linked to libanalyzer.so, gets debug records' "$reason"
	test_skip 'the example, linked statically, gets debug records' "$reason"
	test_done
fi
# build_example [STATIC=1]: copy the example out of the tree, install (a
# build with the debug slot), build it with pkg-config
DBUILD=$(debug_slot_build) || exit 1
build_example() {
	make -s -C "$ROOT" BUILD="$DBUILD" SANITIZE="${SANITIZE:-}" BRANCH=main install PREFIX="$TRASH/prefix" \
		>log 2>&1 || { cat log; exit 1; }
	cp -r "$ROOT/tests/thirdparty" example
	PKG_CONFIG_PATH="$TRASH/prefix/lib/pkgconfig" make -s -C example "$@" >log 2>&1 || { cat log; exit 1; }
}

test_expect_success 'the example, linked to libanalyzer.so, gets debug records' '
	build_example
	ldd example/analyzer-example | test_grep "libanalyzer.so.1 => not found" /dev/stdin
	LD_LIBRARY_PATH="$TRASH/prefix/lib" example/analyzer-example debug 1 >out
	cat out
	test "$(value flavor out)" = debug
	test "$(value own_sample_records out)" -gt 50
	test "$(value own_sample_records out)" -eq "$(value samples out)"
	test_grep "^frame_type=native$" out
'

test_expect_success 'the example, linked statically, gets debug records' '
	build_example STATIC=1
	ldd example/analyzer-example >ldd.out
	test_grep -v analyzer ldd.out
	example/analyzer-example debug 1 >out
	cat out
	test "$(value flavor out)" = debug
	test "$(value own_sample_records out)" -gt 50
	LD_LIBRARY_PATH="$TRASH/prefix/lib" example/analyzer-example release 0.5 >out
	test "$(value flavor out)" = release
	test "$(value debug_records out)" -eq 0
	test "$(value samples out)" -gt 20
'
test_done
