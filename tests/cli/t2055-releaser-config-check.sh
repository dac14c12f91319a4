#!/bin/bash
# Everything a release can be refused for without building is refused
# before building: releaser.conf values that become package names, file
# names, versions or control fields are checked where they are read, and
# a version the releaser computes is one it parses back. `info` names the
# problem (exit 2 for a bad releaser.conf, a preflight line otherwise), and
# `release` exits 2 with one line naming the key, with nothing built and
# nothing in the output directory.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

sq="'"

# conf_refused TEXT MESSAGE: with releaser.conf holding TEXT (printf
# format), info, package and release exit 2 with the one line
# "releaser: 'PATH': MESSAGE" (exactly; $sq is a single quote), build/ and
# ../dist are not made
conf_refused() {
	fake_project p && cd p
	printf "$1" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	git tag -a v1.0.0 -m v1.0.0
	printf "releaser: '%s': %s\n" "$PWD/releaser.conf" "$2" >../expect
	for cmd in "info" "info --json" "package --no-sign --out ../dist" "release --no-sign --out ../dist"; do
		# shellcheck disable=SC2086
		expect_exit 2 "$R" $cmd >../out 2>../err || return 1
		one_line ../err || return 1
		test_cmp ../expect ../err || return 1
		test ! -s ../out || return 1
	done
	test ! -e build
	test ! -e ../dist
}

test_expect_success 'the snapshot after the highest patch is refused before building, info lists it' '
	fake_project p && cd p
	git tag -a v1.4.999999999 -m last
	commit_change after
	"$R" info >../info
	test_grep "^version:   none" ../info
	test_grep "^preflight: tag .v1.4.999999999. has the highest patch number a version takes (999999999): no snapshot follows it; tag a higher minor or major version first$" ../info
	"$R" info --json >../info.json
	test "$(jq -r .ready ../info.json)" = false
	expect_exit 2 "$R" release --no-sign --out ../dist 2>../err
	one_line ../err
	test_grep "tag .v1.4.999999999. has the highest patch number" ../err
	test ! -e build
	test ! -e ../dist
	# the patch before it still has a snapshot, and it parses back
	git tag -a v1.5.999999998 -m before
	commit_change again
	test "$("$R" info --json | jq -r .version)" = "v1.5.999999999-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
'

test_expect_success 'project.name that is no Debian package name is refused before building' '
	conf_refused "[project]\n\tname = Profiling-Agent\n" \
		"project.name ${sq}Profiling-Agent${sq} must be a Debian package name (lower-case letters, digits, $sq+$sq, $sq-$sq, $sq.$sq; a letter or digit first): it names the packages"
'

test_expect_success 'deb.depends: an open version relation is refused before building' '
	conf_refused "[deb]\n\tdepends = libc6 (>= \n" \
		"deb.depends ${sq}libc6 (>=${sq} is not a Debian relationship list such as ${sq}libc6 (>= 2.36), libelf1 | libelf1t64${sq}: a version is missing after $sq>=$sq: write (>= VERSION)"
'

test_expect_success 'deb.depends: a substitution variable is refused before building' '
	conf_refused "[deb]\n\tdepends = \${shlibs:Depends}, libc6\n" \
		"deb.depends ${sq}\${shlibs:Depends}, libc6${sq} is not a Debian relationship list such as ${sq}libc6 (>= 2.36), libelf1 | libelf1t64${sq}: ${sq}\${shlibs:Depends}${sq} is a substitution variable, which only dpkg-gencontrol fills in: name the packages instead"
'

test_expect_success 'deb.depends: what dpkg refuses in a binary package is refused' '
	conf_refused "[deb]\n\tdepends = libc6 [amd64]\n" \
		"deb.depends ${sq}libc6 [amd64]${sq} is not a Debian relationship list such as ${sq}libc6 (>= 2.36), libelf1 | libelf1t64${sq}: architecture lists ([...]) belong to source packages (Build-Depends), not to a binary package"
	cd .. && rm -rf p dist
	conf_refused "[deb]\n\tdepends = libc6 <!nocheck>\n" \
		"deb.depends ${sq}libc6 <!nocheck>${sq} is not a Debian relationship list such as ${sq}libc6 (>= 2.36), libelf1 | libelf1t64${sq}: build profiles (<...>) belong to source packages (Build-Depends), not to a binary package"
	cd .. && rm -rf p dist
	conf_refused "[deb]\n\tdepends = libc6 (> 2.36)\n" \
		"deb.depends ${sq}libc6 (> 2.36)${sq} is not a Debian relationship list such as ${sq}libc6 (>= 2.36), libelf1 | libelf1t64${sq}: a version relation is one of $sq<<$sq, $sq<=$sq, $sq=$sq, $sq>=$sq, $sq>>$sq at $sq> 2.36)$sq"
	cd .. && rm -rf p dist
	conf_refused "[deb]\n\tdepends = libc6 (>= 2.36), \n" \
		"deb.depends ${sq}libc6 (>= 2.36),${sq} is not a Debian relationship list such as ${sq}libc6 (>= 2.36), libelf1 | libelf1t64${sq}: a package name is missing at its end"
	cd .. && rm -rf p dist
	conf_refused "[deb]\n\tdepends = libc6 (>= 2.36 x)\n" \
		"deb.depends ${sq}libc6 (>= 2.36 x)${sq} is not a Debian relationship list such as ${sq}libc6 (>= 2.36), libelf1 | libelf1t64${sq}: $sq(>= 2.36$sq is not closed by $sq)$sq"
	cd .. && rm -rf p dist
	conf_refused "[deb]\n\tdepends = \"libc6 (>= 2.36)\\\\tlibelf1\"\n" \
		"deb.depends ${sq}libc6 (>= 2.36)\\x09libelf1${sq} is not a Debian relationship list such as ${sq}libc6 (>= 2.36), libelf1 | libelf1t64${sq}: it holds a control character (0x09)"
'

test_expect_success 'deb.maintainer: control bytes, bytes that are not UTF-8, no address are refused' '
	conf_refused "[deb]\n\tmaintainer = \"Fake\\\\tMaintainers <fake@example.org>\"\n" \
		"deb.maintainer ${sq}Fake\\x09Maintainers <fake@example.org>${sq} must be one line ${sq}NAME <EMAIL>${sq}: it holds a control character"
	cd .. && rm -rf p dist
	conf_refused "[deb]\n\tmaintainer = Fa\\377ke <fake@example.org>\n" \
		"deb.maintainer ${sq}Fa\\xffke <fake@example.org>${sq} must be one line ${sq}NAME <EMAIL>${sq}: it is not UTF-8"
	cd .. && rm -rf p dist
	conf_refused "[deb]\n\tmaintainer = Fake <fake>\n" \
		"deb.maintainer ${sq}Fake <fake>${sq} must be one line ${sq}NAME <EMAIL>${sq}: the email is not LOCAL@DOMAIN"
	cd .. && rm -rf p dist
	conf_refused "[deb]\n\tmaintainer = <fake@example.org>\n" \
		"deb.maintainer ${sq}<fake@example.org>${sq} must be one line ${sq}NAME <EMAIL>${sq}: it is not ${sq}NAME <EMAIL>${sq} (one space between the name and $sq<$sq)"
'

test_expect_success 'deb.homepage must be an http(s) URL without markup' '
	conf_refused "[deb]\n\thomepage = https://example.org/<b>\n" \
		"deb.homepage ${sq}https://example.org/<b>${sq} is not a homepage URL: a homepage holds no space, control character, $sq<$sq, $sq>$sq, $sq\"$sq or character that is not ASCII"
'

test_expect_success 'a UTF-8 maintainer name and a full relationship list are taken' '
	fake_project p && cd p
	printf "[deb]\n\tmaintainer = Zoë Fäké <zoe@example.org>\n\tdepends = libc6 (>= 2.36), libelf1 | libelf1t64:any (>> 0.187~), zlib1g:amd64 (<< 1:2.0-1~x)\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	"$R" info --json >../info.json
	test "$(jq -r .ready ../info.json)" = true
'

# preflight_refused MESSAGE: in the current repository, info lists MESSAGE
# (not ready), and release exits 2 with it as its one line, nothing built
# or written
preflight_refused() {
	"$R" info >../info || return 1
	printf "preflight: %s\n" "$1" >../expect
	grep "^preflight:" ../info >../got
	test_cmp ../expect ../got || return 1
	test "$("$R" info --json | jq -r .ready)" = false || return 1
	expect_exit 2 "$R" release --no-sign --out ../dist 2>../err || return 1
	printf "releaser: %s\n" "$1" >../expect
	test_cmp ../expect ../err || return 1
	test ! -e build
	test ! -e ../dist
}

test_expect_success 'a snapshot of a branch whose name is markup is refused before building' '
	fake_project p && cd p
	git checkout -q -b "fix<b>&co"
	preflight_refused "the release${sq}s ref ${sq}refs/heads/fix<b>&co${sq} is not refs/heads/BRANCH with a branch name a release takes (a valid git branch name without < > & \" $sq \` | \$ or backslash): release from a branch with a plain name (--branch NAME)"
'

test_expect_success 'an origin URL or RELEASER_SOURCE_URI with characters outside RFC 3986 is taken percent-encoded (lib/url)' '
	fake_project p && cd p
	git remote set-url origin "https://example.org/x\"><script>"
	"$R" info >../info
	test_grep "^preflight: ok$" ../info
	git remote set-url origin https://example.org/x
	RELEASER_SOURCE_URI="https://example.org/{x}" "$R" info >../info
	test_grep "^preflight: ok$" ../info
'

test_expect_success 'a missing LICENSE, which the packages quote, is refused before building' '
	fake_project p && cd p
	printf "[package]\n\tfile = README.md\n" >releaser.conf
	git rm -q LICENSE && git add releaser.conf && git commit -q -m "no license"
	preflight_refused "${sq}LICENSE${sq} is not a file of the work tree of at most 1048576 bytes: the Debian packages${sq} copyright file quotes it; add it"
'

test_done
