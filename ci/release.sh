#!/bin/sh
# Release in CI what the releaser decides: the tag pushed ($GITHUB_REF_NAME)
# or the release tag at HEAD, built on its branch's channel (releaser info
# --json shows every decision). A snapshot is refused: this is the job of a
# tag push. Every option goes to `releaser release` (or `releaser finalize`).
#
#   ci/release.sh [--tag TAG] [--out DIR] [--key FILE] [--remote NAME]
#   ci/release.sh --arch ARCH --no-sign [--out DIR]    (one runner's part)
#   ci/release.sh --finalize [--out DIR] [--key FILE]  (merge the parts, sign)
#
# Exit codes: the releaser's (0 released, 1 failed, 2 bad usage or a
# precondition: no tag, a tag not on its branch, no key, ...).
set -eu
. "$(dirname "$0")/lib.sh"

command=release
for arg; do
	shift
	if [ "$arg" = --finalize ]; then
		command=finalize
	else
		set -- "$@" "$arg"
	fi
done

cd "$CI_ROOT"
releaser=$(ci_releaser)
rc=0
if [ "$command" = finalize ]; then
	ci_run "releaser finalize" "$releaser" finalize "$@" || rc=$?
else
	ci_run "releaser release" "$releaser" release --require-tag "$@" || rc=$?
fi
exit "$rc"
