#!/bin/bash
# releaser guard: build outputs among tracked files, with the commits that
# added them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

# add_commit MSG PATH...: commit the given files (already written)
add_commit() {
	msg=$1
	shift
	git add "$@"
	git commit -q -m "$msg"
}

test_expect_success 'guard --help shows the range forms and the exit codes' '
	"$R" guard --help >out
	test_grep "^usage: releaser guard \[REV-RANGE\] \[--json\]" out
	test_grep "A..B" out
	test_grep "^exit codes: 0" out
'

test_expect_success 'this repository tracks no build output' '
	git clone -q "$ROOT" src
	cd src
	releaser guard >out 2>err
	test_grep "no build output among" err
	test ! -s out
'

test_expect_success 'a clean repository passes at HEAD and over a range' '
	make_repo r && cd r
	commit_on main src/main.c "int main(void) { return 0; }"
	releaser guard
	releaser guard main~1..main
	releaser guard --json >out
	jq -e ".ok == true and .offenders == [] and .mode == \"tree\"" out
'

test_expect_success 'ELF, BPF object, ar, gzip, tarball, analyzer name, key and large file are each named with their commit' '
	make_repo r && cd r
	cp "$BUILD/bin/gen-frametypes" tool
	cp "$BUILD/ebpf/analyzer.ebpf.release.$HOST_ARCH" support.bin
	add_commit "add binaries" tool support.bin
	bins=$(git rev-parse --short=12 HEAD)
	ar rc lib.x file
	echo data | gzip >notes.dat
	tar cf bundle.pack file
	echo text >analyzer.ebpf.release.amd64
	printf "untrusted comment: minisign encrypted secret key\nRWRTY0IyAAAAAAAA\n" >release.secret
	head -c 1048577 /dev/zero | tr "\0" x >big.txt
	add_commit "add more" lib.x notes.dat bundle.pack analyzer.ebpf.release.amd64 release.secret big.txt
	more=$(git rev-parse --short=12 HEAD)
	commit_on main later "nothing"
	state before
	expect_exit 1 releaser guard >out 2>err
	one_line err
	test_grep "^releaser: 8 build outputs tracked in .HEAD.: remove them (git rm --cached PATH)" err
	test_grep "^.tool.: ELF file ([0-9]* bytes), added by $bins \"add binaries\"$" out
	test_grep "^.support.bin.: BPF object ([0-9]* bytes), added by $bins" out
	test_grep "^.lib.x.: ar archive ([0-9]* bytes), added by $more \"add more\"$" out
	test_grep "^.notes.dat.: gzip data" out
	test_grep "^.bundle.pack.: tar archive" out
	test_grep "^.analyzer.ebpf.release.amd64.: analyzer artifact name" out
	test_grep "^.release.secret.: secret key" out
	test_grep "^.big.txt.: larger than guard.maxsize (1048577 bytes), added by $more" out
	test_line_count out 8
	state after
	test_cmp before after
'

test_expect_success 'names and subjects with control characters print escaped, one line per offender' '
	make_repo r && cd r
	title=$(printf "t\033]0;pwned\007.gz")
	lines=$(printf "n\n::error::x.gz")
	bad=$(printf "b\377\302\233.gz")
	for n in "$title" "$lines" "$bad"; do
		echo x | gzip >"$n" || return 1
	done
	add_commit "$(printf "subject \033[2J\rback")" "$title" "$lines" "$bad"
	expect_exit 1 releaser guard >out 2>err
	test_line_count out 3
	not grep -q "$(printf "[\001-\010\013-\037\177]")" out
	not grep -aq "$(printf "\377")" out
	test_grep "^.t\\\\x1b\]0;pwned\\\\x07.gz.: gzip data ([0-9]* bytes), added by [0-9a-f]* \"subject \\\\x1b\[2J\\\\x0dback\"$" out
	test_grep "^.n\\\\x0a::error::x.gz.: gzip data" out
	test_grep "^.b\\\\xff\\\\xc2\\\\x9b.gz.: gzip data" out
	# the JSON keeps the names as text (U+FFFD for what is not UTF-8)
	expect_exit 1 releaser guard --json >out 2>err
	jq -e "[.offenders[].path] | sort == [\"b\ufffd\u009b.gz\", \"n\n::error::x.gz\", \"t\u001b]0;pwned\u0007.gz\"]" out
'

test_expect_success 'a message naming an outside name stays one line, escaped' '
	make_repo r && cd r
	expect_exit 2 releaser guard "$(printf "x\n::error::y\033[2J")" >out 2>err
	one_line err
	test_grep "x\\\\x0a::error::y\\\\x1b\[2J" err
	not grep -q "^::" err
'

test_expect_success 'the adding commit is found after renames, merges and packing' '
	make_repo r && cd r
	commit_on debug src/x "x"
	git checkout -q debug
	cp "$BUILD/bin/gen-frametypes" tool.bin
	add_commit "binary on a branch" tool.bin
	added=$(git rev-parse --short=12 HEAD)
	git checkout -q main
	git merge -q --no-ff -m "merge debug" debug
	commit_on main other "y"
	git gc -q
	expect_exit 1 releaser guard >out 2>err
	test_grep "^.tool.bin.: ELF file ([0-9]* bytes), added by $added \"binary on a branch\"$" out
	git mv tool.bin renamed.bin
	git commit -q -m "rename it"
	expect_exit 1 releaser guard >out 2>err
	test_grep "^.renamed.bin.: ELF file ([0-9]* bytes), added by $(git rev-parse --short=12 HEAD) \"rename it\"$" out
'

test_expect_success 'a range checks only what its commits add, each with its commit' '
	make_repo r && cd r
	cp "$BUILD/bin/gen-frametypes" old.bin
	add_commit "old binary" old.bin
	base=$(git rev-parse HEAD)
	commit_on main a.c "code"
	echo data | gzip >a.gz.txt
	add_commit "compressed" a.gz.txt
	gz=$(git rev-parse HEAD)
	commit_on main b.c "more code"
	expect_exit 1 releaser guard "$base..HEAD" >out 2>err
	one_line err
	test_grep "1 build output tracked in .$base..HEAD." err
	test_grep "^.a.gz.txt.: gzip data ([0-9]* bytes), added by ${gz:0:12} \"compressed\"$" out
	test_grep -v "old.bin" out
	releaser guard "$gz..HEAD"
'

test_expect_success 'in a range, a merge is not blamed for what its branch added' '
	make_repo r && cd r
	git checkout -q debug
	echo x | gzip >z.dat
	add_commit "gzip on debug" z.dat
	added=$(git rev-parse HEAD)
	git checkout -q main
	commit_on main m "main"
	git merge -q --no-ff -m "merge" debug
	expect_exit 1 releaser guard --json main~1..main >out 2>err
	jq -e "(.offenders | length) == 1 and .offenders[0].commit == \"$added\" and .offenders[0].path == \"z.dat\"" out
	jq -e ".mode == \"range\" and .commits == 2 and .ok == false" out
'

test_expect_success 'a file modified into a build output is caught; deleting one clears HEAD' '
	make_repo r && cd r
	cp "$BUILD/bin/gen-frametypes" file
	add_commit "overwrite" file
	expect_exit 1 releaser guard HEAD~1..HEAD >out 2>err
	test_grep "^.file.: ELF file" out
	git rm -q file && git commit -q -m "remove"
	releaser guard
	expect_exit 1 releaser guard HEAD~2..HEAD >out 2>err
'

test_expect_success 'guard.maxsize in releaser.conf sets the size limit' '
	make_repo r && cd r
	head -c 2000 /dev/zero | tr "\0" y >medium.txt
	add_commit "medium" medium.txt
	releaser guard
	printf "[guard]\n\tmaxsize = 1000\n" >releaser.conf
	expect_exit 1 releaser guard >out 2>err
	test_grep "^.medium.txt.: larger than guard.maxsize (2000 bytes)" out
	expect_exit 1 releaser guard --json >out 2>err
	jq -e ".maxsize == 1000 and .ok == false and .offenders[0].path == \"medium.txt\"" out
'

test_expect_success 'a range whose start is gone guards what its end adds to branch.main' '
	make_repo r && cd r
	cp "$BUILD/bin/gen-frametypes" old.bin
	add_commit "old binary on main" old.bin
	gone=$(echo gone | git hash-object --stdin)
	zero=0000000000000000000000000000000000000000
	git checkout -q -b topic
	commit_on topic t.c "code"
	releaser guard "$gone..HEAD" >out 2>err
	test_grep "^releaser: the range.s start is gone: guarding what .HEAD. adds to .main.$" err
	test_grep "no build output among 1 file in .refs/heads/main..HEAD." err
	releaser guard --json "$zero..topic" >out 2>err
	jq -e ".guarded == \"refs/heads/main..topic\" and .mode == \"range\" and .commits == 1 and .ok" out
	echo x | gzip >z.dat
	add_commit "gzip on topic" z.dat
	expect_exit 1 releaser guard "$gone..HEAD" >out 2>err
	test_grep "^.z.dat.: gzip data" out
	test_grep -v "old.bin" out
	test_grep "1 build output tracked in .refs/heads/main..HEAD." err
	# only origin has the default branch: its copy is the base
	git update-ref refs/remotes/origin/main main
	git branch -q -m main trunk
	expect_exit 1 releaser guard --json "$gone..HEAD" >out 2>err
	test_grep "guarding what .HEAD. adds to .origin/main.$" err
	jq -e ".guarded == \"refs/remotes/origin/main..HEAD\" and (.offenders | length) == 1" out
'

test_expect_success 'a gone start on the default branch itself, or with no default branch, guards the tree' '
	make_repo r && cd r
	gone=$(echo gone | git hash-object --stdin)
	releaser guard "$gone..main" 2>err
	test_grep "the range.s start is gone and .main. is on .main.: guarding its whole tree" err
	cp "$BUILD/bin/gen-frametypes" old.bin
	add_commit "binary" old.bin
	expect_exit 1 releaser guard "$gone.." >out 2>err
	test_grep "^.old.bin.: ELF file" out
	git branch -q -m main trunk
	expect_exit 1 releaser guard "$gone..trunk" >out 2>err
	test_grep "there is no .main. branch: guarding the whole tree of .trunk." err
	# a short or misspelt start is no push range: still refused
	expect_exit 2 releaser guard "${gone:0:12}..trunk" 2>err
	test_grep "unknown revision or range" err
	expect_exit 2 releaser guard "$gone..nope" 2>err
	test_grep "unknown revision or range .$gone..nope." err
'

test_expect_success 'an unknown revision, A...B and extra arguments are refused (exit 2)' '
	make_repo r && cd r
	expect_exit 2 releaser guard nope 2>err
	one_line err
	test_grep "unknown revision or range .nope.: give A..B" err
	expect_exit 2 releaser guard main...debug 2>err
	one_line err
	test_grep "A...B is not supported" err
	expect_exit 2 releaser guard HEAD HEAD 2>err
	one_line err
	test_grep "unexpected argument .HEAD." err
	expect_exit 2 releaser guard --frob 2>err
	test_grep "^releaser: unknown option .--frob. (see releaser [a-z]* --help)$" err
	expect_exit 2 releaser guard --json=x 2>err
	test_grep "^releaser: unknown option .--json=x." err
	expect_exit 2 releaser guard ..nope 2>err
	one_line err
	test_grep "unknown revision or range .\.\.nope." err
'

test_expect_success 'outside a repository: exit 2' '
	mkdir plain && cd plain
	GIT_CEILING_DIRECTORIES=$TRASH expect_exit 2 "$R" guard 2>err
	one_line err
	test_grep "not a git repository" err
'
test_expect_success 'a malformed author or tagger line hides nothing: range, tree, tag and abbreviated id' '
	make_repo r && cd r
	base=$(git rev-parse HEAD)
	cp "$BUILD/bin/gen-frametypes" tool
	git add tool
	tree=$(git write-tree)
	# author lines git fsck flags and libgit2 refuses: no e-mail, no ">"
	printf "tree %s\nparent %s\nauthor Nobody 1700000000 +0000\ncommitter C <c@example.org> 1700000000 +0000\n\nadd the tool\n" \
		"$tree" "$base" >raw
	bad=$(git hash-object -t commit -w --literally raw)
	printf "tree %s\nparent %s\nauthor A <a@example.org 1700000001 +0000\ncommitter C <c@example.org> 1700000001 +0000\n\nlater\n" \
		"$tree" "$bad" >raw2
	tip=$(git hash-object -t commit -w --literally raw2)
	printf "object %s\ntype commit\ntag t1\ntagger nobody\n\nbad tagger\n" "$tip" >rawtag
	git update-ref refs/tags/t1 "$(git hash-object -t tag -w --literally rawtag)"
	git update-ref refs/heads/pr "$tip"
	short=$(git rev-parse --short=12 "$bad")
	for rev in "$base..pr" "$base..$tip" pr t1 "$(git rev-parse --short=9 "$tip")"; do
		expect_exit 1 releaser guard "$rev" >out 2>err || return 1
		one_line err || return 1
		test_grep "^.tool.: ELF file ([0-9]* bytes), added by $short \"add the tool\"$" out || return 1
	done
	releaser guard --json "$base..pr" >out || test $? = 1
	jq -e ".offenders | length == 1 and .[0].path == \"tool\"" out
'

test_done
