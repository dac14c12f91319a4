#!/bin/bash
# releaser notes: the commits since the previous release of the channel,
# grouped, without merges or markers; a debug release's own commits.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"
. "$ROOT/tests/lib-release.sh"
export TZ=UTC

# commit_msg FILE SUBJECT [BODY]: a commit changing FILE, one second after
# the last (so history order is the same for git and the releaser)
when=1704164645
commit_msg() {
	when=$((when + 1))
	echo "$2" >>"$1"
	git add "$1"
	GIT_COMMITTER_DATE="@$when +0000" GIT_AUTHOR_DATE="@$when +0000" git commit -q -m "$2" ${3:+-m "$3"}
}

# short REV: the commit's hash as the notes write it
short() {
	git rev-parse --short=12 "$1^{commit}"
}

# history DIR [--debug]: main with v1.0.0, a feature and a fix,
# v1.1.0-rc.1, a performance change, a merged branch with a breaking
# change, another change, v1.1.0; the hashes in A B C D E, the merge in M.
# With --debug, right after v1.0.0: v1.0.0-debug (on a marker commit, in
# MARKER) and a fix on the debug branch (X)
history() {
	make_repo "$1"
	cd "$1"
	git tag -a v1.0.0 -m v1.0.0
	if [ "${2:-}" = --debug ]; then
		git checkout -q debug
		releaser tag v1.0.0 >out
		test_grep "^marker: yes" out
		MARKER=$(short HEAD)
		commit_msg debug.txt "fix: log the verifier output" && X=$(short HEAD)
		git checkout -q main
	fi
	commit_msg a "feat: add the flame graph" && A=$(short HEAD)
	commit_msg b "fix(agent): exit 0 on SIGTERM" && B=$(short HEAD)
	git tag -a v1.1.0-rc.1 -m v1.1.0-rc.1
	commit_msg c "perf: cache symbols" && C=$(short HEAD)
	git checkout -q -b topic
	commit_msg d "feat(api)!: rename the profile call" "BREAKING CHANGE: profile() is now run()" && D=$(short HEAD)
	git checkout -q main
	when=$((when + 1))
	GIT_COMMITTER_DATE="@$when +0000" git merge -q --no-ff -m "Merge branch topic" topic && M=$(short HEAD)
	commit_msg e "Update the README" && E=$(short HEAD)
	git tag -a v1.1.0 -m v1.1.0
}

test_expect_success 'notes --help shows the usage and the exit codes' '
	"$R" notes --help >out
	test_grep "^usage: releaser notes \[--json\] \[TAG\]" out
	test_grep "skips its own pre-releases" out
	test_grep "^exit codes: 0" out
'

test_expect_success 'v1.1.0: exactly the commits since v1.0.0, grouped, breaking first, no merge' '
	history r
	releaser notes v1.1.0 >actual
	cat >expect <<-EOF
	# v1.1.0 (2024-01-02)

	Changes since v1.0.0.

	## Breaking changes

	- **api:** rename the profile call ($D)
	  - profile() is now run()

	## Features

	- add the flame graph ($A)

	## Bug fixes

	- **agent:** exit 0 on SIGTERM ($B)

	## Performance

	- cache symbols ($C)

	## Other changes

	- Update the README ($E)
	EOF
	test_cmp expect actual
	# the same commits as git lists, and not the merge
	git log --no-merges --format=%h --abbrev=12 v1.0.0..v1.1.0 | sort >expect.ids
	grep -o "([0-9a-f]\{12\})$" actual | tr -d "()" | sort >actual.ids
	test_cmp expect.ids actual.ids
	not grep -q "$M" actual
	not grep -qi merge actual
'

test_expect_success 'v1.1.0-rc.1: since v1.0.0 up to the pre-release' '
	history r
	releaser notes v1.1.0-rc.1 >actual
	cat >expect <<-EOF
	# v1.1.0-rc.1 (2024-01-02)

	Changes since v1.0.0.

	## Features

	- add the flame graph ($A)

	## Bug fixes

	- **agent:** exit 0 on SIGTERM ($B)
	EOF
	test_cmp expect actual
'

test_expect_success 'the first release lists everything it contains' '
	history r
	releaser notes v1.0.0 >actual
	test_grep "^The first release: every commit up to v1.0.0.$" actual
	test_grep "^- first ($(short v1.0.0))$" actual
	test "$(grep -c "^- " actual)" = "$(git rev-list --count --no-merges v1.0.0)"
'

test_expect_success '--json: the same notes for CI, parsed by jq' '
	history r
	releaser notes --json v1.1.0 >notes.json
	test "$(jq -r .version notes.json)" = v1.1.0
	test "$(jq -r .previous notes.json)" = v1.0.0
	test "$(jq -r .mirrors notes.json)" = null
	test "$(jq -r .channel notes.json)" = release
	test "$(jq -r .commit notes.json)" = "$(git rev-parse v1.1.0^{commit})"
	test "$(jq -r "[.groups[].title] | join(\",\")" notes.json)" = \
		"Breaking changes,Features,Bug fixes,Performance,Other changes"
	test "$(jq -r "[.groups[].commits[]] | length" notes.json)" = 5
	test "$(jq -r ".groups[0].commits[0].short_id" notes.json)" = "$D"
	test "$(jq -r ".groups[0].commits[0].scope" notes.json)" = api
	test "$(jq -r ".groups[0].commits[0].breaking_note" notes.json)" = "profile() is now run()"
'

test_expect_success 'without a tag: the tag at HEAD, else a snapshot since the last release' '
	history r
	releaser notes v1.1.0 >expect
	git checkout -q v1.1.0
	releaser notes >actual
	test_cmp expect actual
	git checkout -q main
	commit_msg f "fix: after the release" && F=$(short HEAD)
	releaser notes >actual
	test_grep "^# v1.1.1-SNAPSHOT-$(git rev-parse --short=12 HEAD) (2024-01-02)$" actual
	test_grep "^Changes since v1.1.0.$" actual
	test "$(grep "^- " actual)" = "- after the release ($F)"
'

test_expect_success 'v1.1.0-debug names v1.1.0 and lists only what debug adds, not the marker' '
	history r --debug
	releaser mirror >out
	test_grep "^result: merged" out
	git checkout -q debug
	releaser tag v1.1.0 >out
	test_grep "^marker: no" out
	releaser notes v1.1.0-debug >actual
	cat >expect <<-EOF
	# v1.1.0-debug ($(git log -1 --format=%cd --date=format-local:%Y-%m-%d v1.1.0-debug))

	The debug release of v1.1.0: what the debug branch adds on top of it.
	Previous debug release: v1.0.0-debug.

	## Bug fixes

	- log the verifier output ($X)
	EOF
	test_cmp expect actual
	not grep -q "$MARKER" actual
	git log --format=%s -1 "$MARKER" >subject
	test_grep "^Mark debug release v1.0.0-debug$" subject
	releaser notes --json v1.1.0-debug >notes.json
	test "$(jq -r .mirrors notes.json)" = v1.1.0
	test "$(jq -r .channel notes.json)" = debug
	releaser notes v1.0.0-debug >actual
	test_grep "^The debug release of v1.0.0" actual
	test_grep "^No changes.$" actual
'

test_expect_success 'a missing tag, a tag that is not a version, two tags: exit 2, one line' '
	history r
	expect_exit 2 releaser notes v9.9.9 >out 2>err
	one_line err
	test_grep "tag .v9.9.9. does not exist" err
	test_cmp /dev/null out
	git tag not-a-version
	expect_exit 2 releaser notes not-a-version 2>err
	one_line err
	test_grep "tag .not-a-version. is not a release version" err
	expect_exit 2 releaser notes v1.0.0 v1.1.0 2>err
	one_line err
	test_grep "notes takes one tag, got .v1.1.0. too" err
	expect_exit 2 releaser notes --frobnicate 2>err
	one_line err
	test_grep "unknown option .--frobnicate. (see releaser notes --help)" err
'

test_expect_success 'a debug tag whose release is missing: a warning, and the channel'"'"'s range' '
	history r
	git tag v2.0.0-debug
	releaser notes v2.0.0-debug >actual 2>err
	one_line err
	test_grep "warning: tag .v2.0.0. (the release .v2.0.0-debug. mirrors) does not exist" err
	test_grep "^The debug release of v2.0.0 (a tag this repository does not have): every commit up to v2.0.0-debug.$" actual
	test "$(grep -c "^- " actual)" = "$(git rev-list --count --no-merges v2.0.0-debug)"
'
test_expect_success 'a release writes CHANGELOG.md into the output directory, listed in SHA256SUMS' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1.0.0
	commit_msg a "feat: add the flame graph" && A=$(short HEAD)
	commit_msg b "fix(agent): exit 0 on SIGTERM" && B=$(short HEAD)
	git tag -a v1.1.0 -m v1.1.0
	releaser notes v1.1.0 >../expect
	releaser release --dev-key ../dev --arch amd64 --out ../dist 2>/dev/null >/dev/null
	test_cmp ../expect ../dist/CHANGELOG.md
	test_grep "^- add the flame graph ($A)$" ../dist/CHANGELOG.md
	test_grep "^- \*\*agent:\*\* exit 0 on SIGTERM ($B)$" ../dist/CHANGELOG.md
	(cd ../dist && sha256sum -c SHA256SUMS) >../checked
	test_grep "^CHANGELOG.md: OK$" ../checked
	test "$(jq -r ".artifacts[] | select(.name == \"CHANGELOG.md\") | .sha256" ../dist/manifest.json)" = \
		"$(sha256sum <../dist/CHANGELOG.md | cut -d" " -f1)"
	releaser verify --pubkey ../dev.pub ../dist >/dev/null
'
test_done
