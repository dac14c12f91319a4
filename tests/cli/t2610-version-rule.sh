#!/bin/bash
# One version rule: release tags only (a Go module tag support/go/vX.Y.Z at
# HEAD never counts), commit ids of 12 hex digits, and a snapshot after a
# pre-release that sorts after it and before its final in semver, dpkg and
# pkg-config. Every place that prints a version follows it: a build by
# hand (the agent's and the releaser's --version, analyzer.pc), releaser
# info (text, --json, --make-vars), and a release (manifest, BUILDINFO,
# .deb, its analyzer.pc, the SBOM's creator).
# run: alone
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
unset MAKEFLAGS MFLAGS MAKELEVEL

export FAKE_ELF=1
"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key

# short_ids FILE...: every abbreviated commit id printed after "-g",
# "SNAPSHOT-" or "SNAPSHOT.", one a line
short_ids() {
	grep -ohE '(-g|SNAPSHOT[-.])[0-9a-f]+' "$@" | sed -E 's/^(-g|SNAPSHOT[-.])//'
}

# twelve_hex FILE...: FILE names at least one abbreviated id, and each has 12 hex digits
twelve_hex() {
	short_ids "$@" >ids
	test -s ids
	not grep -vxE '[0-9a-f]{12}' ids
}

# pc_order VERSION: a tiny .pc of VERSION sorts after 1.1.0~rc.1 and before 1.1.0~rc.2 and 1.1.0
pc_order() {
	mkdir -p pc
	printf 'Name: tiny\nDescription: tiny\nVersion: %s\n' "$1" >pc/tiny.pc
	export PKG_CONFIG_PATH=$PWD/pc
	test "$(pkg-config --modversion tiny)" = "$1"
	pkg-config --atleast-version=1.1.0~rc.1 tiny
	not pkg-config --atleast-version=1.1.0~rc.2 tiny
	not pkg-config --atleast-version=1.1.0 tiny
	pkg-config --max-version=1.1.0 tiny
	not pkg-config --exact-version=1.1.0~rc.1 tiny
}

# deb_order VERSION: dpkg sorts VERSION after 1.1.0~rc.1 and before 1.1.0~rc.2 and 1.1.0
deb_order() {
	dpkg --compare-versions "$1" gt 1.1.0~rc.1
	dpkg --compare-versions "$1" lt 1.1.0~rc.2
	dpkg --compare-versions "$1" lt 1.1.0
}

# rc_then_go: in the current repository, v1.1.0-rc.1 (and its Go tag), one
# commit, and support/go/v9.9.9 on HEAD
rc_then_go() {
	git tag -a v1.1.0-rc.1 -m rc.1
	git tag support/go/v1.1.0-rc.1
	commit_change after-rc
	git tag support/go/v9.9.9
	# what the Makefile used to print
	test "$(git describe --tags)" = support/go/v9.9.9
}

test_expect_success 'releaser info: Go tags never count; the snapshot after an rc follows it' '
	fake_project p && cd p
	rc_then_go
	sha=$(git rev-parse --short=12 HEAD)
	"$R" info >../info.txt
	"$R" info --json >../info.json
	"$R" info --make-vars >../vars.mk
	test "$(jq -r .version ../info.json)" = "v1.1.0-rc.1.SNAPSHOT-$sha"
	test "$(jq -r .describe ../info.json)" = "v1.1.0-rc.1-1-g$sha"
	test "$(jq -r .describe ../info.json)" = "$(git describe --tags --match "v[0-9]*" --abbrev=12)"
	test "$(jq -r ".head_tags | length" ../info.json)" = 0
	test_grep "^version:   v1.1.0-rc.1.SNAPSHOT-$sha (snapshot)$" ../info.txt
	test_grep "^VERSION := v1.1.0-rc.1.SNAPSHOT-$sha$" ../vars.mk
	test_grep "^PC_VERSION := 1.1.0~rc.1.SNAPSHOT-$sha$" ../vars.mk
	test_grep "^COMMIT := $(git rev-parse HEAD)$" ../vars.mk
	not grep -n "9\.9\.9\|support/go" ../info.txt ../info.json ../vars.mk
	twelve_hex ../info.txt ../info.json ../vars.mk
	pc_order 1.1.0~rc.1.SNAPSHOT-$sha
'

test_expect_success 'info --make-vars: a tag at HEAD that is no release gives the snapshot; --json with it is bad usage' '
	fake_project p && cd p
	git tag -a v1.1.0 -m v1.1.0
	commit_change after
	git tag before-refactor
	"$R" info --json >../info.json
	test "$(jq -r .version ../info.json)" = null
	"$R" info --make-vars >../vars.mk
	test_grep "^VERSION := v1.1.1-SNAPSHOT-$(git rev-parse --short=12 HEAD)$" ../vars.mk
	test_grep "^EBPF_FLAGS := $" ../vars.mk
	expect_exit 2 "$R" info --make-vars --json >../out 2>../err
	test_cmp /dev/null ../out
	test_grep "^releaser: --json and --make-vars print different things: give one of them$" ../err
'

test_expect_success 'a release of that snapshot: manifest, BUILDINFO, .deb, analyzer.pc and the SBOM follow the rule' '
	fake_project p && cd p
	rc_then_go
	sha=$(git rev-parse --short=12 HEAD)
	v=v1.1.0-rc.1.SNAPSHOT-$sha
	"$R" release --key "$KEY" --arch amd64 --out ../out --json >../release.json 2>../log || { cat ../log; false; }
	test "$(jq -r .version ../release.json)" = $v
	cd ../out
	test "$(jq -r .version manifest.json)" = $v
	deb=profiling-agent_1.1.0-rc.1.SNAPSHOT.${sha}_amd64.deb
	test "$(dpkg-deb --field $deb Version)" = 1.1.0~rc.1.SNAPSHOT.$sha
	deb_order 1.1.0~rc.1.SNAPSHOT.$sha
	dpkg-deb -x $deb ../root
	pc_order "$(sed -n "s/^Version: //p" ../root/usr/lib/x86_64-linux-gnu/pkgconfig/analyzer.pc)"
	top=profiling-agent-$v-linux-amd64
	tar -xzf $top.tar.gz -C ..
	test "$(value version ../$top/share/doc/profiling-agent/BUILDINFO)" = $v
	pc_order "$(sed -n "s/^Version: //p" ../$top/lib/pkgconfig/analyzer.pc)"
	test "$(sed -n "s/^Version: //p" ../$top/lib/pkgconfig/analyzer.pc)" = 1.1.0~rc.1.SNAPSHOT-$sha
	# the SBOM names the releaser by the version its own --version prints
	rv=$("$R" --version | sed "s/^releaser //")
	jq -r ".creationInfo.creators[]" sbom.spdx.json >creators
	test_grep "^Tool: releaser-$rv$" creators
	test "$(jq -r .releaser_version ../release.json)" = "$rv"
	not grep -rn "9\.9\.9\|support/go" manifest.json sbom.spdx.json ../$top/share/doc/profiling-agent/BUILDINFO
	twelve_hex manifest.json creators ../release.json
'

test_expect_success 'a build by hand takes every version from the rule: agent, releaser, --json, analyzer.pc' '
	project_copy p --whole-build && cd p
	rc_then_go
	sha=$(git rev-parse --short=12 HEAD)
	v=v1.1.0-rc.1.SNAPSHOT-$sha
	make -s BUILD="$PWD/build" SANITIZE="${SANITIZE:-}" >../log 2>&1 || { cat ../log; false; }
	build/bin/profiling-agent --version >../agent.out
	test "$(sed -n 1p ../agent.out)" = "profiling-agent $v"
	test "$(sed -n 2p ../agent.out)" = "commit $(git rev-parse HEAD)"
	build/bin/releaser --version >../releaser.out
	test "$(cat ../releaser.out)" = "releaser $v"
	build/bin/releaser info --json >../info.json
	test "$(jq -r .releaser_version ../info.json)" = $v
	test "$(jq -r .version ../info.json)" = $v
	pc=$(sed -n "s/^Version: //p" build/lib/pkgconfig/analyzer.pc)
	test "$pc" = 1.1.0~rc.1.SNAPSHOT-$sha
	(cd .. && pc_order "$pc")
	not grep -n "9\.9\.9\|support/go" ../agent.out ../releaser.out ../info.json build/lib/pkgconfig/analyzer.pc
	twelve_hex ../agent.out ../releaser.out ../info.json build/lib/pkgconfig/analyzer.pc
	# at the tag itself, the tag: v1.1.0-rc.1 and 1.1.0~rc.1
	git checkout -q v1.1.0-rc.1
	make -s BUILD="$PWD/build" SANITIZE="${SANITIZE:-}" >../log 2>&1 || { cat ../log; false; }
	test "$(build/bin/releaser --version)" = "releaser v1.1.0-rc.1"
	test "$(build/bin/profiling-agent --version | sed -n 1p)" = "profiling-agent v1.1.0-rc.1"
	test_grep "^Version: 1.1.0~rc.1$" build/lib/pkgconfig/analyzer.pc
'

test_done
