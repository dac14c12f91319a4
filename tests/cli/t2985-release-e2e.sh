#!/bin/bash
# The whole flow on a clone of this project with a bare remote: a change on
# main, v1.0.1, ci/mirror.sh, releaser tag, ci/release.sh on v1.0.1-debug
# (the debug analyzer under the release name) and on v1.0.1 (both
# flavors), and a release split into per-arch parts then finalized. Each
# release is a real build of the analyzer.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

RELEASER=$BUILD/bin/releaser
export RELEASER
unset GITHUB_ACTIONS GITHUB_REF_TYPE GITHUB_REF_NAME RELEASER_SIGNING_KEY
# the clone builds its own analyzer, plainly (the releaser under test may be
# the sanitized one)
unset SANITIZE

# flavor OBJECT: the flavor an analyzer object declares in .analyzer_info
flavor() {
	llvm-objcopy --dump-section .analyzer_info="$TRASH/info.tmp" "$1" "$TRASH/junk.tmp"
	tr -d '\0' <"$TRASH/info.tmp" | sed -n 's/^flavor=//p'
	rm -f "$TRASH/info.tmp" "$TRASH/junk.tmp"
}

# verified DIR: the release in DIR checks with the standard tools
verified() {
	(cd "$1" && sha256sum -c --quiet SHA256SUMS)
	minisign -Vm "$1/SHA256SUMS" -p "$TRASH/release.pub" -q
	(cd "$1" && signify-openbsd -C -p "$TRASH/release.pub" -x SHA256SUMS.sig >/dev/null)
}

# project: TRASH/proj, a clone of this project with origin TRASH/origin.git
# holding main and debug, and a change on main tagged v1.0.1
project() {
	git clone -q --bare "$ROOT" "$TRASH/origin.git"
	git -C "$TRASH/origin.git" branch -f main HEAD
	git -C "$TRASH/origin.git" branch -f debug HEAD
	git clone -q -b main "$TRASH/origin.git" "$TRASH/proj"
	cd "$TRASH/proj"
	git branch -q debug origin/debug
	echo "A change for 1.0.1." >>README.md
	git commit -q -am "a change for 1.0.1"
	git tag -a v1.0.1 -m v1.0.1
	git push -q origin main v1.0.1
	releaser keygen --out "$TRASH/release" >/dev/null 2>&1
	# the key as RELEASING.md keeps it: in the checkout, ignored by git
	cp "$TRASH/release.key" profiling-agent.key
}

# built_project: TRASH/proj and TRASH/origin.git copied from case 1, its
# build/ and times kept (make rebuilds only what changed), and its key pair
built_project() {
	test -d "$TRASH_ROOT/case-1/proj/build"
	cp -a "$TRASH_ROOT/case-1/origin.git" "$TRASH_ROOT/case-1/proj" "$TRASH_ROOT/case-1/release.key" "$TRASH_ROOT/case-1/release.pub" "$TRASH/"
	cd "$TRASH/proj"
	git remote set-url origin "$TRASH/origin.git"
	rm -rf dist
}

if ! "$RELEASER" release --help >/dev/null 2>&1; then
	test_skip 'a debug release and a release of v1.0.1, end to end' 'this releaser has no release command yet'
	test_done
fi

test_expect_success 'a debug release and a release of v1.0.1, end to end' '
	project
	ci/mirror.sh --fetch --push >"$TRASH/mirror.out"
	git checkout -q debug
	releaser tag v1.0.1 >"$TRASH/tag.out"
	git push -q origin debug v1.0.1-debug
	test "$(git rev-parse v1.0.1-debug^{commit})" != "$(git rev-parse v1.0.1^{commit})"

	git checkout -q v1.0.1-debug
	# as RELEASING.md runs it, the artifacts in dist/
	ci/release.sh --key profiling-agent.key >"$TRASH/release-debug.out"
	mv dist "$TRASH/dist-debug"
	verified "$TRASH/dist-debug"
	name=profiling-agent-v1.0.1-debug-linux-$HOST_ARCH
	mkdir "$TRASH/x-debug" && tar -xzf "$TRASH/dist-debug/$name.tar.gz" -C "$TRASH/x-debug"
	rel=$TRASH/x-debug/$name/share/analyzer/analyzer.ebpf.release.$HOST_ARCH
	test "$(flavor "$rel")" = debug
	test ! -e "$TRASH/x-debug/$name/share/analyzer/analyzer.ebpf.debug.$HOST_ARCH"

	git checkout -q v1.0.1
	ci/release.sh --key "$TRASH/release.key" --out "$TRASH/dist-release" >"$TRASH/release.out"
	verified "$TRASH/dist-release"
	name=profiling-agent-v1.0.1-linux-$HOST_ARCH
	mkdir "$TRASH/x-rel" && tar -xzf "$TRASH/dist-release/$name.tar.gz" -C "$TRASH/x-rel"
	test "$(flavor "$TRASH/x-rel/$name/share/analyzer/analyzer.ebpf.release.$HOST_ARCH")" = release
	test "$(flavor "$TRASH/x-rel/$name/share/analyzer/analyzer.ebpf.debug.$HOST_ARCH")" = debug

	# the Debian packages: no lintian error, the real agent runs from a scratch root
	test -f "$TRASH/dist-debug/profiling-agent-debug_1.0.1_$HOST_ARCH.deb"
	for deb in "$TRASH"/dist-release/*.deb; do
		lintian --no-cfg --allow-root -EvI --show-overrides "$deb" >"$TRASH/lintian.out" 2>&1 || :
		cat "$TRASH/lintian.out"
		not grep "^E:" "$TRASH/lintian.out"
	done
	deb=$TRASH/dist-release/profiling-agent_1.0.1_$HOST_ARCH.deb
	dpkg-deb -x "$deb" "$TRASH/root"
	"$TRASH/root/usr/bin/profiling-agent" --version >"$TRASH/deb-version"
	cat "$TRASH/deb-version"
	test_grep "v1.0.1" "$TRASH/deb-version"
	test_grep "$(git rev-parse v1.0.1^{commit})" "$TRASH/deb-version"
	# Depends is what dpkg-shlibdeps finds for the library
	mkdir -p "$TRASH/shl/debian" && printf "Source: x\n\nPackage: x\nArchitecture: any\n" >"$TRASH/shl/debian/control"
	so=$(ls "$TRASH"/root/usr/lib/*/libanalyzer.so.1)
	(cd "$TRASH/shl" && dpkg-shlibdeps -O "$so" 2>/dev/null) >"$TRASH/shlibdeps"
	test "$(sed -n "s/^shlibs:Depends=//p" "$TRASH/shlibdeps")" = "$(dpkg-deb --field "$deb" Depends)"
'

test_expect_success 'a release built in per-arch parts, then finalized and signed in one place' '
	built_project
	git checkout -q v1.0.1
	# by hand, as RELEASING.md shows it
	releaser release --arch amd64 --no-sign --out dist >"$TRASH/part.out" 2>&1
	test -s dist/manifest-amd64.json
	releaser finalize --out dist --key profiling-agent.key >"$TRASH/finalize.out"
	verified dist
	rm -rf dist
	# through ci/release.sh, as the release workflow does
	ci/release.sh --arch amd64 --no-sign --out dist >"$TRASH/part.out"
	test -s dist/manifest-amd64.json
	test ! -e dist/SHA256SUMS
	RELEASER_SIGNING_KEY=$(cat profiling-agent.key) ci/release.sh --finalize --out dist >"$TRASH/finalize.out"
	verified dist
	expect_exit 2 ci/release.sh --finalize --out "$TRASH/empty"
'
test_done
