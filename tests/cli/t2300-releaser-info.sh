#!/bin/bash
# releaser info: branch, commit, tags, describe, dirty files, version,
# channel and build plan, as text and as JSON.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"

test_expect_success 'info --help lists the options and the exit codes' '
	"$R" info --help >out
	test_grep "^usage: releaser info" out
	test_grep "[-]-json" out
	test_grep "[-]-branch NAME" out
	test_grep "exit codes" out
'

test_expect_success 'an untagged clone is a v0.0.0 snapshot of the release channel, dual build' '
	fake_project p && cd p
	sha=$(git rev-parse HEAD)
	"$R" info >../out
	test_grep "^branch:    main$" ../out
	test_grep "^commit:    $sha$" ../out
	test_grep "^tag:       none$" ../out
	test_grep "^describe:  ${sha:0:12}$" ../out
	test_grep "^dirty:     no$" ../out
	test_grep "^version:   v0.0.0-SNAPSHOT-${sha:0:12} (snapshot)$" ../out
	test_grep "^channel:   release$" ../out
	test_grep "^plan:      dual" ../out
	test_grep "^preflight: ok$" ../out
'

test_expect_success 'the plan builds the agent for every arch, the other with the cross tools' '
	fake_project p && cd p
	"$R" info --json >../out
	test "$(jq -r "[.plan.arches[].agent] | join(\",\")" ../out)" = true,true
	test "$(jq -r .ready ../out)" = true
	"$R" info --arch "$HOST_ARCH" --json >../one
	test "$(jq -r ".plan.arches | length" ../one)" = 1
	test "releaser $(jq -r .releaser_version ../one)" = "$("$R" --version)"
'

test_expect_success 'without the cross compiler on PATH the other arch is refused, naming the fix' '
	fake_project p && cd p
	mkdir ../nopath
	PATH=$TRASH/nopath "$R" info --json >../out
	test "$(jq -r ".plan.arches[] | select(.arch != \"$HOST_ARCH\") | .agent" ../out)" = false
	jq -r ".problems[0]" ../out >../why
	test_grep "cannot be built here: no cross toolchain (.*-linux-gnu-gcc not found): run ci/install-deps.sh --cross" ../why
	PATH=$TRASH/nopath "$R" info --arch "$HOST_ARCH" --json >../one
	test "$(jq -r .ready ../one)" = true
'

test_expect_success 'the tag at HEAD is the version; describe matches git describe --tags of release tags' '
	fake_project p && cd p
	git tag -a v1.2.0 -m v1.2.0
	"$R" info >../out
	test_grep "^tag:       v1.2.0 (from HEAD)$" ../out
	test_grep "^version:   v1.2.0$" ../out
	test_grep "^describe:  v1.2.0$" ../out
	commit_change one && commit_change two && commit_change three
	"$R" info --json >../json
	test "$(jq -r .describe ../json)" = "$(git describe --tags --match "v[0-9]*" --abbrev=12)"
	test "$(jq -r .version ../json)" = "v1.2.1-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
	test "$(jq -r .tag ../json)" = null
	test "$(jq -r .snapshot ../json)" = true
'

test_expect_success 'lightweight tags and loose annotated tags are found too; a snapshot follows a pre-release' '
	fake_project p && cd p
	git tag v0.9.0
	commit_change ../one
	git tag -a v0.9.1-rc.1 -m rc
	commit_change two
	"$R" info --json >../json
	test "$(jq -r .describe ../json)" = "$(git describe --tags --match "v[0-9]*" --abbrev=12)"
	test "$(jq -r .version ../json)" = "v0.9.1-rc.1.SNAPSHOT-$(git rev-parse --short=12 HEAD)"
	git pack-refs --all
	"$R" info --json >../packed
	test "$(jq -r .describe ../packed)" = "$(git describe --tags --match "v[0-9]*" --abbrev=12)"
'

test_expect_success 'the snapshot and describe follow the nearest version tag, not other tags' '
	fake_project p && cd p
	git tag -a v2.0.0 -m v2
	commit_change ../one
	git tag nightly
	git tag support/go/v9.9.9
	commit_change two
	"$R" info --json >../json
	test "$(jq -r .describe ../json)" = "v2.0.0-2-g$(git rev-parse --short=12 HEAD)"
	test "$(jq -r .describe ../json)" = "$(git describe --tags --match "v[0-9]*" --abbrev=12)"
	test "$(jq -r .version ../json)" = "v2.0.1-SNAPSHOT-$(git rev-parse --short=12 HEAD)"
'

test_expect_success 'branch.debug is the debug channel with a fake-release plan, exactly' '
	fake_project p && cd p
	git checkout -q -b debug
	"$R" info >../out
	test_grep "^channel:   debug$" ../out
	test_grep "^plan:      fake-release" ../out
	"$R" info --json >../json
	test "$(jq -r ".plan.flavors | join(\",\")" ../json)" = debug
	test "$(jq -r .make.EBPF_FLAGS ../json)" = fake-release
	test "$(jq -r .make.AGENT_FEATURES ../json)" = ""
	git checkout -q -b v1-debug-fixes
	"$R" info --json >../json2
	test "$(jq -r .channel ../json2)" = release
	test "$(jq -r .make.AGENT_FEATURES ../json2)" = debug-analyzer
	printf "[branch]\n\tdebug = canary\n" >releaser.conf
	git add releaser.conf && git commit -q -m settings && git checkout -q -b canary
	"$R" info --json >../json3
	test "$(jq -r .channel ../json3)" = debug
	test "$(jq -r .debug_branch ../json3)" = canary
'

test_expect_success 'dirty files are listed, staged, modified and untracked' '
	fake_project p && cd p
	echo change >>README.md
	echo new >new.txt
	echo staged >staged.txt && git add staged.txt
	"$R" info >../out
	test_grep "^dirty:     yes, 3 files$" ../out
	test_grep "^            M README.md$" ../out
	test_grep "^           ?? new.txt$" ../out
	test_grep "^           A  staged.txt$" ../out
	test_grep "^preflight: the work tree has uncommitted changes" ../out
	"$R" info --json >../json
	test "$(jq -r "[.dirty_files[].path] | sort | join(\",\")" ../json)" = README.md,new.txt,staged.txt
	test "$(jq -r .ready ../json)" = false
'

test_expect_success 'dirty paths and tag names print escaped, one line each' '
	fake_project p && cd p
	printf x >"$(printf "new\033]0;pwned\007\nline")"
	git tag "v1.0.0$(printf "\302\233")x"
	"$R" info >../out 2>../err
	not grep -q "$(printf "[\001-\010\013-\037\177]")" ../out
	test_grep "^           ?? new\\\\x1b\]0;pwned\\\\x07\\\\x0aline$" ../out
	test_grep "^tag:       v1.0.0\\\\xc2\\\\x9bx (from HEAD)$" ../out
	# a tag that is no release never names the version: describe shows the commit
	test_grep "^describe:  [0-9a-f]\{12\}$" ../out
	test_grep "^preflight: the work tree has uncommitted changes: .new\\\\x1b\]0;pwned\\\\x07\\\\x0aline. (commit" ../out
	not grep -q "$(printf "\302\233")" ../out
'

test_expect_success 'ignored files do not make the tree dirty' '
	fake_project p && cd p
	mkdir -p build dist && echo x >build/x && echo y >dist/y
	"$R" info >../out
	test_grep "^dirty:     no$" ../out
'

test_expect_success 'a detached HEAD at a release tag takes the tag'"'"'s branch' '
	fake_project p && cd p
	git tag -a v1.0.0 -m v1 && git checkout -q v1.0.0
	"$R" info >../out
	test_grep "^branch:    main (the tag.s, on refs/heads/main)$" ../out
	test_grep "^version:   v1.0.0$" ../out
	test_grep "^preflight: ok$" ../out
	"$R" info --json >../json
	test "$(jq -r .branch_from ../json)" = tag
	test "$(jq -r .tag_from ../json)" = HEAD
	test "$(jq -r .detached ../json)" = true
	test "$(jq -r .ready ../json)" = true
'

test_expect_success 'a detached HEAD without a tag takes its branch from --branch or RELEASER_BRANCH' '
	fake_project p && cd p
	commit_change later && git checkout -q --detach
	"$R" info >../out
	test_grep "^branch:    (detached HEAD, no --branch)$" ../out
	test_grep "^preflight: HEAD is detached and has no release tag" ../out
	"$R" info --branch main >../out2
	test_grep "^branch:    main (from --branch)$" ../out2
	test_grep "^preflight: ok$" ../out2
	RELEASER_BRANCH=refs/heads/main "$R" info --json >../json
	test "$(jq -r .branch ../json)" = main
	test "$(jq -r .branch_from ../json)" = RELEASER_BRANCH
	test "$(jq -r .snapshot ../json)" = true
	test "$(jq -r .ready ../json)" = true
'

test_expect_success 'info --json is one object with every field CI reads' '
	fake_project p && cd p
	"$R" info --json >../json
	for k in tag tag_from branch branch_from branch_ref main_branch debug_branch remote commit \
		 describe dirty dirty_files version snapshot prerelease channel ref source_date_epoch \
		 plan make ready problems; do
		jq -e "has(\"$k\")" ../json >/dev/null
	done
	test "$(jq -r .source_date_epoch ../json)" = "$FAKE_EPOCH"
	test "$(jq -r .ref ../json)" = refs/heads/main
'

test_expect_success 'info outside a repository or with a bad option is bad usage' '
	expect_exit 2 "$R" -C "$TRASH" info 2>err
	one_line err
	test_grep "not a git repository" err
	fake_project p
	expect_exit 2 "$R" -C p info --frob 2>err2
	test_grep "[-]-frob" err2
	expect_exit 2 "$R" -C p info --arch sparc 2>err3
	one_line err3
	test_grep "unknown arch .sparc." err3
'

# libgit2 built with mbedTLS parses the CA bundle when it starts (releaser/git/git.c);
# LeakSanitizer cannot run under ptrace (the other cases check leaks)
TRACED_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
if ldd "$R" | grep -q libmbedx509 && test -f /etc/ssl/certs/ca-certificates.crt; then
test_expect_success 'info parses no CA certificates; the commands that may reach a remote still do' '
	fake_project p && cd p
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -e trace=openat -o ../info.trace "$R" info >/dev/null
	not grep -q "/etc/ssl/certs/ca-certificates.crt" ../info.trace
	ASAN_OPTIONS=$TRACED_ASAN_OPTIONS strace -f -e trace=openat -o ../guard.trace "$R" guard >/dev/null
	test_grep "/etc/ssl/certs/ca-certificates.crt" ../guard.trace
'
else
test_skip 'info parses no CA certificates' 'libgit2 is not built with mbedTLS here'
fi
test_done
