#!/bin/sh
# Build, test and guard: what CI runs on every push and pull request.
#
#   ci/build-and-test.sh [--steps LIST] [REV-RANGE]
#
# --steps   comma-separated subset of deps,build,test,guard (default: all),
#           or bpf: only the tests that load the analyzer (make check-bpf;
#           the release workflow's run on a real arm64 kernel)
# REV-RANGE the commits to guard (A..B: a push or pull request); none: the
#           tree at HEAD. A range whose start is gone (a new branch's zero
#           id, a force-push's dropped commit) is the releaser's to handle:
#           it guards what B adds to the default branch
#
# Exit codes: those of the failing step (make's, or releaser guard's: 1 a
# build output is tracked, 2 bad range).
set -eu
. "$(dirname "$0")/lib.sh"

steps=deps,build,test,guard
if [ "${1:-}" = --steps ]; then
	steps=$2
	shift 2
fi
range=${1:-}

has() {
	case ",$steps," in *",$1,"*) return 0 ;; esac
	return 1
}

cd "$CI_ROOT"
if has deps; then
	ci_run "install dependencies" ci/install-deps.sh
fi
if has build; then
	ci_run "build" make -j"$(nproc)"
fi
if has test; then
	ci_run "test" make test
fi
if has bpf; then
	ci_run "BPF load tests" make check-bpf
fi
if has guard; then
	releaser=$(ci_releaser)
	report=$(mktemp)
	guard() {
		# shellcheck disable=SC2086 # no range: no argument
		"$releaser" guard --json $range >"$report"
	}
	rc=0
	ci_run "guard ${range:-HEAD}" guard || rc=$?
	# one annotation per offender, on the file itself: @sh quotes each
	# path and subject whole, whatever it holds (newlines included)
	eval "set -- $(jq -r '[.offenders[]? | .path, "\(.reason), added by \(.commit // "an unknown commit")" +
		(if .subject then " \"\(.subject)\"" else "" end)] | @sh' "$report")"
	while [ $# -ge 2 ]; do
		ci_error "build output tracked: $2" "$1"
		shift 2
	done
	rm -f "$report"
	exit "$rc"
fi
