#!/bin/bash
# releaser.conf is input from whoever commits it (a pull request too):
# every key is checked where it is read, and a bad one stops every command
# with exit 2 and one line naming the key and what to do, never a crash.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

# bad_conf TEXT PATTERN: with releaser.conf holding TEXT (printf format),
# info, guard and release each exit 2 with one line matching PATTERN,
# and nothing is built or written
bad_conf() {
	fake_project p && cd p
	printf "$1" >releaser.conf
	git add releaser.conf && git commit -q -m settings
	for cmd in "info" "guard" "release --no-sign --out ../dist" "mirror --check"; do
		# shellcheck disable=SC2086
		expect_exit 2 "$R" $cmd 2>../err
		one_line ../err
		test_grep "$2" ../err
	done
	test ! -e build && test ! -e ../dist
}

test_expect_success 'a key without a value (a bare "arch" line) is named, not a crash' '
	bad_conf "[build]\n\tarch\n" "releaser.conf.: .build.arch. has no value: write .arch = VALUE."
'

test_expect_success 'a bare "allow" line in [mirror] is named' '
	bad_conf "[mirror]\n\tallow\n" ".mirror.allow. has no value"
'

test_expect_success 'an empty value is named' '
	bad_conf "[project]\n\tname =\n" ".project.name. has no value"
'

test_expect_success 'project.name must be one plain file name' '
	bad_conf "[project]\n\tname = ../../evil\n" "project.name .../../evil. must be one plain file name"
'

test_expect_success 'project.name with a slash or a control character is refused' '
	bad_conf "[project]\n\tname = a/b\n" "project.name .a/b. must be one plain file name"
	cd .. && rm -rf p
	bad_conf "[project]\n\tname = \"a\\\\tb\"\n" "project.name .a\\\\x09b. must be one plain file name"
'

test_expect_success 'branch names must be valid git branch names' '
	bad_conf "[branch]\n\tdebug = bad..name\n" "branch.debug .bad..name. is not a valid branch name"
	cd .. && rm -rf p
	bad_conf "[branch]\n\tmain = -x\n" "branch.main .-x. is not a valid branch name"
	cd .. && rm -rf p
	bad_conf "[branch]\n\tmain = same\n\tdebug = same\n" "branch.main and branch.debug are both .same."
'

test_expect_success 'package.file must stay inside the work tree' '
	bad_conf "[package]\n\tfile = ../../etc/passwd\n" "package.file .\\.\\./\\.\\./etc/passwd. must be a relative path inside the work tree"
	cd .. && rm -rf p
	bad_conf "[package]\n\tfile = /etc/passwd\n" "package.file ./etc/passwd. must be a relative path"
'

test_expect_success 'guard.maxsize must be a positive number of bytes' '
	bad_conf "[guard]\n\tmaxsize = lots\n" "guard.maxsize is not a number of bytes"
	cd .. && rm -rf p
	bad_conf "[guard]\n\tmaxsize = -1\n" "guard.maxsize must be a positive number of bytes"
'

test_expect_success 'an unknown arch is named' '
	bad_conf "[build]\n\tarch = sparc\n" "build.arch .sparc. is not supported"
'

test_expect_success 'include sections are refused before anything is read from them' '
	bad_conf "[include]\n\tpath = /etc/hostname\n" "\[include\] sections are not allowed: releaser.conf must be one file"
	cd .. && rm -rf p
	bad_conf "[ IncludeIf \"gitdir:/\"]\n\tpath = /dev/zero\n" "\[IncludeIf\] sections are not allowed"
'

test_expect_success 'releaser.conf as a symbolic link is not followed' '
	fake_project p && cd p
	ln -s /etc/hostname releaser.conf
	git add releaser.conf && git commit -q -m settings
	expect_exit 2 "$R" info 2>../err
	one_line ../err
	test_grep "releaser.conf. is a symbolic link, which is not followed" ../err
'

test_expect_success 'an unknown section or key stops every command, naming the nearest known one' '
	bad_conf "[projekt]\n\tname = x\n[project]\n\tname = fine\n" \
		"releaser.conf.: unknown section \[projekt\]; did you mean \[project\]?$"
	cd .. && rm -rf p
	bad_conf "[deb]\n\tmaintainr = A <a@example.org>\n" \
		"releaser.conf.: unknown key .maintainr. in \[deb\]; did you mean .maintainer.?$"
	cd .. && rm -rf p
	bad_conf "[deb]\n\tmaintainr = A <a@example.org>\n[biuld]\n" \
		"unknown key .maintainr. in \[deb\]; did you mean .maintainer.? (and 1 more problem: releaser check lists them)$"
'

test_done
