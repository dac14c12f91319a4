#!/bin/bash
# Nothing a release writes lands outside its output directory: names come
# from validated settings only, symbolic links in the way are never
# followed, and every tarball entry stays under its top directory.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
PUB=$TRASH_ROOT/key.pub

# snapshot_outside: what lies beside the project and the output directory
# (the test's own err file aside), with every file's digest
snapshot_outside() {
	(cd "$TRASH" && find . -path ./dist -prune -o -path ./p -prune -o -path ./err -prune -o -print |
		sort | while read -r f; do echo "$f $(test -f "$f" && sha256sum <"$f")"; done)
}

test_expect_success 'tarball entries are relative and stay under the top directory' '
	fake_project p && cd p
	"$R" release --key "$KEY" --out ../dist >/dev/null 2>&1
	for t in ../dist/*.tar.gz; do
		tar -tzf "$t" >../names
		top=$(basename "$t" .tar.gz)
		not grep -v "^$top/" ../names
		not grep -E "(^/|(^|/)\.\.(/|$))" ../names
	done
'

test_expect_success 'names that would escape are refused before anything is written' '
	fake_project p && cd p
	mkdir ../outside && echo keep >../outside/file
	for conf in "[project]\n\tname = ../outside/evil\n" "[project]\n\tname = /tmp/evil\n" \
		    "[package]\n\tfile = ../outside/file\n" "[package]\n\tfile = \"a\\\\tb\"\n"; do
		printf "$conf" >releaser.conf
		git add releaser.conf && git commit -q -m "settings" && before=$(snapshot_outside)
		expect_exit 2 "$R" release --no-sign --out ../dist 2>../err
		one_line ../err
		test "$(snapshot_outside)" = "$before"
		test ! -e ../dist
		git rm -q releaser.conf && git commit -q -m "no settings"
	done
	test "$(cat ../outside/file)" = keep
'

test_expect_success 'a package.file that is a symbolic link out of the tree is refused' '
	fake_project p && cd p
	mkdir ../outside && echo secret >../outside/secret
	rm LICENSE && ln -s ../outside/secret LICENSE
	git add LICENSE && git commit -q -m "a link"
	expect_exit 2 "$R" release --no-sign --out ../dist 2>../err
	one_line ../err
	test_grep "package.file .LICENSE. in .releaser.conf. is not a file of the work tree" ../err
	test ! -e ../dist
'

test_expect_success 'a symbolic link in the output directory under an artifact name is replaced, not followed' '
	fake_project p && cd p
	mkdir ../outside ../dist && echo keep >../outside/target
	v=v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)
	ln -s ../outside/target ../dist/profiling-agent-$v-linux-$HOST_ARCH.tar.gz
	ln -s ../outside/target ../dist/SHA256SUMS
	expect_exit 1 "$R" release --key "$KEY" --arch "$HOST_ARCH" --out ../dist 2>../err
	test "$(cat ../outside/target)" = keep
	"$R" release --key "$KEY" --arch "$HOST_ARCH" --out ../dist --force >/dev/null 2>&1
	test "$(cat ../outside/target)" = keep
	test ! -L ../dist/SHA256SUMS
	"$R" verify --pubkey "$PUB" ../dist >/dev/null
'

test_expect_success 'an output directory given as a symbolic link is written through, and stays a link' '
	fake_project p && cd p
	mkdir ../real && ln -s "$TRASH/real" ../dist
	"$R" release --key "$KEY" --arch "$HOST_ARCH" --out ../dist >/dev/null 2>&1
	test -L ../dist
	"$R" verify --pubkey "$PUB" ../real >/dev/null
'

test_done
