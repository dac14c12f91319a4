# shellcheck shell=sh
# Shared helpers of the ci/ scripts (sourced, POSIX sh).
#
#   ci_group TITLE / ci_endgroup    fold the output in between
#   ci_error MSG [FILE [LINE]]      report an error (an annotation on GitHub)
#   ci_warning MSG [FILE [LINE]]
#   ci_command NAME MSG [KEY VALUE]...  print one workflow command, MSG and
#                                   every VALUE encoded by ci_escape (empty
#                                   VALUEs left out)
#   ci_escape data|property TEXT    TEXT encoded for a workflow command
#   ci_term TEXT                    TEXT escaped for a terminal (plain output)
#   ci_run TITLE CMD...             run CMD in a group; on failure report the
#                                   step and CMD's last "releaser:" line, and
#                                   return CMD's exit code
#   ci_releaser                     print the releaser to use ($RELEASER, or
#                                   build it with make)
#
# With GITHUB_ACTIONS=true the output uses GitHub's workflow commands
# (::group::, ::error file=...,line=...::); otherwise it is plain text, so
# every script runs the same way on a maintainer's machine. Every workflow
# command goes through ci_command: text from outside (file names, commit
# subjects, branch names) never adds a command or a property of its own.

CI_ROOT=$(cd "$(dirname "$0")/.." && pwd)

ci_github() {
	[ "${GITHUB_ACTIONS:-}" = true ]
}

ci_group() {
	if ci_github; then
		ci_command group "$1"
	else
		printf '==> %s\n' "$(ci_term "$1")"
	fi
}

ci_endgroup() {
	if ci_github; then
		ci_command endgroup ""
	fi
}

# ci_escape data|property TEXT: TEXT as GitHub's runner decodes it from a
# workflow command: in the message (data) % CR LF become %25 %0D %0A; in a
# property's value also : and , become %3A and %2C. Every byte is kept
# (trailing newlines too: the "." guards them from awk); the output is one
# line without a newline. The one encoder of the ci/ scripts.
ci_escape() {
	printf '%s.' "$2" | LC_ALL=C awk -v prop="$([ "$1" = property ] && echo 1)" '
	{
		gsub(/%/, "%25"); gsub(/\r/, "%0D")
		if (prop) { gsub(/:/, "%3A"); gsub(/,/, "%2C") }
		out = out (NR > 1 ? "%0A" : "") $0
	}
	END { sub(/\.$/, "", out); printf "%s", out }'
}

# ci_term TEXT: TEXT fit for a terminal, byte for byte the releaser's
# term_escape (releaser/lib/text.c): control characters (C0, DEL, C1) and
# bytes that are not well-formed UTF-8 as \xNN, the rest as is; one line
# without a newline. The one terminal escaper of the ci/ scripts.
ci_term() {
	printf '%s.' "$1" | LC_ALL=C awk '
	BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
	{ s = s (NR > 1 ? "\n" : "") $0 }
	END {
		sub(/\.$/, "", s)
		n = length(s)
		for (i = 1; i <= n; i += k) {
			b = ord[substr(s, i, 1)]
			k = b < 128 ? 1 : b >= 194 && b <= 223 ? 2 : b >= 224 && b <= 239 ? 3 : b >= 240 && b <= 244 ? 4 : 0
			lo = b == 224 ? 160 : b == 240 ? 144 : 128
			hi = b == 237 ? 159 : b == 244 ? 143 : 191
			ok = k > 0 && i + k - 1 <= n
			for (j = 1; ok && j < k; j++) {
				c = ord[substr(s, i + j, 1)]
				if (c < (j == 1 ? lo : 128) || c > (j == 1 ? hi : 191))
					ok = 0
			}
			if (ok && (k == 1 ? b < 32 || b == 127 : k == 2 && b == 194 && ord[substr(s, i + 1, 1)] <= 159)) {
				out = out sprintf("\\x%02x", b)
				if (k == 2)
					out = out sprintf("\\x%02x", ord[substr(s, i + 1, 1)])
			} else if (ok)
				out = out substr(s, i, k)
			else {
				out = out sprintf("\\x%02x", b)
				k = 1
			}
		}
		printf "%s", out
	}'
}

# ci_command NAME MSG [KEY VALUE]...: "::NAME KEY=VALUE,...::MSG" on one line
ci_command() {
	_ci_name=$1 _ci_msg=$2 _ci_props=""
	shift 2
	while [ $# -ge 2 ]; do
		[ -n "$2" ] && _ci_props="$_ci_props${_ci_props:+,}$1=$(ci_escape property "$2")"
		shift 2
	done
	printf '::%s%s::%s\n' "$_ci_name" "${_ci_props:+ $_ci_props}" "$(ci_escape data "$_ci_msg")"
}

ci_annotate() {
	kind=$1 msg=$2 file=${3:-} line=${4:-}
	if ci_github; then
		[ -n "$file" ] || line=""
		ci_command "$kind" "$msg" file "$file" line "$line"
	else
		where=""
		[ -n "$file" ] && where="$(ci_term "$file")${line:+:$line}: "
		printf '%s: %s%s\n' "$kind" "$where" "$(ci_term "$msg")"
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
