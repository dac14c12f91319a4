#!/bin/bash
# The top-level Makefile: branch policy, incremental builds, dependencies.
# run: alone
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
	touch "$TRASH/before"
	build_make V=1 >"$TRASH/second" 2>&1
	test_grep -v "clang\|  CC \|  LD \|  AR \|  BPF \| -c \| -o \|^ar " "$TRASH/second"
	# nothing in the build directory was written again
	find "$BUILD" -newer "$TRASH/before" ! -type d >"$TRASH/written"
	test_cmp /dev/null "$TRASH/written"
'

# stand_ins DIR [PACKAGE]: in DIR (put it first on PATH), apt-get and sudo
# that record each call in DIR/calls (apt-get then succeeds, sudo runs its
# command); with PACKAGE, a dpkg-query that reports PACKAGE not installed
# and asks the real one about the others
stand_ins() {
	mkdir -p "$1"
	printf '#!/bin/sh\necho "apt-get $*" >>"%s/calls"\n' "$1" >"$1/apt-get"
	printf '#!/bin/sh\necho "sudo $*" >>"%s/calls"\nexec "$@"\n' "$1" >"$1/sudo"
	if [ $# -gt 1 ]; then
		printf '#!/bin/sh\nfor a; do last=$a; done\n' >"$1/dpkg-query"
		printf 'if [ "$last" = %s ]; then\n' "$2" >>"$1/dpkg-query"
		printf '\techo "dpkg-query: no packages found matching $last" >&2\n\texit 1\nfi\n' >>"$1/dpkg-query"
		printf 'exec %s "$@"\n' "$(command -v dpkg-query)" >>"$1/dpkg-query"
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
