#!/bin/bash
# releaser's dispatcher: help, exit codes, unknown commands and options.
. "$(dirname "$0")/../lib.sh"

R=$BUILD/bin/releaser

test_expect_success '--help lists the commands and the exit codes' '
	"$R" --help >out
	test_grep "^usage: releaser" out
	test_grep "^  0  success" out
	test_grep "^  1  the operation failed" out
	test_grep "^  2  bad usage" out
'

test_expect_success '--version prints the version the build was made from' '
	"$R" --version >out 2>err
	test "$(cat out)" = "releaser $(cat "$BUILD/stamps/releaser-version")"
	grep -qE "^releaser [^ ]+$" out
	test ! -s err
	"$R" --help >help
	test_grep "^  --version" help
'

test_expect_success 'no command is bad usage' '
	expect_exit 2 "$R" 2>err
	test_grep "^usage:" err
'

test_expect_success 'an unknown command is named, exit 2' '
	expect_exit 2 "$R" frobnicate 2>err
	one_line err
	test_grep "unknown command .frobnicate." err
'

test_expect_success 'an unknown global option is named, exit 2' '
	expect_exit 2 "$R" --frob info 2>err
	one_line err
	test_grep "unknown option .--frob." err
'
test_expect_success '-h and --help after any command, and releaser help CMD, print its help, exit 0' '
	for c in info check build package release finalize keygen verify mirror guard tag notes; do
		"$R" $c --help >want 2>err || return 1
		test_grep "^usage: releaser $c" want || return 1
		test ! -s err || return 1
		"$R" $c -h >got || return 1
		test_cmp want got || return 1
		"$R" help $c >got || return 1
		test_cmp want got || return 1
		"$R" $c --json -h >got || return 1
		test_cmp want got || return 1
	done
	"$R" help >got
	"$R" --help >want
	test_cmp want got
'

test_expect_success 'help outside a repository needs none; help of an unknown command is exit 2' '
	"$R" -C "$TRASH" info -h >out
	test_grep "^usage: releaser info" out
	expect_exit 2 "$R" help frobnicate 2>err
	one_line err
	test_grep "unknown command .frobnicate." err
'

test_expect_success 'after --, -h is an operand, not a request for help' '
	expect_exit 2 "$R" verify -- -h >out 2>err
	not grep -q "^usage:" out
'
test_done
