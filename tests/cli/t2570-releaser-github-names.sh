#!/bin/bash
# Every file of a release keeps its name on GitHub: uploaded through a gh
# stand-in that renames assets as GitHub does (tests/tools/gh-stand-in.sh),
# downloaded back, a final, a release candidate, a debug release and a
# snapshot each pass sha256sum -c, signify -C, minisign -V and releaser
# verify. A name GitHub would change is refused before anything is written.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1
. "$ROOT/tests/lib-sign.sh"

# a key pair made once for the whole file
"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
PUB=$TRASH_ROOT/key.pub

# gh_setup: the stand-in as gh on PATH, its releases in $TRASH/github
gh_setup() {
	mkdir -p "$TRASH/bin"
	ln -s "$ROOT/tests/tools/gh-stand-in.sh" "$TRASH/bin/gh"
	PATH=$TRASH/bin:$PATH
	GH_STAND_IN_DIR=$TRASH/github
	export GH_STAND_IN_DIR
}

# round_trip DIR TAG: publish DIR's files as release TAG as ci/publish.sh
# does, download them into ../dl-TAG, and check them there as a user would
round_trip() {
	dl=$TRASH/dl-$2
	gh release create "$2" --verify-tag --title "$2" 2>"$TRASH/gh.err"
	gh release upload "$2" --clobber "$1"/* 2>>"$TRASH/gh.err"
	test_cmp /dev/null "$TRASH/gh.err"
	gh release download "$2" --dir "$dl"
	(cd "$1" && ls) >"$TRASH/published"
	(cd "$dl" && ls) >"$TRASH/downloaded"
	test_cmp "$TRASH/published" "$TRASH/downloaded"
	(cd "$dl" && sha256sum -c --strict SHA256SUMS) >"$TRASH/sha256sum.out"
	test "$(grep -c ": OK$" "$TRASH/sha256sum.out")" = "$(wc -l <"$dl/SHA256SUMS")"
	(cd "$dl" && "$SIGNIFY" -C -p "$PUB" -x SHA256SUMS.sig) >"$TRASH/signify.out"
	test "$(grep -c ": OK$" "$TRASH/signify.out")" = "$(wc -l <"$dl/SHA256SUMS")"
	minisign -Vm "$dl/SHA256SUMS" -p "$PUB" >"$TRASH/minisign.out"
	test_grep "^Signature and comment signature verified" "$TRASH/minisign.out"
	"$R" verify --pubkey "$PUB" "$dl" >"$TRASH/verify.out"
	test_grep "^all [0-9]* checks passed" "$TRASH/verify.out"
}

# names_safe DIR: every file in DIR has a name of lib/asset.h's rule
names_safe() {
	(cd "$1" && ls) >"$TRASH/names"
	test -s "$TRASH/names"
	LC_ALL=C grep -v "^[A-Za-z0-9]\([A-Za-z0-9._-]*[A-Za-z0-9_-]\)\?$" "$TRASH/names" >"$TRASH/unsafe" || true
	test_cmp /dev/null "$TRASH/unsafe"
}

test_expect_success 'the gh stand-in renames as GitHub does, so a "~" in a name fails every check after download' '
	gh_setup
	mkdir d
	for f in "p_1.1.0~rc.1_amd64.deb" "q+r.tar.gz" "x (1).txt" "y." ok_1.0-2_amd64.deb; do
		echo "$f" >"d/$f" || return 1
	done
	echo z >d/.z
	(cd d && sha256sum -- * .z >SHA256SUMS)
	gh release create v0.0.1 d/* d/.z 2>err
	test_grep "^gh: .p_1.1.0~rc.1_amd64.deb. uploaded as .p_1.1.0.rc.1_amd64.deb.$" err
	gh release download v0.0.1 --dir dl
	(cd dl && ls -A) >got
	printf "%s\n" SHA256SUMS default.z ok_1.0-2_amd64.deb p_1.1.0.rc.1_amd64.deb q.r.tar.gz x..1..txt y >expect
	test_cmp expect got
	(cd dl && not sha256sum -c SHA256SUMS) >out 2>&1
	test_grep "p_1.1.0~rc.1_amd64.deb: FAILED open or read" out
	test_grep "ok_1.0-2_amd64.deb: OK" out
	not gh release upload v0.0.1 d/y. 2>err
	test_grep "already exists" err
'

test_expect_success 'a final release (v1.0.0) downloads under its own names and verifies' '
	gh_setup
	fake_project p && cd p
	git tag -a v1.0.0 -m v1.0.0
	"$R" release --key "$KEY" --arch $HOST_ARCH --out ../out >/dev/null 2>&1
	cd ..
	names_safe out
	test -f out/profiling-agent_1.0.0_$HOST_ARCH.deb
	round_trip out v1.0.0
'

test_expect_success 'a release candidate (v1.1.0-rc.1): its package is named without "~", Version 1.1.0~rc.1 inside' '
	gh_setup
	fake_project p && cd p
	git tag -a v1.1.0-rc.1 -m rc
	"$R" release --key "$KEY" --arch $HOST_ARCH --out ../out >/dev/null 2>&1
	cd ..
	names_safe out
	deb=profiling-agent_1.1.0-rc.1_$HOST_ARCH.deb
	test_grep "  $deb$" out/SHA256SUMS
	test "$(jq -r ".artifacts[] | select(.kind == \"deb\") | .name" out/manifest.json)" = $deb
	round_trip out v1.1.0-rc.1
	test "$(dpkg-deb --field dl-v1.1.0-rc.1/$deb Version)" = 1.1.0~rc.1
	test_grep "^SHA256 ($deb) = " dl-v1.1.0-rc.1/SHA256SUMS.sig
	dpkg --compare-versions "$(dpkg-deb --field dl-v1.1.0-rc.1/$deb Version)" lt 1.1.0
'

test_expect_success 'a debug release (v1.0.0-debug) downloads under its own names and verifies' '
	gh_setup
	fake_project p && cd p
	git checkout -q -b debug
	git tag -a v1.0.0-debug -m debug
	"$R" release --key "$KEY" --arch $HOST_ARCH --out ../out >/dev/null 2>&1
	cd ..
	names_safe out
	test -f out/profiling-agent-debug_1.0.0_$HOST_ARCH.deb
	round_trip out v1.0.0-debug
'

test_expect_success 'a snapshot downloads under its own names and verifies; Version keeps its "~"' '
	gh_setup
	fake_project p && cd p
	git tag -a v1.0.0 -m v1.0.0
	commit_change snapshot
	sha=$(git rev-parse --short=12 HEAD)
	"$R" release --key "$KEY" --arch $HOST_ARCH --out ../out >/dev/null 2>&1
	cd ..
	names_safe out
	deb=$(cd out && ls *.deb)
	test "$deb" = "profiling-agent_1.0.1-SNAPSHOT.${sha}_$HOST_ARCH.deb"
	test "$(dpkg-deb --field out/$deb Version)" = "1.0.1~SNAPSHOT.$sha"
	round_trip out snapshot
'

test_expect_success 'a project name GitHub would change is refused before the build, naming the file, exit 2' '
	fake_project p && cd p
	printf "[project]\n\tname = prof+agent\n" >releaser.conf
	git add releaser.conf && git commit -q -m name
	git tag -a v1.0.0 -m v1.0.0
	expect_exit 2 "$R" release --key "$KEY" --arch $HOST_ARCH --out ../out 2>../err
	one_line ../err
	test_grep "release file .prof+agent-v1.0.0-linux-$HOST_ARCH.tar.gz. would not keep its name on GitHub" ../err
	test_grep "project.name" ../err
	test ! -e ../out
	test ! -e build
	expect_exit 2 "$R" package --key "$KEY" --arch $HOST_ARCH --out ../out 2>../err
	one_line ../err
	test ! -e ../out
'

test_expect_success 'finalize refuses a per-arch manifest naming a package GitHub would rename, writing nothing' '
	fake_project p && cd p
	git tag -a v1.1.0-rc.1 -m rc
	"$R" release --no-sign --arch $HOST_ARCH --out ../out >/dev/null 2>&1
	cd ../out
	# the part an older releaser made: its package named with "~"
	old=profiling-agent_1.1.0~rc.1_$HOST_ARCH.deb
	mv profiling-agent_1.1.0-rc.1_$HOST_ARCH.deb $old
	jq --arg n $old "(.artifacts[] | select(.kind == \"deb\") | .name) = \$n" manifest-$HOST_ARCH.json >m
	mv m manifest-$HOST_ARCH.json
	ls >../before
	expect_exit 2 "$R" finalize --out . --key "$KEY" 2>../err
	one_line ../err
	test_grep "field .name. .$old. is not the name the releaser gives that package" ../err
	ls >../after
	test_cmp ../before ../after
'
test_done
