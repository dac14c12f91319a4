#!/bin/bash
# RELEASING.md: every command in its sh code blocks is run by a test.
. "$(dirname "$0")/../lib.sh"

# the command lines of RELEASING.md's sh blocks (indented ones too), without
# trailing comments
doc_commands() {
	awk '/^ *```sh$/ { on = 1; next } /^ *```$/ { on = 0; next } on && NF && $1 !~ /^#/' "$ROOT/RELEASING.md" |
		sed -e 's/[[:space:]]\{1,\}#.*//' -e 's/^[[:space:]]*//'
}

test_expect_success 'RELEASING.md has commands in sh blocks' '
	doc_commands >commands
	test "$(wc -l <commands)" -ge 10
	test_grep "^releaser mirror$" commands
	test_grep "^releaser tag " commands
	test_grep "^ci/release.sh" commands
'

# pattern CMD: an extended regex matching CMD as written, where each
# all-capitals word (ARCH, FILE: a placeholder) stands for any word
pattern() {
	printf '%s\n' "$1" | sed -e 's/[][\\.*^$+?(){}|]/\\&/g' \
		-e 's/\(^\| \)[A-Z][A-Z0-9_]*\( \|$\)/\1[^ ]+\2/g'
}

test_expect_success 'placeholders stand for one word' '
	test "$(pattern "releaser release --arch ARCH --out dist")" = "releaser release --arch [^ ]+ --out dist"
	echo "x releaser release --arch amd64 --out dist" | grep -qE "$(pattern "releaser release --arch ARCH --out dist")"
	echo "git tag -a v1.0.1 -m v1.0.1" | grep -qE "$(pattern "git tag -a v1.0.1 -m v1.0.1")"
	not grep -qE "$(pattern "a.b")" <<<"axb"
'

test_expect_success 'each of them appears, as written, in a test that runs it' '
	doc_commands >commands
	: >missing
	while IFS= read -r cmd; do
		grep -qE -e "$(pattern "$cmd")" $(ls "$ROOT"/tests/cli/t*.sh | grep -v t2990) || echo "$cmd" >>missing
	done <commands
	test_cmp /dev/null missing
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
