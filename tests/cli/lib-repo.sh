# shellcheck shell=bash
# Helpers for the tests of releaser's git commands (mirror, tag, guard).
# Sourced after tests/lib.sh.

R=$BUILD/bin/releaser
# under ASan, leaks inside system libraries are not ours (see the file)
if [ "${SANITIZE:-}" = 1 ]; then
	LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}
	export LSAN_OPTIONS
fi
# the commands run as RELEASING.md writes them
PATH=$BUILD/bin:$PATH
export PATH

# make_repo DIR [--with-ci]: a repository with a commit on main and a debug
# branch made from it (with --with-ci, that commit holds this project's ci/
# scripts and .gitignore, so they run as RELEASING.md writes them); the tests' scratch files
# (out, err, before, after, *.out, *.err, *.json, pause) are ignored there
make_repo() {
	git init -q -b main "$1"
	printf '%s\n' out err before after '*.out' '*.err' '*.json' pause >"$1/.git/info/exclude"
	if [ "${2:-}" = --with-ci ]; then
		cp -R "$ROOT/ci" "$1/ci"
		cp "$ROOT/.gitignore" "$1/.gitignore"
	fi
	(
		cd "$1" || exit 1
		echo one >file
		git add .
		git commit -q -m "first"
		git branch debug
	)
}

# commit_on BRANCH PATH TEXT: commit TEXT into PATH on BRANCH (checks the
# branch out, and goes back to where HEAD was)
commit_on() {
	back=$(git symbolic-ref --short -q HEAD || git rev-parse HEAD)
	git checkout -q "$1"
	mkdir -p "$(dirname "$2")"
	echo "$3" >"$2"
	git add "$2"
	git commit -q -m "$2: $3 on $1"
	git checkout -q "$back"
}

# state FILE: what a refused command must leave alone: refs, HEAD, index,
# work tree status
state() {
	{
		git for-each-ref --format='%(refname) %(objectname)'
		echo "HEAD $(git symbolic-ref -q HEAD || true) $(git rev-parse HEAD)"
		git ls-files -s
		git status --porcelain --untracked-files=all
	} >"$1"
}
