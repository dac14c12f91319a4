#!/bin/bash
# RELEASING.md: every command in its sh code blocks is run by a test, and
# the options it shows exist.
# run: alone
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-doc.sh"

# check_releasing: check_doc of RELEASING.md against every other CLI test
# and its helpers
check_releasing() {
	set --
	for f in "$ROOT"/tests/cli/t[0-9]*.sh "$ROOT"/tests/cli/lib*.sh; do
		[ "$(basename "$f" .sh)" = "$TEST_NAME" ] || set -- "$@" "$f"
	done
	check_doc "$ROOT/RELEASING.md" "$@"
}

test_expect_success 'RELEASING.md has commands in sh blocks' '
	doc_commands "$ROOT/RELEASING.md" >commands
	test "$(wc -l <commands)" -ge 10
	test_grep "^releaser mirror$" commands
	test_grep "^releaser tag " commands
	test_grep "^ci/release.sh" commands
'

test_expect_success 'placeholders stand for one word' '
	test "$(pattern "releaser release --arch ARCH --out dist")" = "releaser release --arch [^ ]+ --out dist"
	echo "releaser release --arch amd64 --out dist" | grep -qE "^$(pattern "releaser release --arch ARCH --out dist")\$"
	echo "git tag -a v1.0.1 -m v1.0.1" | grep -qE "$(pattern "git tag -a v1.0.1 -m v1.0.1")"
	not grep -qE "$(pattern "a.b")" <<<"axb"
	not grep -qE "^$(pattern "sha256sum -c SHA256SUMS")\$" <<<"sha256sum -c OTHER"
'

test_expect_success 'the commands a script runs: not its comments, strings or arguments' '
	cat >t.sh <<-\EOF
	# releaser mirror --push
	x() { "$R" mirror --check >out 2>&1; }
	echo "releaser guard" && git checkout debug # then releaser tag
	expect_exit 2 ci/release.sh 2>err
	expect_exit 0 "$ROOT"/ci/mirror.sh \
		--fetch --push
	not "$RELEASER" keygen --out k
	RELEASER_BRANCH=main releaser release --arch amd64 | tee out
	KEY=$(cat "$TRASH/k") ci/release.sh --finalize; x=$(releaser info)
	(cd sub && build_make test)
	EOF
	run_lines t.sh >actual
	cat >expect <<-\EOF
	x
	releaser mirror --check
	echo "releaser guard"
	git checkout debug
	fails: ci/release.sh
	ci/mirror.sh --fetch --push
	fails: releaser keygen --out k
	RELEASER_BRANCH=main releaser release --arch amd64
	tee out
	KEY=$(cat "$TRASH/k") ci/release.sh --finalize
	x=$(releaser info)
	cd sub
	make test
	EOF
	test_cmp expect actual
'

test_expect_success 'RELEASING.md: every command is run by a test, with options that exist' '
	check_releasing >problems
	test_cmp /dev/null problems
'

# README.md's commands no test runs as written, each for a reason: the
# suite itself (make test, make fuzz; t2600 runs make release in a clean
# environment), root and a kernel with BPF (the agent: tests/bpf runs it
# with its own options), the network (go get), a tool Debian 12 lacks
# (flamegraph.pl), a path of the amd64 build (llvm-readelf)
cat >"$TRASH_ROOT/readme-not-run" <<-\EOF
	not run by any test: make release
	not run by any test: make test
	not run by any test: make fuzz FUZZ_SECONDS=60
	not run by any test: llvm-readelf -p .analyzer_info build/ebpf/analyzer.ebpf.release.amd64
	not run by any test: profiling-agent --duration 30
	not run by any test: profiling-agent --pid 1234 --frequency 99 --output app.folded
	not run by any test: profiling-agent --pid 1234 --format json --output app.json
	not run by any test: flamegraph.pl profile.folded
	not run by any test: go get github.com/profiling-agent/profiling-agent/support/go@v1.0.1
EOF

test_expect_success 'README.md: every command is run by a test, but for the declared ones; options exist' '
	set --
	for f in "$ROOT"/tests/cli/t[0-9]*.sh "$ROOT"/tests/cli/lib*.sh "$ROOT"/tests/bpf/t*.sh; do
		[ "$(basename "$f" .sh)" = "$TEST_NAME" ] || set -- "$@" "$f"
	done
	check_doc "$ROOT/README.md" "$@" >problems
	test_cmp "$TRASH_ROOT/readme-not-run" problems
'

test_expect_success 'a command only in a comment, a string, or run to fail is not covered' '
	cat >doc.md <<-\EOF
	```sh
	releaser mirror --check
	releaser guard
	ci/release.sh   # on the tag
	git merge main
	RELEASER_BRANCH=main releaser release --arch ARCH --no-sign --out dist
	```
	EOF
	cat >t.sh <<-\EOF
	# releaser mirror --check
	test_grep "releaser guard" out
	expect_exit 2 ci/release.sh
	expect_exit 1 git merge main
	releaser release --arch amd64 --no-sign --out dist
	EOF
	check_doc doc.md t.sh >actual
	cat >expect <<-\EOF
	not run by any test: releaser mirror --check
	not run by any test: releaser guard
	not run by any test: ci/release.sh
	not run by any test: RELEASER_BRANCH=main releaser release --arch ARCH --no-sign --out dist
	EOF
	test_cmp expect actual
	# run as written, each is covered
	cat >t.sh <<-\EOF
	"$R" mirror --check >out
	(cd x && releaser guard)
	ci/release.sh
	SOURCE_DATE_EPOCH=1 RELEASER_BRANCH=main releaser release --arch arm64 --no-sign --out dist 2>&1
	git merge main
	EOF
	check_doc doc.md t.sh >actual
	test_cmp /dev/null actual
'

test_expect_success 'a command a test runs only with a key or setting the document does not show is not covered' '
	cat >doc.md <<-\EOF
	```sh
	ci/release.sh
	releaser release --arch ARCH --no-sign --out dist
	ci/release.sh --key profiling-agent.key
	```
	EOF
	cat >t.sh <<-\EOF
	RELEASER_SIGNING_KEY=$(cat "$TRASH/k") ci/release.sh
	RELEASER_BRANCH=main releaser release --arch amd64 --no-sign --out dist
	PATH=$TRASH/bin:$PATH SOURCE_DATE_EPOCH=1 ci/release.sh --key profiling-agent.key
	EOF
	check_doc doc.md t.sh >actual
	cat >expect <<-\EOF
	not run by any test: ci/release.sh
	not run by any test: releaser release --arch ARCH --no-sign --out dist
	EOF
	test_cmp expect actual
'

test_expect_success 'a block runs in the shell its fence names, with only declared placeholders replaced' '
	cat >doc.md <<-\EOF
	```sh
	printf "\x41|%s\n" FILE
	```
	  ```bash
	  printf "\x41|%s\n" FILE
	  ```
	```sh
	echo DIR/FILE xFILE FILEx
	false
	echo not reached
	```
	EOF
	sed -i "5s/\\\\x41/\\\\x42/" doc.md
	run_doc_block doc.md "printf \"\\x41|%s\\n\" FILE" FILE=a.b >actual
	echo "\\x41|a.b" >expect
	test_cmp expect actual
	run_doc_block doc.md "printf \"\\x42|%s\\n\" FILE" >actual
	echo "B|FILE" >expect
	test_cmp expect actual
	expect_exit 1 run_doc_block doc.md "echo DIR/FILE xFILE FILEx" DIR=d FILE=f >actual
	echo "d/f xFILE FILEx" >expect
	test_cmp expect actual
	expect_exit 2 run_doc_block doc.md "echo DIR/FILE xFILE FILEx" HOME=x 2>err
	test_grep "not a placeholder: HOME" err
	expect_exit 2 run_doc_block doc.md "no such block" 2>err
'

test_expect_success 'a block a test runs whole is covered, command by command' '
	cat >doc.md <<-\EOF
	```sh
	jq -r .payload v1/p.jsonl | base64 -d >payload
	cmp payload v1/p.json
	```
	```bash
	read -rs X && export X
	releaser keygen --out k
	```
	EOF
	cat >t.sh <<-\EOF
	run_doc_block "$ROOT/doc.md" "jq -r .payload v1/p.jsonl | base64 -d >payload" >out
	EOF
	check_doc doc.md t.sh >actual
	cat >expect <<-\EOF
	not run by any test: read -rs X
	not run by any test: export X
	not run by any test: releaser keygen --out k
	EOF
	test_cmp expect actual
'

test_expect_success 'each block of RELEASING.md and README.md fits the shell its fence names (shellcheck)' '
	for doc in RELEASING.md README.md; do
		doc_blocks "$ROOT/$doc" | awk -v doc="$doc" "
			lang == \"\" { lang = \$0; n++; f = sprintf(\"%s-%02d.%s\", doc, n, lang); next }
			\$0 == \"\`\`\`\" { close(f); lang = \"\"; next }
			{ print > f }" || return 1
	done
	ls RELEASING.md-*.sh RELEASING.md-*.bash README.md-*.sh >blocks
	test "$(wc -l <blocks)" -ge 20
	# cd in a recipe, and $(pkg-config ...) split into words, are meant
	while read -r f; do
		shellcheck -s "${f##*.}" -S warning -e SC2164,SC2046 "$f" || return 1
	done <blocks
'

test_expect_success 'an option or target that no longer exists is named, even when a test runs it' '
	cat >doc.md <<-\EOF
	```sh
	releaser mirror --frobnicate
	releaser no-such-command --json
	ci/mirror.sh --fetch --frobnicate
	make test no-such-target
	```
	EOF
	doc_commands doc.md >t.sh
	check_doc doc.md t.sh >actual
	cat >expect <<-\EOF
	releaser mirror --help does not list --frobnicate: releaser mirror --frobnicate
	releaser no-such-command --help fails: releaser no-such-command --json
	ci/mirror.sh does not document --frobnicate: ci/mirror.sh --fetch --frobnicate
	the Makefile has no target no-such-target: make test no-such-target
	EOF
	test_cmp expect actual
'

test_expect_success 'RELEASING.md names every exit code and every ci/ script and workflow' '
	for s in "$ROOT"/ci/*.sh; do
		case "$(basename "$s")" in lib.sh|install-deps.sh|mirror-issue.sh|publish.sh) ;;
		*) test_grep "ci/$(basename "$s")" "$ROOT/RELEASING.md" ;; esac
	done
	for w in "$ROOT"/.github/workflows/*.yml; do
		test_grep "$(basename "$w")" "$ROOT/RELEASING.md"
	done
	test_grep "^- .0. success" "$ROOT/RELEASING.md"
	test_grep "^- .1. the operation failed" "$ROOT/RELEASING.md"
	test_grep "^- .2. bad usage" "$ROOT/RELEASING.md"
'

test_expect_success 'the workflows only call scripts from ci/' '
	for w in "$ROOT"/.github/workflows/*.yml; do
		sed -n "s/^ *\(- \)\{0,1\}run: *//p" "$w"
	done >runs
	test -s runs
	grep -v -e "^ci/" -e "^apt-get update -qq && apt-get install -y -qq git ca-certificates >/dev/null$" \
		-e "^git config --global --add safe.directory \"\$GITHUB_WORKSPACE\"$" runs >other || true
	test_cmp /dev/null other
'
test_done
