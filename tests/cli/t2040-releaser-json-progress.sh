#!/bin/bash
# One command-line grammar: --json on every command (one JSON object on
# stdout describing what was done, errors one line on stderr), phases with
# their times on stderr for build, package and release (none with -q), a
# line before a slow scrypt key decryption.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1
. "$ROOT/tests/cli/lib-repo.sh"

PHASE='^releaser: \[[0-9]/[0-9]\] [a-z]*: [0-9]*\.[0-9] s$'

test_expect_success 'every command takes --json (its help says so)' '
	for c in info check build package release finalize keygen verify mirror guard tag notes; do
		"$R" $c --help >out || return 1
		test_grep "[-]-json" out || return 1
	done
'

test_expect_success 'keygen --json: the key paths and id, nothing else on stdout' '
	"$R" keygen --json --out k >out 2>err
	python3 -c "import json,sys; d=json.load(open(\"out\")); assert set(d) == {\"secret_key\",\"public_key\",\"key_id\",\"encrypted\"}, d"
	test "$(jq -r .secret_key out)" = k.key
	test "$(jq -r .public_key out)" = k.pub
	test "$(jq -r .encrypted out)" = false
	test -f k.key
	test -f k.pub
	jq -r .key_id out | grep -qiE "^[0-9a-f]{16}$"
	expect_exit 2 "$R" keygen --json --out k >out2 2>err2
	one_line err2
	test ! -s out2
'

test_expect_success 'build --json: the objects and the record; phases with times on stderr' '
	fake_project p && cd p
	"$R" build --json >../out 2>../err
	test "$(jq -r .version ../out)" = "v0.0.0-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
	test "$(jq -r .build_dir ../out)" = "$PWD/build"
	test "$(jq -r .record ../out)" = "$PWD/build/releaser-build"
	test -f "$(jq -r .record ../out)"
	jq -r ".objects[] | [.path, .flavor] | @tsv" ../out >../objects
	test "$(wc -l <../objects)" = 4
	while IFS="	" read -r path flavor; do
		test -f "$path" || return 1
		case "$path" in *"analyzer.ebpf.$flavor."*) ;; *) return 1 ;; esac
	done <../objects
	grep "^releaser: \[" ../err | sed "s/: [0-9]*\.[0-9] s$/: T/" >../phases
	printf "releaser: [1/2] preflight: T\nreleaser: [2/2] build: T\n" >../expect
	test_cmp ../expect ../phases
	grep "^releaser: \[" ../err | not grep -v "$PHASE"
	not grep -q "$(printf "\r")" ../err
'

test_expect_success 'release: five phases in order; package four; -q silences them' '
	fake_project p && cd p
	"$R" keygen --out ../key >/dev/null 2>&1
	"$R" release --key ../key.key --json >../out 2>../err
	test "$(jq -r .signed ../out)" = true
	grep "^releaser: \[" ../err | sed "s/: [0-9]*\.[0-9] s$//" >../phases
	printf "releaser: [%s\n" "1/5] preflight" "2/5] build" "3/5] package" "4/5] sign" "5/5] write" >../expect
	test_cmp ../expect ../phases
	"$R" package --key ../key.key >/dev/null 2>../err
	grep "^releaser: \[" ../err | sed "s/: [0-9]*\.[0-9] s$//" >../phases
	printf "releaser: [%s\n" "1/4] preflight" "2/4] package" "3/4] sign" "4/4] write" >../expect
	test_cmp ../expect ../phases
	"$R" -q release --key ../key.key >/dev/null 2>../err
	not grep "^releaser: \[" ../err
	"$R" release --no-sign --out ../parts >/dev/null 2>../err
	test_grep "^releaser: \[4/5\] manifests: " ../err
'

test_expect_success 'a refusal in preflight is the only line: no phase line before it' '
	fake_project p && cd p
	echo dirty >>README.md
	expect_exit 2 "$R" release --no-sign 2>../err
	test_line_count ../err 1
	test_grep "uncommitted changes" ../err
'

test_expect_success 'tag --json: the tag, commit and result; run again: exists' '
	make_repo r && cd r
	commit_on main a "1.0.1"
	git tag -a v1.0.1 -m v1.0.1 main
	releaser mirror >/dev/null
	git checkout -q debug
	releaser tag --json v1.0.1 >../out 2>../err
	test ! -s ../err
	test "$(jq -r .tag ../out)" = v1.0.1-debug
	test "$(jq -r .commit ../out)" = "$(git rev-parse v1.0.1-debug^{commit})"
	test "$(jq -r .main_commit ../out)" = "$(git rev-parse v1.0.1^{commit})"
	test "$(jq -r ".result, .marker, .merge, .signed" ../out | paste -sd " ")" = "created true null false"
	releaser tag --json v1.0.1 >../out 2>/dev/null
	test "$(jq -r .result ../out)" = exists
	git checkout -q main
	releaser tag --go --json v1.0.1 >../out
	test "$(jq -r ".tag, .release_tag, .result" ../out | paste -sd " ")" = "support/go/v1.0.1 v1.0.1 created"
	expect_exit 2 releaser tag --json --allowed-signers x.pub >../out 2>../err
	one_line ../err
	test ! -s ../out
'

test_expect_success 'an encrypted key: a line before the scrypt decryption, none with -q' '
	fake_project p && cd p
	RELEASER_KEY_PASSWORD=secret "$R" keygen --out ../enc >/dev/null 2>&1
	RELEASER_KEY_PASSWORD=secret "$R" release --key ../enc.key >/dev/null 2>../err
	test_grep "^releaser: decrypting .*enc.key. (scrypt, [0-9]* MiB, takes ~[0-9]* s)\.\.\.$" ../err
	commit_change again
	RELEASER_KEY_PASSWORD=secret "$R" -q release --key ../enc.key >/dev/null 2>../err
	not grep decrypting ../err
'

test_done
