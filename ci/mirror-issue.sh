#!/bin/sh
# Open (or add to) an issue when the scheduled mirror fails, with the body
# that ci/mirror.sh --issue had the releaser write (Markdown, every name
# escaped by the releaser). Uses the GitHub CLI (gh) with $GH_TOKEN.
#
#   ci/mirror-issue.sh BODY [--print]
#
# --print  print the issue's title and body instead of filing it
set -eu

body=${1:?usage: ci/mirror-issue.sh BODY [--print]}
title="Mirroring main into the debug branch failed"
if [ ! -s "$body" ]; then
	body=$(mktemp)
	trap 'rm -f "$body"' EXIT
	echo 'The scheduled mirror failed before it could report: see the run of the mirror workflow.' >"$body"
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
