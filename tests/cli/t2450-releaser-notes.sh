#!/bin/bash
# releaser notes: the commits since the previous release of the channel,
# grouped, without merges or markers; a debug release's own commits.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1
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

# raw_commit AUTHOR_LINE MESSAGE [HEADER]: a commit object written as is on
# top of HEAD (printf's escapes in MESSAGE and HEADER give any bytes; git
# itself would refuse or repair them), main moved to it
raw_commit() {
	when=$((when + 1))
	{
		printf "tree %s\nparent %s\n%b\ncommitter C O Mitter <c@example.org> %s +0000\n" \
			"$(git rev-parse "HEAD^{tree}")" "$(git rev-parse HEAD)" "$1" "$when"
		printf "${3:-}"
		printf "\n$2\n"
	} >../raw-commit
	git update-ref refs/heads/main "$(git hash-object -t commit -w --literally ../raw-commit)"
}

# is_utf8 FILE: the file is well-formed UTF-8
is_utf8() {
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null
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

test_expect_success 'version tags off the released history change nothing; the nearest release wins' '
	history r
	releaser notes --json v1.1.0 >before.json
	git checkout -q -b side v1.0.0
	for i in 1 2 3; do
		commit_msg side "fix: side $i" && git tag "v1.0.$i" || return 1
	done
	git checkout -q main
	releaser notes --json v1.1.0 >after.json
	test_cmp before.json after.json
	test "$(jq -r .previous after.json)" = v1.0.0
	# merged into main, the side tags are nearer than v1.0.0: the highest of them is the previous release
	when=$((when + 1))
	GIT_COMMITTER_DATE="@$when +0000" git merge -q --no-ff -m "Merge branch side" side
	commit_msg f "feat: after the merge" && F=$(short HEAD)
	git tag -a v1.2.0 -m v1.2.0
	releaser notes --json v1.2.0 >merged.json
	test "$(jq -r .previous merged.json)" = v1.1.0
	git tag -d v1.1.0 v1.1.0-rc.1 >/dev/null
	releaser notes --json v1.2.0 >merged.json
	test "$(jq -r .previous merged.json)" = v1.0.3
	not grep -q "fix: side" merged.json
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
	# a version tag on a tree: bad usage for itself, no candidate for others
	git tag v1.0.5 "$(git rev-parse "HEAD^{tree}")"
	expect_exit 2 releaser notes v1.0.5 2>err
	one_line err
	test_grep "tag .v1.0.5. does not point at a commit" err
	releaser notes v1.1.0 >actual 2>err
	test_cmp /dev/null err
	test_grep "^Changes since v1.0.0.$" actual
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
test_expect_success 'a release over Latin-1 and broken UTF-8 text: CHANGELOG.md in UTF-8, signed' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1.0.0
	echo a >>a && git add a
	git -c i18n.commitEncoding=ISO-8859-1 commit -q -m "$(printf "feat: na\357ve r\351sum\351")" && A=$(short HEAD)
	raw_commit "author Test <t@example.org> $when +0000" "fix: caf\351 \377" && B=$(short HEAD)
	git reset -q --hard
	git tag -a v1.1.0 -m v1.1.0
	releaser release --dev-key ../dev --arch amd64 --out ../dist >/dev/null 2>../err || { cat ../err; exit 1; }
	is_utf8 ../dist/CHANGELOG.md
	test_grep "^- naïve résumé ($A)$" ../dist/CHANGELOG.md
	test_grep "^- caf� � ($B)$" ../dist/CHANGELOG.md
	releaser verify --pubkey ../dev.pub ../dist >/dev/null
'

test_expect_success 'commit text in Latin-1 or not UTF-8 is decoded, repaired and counted, not fatal' '
	make_repo r && cd r
	git tag -a v1.0.0 -m v1.0.0
	echo a >a && git add a
	git -c i18n.commitEncoding=ISO-8859-1 commit -q -m "$(printf "feat: na\357ve r\351sum\351")"
	git cat-file commit HEAD >raw
	test_grep "^encoding ISO-8859-1$" raw
	latin1=$(short HEAD)
	raw_commit "author Ren\351 <rene@example.org> $when +0000" "fix: bad \377\376 bytes" "encoding ISO-8859-1\n"
	raw_commit "author Test <t@example.org> $when +0000" "fix: caf\351 \377 in UTF-8\n\nbody \200"
	bad=$(short HEAD)
	raw_commit "author Test <t@example.org> $when +0000" "docs: r\351sum\351 in an unknown encoding" "encoding no-such-charset\n"
	unknown=$(short HEAD)
	git tag -a v1.1.0 -m v1.1.0
	releaser notes --json v1.1.0 >notes.json
	jq -e . notes.json >/dev/null
	jq -r ".groups[].commits[] | \"\(.short_id) \(.replaced) \(.subject)\"" notes.json >actual
	cat >expect <<-EOF
	$unknown 2 docs: r�sum� in an unknown encoding
	$bad 3 fix: caf� � in UTF-8
	$(git rev-parse --short=12 HEAD~2) 0 fix: bad ÿþ bytes
	$latin1 0 feat: naïve résumé
	EOF
	sort expect >expect.sorted && sort actual >actual.sorted
	test_cmp expect.sorted actual.sorted
	test "$(jq -r ".groups[].commits[] | select(.short_id == \"$(git rev-parse --short=12 HEAD~2)\") | .author" notes.json)" = René
	test "$(jq .replaced_commits notes.json)" = 2
	releaser notes v1.1.0 >CHANGELOG.md
	is_utf8 CHANGELOG.md
	test_grep "^- naïve résumé ($latin1)$" CHANGELOG.md
	test_grep "^- caf� � in UTF-8 ($bad)$" CHANGELOG.md
'

test_expect_success 'an author line libgit2 refuses: a warning naming the commit, the commit listed without author' '
	make_repo r && cd r
	git tag -a v1.0.0 -m v1.0.0
	raw_commit "author Foo <foo@bar $when +0000" "fix: no closing bracket" && c1=$(git rev-parse HEAD)
	raw_commit "author Foo $when +0000" "fix: no e-mail at all" && c2=$(git rev-parse HEAD)
	raw_commit "author Foo <foo@bar> yesterday +0000" "fix: a date that is not a number" && c3=$(git rev-parse HEAD)
	commit_msg a "feat: a good commit on top" && good=$(short HEAD)
	git log --format=%s v1.0.0..HEAD >git-log
	test_line_count git-log 4
	git tag -a v1.1.0 -m v1.1.0
	releaser notes --json v1.1.0 >notes.json 2>err
	test_line_count err 3
	for c in $c1 $c2 $c3; do
		test_grep "^releaser: warning: commit $c has an author or committer line that cannot be parsed (.*): the notes list it without its author$" err || return 1
		test "$(jq -r ".groups[].commits[] | select(.id == \"$c\") | .author" notes.json)" = null || return 1
	done
	test "$(jq -r ".groups[].commits[] | select(.short_id == \"$good\") | .author" notes.json)" = "Test User"
	test "$(jq .authors_missing notes.json)" = 3
	releaser notes v1.1.0 >CHANGELOG.md 2>/dev/null
	test "$(grep -c "^- " CHANGELOG.md)" = 4
	test_grep "^- a date that is not a number ($(git rev-parse --short=12 $c3))$" CHANGELOG.md
	# the previous release is found past them, and a later release too
	commit_msg b "fix: after" && after=$(short HEAD)
	git tag -a v1.2.0 -m v1.2.0
	releaser notes v1.2.0 >actual 2>err
	test_cmp /dev/null err
	test_grep "^Changes since v1.1.0.$" actual
	test "$(grep "^- " actual)" = "- after ($after)"
	# info finds the release past them too (its describe walks raw headers)
	commit_msg c "fix: untagged"
	releaser info --json >info.json
	test "$(jq -r .describe info.json)" = "v1.2.0-1-g$(git rev-parse --short=12 HEAD)"
	test "$(jq -r .version info.json)" = "v1.2.1-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
'

test_expect_success 'HEAD or a tag libgit2 cannot parse: info, the tag at HEAD and the notes still work' '
	make_repo r && cd r
	git tag -a v1.0.0 -m v1.0.0
	raw_commit "author Foo $when +0000" "fix: no e-mail at all"
	releaser info --json >info.json
	test "$(jq -r .dirty info.json)" = false
	test "$(jq -r .version info.json)" = "v1.0.1-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
	git tag -a v1.0.1 -m v1.0.1
	releaser info --json >info.json
	test "$(jq -r .tag info.json)" = v1.0.1
	test "$(jq -r .version info.json)" = v1.0.1
	releaser notes v1.0.1 >notes 2>err
	test_grep "^- no e-mail at all" notes
	# a tag object whose tagger line has no e-mail, on a later commit
	commit_msg a "fix: later"
	printf "object %s\ntype commit\ntag v1.0.2\ntagger nobody 1700000000 +0000\n\nv1.0.2\n" \
		"$(git rev-parse HEAD)" >rawtag
	git update-ref refs/tags/v1.0.2 "$(git hash-object -t tag -w --literally rawtag)"
	releaser info --json >info.json
	test "$(jq -r .tag info.json)" = v1.0.2
	releaser notes v1.0.2 >notes
	test_grep "^Changes since v1.0.1.$" notes
	test_grep "^- later" notes
'

# hostile SUBJECTS, one a line (printf escapes), each a commit after v1.0.0
hostile_history() {
	make_repo r && cd r
	git tag -a v1.0.0 -m v1.0.0
	while IFS= read -r subject; do
		raw_commit "author Test <t@example.org> $when +0000" "$subject" || return 1
	done <<-\EOF
	<script>alert(1)</script>
	feat: <img src=x onerror=alert(1)>
	fix: [click](javascript:alert(1)) and ![x](javascript:alert(2))
	<!-- everything after this is hidden
	```
	~~~ a fence
	# a heading
	feat: # a heading after the type
	> a quote
	- a nested item
	+ another
	* and another
	1. an ordered list
	2) another one
	===
	---
	| a | b |\n|---|---|\n| c | d |
	<https://example.org> and <javascript:alert(3)> autolinks
	fix: &lt;script&gt; as entities, &amp; an ampersand
	feat(<b>scope</b>): markup in the scope
	chore: carriage\rreturn, escape \033[31mred\033[0m and bell \007 and DEL \177 and C1 \302\205
	docs: a link [x]\n\n[x]: javascript:alert(4)
	fix: emphasis *a* _b_ **c** `code` ~~strike~~ $x$ back\\\\slash
	refactor: body with a breaking note\n\nBREAKING CHANGE: <script>alert(5)</script> `unclosed
	    indented four spaces
	EOF
	git tag -a v1.1.0 -m v1.1.0
}

test_expect_success 'commit text cannot inject HTML, links or blocks into CHANGELOG.md (cmark --unsafe)' '
	command -v cmark >/dev/null || { echo "cmark is missing: run ci/install-deps.sh" >&2; exit 1; }
	hostile_history
	releaser notes v1.1.0 >CHANGELOG.md
	is_utf8 CHANGELOG.md
	# no control characters at all: one line per entry, nothing but text
	not env LC_ALL=C grep -qP "[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]" CHANGELOG.md
	cmark --unsafe CHANGELOG.md >notes.html
	n=$(git rev-list --count v1.0.0..v1.1.0)
	test "$n" = 25
	for c in $(git rev-list v1.0.0..v1.1.0); do
		test "$(grep -c "^- .* ($(short $c))$" CHANGELOG.md)" = 1 || return 1
		test "$(grep -c "($(short $c))" notes.html)" = 1 || return 1
	done
	# no raw HTML from commit text, no javascript: link, no link at all
	not grep -qi "<script\|<img\|<!--\|<b>\|<a \|href=" notes.html
	# the notes own one h1, one h2 per section, one list per section and
	# one nested list for the breaking note: nothing else makes a block
	test "$(grep -c "<h1>" notes.html)" = 1
	sections=$(grep -c "^## " CHANGELOG.md)
	test "$(grep -c "<h2>" notes.html)" = "$sections"
	test "$(grep -c "<ul>" notes.html)" = $((sections + 1))
	test "$(grep -o "<li>" notes.html | wc -l)" = $((n + 1))
	not grep -q "<h[3-6]\|<pre\|<code\|<blockquote\|<table\|<ol\|<hr\|<em>\|<strong>[^a-z]*<\|<del>" notes.html
	test "$(grep -o "<strong>" notes.html | wc -l)" = 1
	test_grep "<strong>&lt;b&gt;scope&lt;/b&gt;:</strong> markup in the scope" notes.html
	test_grep "&amp;lt;script&amp;gt; as entities" notes.html
	bt=$(printf "\140")
	grep -qxF "  - &lt;script&gt;alert(5)&lt;/script&gt; \\$bt""unclosed" CHANGELOG.md
	test_grep "^- carriage return, escape \\\\\[31mred\\\\\[0m and bell and DEL and C1 (" CHANGELOG.md
	# the text survives: what is escaped renders as typed
	grep -qF "<li>emphasis *a* _b_ **c** $bt""code$bt ~~strike~~ \$x\$ back" notes.html
'

test_expect_success 'a long subject is cut with an ellipsis; the release body stays under GitHub'"'"'s limit' '
	make_repo r && cd r
	git tag -a v1.0.0 -m v1.0.0
	long=$(printf "x%.0s" $(seq 3000))
	commit_msg a "feat: $long" && A=$(short HEAD)
	# 3,000 commits of 80-odd characters each: about 250,000 characters
	awk -v when="$when" "BEGIN {
		printf \"commit refs/heads/main\nmark :1\ncommitter T <t@example.org> %d +0000\ndata 2\nx\nfrom refs/heads/main^0\n\", when
		for (i = 2; i <= 3000; i++) {
			s = sprintf(\"fix: a commit with a subject long enough to fill the body quickly, number %d\", i)
			printf \"commit refs/heads/main\nmark :%d\ncommitter T <t@example.org> %d +0000\ndata %d\n%s\nfrom :%d\n\", i, when + i, length(s) + 1, s, i - 1
		}
	}" | git fast-import --quiet
	git tag -a v1.1.0 -m v1.1.0 main
	releaser notes v1.1.0 >CHANGELOG.md
	test "$(grep -c "^- " CHANGELOG.md)" = 3001
	test_grep "^- x\{1000\}… ($A)$" CHANGELOG.md
	chars=$(LC_ALL=C.UTF-8 wc -m <CHANGELOG.md)
	test "$chars" -gt 125000
	releaser notes --body CHANGELOG.md >body.md
	test "$(LC_ALL=C.UTF-8 wc -m <body.md)" -le 125000
	shown=$(grep -c "^- " body.md)
	cut=$((3001 - shown))
	test "$cut" -gt 0
	test "$(tail -n 1 body.md)" = "*$cut of the 3001 entries are not shown here: CHANGELOG.md, attached to this release, lists them all.*"
	# what is shown is CHANGELOG.md as it starts, cut before an item
	head -n "$(($(wc -l <body.md) - 2))" body.md >shown.md
	head -n "$(wc -l <shown.md)" CHANGELOG.md >start.md
	test_cmp start.md shown.md
	cmark body.md >body.html
	test "$(grep -o "<li>" body.html | wc -l)" = "$shown"
	test_grep "^<p><em>$cut of the 3001 entries" body.html
	# a short CHANGELOG.md is the body as it is; --max-chars lowers the limit
	head -n 30 CHANGELOG.md >short.md
	releaser notes --body short.md >body.md
	test_cmp short.md body.md
	releaser notes --body short.md --max-chars 2000 >body.md
	test "$(LC_ALL=C.UTF-8 wc -m <body.md)" -le 2000
	test "$(grep -c "^- " body.md)" -gt 0
	test_grep "^\*$(($(grep -c "^- " short.md) - $(grep -c "^- " body.md))) of the $(grep -c "^- " short.md) entries are not shown here" body.md
'

test_expect_success 'notes --body: a missing file or a bad --max-chars is bad usage, one line' '
	make_repo r && cd r
	expect_exit 2 releaser notes --body nope.md >out 2>err
	one_line err
	test_grep "nope.md" err
	test_cmp /dev/null out
	echo "# x" >c.md
	expect_exit 2 releaser notes --body c.md --max-chars 12x 2>err
	one_line err
	test_grep "max-chars takes a number" err
	expect_exit 2 releaser notes --body c.md --json 2>err
	one_line err
'
test_done
