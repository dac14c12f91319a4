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
test_done
