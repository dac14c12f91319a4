#!/bin/bash
# The top-level Makefile: the releaser's flavors and version, incremental
# builds, dependencies.
# run: alone
. "$(dirname "$0")/../lib.sh"

# mk ARGS...: make in the source tree with the suite's build directory, quiet
mk() {
	make -s -C "$ROOT" BUILD="$BUILD" SANITIZE="${SANITIZE:-}" "$@"
}

test_expect_success 'the releaser decides the flavors: branch.debug exactly, not a name with debug in it' '
	test "$(mk BRANCH=debug print-EBPF_FLAGS)" = fake-release
	test -z "$(mk BRANCH=debug print-AGENT_FEATURES)"
	for b in fix-debuginfo v1-debug-fixes debug/x main feature/x; do
		test -z "$(mk BRANCH=$b print-EBPF_FLAGS)" || return 1
		test "$(mk BRANCH=$b print-AGENT_FEATURES)" = debug-analyzer || return 1
	done
	# make carries out what releaser info decides
	"$BUILD/bin/releaser" -C "$ROOT" info --json --snapshot --branch debug >info.json
	test "$(jq -r .make.EBPF_FLAGS info.json)" = fake-release
	"$BUILD/bin/releaser" -C "$ROOT" info --json --snapshot --branch fix-debuginfo >info.json
	test "$(jq -r .make.EBPF_FLAGS info.json)" = ""
'

test_expect_success 'make BRANCH=fix-debuginfo builds both flavors, BRANCH=debug the fake release' '
	mk -n BRANCH=fix-debuginfo "$BUILD/ebpf/analyzer.ebpf.release.$HOST_ARCH" >dual
	test_grep "support/ebpf .*TARGET_ARCH=$HOST_ARCH V= all$" dual
	mk -n BRANCH=debug "$BUILD/ebpf/analyzer.ebpf.release.$HOST_ARCH" >fake
	test_grep "support/ebpf .*TARGET_ARCH=$HOST_ARCH V= fake-release$" fake
'

test_expect_success 'EBPF_FLAGS on the command line wins, and brings its agent' '
	test "$(mk EBPF_FLAGS=fake-release print-EBPF_FLAGS)" = fake-release
	test -z "$(mk EBPF_FLAGS=fake-release print-AGENT_FEATURES)"
	test "$(mk BRANCH=debug EBPF_FLAGS= print-AGENT_FEATURES)" = debug-analyzer
	test -z "$(mk EBPF_FLAGS=fake-release AGENT_FEATURES= print-AGENT_FEATURES)"
'

test_expect_success 'the findstring guess is gone' '
	cd "$ROOT"
	not git grep -n "findstring[ ]debug"
'

# pmk ARGS...: make in the copy (the current directory)
pmk() {
	make -s BUILD="$PWD/build" SANITIZE="${SANITIZE:-}" "$@"
}

test_expect_success 'the branch in branch.debug, any name, gets fake-release from a plain make; its -debug tag too' '
	project_copy p && cd p
	git config -f releaser.conf branch.debug dbg-line
	git commit -q -am "the debug branch is dbg-line"
	test -z "$(pmk print-EBPF_FLAGS)"
	git checkout -q -b dbg-line
	git commit -q --allow-empty -m "on the debug branch only"
	test "$(pmk print-EBPF_FLAGS)" = fake-release
	test -z "$(pmk print-AGENT_FEATURES)"
	git checkout -q -b debug
	test -z "$(pmk print-EBPF_FLAGS)"
	# the release jobs check a tag out: a -debug tag builds what it ships
	git tag v1.0.1-debug dbg-line
	git tag v1.0.1 main
	git checkout -q --detach v1.0.1-debug
	test "$(GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v1.0.1-debug pmk print-EBPF_FLAGS)" = fake-release
	test "$(pmk print-EBPF_FLAGS)" = fake-release
	test "$(pmk print-VERSION)" = v1.0.1-debug
	git checkout -q --detach v1.0.1
	test -z "$(pmk print-EBPF_FLAGS)"
	test "$(pmk print-VERSION)" = v1.0.1
	test "$(pmk print-PC_VERSION)" = 1.0.1
	test "$(pmk print-COMMIT)" = "$(git rev-parse HEAD)"
	# BRANCH names the branch whose snapshot make builds
	test -z "$(pmk BRANCH=main print-EBPF_FLAGS)"
	test "$(pmk BRANCH=dbg-line print-EBPF_FLAGS)" = fake-release
'

test_expect_success 'outside a git checkout nothing is asked: both flavors, version unknown' '
	mkdir src
	(cd "$ROOT" && git ls-files -z | xargs -0 cp -a --parents -t "$TRASH/src")
	cd src
	test -z "$(make -s BUILD="$PWD/build" print-EBPF_FLAGS)"
	test "$(make -s BUILD="$PWD/build" print-VERSION)" = unknown
	test ! -e build
'

test_expect_success 'a second make with nothing changed does no work' '
	cd "$ROOT"
	build_make -s >/dev/null
	touch "$TRASH/before"
	build_make V=1 >"$TRASH/second" 2>&1
	test_grep -v "clang\|  CC \|  LD \|  AR \|  BPF \| -c \| -o \|^ar " "$TRASH/second"
	# nothing in the build directory was written again
	find "$BUILD" -newer "$TRASH/before" ! -type d >"$TRASH/written"
	test_cmp /dev/null "$TRASH/written"
'

# stand_ins DIR [PACKAGE]: in DIR (put it first on PATH), apt-get and sudo
# that record each call in DIR/calls (apt-get then succeeds, sudo runs its
# command); with PACKAGE, a dpkg-query that asks the real one and drops
# PACKAGE's line from its answer (as for a package not installed)
stand_ins() {
	mkdir -p "$1"
	printf '#!/bin/sh\necho "apt-get $*" >>"%s/calls"\n' "$1" >"$1/apt-get"
	printf '#!/bin/sh\necho "sudo $*" >>"%s/calls"\nexec "$@"\n' "$1" >"$1/sudo"
	if [ $# -gt 1 ]; then
		printf '#!/bin/sh\n%s "$@" | grep -v " %s [^ ]*$"\nexit 1\n' "$(command -v dpkg-query)" "$2" \
			>"$1/dpkg-query"
	fi
	chmod +x "$1"/*
}

test_expect_success 'install-deps with everything installed changes nothing and prints nothing' '
	stand_ins bin
	dpkg-query -W >before
	PATH=$TRASH/bin:$PATH "$ROOT"/ci/install-deps.sh >out 2>&1
	PATH=$TRASH/bin:$PATH "$ROOT"/ci/install-deps.sh >>out 2>&1
	PATH=$TRASH/bin:$PATH "$ROOT"/ci/install-deps.sh --check >>out 2>&1
	test ! -e bin/calls
	test_cmp /dev/null out
	dpkg-query -W >after
	test_cmp before after
'

test_expect_success 'install-deps --check names a missing package, exit 1, and installs nothing' '
	stand_ins bin jq
	PATH=$TRASH/bin:$PATH expect_exit 1 "$ROOT"/ci/install-deps.sh --check >out 2>err
	test ! -e bin/calls
	test_cmp /dev/null out
	echo "missing packages: jq" >expect
	test_cmp expect err
'

test_expect_success 'install-deps installs only the missing package, after one apt-get update' '
	stand_ins bin jq
	PATH=$TRASH/bin:$PATH "$ROOT"/ci/install-deps.sh >out 2>err
	test_grep "^install-deps: installing: jq$" err
	grep "^apt-get" bin/calls >apt
	printf "apt-get -o APT::Sandbox::User=root update -qq\napt-get install -y -qq --no-install-recommends jq\n" >expect
	test_cmp expect apt
'
test_done
