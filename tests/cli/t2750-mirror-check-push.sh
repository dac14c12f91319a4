#!/bin/bash
# releaser mirror --check (drift, behind) and --push (accepted, rejected).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

test_expect_success '--check passes when debug has main and differs only in allowed paths' '
	make_repo r && cd r
	commit_on main a x
	releaser mirror >/dev/null
	commit_on debug releaser.conf "[mirror]"
	state before
	releaser mirror --check >out
	test_grep "^behind: 0" out
	test_grep "^result: ok" out
	test_grep -v "^drift:" out
	state after
	test_cmp before after
'

test_expect_success '--check reports drift outside mirror.allow, exit 1, nothing changes' '
	make_repo r && cd r
	commit_on debug feature.c "debug only"
	commit_on debug docs/notes "debug docs"
	state before
	expect_exit 1 releaser mirror --check >out 2>err
	one_line err
	test_grep ".debug. differs from .main. in 2 paths outside mirror.allow" err
	test_grep "^drift: feature.c$" out
	test_grep "^drift: docs/notes$" out
	test_grep "^result: failed" out
	state after
	test_cmp before after
'

test_expect_success 'mirror.allow covers a path, a directory and a glob' '
	make_repo r && cd r
	commit_on debug feature.c x
	commit_on debug docs/notes x
	commit_on debug local.cfg x
	printf "[mirror]\n\tallow = feature.c\n\tallow = docs/\n\tallow = *.cfg\n" >releaser.conf
	releaser mirror --check >out
	test_grep "^result: ok" out
'

test_expect_success '--check says debug is behind (exit 1) without calling main'"'"'s changes drift' '
	make_repo r && cd r
	commit_on main a x
	commit_on main b y
	expect_exit 1 releaser mirror --check >out 2>err
	one_line err
	test_grep ".debug. is 2 commits behind .main.: run releaser mirror" err
	test_grep "^behind: 2" out
	test_grep -v "^drift:" out
'

test_expect_success '--check does not count a change debug made and main then made too' '
	make_repo r && cd r
	commit_on debug a same
	commit_on main a same
	releaser mirror >/dev/null
	releaser mirror --check >out
	test_grep "^result: ok" out
'

test_expect_success '--check --json gives drift and behind to CI' '
	make_repo r && cd r
	commit_on debug feature.c x
	commit_on main a x
	expect_exit 1 releaser mirror --check --json >out 2>/dev/null
	jq -e ".drift == [\"feature.c\"] and .behind == 1 and .result == \"failed\"" out
'

test_expect_success '--push sends debug to the remote; the remote-tracking ref follows' '
	make_repo r
	git init -q --bare remote.git
	cd r
	git remote add origin ../remote.git
	git push -q origin main debug
	commit_on main a x
	commit_on debug d y
	releaser mirror --push >out
	test_grep "^pushed: origin" out
	test "$(git -C ../remote.git rev-parse debug)" = "$(git rev-parse debug)"
	test "$(git rev-parse origin/debug)" = "$(git rev-parse debug)"
	git -C ../remote.git rev-parse debug^2 >/dev/null
'

test_expect_success '--push --remote names the remote; a new branch is created there' '
	make_repo r
	git init -q --bare mirror.git
	cd r
	git remote add backup ../mirror.git
	releaser mirror --push --remote backup >out
	test_grep "^pushed: backup" out
	test "$(git -C ../mirror.git rev-parse debug)" = "$(git rev-parse debug)"
'

test_expect_success 'a non-fast-forward push is rejected (exit 1); local and remote keep their state' '
	make_repo r
	git init -q --bare remote.git
	git clone -q remote.git other 2>/dev/null
	cd r
	git remote add origin ../remote.git
	git push -q origin main debug
	# someone else pushes a commit to debug
	(cd ../other && git fetch -q && git checkout -q debug && echo theirs >t && git add t &&
	 git commit -q -m theirs && git push -q origin debug)
	remote_before=$(git -C ../remote.git rev-parse debug)
	commit_on main a x
	expect_exit 1 releaser mirror --push >out 2>err
	one_line err
	test_grep "push to .origin. rejected: its .refs/heads/debug. has commits that local .debug. lacks (non-fast-forward)" err
	test "$(git -C ../remote.git rev-parse debug)" = "$remote_before"
	# the local mirror itself is done and consistent
	test "$(git rev-parse debug)" = "$(git rev-parse main)"
	test "$(git rev-parse origin/debug)" = "$(git rev-parse main~1)"
	test "$(git status --porcelain)" = ""
'

# serve DIR: serve DIR's repositories over git:// with pushes enabled (the
# remote's hooks run there, unlike with a path remote); sets PORT and
# DAEMON (the pid to kill)
serve() {
	for try in 1 2 3 4 5; do
		PORT=$((20000 + RANDOM % 20000))
		git daemon --export-all --enable=receive-pack --base-path="$1" --listen=127.0.0.1 \
			--port=$PORT --reuseaddr --pid-file="$TRASH/daemon.pid" "$1" 2>"$TRASH/daemon.err" &
		DAEMON=$!
		for wait in $(seq 50); do
			git ls-remote "git://127.0.0.1:$PORT/remote.git" >/dev/null 2>&1 && return 0
			kill -0 $DAEMON 2>/dev/null || break
			sleep 0.1
		done
		kill $DAEMON 2>/dev/null || true
	done
	return 1
}

test_expect_success 'a remote whose hook refuses the update: exit 1, the remote and its refusal named' '
	make_repo r
	git init -q --bare remote.git
	cd r
	git remote add origin ../remote.git
	git push -q origin main debug
	printf "#!/bin/sh\necho no pushes today >&2\nexit 1\n" >../remote.git/hooks/pre-receive
	chmod +x ../remote.git/hooks/pre-receive
	serve "$TRASH"
	trap "kill $DAEMON 2>/dev/null || true" EXIT
	git remote set-url origin "git://127.0.0.1:$PORT/remote.git"
	commit_on main a x
	remote_before=$(git -C ../remote.git rev-parse debug)
	expect_exit 1 releaser mirror --push >out 2>err
	kill $DAEMON || true
	one_line err
	test_grep "push to .origin. rejected for .refs/heads/debug.: pre-receive hook declined" err
	test "$(git -C ../remote.git rev-parse debug)" = "$remote_before"
	test "$(git rev-parse debug)" = "$(git rev-parse main)"
'

test_expect_success '--push to a missing remote is refused (exit 2), named' '
	make_repo r && cd r
	commit_on main a x
	expect_exit 2 releaser mirror --push --remote nowhere >out 2>err
	one_line err
	test_grep "no remote .nowhere.: add it (git remote add nowhere URL)" err
'

test_expect_success '--dry-run --push pushes nothing' '
	make_repo r
	git init -q --bare remote.git
	cd r
	git remote add origin ../remote.git
	git push -q origin main debug
	commit_on main a x
	releaser mirror --dry-run --push >out
	test "$(git -C ../remote.git rev-parse debug)" = "$(git rev-parse main~1)"
	test_grep -v "^pushed" out
'
test_done
