#!/bin/bash
# releaser check: every problem a release would be refused for before it
# builds, all at once and without building: each unknown section or key of
# releaser.conf with the nearest known name, each bad value, a missing
# tool, the repository's state and the output directory; exit 0 when
# clean, 2 otherwise; --json for machines. release and package refuse the
# same releaser.conf problems first.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

test_expect_success 'a clean project: "ok", exit 0, nothing on stderr; --json says ok' '
	fake_project p && cd p
	printf "[project]\n\tname = profiling-agent\n[deb]\n\tmaintainer = A B <ab@example.org>\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	"$R" check >../out 2>../err
	echo ok >../expect
	test_cmp ../expect ../out
	test ! -s ../err
	"$R" check --json >../json
	test "$(jq -r .ok ../json)" = true
	test "$(jq ".problems | length" ../json)" = 0
	test "$(jq -r .config ../json)" = "$PWD/releaser.conf"
'

# each line: the releaser.conf text (printf format) with one typo | the
# line it is on | kind | section | key | suggestion | the message
cat >"$TRASH_ROOT/typos" <<'TYPOS'
[deb]\n\tmaintainr = A <a@example.org>\n|2|unknown-key|deb|maintainr|deb.maintainer|unknown key 'maintainr' in [deb]; did you mean 'maintainer'?
[deb]\n\thompage = https://example.org\n|2|unknown-key|deb|hompage|deb.homepage|unknown key 'hompage' in [deb]; did you mean 'homepage'?
[deb]\n\tdepend = libc6\n|2|unknown-key|deb|depend|deb.depends|unknown key 'depend' in [deb]; did you mean 'depends'?
[deb]\n\tdpends = libc6\n|2|unknown-key|deb|dpends|deb.depends|unknown key 'dpends' in [deb]; did you mean 'depends'?
[project]\n\tnmae = x\n|2|unknown-key|project|nmae|project.name|unknown key 'nmae' in [project]; did you mean 'name'?
[branch]\n\tmian = main\n|2|unknown-key|branch|mian|branch.main|unknown key 'mian' in [branch]; did you mean 'main'?
[branch]\n\tdebg = debug\n|2|unknown-key|branch|debg|branch.debug|unknown key 'debg' in [branch]; did you mean 'debug'?
[build]\n\tarchs = amd64\n|2|unknown-key|build|archs|build.arch|unknown key 'archs' in [build]; did you mean 'arch'?
[package]\n\tfiles = LICENSE\n|2|unknown-key|package|files|package.file|unknown key 'files' in [package]; did you mean 'file'?
[mirror]\n\talow = releaser.conf\n|2|unknown-key|mirror|alow|mirror.allow|unknown key 'alow' in [mirror]; did you mean 'allow'?
[guard]\n\tmaxsise = 1m\n|2|unknown-key|guard|maxsise|guard.maxsize|unknown key 'maxsise' in [guard]; did you mean 'maxsize'?
[package]\n\tmaintainer = A <a@example.org>\n|2|unknown-key|package|maintainer|deb.maintainer|unknown key 'maintainer' in [package]; did you mean 'maintainer' in [deb]?
# a comment\n[build]\n\tarch = amd64\n[deb]\n\tarch = amd64\n|5|unknown-key|deb|arch|build.arch|unknown key 'arch' in [deb]; did you mean 'arch' in [build]?
[biuld]\n\tarch = amd64\n|1|unknown-section|biuld||build|unknown section [biuld]; did you mean [build]?
[projet]\n\tname = x\n|1|unknown-section|projet||project|unknown section [projet]; did you mean [project]?
[packge]\n\tfile = LICENSE\n|1|unknown-section|packge||package|unknown section [packge]; did you mean [package]?
[project]\n\tname = agent\n\n[gaurd]\n|4|unknown-section|gaurd||guard|unknown section [gaurd]; did you mean [guard]?
[miror]\n\tallow = releaser.conf\n|1|unknown-section|miror||mirror|unknown section [miror]; did you mean [mirror]?
[brnach]\n\tmain = main\n|1|unknown-section|brnach||branch|unknown section [brnach]; did you mean [branch]?
[Deb "x"]\n\tmaintainer = A <a@example.org>\n|1|unknown-section|deb||deb|unknown section [deb "x"]: releaser.conf's sections have no subsections; did you mean [deb]?
TYPOS

test_expect_success 'each of 20 typos (keys and sections) is named with its nearest known name' '
	fake_project p && cd p
	test "$(wc -l <"$TRASH_ROOT/typos")" = 20
	while IFS="|" read -r text line kind section key suggestion message; do
		printf "$text" >releaser.conf
		git add releaser.conf && git commit -q -m "$kind" || return 1
		expect_exit 2 "$R" check >../out 2>../err || return 1
		printf "releaser.conf:%s: %s\n" "$line" "$message" >../expect
		test_cmp ../expect ../out || return 1
		test "$(cat ../err)" = "releaser: 1 problem found: a release would be refused (see above)" || return 1
		expect_exit 2 "$R" check --json >../json 2>/dev/null || return 1
		test "$(jq -r ".ok, (.problems | length)" ../json | paste -sd " ")" = "false 1" || return 1
		test "$(jq -r ".problems[0] | [.line, .kind, .section, (.key // \"\"), .suggestion, .message] | join(\"|\")" ../json)" = \
			"$line|$kind|$section|$key|$suggestion|$message" || return 1
		# every other command refuses it with the same message, one line
		expect_exit 2 "$R" info >/dev/null 2>../err || return 1
		printf "releaser: '\''%s'\'': %s\n" "$PWD/releaser.conf" "$message" >../expect
		test_cmp ../expect ../err || return 1
	done <"$TRASH_ROOT/typos"
'

test_expect_success 'every problem at once, in the order of the lines, with bad values, tools and state' '
	fake_project p && cd p
	printf "[biuld]\n\tarch = amd64\n[deb]\n\tmaintainr = x\n\thomepage = javascript:alert(1)\n[project]\n\tname = Bad\n[guard]\n\tmaxsize = lots\n[foo]\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	echo dirty >>README.md
	mkdir ../bin && ln -s "$(command -v git)" ../bin/git
	PATH="$PWD/../bin" expect_exit 2 "$R" check >../out 2>../err
	cut -d: -f1-2 ../out | tr -d "\047" >../where
	cat >../expect <<-\EOF
	releaser.conf:1
	releaser.conf:4
	releaser.conf:5
	releaser.conf:7
	releaser.conf:9
	releaser.conf:10
	tool: make is not on PATH
	tool: cc is not on PATH
	tool: clang is not on PATH
	tool: llvm-strip is not on PATH
	tool: pkg-config is not on PATH
	tool: dpkg-query is not on PATH
	preflight: arch arm64 cannot be built here
	preflight: the work tree has uncommitted changes
	EOF
	test_cmp ../expect ../where
	test_grep "^releaser.conf:10: unknown section \[foo\]: the sections are project, branch, build, package, mirror, guard, deb$" ../out
	test_grep "^releaser.conf:5: deb.homepage .javascript:alert(1). is not a homepage URL" ../out
	test_grep "^releaser.conf:9: guard.maxsize is not a number of bytes" ../out
	test "$(cat ../err)" = "releaser: 14 problems found: a release would be refused (see above)"
	PATH="$PWD/../bin" expect_exit 2 "$R" check --json >../json 2>/dev/null
	test "$(jq -r "[.problems[].kind] | unique | join(\",\")" ../json)" = "bad-value,preflight,tool,unknown-key,unknown-section"
	test "$(jq -r ".problems[] | select(.kind == \"tool\") | .line" ../json | sort -u)" = null
'

test_expect_success 'release and package refuse a typo before anything is built or written' '
	fake_project p && cd p
	printf "[deb]\n\tmaintainr = A <a@example.org>\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	for cmd in "release --no-sign --out ../dist" "package --no-sign --out ../dist" "build"; do
		# shellcheck disable=SC2086
		expect_exit 2 "$R" $cmd >../out 2>../err || return 1
		one_line ../err || return 1
		test_grep "unknown key .maintainr. in \[deb\]; did you mean .maintainer.?$" ../err || return 1
		test ! -s ../out || return 1
	done
	test ! -e build && test ! -e ../dist
'

test_expect_success 'check needs a repository, not a clean releaser.conf; help and bad usage' '
	expect_exit 2 "$R" -C "$TRASH" check 2>../err
	one_line ../err
	"$R" check --help >../help
	test_grep "^usage: releaser check" ../help
	test_grep "exit codes: 0 no problem" ../help
	"$R" help check >../help2
	test_cmp ../help ../help2
	fake_project p && cd p
	expect_exit 2 "$R" check extra 2>../err
	one_line ../err
	expect_exit 2 "$R" check --bogus 2>../err
	test_grep "unknown option .--bogus." ../err
'

test_expect_success 'an [include] section and a syntax error are problems, reported with their line' '
	fake_project p && cd p
	printf "[project]\n\tname = x\n[include]\n\tpath = /etc/hostname\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	expect_exit 2 "$R" check >../out 2>/dev/null
	test_grep "^releaser.conf:3: \[include\] sections are not allowed: releaser.conf must be one file$" ../out
	test "$(jq -r ".problems[0].kind" <<<"$("$R" check --json 2>/dev/null)")" = unsafe
	printf "[project]\n\tname = x\n[deb\n" >releaser.conf
	git commit -q -am syntax
	expect_exit 2 "$R" check >../out 2>/dev/null
	test_grep "^releaser.conf:3: " ../out
	test "$("$R" check --json 2>/dev/null | jq -r ".problems[0].kind")" = syntax
'

test_done
