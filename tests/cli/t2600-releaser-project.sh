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
	test "$(value version BUILDINFO)" = $v
	cd ../p
	git status --porcelain >../status
	test_cmp /dev/null ../status
'

test_expect_success 'a debug branch releases the debug analyzer under the release name' '
	clone p && cd p
	git checkout -q -b debug
	"$R" release --no-sign --arch $HOST_ARCH >/dev/null 2>&1
	top=profiling-agent-v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)-linux-$HOST_ARCH
	tar -xzf dist/$top.tar.gz -C ..
	test "$(declared ../$top/share/analyzer/analyzer.ebpf.release.$HOST_ARCH flavor)" = debug
	test ! -e ../$top/share/analyzer/analyzer.ebpf.debug.$HOST_ARCH
	../$top/bin/profiling-agent --version >../agent-version
	test_grep "^release slot: debug analyzer" ../agent-version
'

test_expect_success 'release --check-reproducible builds twice and finds the same bytes' '
	clone p && cd p
	"$R" release --no-sign --check-reproducible --arch $HOST_ARCH >/dev/null 2>../err
	test_grep "reproducible: 1 tarball and 1 package byte-identical across two builds" ../err
'

test_expect_success 'a real debug analyzer under the release name stops a release-channel package' '
	clone p && cd p
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
