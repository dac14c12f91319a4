#!/bin/sh
# Open (or add to) an issue when the scheduled mirror fails, from the report
# that ci/mirror.sh --report wrote. Uses the GitHub CLI (gh) with $GH_TOKEN.
#
#   ci/mirror-issue.sh REPORT [--print]
#
# --print  print the issue's title and body instead of filing it
set -eu
. "$(dirname "$0")/lib.sh"

report=${1:?usage: ci/mirror-issue.sh REPORT [--print]}
title="Mirroring main into the debug branch failed"
run_url=""
if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_RUN_ID:-}" ]; then
	run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
fi

body=$(mktemp)
trap 'rm -f "$body"' EXIT
if [ -s "$report" ]; then
	# code: a name as a Markdown code span on one line (control characters
	# and backslashes as \xNN, as the releaser shows them on a terminal; a
	# fence longer than any run of backticks inside)
	jq -r --arg run "$run_url" '
	  def hex: [(. / 16 | floor), (. % 16)] | map("0123456789abcdef"[.:. + 1]) | add;
	  def code: gsub("(?<c>[\\x00-\\x1f\\x7f\\\\])"; "\\x" + (.c | explode[0] | hex))
	    | ([scan("`+") | length] | max // 0) as $n | ("`" * ($n + 1)) as $f
	    | if test("^`|`$") then "\($f) \(.) \($f)" else "\($f)\(.)\($f)" end;
	  (.mirror // {}) as $m | (.check // {}) as $c |
	  "The scheduled mirror of \($m.main.branch // "main" | code) into \($m.debug.branch // "debug" | code) needs a maintainer.",
	  "",
	  (if ($m.conflicts // []) | length > 0 then
	     "Merging conflicts in:", ($m.conflicts[] | "- \(code)"), "" else empty end),
	  (if ($c.drift // []) | length > 0 then
	     "The debug branch differs from main outside `mirror.allow` (drift) in:", ($c.drift[] | "- \(code)"), "" else empty end),
	  (if ($c.behind // 0) > 0 then "The debug branch is \($c.behind) commit(s) behind main.", "" else empty end),
	  "See RELEASING.md, \"Mirroring\", to resolve it.",
	  (if $run != "" then "", "Run: \($run)" else empty end)
	' "$report" >"$body"
else
	printf 'The scheduled mirror failed before it could report (see the run%s).\n' "${run_url:+: $run_url}" >"$body"
fi

if [ "${2:-}" = --print ]; then
	echo "$title"
	echo
	cat "$body"
	exit 0
fi
number=$(gh issue list --state open --search "in:title \"$title\"" --json number --jq '.[0].number // empty')
if [ -n "$number" ]; then
	gh issue comment --body-file "$body" -- "$number"
else
	gh issue create --title "$title" --body-file "$body"
fi
