#!/bin/sh
# Mirror main into the debug branch, check it, and push it when asked: the
# scheduled CI job, and what a maintainer runs before a debug release.
#
#   ci/mirror.sh [--remote NAME] [--fetch] [--push [--run-ci WORKFLOW]] [--issue FILE]
#
# --remote NAME  the remote to fetch from and push to (default: origin)
# --fetch        first fetch main and debug from the remote and bring the
#                local branches up to them (releaser mirror --fetch: HEAD
#                stays on its branch; a checked-out one moves with its work
#                tree, when that is clean)
# --push         push debug to the remote afterwards (never forced)
# --run-ci WORKFLOW  after a push, start WORKFLOW (a workflow_dispatch one,
#                such as ci.yml) on the debug branch with gh: a push made
#                with GITHUB_TOKEN starts no workflow by itself
# --issue FILE   when the mirror, the check or the push fails, the releaser
#                writes there the body of an issue for the maintainers
#                (releaser mirror --issue; ci/mirror-issue.sh files it)
#
# Exit codes: 0 done; 1 conflict, drift, debug behind, push rejected or the
# workflow not started (each path reported as an error annotation); 2 bad
# usage or setup: with --fetch also no debug branch on the remote (start it
# with releaser mirror --init --push), a local branch diverged from the
# remote's, a local main with commits the remote lacks (push it first), or
# a branch to move checked out with local changes.
set -eu
. "$(dirname "$0")/lib.sh"

remote=origin fetch=0 push=0 issue="" run_ci=""
while [ $# -gt 0 ]; do
	case "$1" in
	--remote) remote=$2; shift 2 ;;
	--fetch) fetch=1; shift ;;
	--push) push=1; shift ;;
	--run-ci) run_ci=$2; shift 2 ;;
	--issue) issue=$2; shift 2 ;;
	*) ci_error "ci/mirror.sh: unknown argument '$1' (see the comment at the top of ci/mirror.sh)"; exit 2 ;;
	esac
done

case $issue in "" | /*) ;; *) issue=$PWD/$issue ;; esac
cd "$CI_ROOT"
releaser=$(ci_releaser)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -z "$issue" ] || rm -f "$issue"
"$releaser" info --json >"$tmp/info.json"
main=$(jq -r .main_branch "$tmp/info.json")
debug=$(jq -r .debug_branch "$tmp/info.json")

# the releaser fetches and moves the local branches (--fetch), or not
mirror() {
	if [ "$fetch" = 1 ]; then
		"$releaser" mirror --fetch --remote "$remote" --json ${issue:+--issue "$issue"} >"$tmp/mirror.json"
	else
		"$releaser" mirror --json ${issue:+--issue "$issue"} >"$tmp/mirror.json"
	fi
}
check() {
	"$releaser" mirror --check --json ${issue:+--issue "$issue"} >"$tmp/check.json"
}

# annotate LABEL KEY FILE: one error per path listed under KEY (@sh quotes
# each path whole, whatever it holds)
annotate() {
	label=$1
	eval "set -- $(jq -r "[.$2[]?] | @sh" "$3" 2>/dev/null)"
	for path; do
		ci_error "$label" "$path"
	done
}

rc=0
ci_run "mirror $main into $debug" mirror || rc=$?
[ -s "$tmp/mirror.json" ] && cat "$tmp/mirror.json"
annotate "conflict merging $main into $debug: resolve it by hand (RELEASING.md, Mirroring)" conflicts "$tmp/mirror.json"
if [ "$rc" -eq 0 ]; then
	ci_run "check $debug against $main" check || rc=$?
	[ -s "$tmp/check.json" ] && cat "$tmp/check.json"
	annotate "drift: $debug differs from $main here (outside mirror.allow)" drift "$tmp/check.json"
fi
if [ "$rc" -eq 0 ] && [ "$push" = 1 ]; then
	ci_run "push $debug to $remote" "$releaser" mirror --push --remote "$remote" ${issue:+--issue "$issue"} || rc=$?
	if [ "$rc" -eq 0 ] && [ -n "$run_ci" ]; then
		ci_run "start $run_ci on $debug" gh workflow run --ref "$debug" -- "$run_ci" || rc=1
	fi
fi
exit "$rc"
