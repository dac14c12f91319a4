#!/bin/bash
# ci/publish.sh on directories `releaser release` made: the tag's own
# release is published; a snapshot of the same commit is not, under any tag.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

RELEASER=$R
export RELEASER
"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
PUB=$TRASH_ROOT/key.pub

# a gh in ../bin that records its calls in ../bin/calls; no release exists yet
gh_recorder() {
	mkdir -p ../bin
	printf '#!/bin/sh\necho "gh $*" >>"%s/calls"\n[ "$2" != view ]\n' "$TRASH/bin" >../bin/gh
	chmod +x ../bin/gh
}

test_expect_success 'the release of the tag is published; a snapshot of the same commit is refused (exit 2)' '
	fake_project p && cd p
	printf "%s\n" out err >>.git/info/exclude
	cp -R "$ROOT/ci" ci && git add ci && git commit -q -m ci
	"$R" release --snapshot --key "$KEY" --out ../snap >/dev/null 2>&1
	git tag -a v1.0.1 -m v1.0.1
	"$R" release --key "$KEY" --out ../dist >/dev/null 2>&1
	gh_recorder
	PATH=$TRASH/bin:$PATH expect_exit 2 ci/publish.sh --pubkey "$PUB" ../snap >out 2>err
	one_line err
	test_grep "^error: ci/publish.sh: .../snap. is not the release of tag v1.0.1: its manifest.json names refs/heads/main (version v0.0.0-SNAPSHOT-" err
	test ! -e ../bin/calls
	PATH=$TRASH/bin:$PATH ci/publish.sh --pubkey "$PUB" ../dist >out 2>err
	test_grep "^gh release create --verify-tag --title v1.0.1 --notes-file [^ ]* -- v1.0.1$" ../bin/calls
	test_grep "^gh release upload --clobber -- v1.0.1 ../dist/CHANGELOG.md .*../dist/profiling-agent-v1.0.1-linux-amd64.tar.gz " ../bin/calls
'

test_done
