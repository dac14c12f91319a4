# shellcheck shell=sh
# Shared helpers of the ci/ scripts (sourced, POSIX sh).
#
#   ci_group TITLE / ci_endgroup    fold the output in between
#   ci_error MSG [FILE [LINE]]      report an error (an annotation on GitHub)
#   ci_warning MSG [FILE [LINE]]
#   ci_run TITLE CMD...             run CMD in a group; on failure report the
#                                   step and CMD's last "releaser:" line, and
#                                   return CMD's exit code
#   ci_releaser                     print the releaser to use ($RELEASER, or
#                                   build it with make)
#
# With GITHUB_ACTIONS=true the output uses GitHub's workflow commands
# (::group::, ::error file=...,line=...::); otherwise it is plain text, so
# every script runs the same way on a maintainer's machine.

CI_ROOT=$(cd "$(dirname "$0")/.." && pwd)

ci_github() {
	[ "${GITHUB_ACTIONS:-}" = true ]
}

ci_group() {
	if ci_github; then
		echo "::group::$1"
	else
		echo "==> $1"
	fi
}

ci_endgroup() {
	if ci_github; then
		echo "::endgroup::"
	fi
}

# workflow commands take the message on one line, with %, CR and LF escaped
ci_escape() {
	printf '%s' "$1" | sed -e 's/%/%25/g' | awk 'NR > 1 { printf "%%0A" } { printf "%s", $0 }'
}

ci_annotate() {
	kind=$1 msg=$2 file=${3:-} line=${4:-}
	if ci_github; then
		props=""
		[ -n "$file" ] && props=" file=$file"
		[ -n "$file" ] && [ -n "$line" ] && props="$props,line=$line"
		echo "::$kind$props::$(ci_escape "$msg")"
	else
		where=""
		[ -n "$file" ] && where="$file${line:+:$line}: "
		echo "$kind: $where$msg"
	fi
}

ci_error() {
	ci_annotate error "$@" >&2
}

ci_warning() {
	ci_annotate warning "$@" >&2
}

ci_run() {
	title=$1
	shift
	ci_group "$title"
	log=$(mktemp)
	set +e
	"$@" 2>"$log"
	rc=$?
	set -e
	cat "$log" >&2
	ci_endgroup
	if [ "$rc" -ne 0 ]; then
		why=$(grep '^releaser: ' "$log" | tail -n 1 | sed 's/^releaser: //')
		ci_error "$title failed (exit $rc)${why:+: $why}"
	fi
	rm -f "$log"
	return "$rc"
}

ci_releaser() {
	if [ -n "${RELEASER:-}" ]; then
		echo "$RELEASER"
		return 0
	fi
	bin=$(make -s -C "$CI_ROOT" print-RELEASER)
	make -s -C "$CI_ROOT" "$bin" >&2
	echo "$CI_ROOT/$bin"
}
