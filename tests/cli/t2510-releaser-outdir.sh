#!/bin/bash
# The output directory: identical artifacts are kept, other bytes are
# refused (or replaced with --force), a snapshot into the default dist/
# replaces the previous release there, and a failed or killed run leaves
# no partial file under a final name.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key

# snapshot DIR: name, inode, mtime and sha256 of every file in DIR
snapshot() {
	(cd "$1" && find . -mindepth 1 -maxdepth 1 -printf "%f\n" | sort | while read -r f; do echo "$f $(stat -c "%i %Y" "$f") $(sha256sum <"$f")"; done)
}

# with_tmpfs DIR SIZE OPTS: mount a small tmpfs (root only); fails when it cannot
with_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2${3:+,$3}" tmpfs "$1" 2>/dev/null
}

can_mount() {
	mkdir -p "$TRASH_ROOT/probe" && mount -t tmpfs -o size=16k tmpfs "$TRASH_ROOT/probe" 2>/dev/null &&
		umount "$TRASH_ROOT/probe"
}

# released [TAG]: a fake project p (tagged TAG) released into p/dist; the
# cases get copies of it (fixture)
released() {
	fake_project p
	cd p
	[ -z "${1:-}" ] || git tag -a "$1" -m "$1"
	"$R" release --key "$KEY" >/dev/null 2>&1
}

test_expect_success 'a second run with identical artifacts succeeds and touches nothing' '
	fixture released released
	cd p
	snapshot dist >../before
	"$R" release --key "$KEY" >/dev/null 2>&1
	snapshot dist >../after
	test_cmp ../before ../after
	"$R" package --key "$KEY" >/dev/null 2>&1
	snapshot dist >../after2
	test_cmp ../before ../after2
'

test_expect_success 'other bytes under a final name are refused, and nothing changes' '
	fixture released-v1.0.0 released v1.0.0
	cd p
	t=$(ls dist/*-linux-amd64.tar.gz)
	echo extra >>"$t"
	snapshot dist >../before
	expect_exit 1 "$R" release --key "$KEY" 2>../err >/dev/null
	tail -n 1 ../err >../last
	test_grep "^releaser: .*/$t. exists with other contents: remove it, or use --force to replace it$" ../last
	snapshot dist >../after
	test_cmp ../before ../after
	echo extra >>dist/manifest.json
	expect_exit 1 "$R" package --key "$KEY" 2>../err2 >/dev/null
	test_grep "and 1 more exist with other contents" ../err2
'

# names DIR: the files of DIR, one a line
names() {
	find "$1" -mindepth 1 -maxdepth 1 ! -name .releaser.lock -printf "%f\n" | sort
}

test_expect_success 'a snapshot into the default dist/ replaces the previous one: make release runs again' '
	fixture released released
	cd p
	first=$(git rev-parse --short=12 HEAD)
	commit_change "a second commit"
	second=$(git rev-parse --short=12 HEAD)
	"$R" release --key "$KEY" >/dev/null 2>../err || { cat ../err; exit 1; }
	names dist >../names
	{ awk "{ print \$2 }" dist/SHA256SUMS; echo SHA256SUMS; echo SHA256SUMS.minisig; echo SHA256SUMS.sig; } |
		sort >../expect
	test_cmp ../expect ../names
	not grep "$first" ../names
	test_grep "SNAPSHOT-$second-linux-amd64.tar.gz" ../names
	"$R" verify --pubkey "$TRASH_ROOT/key.pub" dist >/dev/null
	test "$(jq -r .version dist/manifest.json)" = "v0.0.0-SNAPSHOT-$second"
'

# no_build: make, cc and clang that record that they ran and fail, first in PATH
no_build() {
	mkdir -p "$TRASH/nobuild" &&
	for t in make cc gcc clang; do
		printf "#!/bin/sh\necho \"\$0 \$*\" >>\"%s/ran\"\nexit 1\n" "$TRASH" >"$TRASH/nobuild/$t" &&
		chmod +x "$TRASH/nobuild/$t" || return 1
	done
}

test_expect_success 'a tagged release, or a snapshot into --out DIR, refuses the previous release before building' '
	fake_project p && cd p
	"$R" release --key "$KEY" --out ../out >/dev/null 2>&1
	old=$(jq -r .version ../out/manifest.json)
	commit_change "a second commit"
	snapshot ../out >../before
	no_build
	PATH="$TRASH/nobuild:$PATH" expect_exit 2 "$R" release --key "$KEY" --out ../out >../stdout 2>../err
	one_line ../err
	test_grep "^releaser: .\.\./out. holds another release, $old (manifest.json): remove it, give --out another directory, or --force to replace it$" ../err
	test ! -s ../stdout
	test ! -e "$TRASH/ran"
	snapshot ../out >../after
	test_cmp ../before ../after
	"$R" release --key "$KEY" >/dev/null 2>&1
	git tag -a v1.0.0 -m v1.0.0
	snapshot dist >../before
	PATH="$TRASH/nobuild:$PATH" expect_exit 2 "$R" release --key "$KEY" >/dev/null 2>../err
	one_line ../err
	test_grep "holds another release, v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD) (manifest.json): remove it" ../err
	PATH="$TRASH/nobuild:$PATH" expect_exit 2 "$R" package --key "$KEY" >/dev/null 2>../err
	test_grep "holds another release" ../err
	test ! -e "$TRASH/ran"
	snapshot dist >../after
	test_cmp ../before ../after
'

test_expect_success 'a snapshot never replaces a tagged release in dist/ without --force, refused before building' '
	fixture released-v1.0.0 released v1.0.0
	cd p
	commit_change "after the release"
	snapshot dist >../before
	no_build
	PATH="$TRASH/nobuild:$PATH" expect_exit 2 "$R" release --key "$KEY" >/dev/null 2>../err
	one_line ../err
	test_grep "^releaser: .*/dist. holds the release v1.0.0 (manifest.json), which a snapshot never replaces: publish or move it first, give --out another directory, or --force to replace it$" ../err
	test ! -e "$TRASH/ran"
	# what make release runs: the same refusal
	PATH="$TRASH/nobuild:$PATH" expect_exit 2 "$R" release --dev-key build/dev-signing >/dev/null 2>../err
	test_grep "holds the release v1.0.0" ../err
	snapshot dist >../after
	test_cmp ../before ../after
	expect_exit 2 "$R" check >../check.out 2>/dev/null
	test_grep "^output: .*holds the release v1.0.0" ../check.out
	# --force replaces it, and the snapshot after it replaces that snapshot
	"$R" release --key "$KEY" --force >/dev/null 2>&1
	test "$(jq -r .snapshot dist/manifest.json)" = true
	commit_change "another"
	"$R" release --key "$KEY" >/dev/null 2>&1
	test "$(jq -r .version dist/manifest.json)" = "v1.0.1-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
	"$R" verify --pubkey "$TRASH_ROOT/key.pub" dist >/dev/null
'

test_expect_success '--force replaces artifacts with other bytes' '
	fixture released released
	cd p
	echo extra >>dist/SHA256SUMS
	"$R" release --key "$KEY" --force >/dev/null 2>&1
	cd dist && sha256sum -c SHA256SUMS >/dev/null
	minisign -Vm SHA256SUMS -p "$TRASH_ROOT/key.pub" >/dev/null
'

test_expect_success 'an output path under a file is refused in preflight, before the build' '
	fake_project p && cd p
	echo x >../file
	expect_exit 2 "$R" release --key "$KEY" --out ../file/dist 2>../err >/dev/null
	one_line ../err
	test_grep "^releaser: cannot use .\.\./file/dist. as the output directory: .\.\./file. is not a directory$" ../err
	test ! -e build
	expect_exit 2 "$R" release --key "$KEY" --out ../file 2>../err >/dev/null
	test_grep "^releaser: cannot use .\.\./file. as the output directory: .\.\./file. is not a directory$" ../err
	test ! -e build
'

test_expect_success 'an empty --out is refused in preflight, before the build' '
	fake_project p && cd p
	expect_exit 2 "$R" release --key "$KEY" --out "" 2>../err >/dev/null
	one_line ../err
	test_grep "^releaser: the output directory is an empty string: give a directory name$" ../err
	test ! -e build
	"$R" build >/dev/null 2>&1
	expect_exit 2 "$R" package --key "$KEY" --out "" 2>../err >/dev/null
	one_line ../err
	expect_exit 2 "$R" finalize --key "$KEY" --out "" 2>../err >/dev/null
	one_line ../err
	ls -A .. >../names
	printf "err\nnames\np\n" >../want
	test_cmp ../want ../names
'

if can_mount; then
test_expect_success 'a read-only output directory is refused in preflight, before the build' '
	fake_project p && cd p
	with_tmpfs ../ro 64k ro
	trap "umount ../ro" EXIT
	expect_exit 2 "$R" release --key "$KEY" --out ../ro 2>../err >/dev/null
	one_line ../err
	test_grep "^releaser: cannot write into .\.\./ro.: Read-only file system (give a writable output directory)$" ../err
	test -z "$(ls -A ../ro)"
	test ! -e build
'

test_expect_success 'a full disk fails with one line, leaving no file behind' '
	fake_project p && cd p
	with_tmpfs ../full 256k
	trap "umount ../full" EXIT
	FAKE_AGENT_KB=1024 expect_exit 1 "$R" release --key "$KEY" --out ../full 2>../err >/dev/null
	tail -n 1 ../err >../last
	# the tarball and the .deb are written at the same time: either fills it first
	grep -E "cannot write .*(-linux-amd64\.tar\.gz|_amd64\.deb).: No space left on device" ../last
	test -z "$(ls -A ../full)"
'
else
test_skip 'a read-only output directory fails with one line and leaves it empty' 'cannot mount a tmpfs here'
test_skip 'a full disk fails with one line, leaving no file behind' 'cannot mount a tmpfs here'
fi

test_expect_success 'a run killed while packaging leaves no partial file; the next run succeeds' '
	fake_project p && cd p
	FAKE_AGENT_KB=40000 "$R" release --key "$KEY" >/dev/null 2>&1 &
	pid=$!
	n=0
	until ls .dist.releaser-*/new/.*.tmp.* >/dev/null 2>&1; do
		n=$((n + 1)); test $n -lt 1200; sleep 0.05
	done
	kill -9 $pid
	wait $pid || true
	test -z "$(ls -A dist)"
	# the dead run'"'"'s stage leaves the work tree clean, and the next run removes it
	test -z "$(git status --porcelain)"
	"$R" release --key "$KEY" >/dev/null 2>&1
	ls -A . dist >../names
	not grep "releaser-[0-9]" ../names
	cd dist && sha256sum -c SHA256SUMS >/dev/null
'
test_done
