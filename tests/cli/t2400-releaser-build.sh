#!/bin/bash
# releaser build: the Makefile with the plan's variables, then each
# analyzer object's own flavor marker against the plan.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

# flavor OBJECT: the flavor its .analyzer_info declares
flavor() {
	readelf -x .analyzer_info "$1" >/dev/null
	grep -ao "flavor=[a-z]*" "$1" | cut -d= -f2
}

test_expect_success 'build --help lists the options and the exit codes' '
	"$R" build --help >out
	test_grep "^usage: releaser build" out
	test_grep "[-]-jobs N" out
	test_grep "[-]-arch LIST" out
	test_grep "exit codes" out
'

test_expect_success 'build runs make with the plan, arches, version, commit and jobs' '
	fake_project p && cd p
	"$R" build --jobs 3 2>../err
	v=v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)
	test_cmp - build/make.log <<-EXPECT
	EBPF_FLAGS= AGENT_FEATURES=debug-analyzer AGENT_ARCH=amd64 ARCHES=amd64 VERSION=$v PC_VERSION=0.0.0~SNAPSHOT-$(git rev-parse --short=12 HEAD) COMMIT=$(git rev-parse HEAD) SANITIZE= JOBS=-j3
	EXPECT
	test_cmp - build/arm64/make.log <<-EXPECT
	EBPF_FLAGS= AGENT_FEATURES=debug-analyzer AGENT_ARCH=arm64 ARCHES=arm64 VERSION=$v PC_VERSION=0.0.0~SNAPSHOT-$(git rev-parse --short=12 HEAD) COMMIT=$(git rev-parse HEAD) SANITIZE= JOBS=-j3
	EXPECT
	test "$(flavor build/ebpf/analyzer.ebpf.release.amd64)" = release
	test "$(flavor build/arm64/ebpf/analyzer.ebpf.debug.arm64)" = debug
	test "$(jq -r .commit build/releaser-build)" = "$(git rev-parse HEAD)"
	test "$(jq -r .branch build/releaser-build)" = main
	test "$(jq -r "[.arches[].arch] | join(\",\")" build/releaser-build)" = amd64,arm64
	test_grep "building $v (release channel, dual) for amd64 arm64 with 3 jobs" ../err
'

test_expect_success 'the make that runs releaser does not leak its variables into the build' '
	fake_project p && cd p
	MAKEFLAGS="FAKE_SWAP=1 ARCHES=sparc" "$R" build --arch amd64
	test_grep "ARCHES=amd64 " build/make.log
	test "$(flavor build/ebpf/analyzer.ebpf.release.amd64)" = release
'

test_expect_success 'on the debug branch the release name holds the debug analyzer' '
	fake_project p && cd p
	git checkout -q -b debug
	"$R" build --arch amd64
	test_grep "^EBPF_FLAGS=fake-release AGENT_FEATURES= " build/make.log
	test "$(flavor build/ebpf/analyzer.ebpf.release.amd64)" = debug
'

test_expect_success 'the releaser, not the branch name, decides the flavors (branch.debug = canary)' '
	fake_project p && cd p
	printf "[branch]\n\tdebug = canary\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	git checkout -q -b canary
	"$R" build --arch amd64
	test_grep "^EBPF_FLAGS=fake-release AGENT_FEATURES= " build/make.log
	test "$(flavor build/ebpf/analyzer.ebpf.release.amd64)" = debug
	git checkout -q -b debug-looking-feature
	rm -rf build && "$R" build --arch amd64
	test_grep "^EBPF_FLAGS= AGENT_FEATURES=debug-analyzer " build/make.log
	test "$(flavor build/ebpf/analyzer.ebpf.release.amd64)" = release
'

test_expect_success 'a release object with the debug flavor stops the release channel' '
	fake_project p && cd p
	touch swap-flavors && git add swap-flavors && git commit -q -m "broken policy"
	expect_exit 1 "$R" build 2>../err
	tail -n 1 ../err >../last
	one_line ../last
	test_grep "analyzer object .*/build/ebpf/analyzer.ebpf.release.amd64. declares flavor=debug, but the release channel ships the release analyzer under that name" ../last
	test ! -e build/releaser-build
	expect_exit 2 "$R" package --no-sign 2>../err2
	test_grep "holds no build of this release: run .releaser build. first" ../err2
	test ! -e dist
'

test_expect_success 'a release object with the release flavor stops the debug channel' '
	fake_project p && cd p
	git checkout -q -b debug
	touch swap-flavors && git add swap-flavors && git commit -q -m "broken policy"
	expect_exit 1 "$R" build --arch amd64 2>../err
	test_grep "analyzer.ebpf.release.amd64. declares flavor=release, but the debug channel ships the debug analyzer" ../err
	test ! -e build/releaser-build
'

test_expect_success 'objects swapped after the build stop packaging, and nothing is written' '
	fake_project p && cd p
	"$R" build
	cp build/arm64/ebpf/analyzer.ebpf.debug.arm64 build/arm64/ebpf/analyzer.ebpf.release.arm64
	expect_exit 1 "$R" package --no-sign 2>../err
	one_line ../err
	test_grep "analyzer.ebpf.release.arm64. declares flavor=debug" ../err
	test -z "$(ls -A dist 2>/dev/null)"
'

test_expect_success 'an object for the wrong arch is named' '
	fake_project p && cd p
	"$R" build
	cp build/arm64/ebpf/analyzer.ebpf.debug.arm64 build/ebpf/analyzer.ebpf.debug.amd64
	expect_exit 1 "$R" package --no-sign 2>../err
	test_grep "analyzer.ebpf.debug.amd64. declares arch=arm64, not amd64" ../err
'

test_expect_success 'a failing make fails the build with exit 1' '
	fake_project p && cd p
	touch fail-build && git add fail-build && git commit -q -m "broken build"
	expect_exit 1 "$R" build 2>../err
	test_grep "fake build failure" ../err
	tail -n 1 ../err >../last
	test_grep "the amd64 build failed (.make. exited with 2): see its messages above" ../last
	test ! -e build/releaser-build
'

test_expect_success 'packaging needs the build of this very release' '
	fake_project p && cd p
	"$R" build --arch amd64
	commit_change next
	expect_exit 2 "$R" package --no-sign --arch amd64 2>../err
	one_line ../err
	test_grep "holds the release build of v0.0.0-SNAPSHOT-.* for amd64, not the release build of v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD) for amd64" ../err
	"$R" build
	"$R" package --no-sign --arch arm64 >../out
	# the tarball, the .deb, the .rpm and the manifest
	test_line_count ../out 4
'
test_expect_success 'a build record that is not JSON stops packaging with exit 2, writing nothing' '
	fake_project p && cd p
	"$R" build --arch amd64
	printf "commit=%s\\n" "$(git rev-parse HEAD)" >build/releaser-build
	expect_exit 2 "$R" package --no-sign --arch amd64 2>../err
	one_line ../err
	test_grep "the build record .*/build/releaser-build. is not valid JSON: .*: run .releaser build. first" ../err
	test ! -e dist
'
test_done
