#!/bin/bash
# The releaser on a real clone of this project: `make release` in a fresh
# clone, the real analyzer's flavor markers, reproducibility.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
unset GIT_COMMITTER_DATE GIT_AUTHOR_DATE

# clone DIR: a fresh clone of the committed state of this project, no tags
clone() {
	git clone -q --no-tags "$ROOT" "$1"
	git -C "$1" checkout -q -B main
}

# declared OBJECT KEY: the value the object declares in .analyzer_info
declared() {
	llvm-objcopy --dump-section .analyzer_info="$1.info" "$1" /dev/null
	sed -n "s/^$2=//p" "$1.info"
	rm -f "$1.info"
}

test_expect_success 'make release in a fresh clone makes a signed snapshot in dist/' '
	clone p && cd p
	env -u BUILD -u SANITIZE -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make release >../out 2>../err
	test_grep "warning: signing with the development key" ../err
	v=v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)
	cd dist
	sha256sum -c SHA256SUMS >/dev/null
	minisign -Vm SHA256SUMS -p ../build/dev-signing.pub >/dev/null
	signify-openbsd -C -p ../build/dev-signing.pub -x SHA256SUMS.sig >/dev/null
	top=profiling-agent-$v-linux-$HOST_ARCH
	tar -xzf $top.tar.gz -C ../..
	cd ../../$top
	test -x bin/profiling-agent
	bin/profiling-agent --version >../agent-version
	test_grep "^profiling-agent $v$" ../agent-version
	test_grep "^commit $(git -C ../p rev-parse HEAD)$" ../agent-version
	test "$(declared share/analyzer/analyzer.ebpf.release.$HOST_ARCH flavor)" = release
	test "$(declared share/analyzer/analyzer.ebpf.debug.$HOST_ARCH flavor)" = debug
	test -f lib/libanalyzer.a
	test -f lib/libanalyzer.so
	test -f include/analyzer.h
	test "$(value version share/doc/profiling-agent/BUILDINFO)" = $v
	cd ../p
	git status --porcelain >../status
	test_cmp /dev/null ../status
'

# the clone case 1 released, and its host tarball's top directory
P1=$TRASH_ROOT/case-1/p
# built_clone DIR: a copy of that clone, its build/ and times kept (so make
# rebuilds only what a change of branch or flavor touches), without dist/
built_clone() {
	test -d "$P1/build" || return 1
	cp -a "$P1" "$1" || return 1
	rm -rf "$1/dist"
}
sdk_top() {
	echo "profiling-agent-v0.0.0-SNAPSHOT-$(git -C "$P1" rev-parse --short=12 HEAD)-linux-$HOST_ARCH"
}

test_expect_success 'the tarball holds what make install PREFIX=/ lays out, file for file, plus BUILDINFO' '
	top=$(sdk_top)
	tar -xzf "$P1/dist/$top.tar.gz"
	v=$(value version $top/share/doc/profiling-agent/BUILDINFO)
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$P1" BUILD=build SANITIZE= VERSION=$v \
		COMMIT="$(git -C "$P1" rev-parse HEAD)" PC_VERSION="0.0.0~SNAPSHOT-${v##*-}" \
		install PREFIX=/ DESTDIR="$TRASH/inst" >log 2>&1 || { cat log; exit 1; }
	(cd inst && find . -mindepth 1 -printf "%M %P %l\n" | sort) >installed
	(cd $top && find . -mindepth 1 -printf "%M %P %l\n" | sort) >packed
	echo "-rw-r--r-- share/doc/profiling-agent/BUILDINFO " | sort -m - installed >expect
	test_cmp expect packed
	rm $top/share/doc/profiling-agent/BUILDINFO
	diff -r --no-dereference inst $top
	test_grep "^Version: 0.0.0~SNAPSHOT-${v##*-}$" $top/lib/pkgconfig/analyzer.pc
	test_grep "^prefix=\${pcfiledir}/../..$" $top/lib/pkgconfig/analyzer.pc
'

test_expect_success 'one analyzer.pc: the .deb holds the tarball'"'"'s, for /usr, with the same version' '
	top=$(sdk_top)
	tar -xzf "$P1/dist/$top.tar.gz"
	deb=$(ls "$P1"/dist/profiling-agent_*_$HOST_ARCH.deb)
	dpkg-deb -x "$deb" deb
	pc=$(ls deb/usr/lib/*/pkgconfig/analyzer.pc)
	# only where it lives differs
	grep -v "^\(prefix\|libdir\)=" $top/lib/pkgconfig/analyzer.pc >tarball.pc
	grep -v "^\(prefix\|libdir\)=" $pc >deb.pc
	test_cmp tarball.pc deb.pc
	test_grep "^prefix=/usr$" $pc
	test "$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=${pc%/*} pkg-config --variable=libdir analyzer)" = \
		"/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
	v=$(value version $top/share/doc/profiling-agent/BUILDINFO)
	test "$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=${pc%/*} pkg-config --modversion analyzer)" = "0.0.0~SNAPSHOT-${v##*-}"
'

test_expect_success 'a program builds against the unpacked tarball through its analyzer.pc alone, shared and static' '
	tar -xzf "$P1/dist/$(sdk_top).tar.gz"
	mv "$(sdk_top)" sdk
	cp -R "$P1/tests/thirdparty" shared
	cp -R "$P1/tests/thirdparty" static
	export PKG_CONFIG_PATH="$TRASH/sdk/lib/pkgconfig"
	make -s -C shared >log 2>&1 || { cat log; exit 1; }
	make -s -C static STATIC=1 >log 2>&1 || { cat log; exit 1; }
	abi=$(sed -n "s/^#define ANALYZER_ABI_VERSION \([0-9]*\)$/\1/p" "$ROOT/support/ebpf/analyzer_shared.h")
	printf "slot=%s flavor=%s arch=$HOST_ARCH abi=$abi\n" release release debug debug >expect
	LD_LIBRARY_PATH="$TRASH/sdk/lib" ldd shared/analyzer-example >ldd.shared
	test_grep "libanalyzer.so.1 => $TRASH/sdk/lib/libanalyzer.so.1" ldd.shared
	LD_LIBRARY_PATH="$TRASH/sdk/lib" shared/analyzer-example --version >out.shared
	test_cmp expect out.shared
	ldd static/analyzer-example >ldd.static
	test_grep -v analyzer ldd.static
	static/analyzer-example --version >out.static
	test_cmp expect out.static
'

"$BUILD/bin/profiling-agent" --duration 0.1 >/dev/null 2>"$TRASH_ROOT/probe"
if [ $? -ne 0 ] && grep -q "Operation not permitted\|Permission denied\|Function not implemented\|not supported" \
	"$TRASH_ROOT/probe"; then
	test_skip "the program built against the tarball loads the debug analyzer" \
		"kernel refused BPF or perf events: $(cat "$TRASH_ROOT/probe")"
else
	test_expect_success 'the program built against the tarball loads the debug analyzer' '
		tar -xzf "$P1/dist/$(sdk_top).tar.gz"
		cp -R "$P1/tests/thirdparty" example
		PKG_CONFIG_PATH="$TRASH/$(sdk_top)/lib/pkgconfig" make -s -C example STATIC=1 >log 2>&1 || { cat log; exit 1; }
		example/analyzer-example debug 0.5 >out
		test "$(value flavor out)" = debug
		test "$(value own_sample_records out)" -gt 10
	'
fi

test_expect_success 'make release again after a commit replaces the snapshot in dist/' '
	cd "$P1"
	first=$(git rev-parse --short=12 HEAD)
	commit_change "a commit between two make release"
	second=$(git rev-parse --short=12 HEAD)
	env -u BUILD -u SANITIZE -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make release >"$TRASH/out" 2>"$TRASH/err" ||
		{ cat "$TRASH/err"; exit 1; }
	"$R" verify --pubkey build/dev-signing.pub dist >/dev/null
	ls -A dist | grep -v "^\.releaser\.lock$" | sort >"$TRASH/names"
	{ awk "{ print \$2 }" dist/SHA256SUMS; printf "%s\n" SHA256SUMS SHA256SUMS.minisig SHA256SUMS.sig; } |
		sort >"$TRASH/expect"
	test_cmp "$TRASH/expect" "$TRASH/names"
	not grep "$first" "$TRASH/names"
	test "$(grep -c "SNAPSHOT-$second-linux-.*\.tar\.gz$" "$TRASH/names")" = 2
'

test_expect_success 'a debug branch releases the debug analyzer under the release name' '
	built_clone p && cd p
	git checkout -q -b debug
	"$R" release --no-sign --arch $HOST_ARCH >/dev/null 2>&1
	top=profiling-agent-v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)-linux-$HOST_ARCH
	tar -xzf dist/$top.tar.gz -C ..
	test "$(declared ../$top/share/analyzer/analyzer.ebpf.release.$HOST_ARCH flavor)" = debug
	test ! -e ../$top/share/analyzer/analyzer.ebpf.debug.$HOST_ARCH
	../$top/bin/profiling-agent --version >../agent-version
	test_grep "^release slot: debug analyzer" ../agent-version
'

# the first build is the one case 1 made, the second from scratch
test_expect_success 'release --check-reproducible builds twice and finds the same bytes' '
	built_clone p && cd p
	"$R" release --no-sign --check-reproducible --arch $HOST_ARCH >/dev/null 2>../err
	test_grep "reproducible: 1 tarball and 2 packages byte-identical across two builds" ../err
'

test_expect_success 'a real debug analyzer under the release name stops a release-channel package' '
	built_clone p && cd p
	"$R" build --arch $HOST_ARCH >/dev/null 2>&1
	test "$(declared build/ebpf/analyzer.ebpf.release.$HOST_ARCH flavor)" = release
	make -s BRANCH=debug ARCHES=$HOST_ARCH SANITIZE= BUILD=build >/dev/null 2>&1
	test "$(declared build/ebpf/analyzer.ebpf.release.$HOST_ARCH flavor)" = debug
	expect_exit 1 "$R" package --no-sign --arch $HOST_ARCH 2>../err
	one_line ../err
	test_grep "analyzer.ebpf.release.$HOST_ARCH. declares flavor=debug, but the release channel ships the release analyzer" ../err
	test -z "$(ls -A dist 2>/dev/null)"
'
test_done
