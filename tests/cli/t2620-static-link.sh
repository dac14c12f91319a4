#!/bin/bash
# README.md's libanalyzer block, run as written (under dash, its fence's
# shell) against a tarball laid out by make install: the program linked
# with -static and `pkg-config --static` holds libanalyzer.a and runs with
# no libanalyzer.so* left; the one linked plainly needs libanalyzer.so.1.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-doc.sh"

TOP=profiling-agent-v1.2.3-linux-amd64
# where the first case builds (the later ones work there)
W=$TRASH_ROOT/case-1

if [ "${SANITIZE:-}" = 1 ]; then
	test_skip "README's libanalyzer block links statically" "a sanitized libanalyzer does not link with -static"
	test_done
fi

# sdk: $TOP.tar.gz, the tree make install lays out under PREFIX=/ (as the
# release tarball holds it), and example.c from tests/thirdparty
sdk() {
	build_make -s install PREFIX=/ DESTDIR="$TRASH/$TOP" >log 2>&1 || { cat log; return 1; }
	tar -czf "$TOP.tar.gz" "$TOP"
	rm -rf "$TOP"
	cp "$ROOT/tests/thirdparty/example.c" .
}

test_expect_success "README's libanalyzer block builds a shared and a static program" '
	sdk
	run_doc_block "$ROOT/README.md" "tar -xzf profiling-agent-v1.2.3-linux-amd64.tar.gz" >out 2>&1 || { cat out; exit 1; }
	test -x example
	test -x example-static
	abi=$(sed -n "s/^#define ANALYZER_ABI_VERSION \([0-9]*\)$/\1/p" "$ROOT/support/ebpf/analyzer_shared.h")
	printf "slot=release flavor=release arch=$HOST_ARCH abi=$abi\n" >expect
	LD_LIBRARY_PATH="$W/$TOP/lib" ./example --version >shared.out
	grep "^slot=release " shared.out >actual
	test_cmp expect actual
	./example-static --version >static.out
	test_cmp shared.out static.out
'

test_expect_success 'the static program holds libanalyzer.a and runs with no libanalyzer.so* left' '
	cd "$W"
	rm "$TOP"/lib/libanalyzer.so*
	test -z "$(find "$W" -name "libanalyzer.so*")"
	readelf -d example-static >dyn
	not grep NEEDED dyn
	nm example-static >syms
	test_grep " T analyzer_" syms
	./example-static --version >out
	test_cmp static.out out
	# the plain one needs the shared library it was linked with
	readelf -d example >dyn
	test_grep "NEEDED.*\[libanalyzer.so.1\]" dyn
	LD_LIBRARY_PATH="$W/$TOP/lib" expect_exit 127 ./example --version >out 2>err
	test_grep "libanalyzer.so.1" err
'

test_expect_success '--static without -static still links libanalyzer.so; bracketed in -Bstatic it does not' '
	tar -xzf "$W/$TOP.tar.gz"
	export PKG_CONFIG_PATH=$TRASH/$TOP/lib/pkgconfig
	cc -o not-static "$W/example.c" $(pkg-config --static --cflags --libs analyzer)
	readelf -d not-static >dyn
	test_grep "NEEDED.*\[libanalyzer.so.1\]" dyn
	# README: libc shared, the rest static, as tests/thirdparty does it
	cc -o libc-shared "$W/example.c" $(pkg-config --cflags analyzer) \
		-Wl,-Bstatic $(pkg-config --static --libs analyzer) -Wl,-Bdynamic
	readelf -d libc-shared >dyn
	test_grep "NEEDED.*\[libc.so.6\]" dyn
	not grep "libanalyzer" dyn
	rm "$TOP"/lib/libanalyzer.so*
	./libc-shared --version >out
	test_cmp "$W/static.out" out
'
test_done
