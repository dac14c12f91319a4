#!/bin/bash
# profiling-agent's export options (--format pprof, continuous mode,
# OTLP): bad values and combinations fail at start, with one line and
# exit 2, before any BPF; a header's value is never printed.
. "$(dirname "$0")/../lib.sh"

AGENT=$BUILD/bin/profiling-agent

test_expect_success '--help lists the export options' '
	"$AGENT" --help >out
	for o in pprof --output-dir --keep --interval --otlp-endpoint --otlp-header --service-name --otlp-timeout; do
		grep -q -e "$o" out || { echo "--help lacks $o" >&2; return 1; }
	done
'

# bad_usage PATTERN ARGS...: exit 2, one line on stderr matching PATTERN, nothing on stdout
bad_usage() {
	pattern=$1
	shift
	test_expect_success "refuses $*" '
		expect_exit 2 "$AGENT" '"$(printf '%q ' "$@")"' >out 2>err
		test ! -s out
		one_line err
		test_grep "^profiling-agent: $pattern" err
	'
}

bad_usage "invalid --format .folded,svg.: expected folded, json or pprof" --format folded,svg
bad_usage "invalid --format .pprof,.: expected" --format pprof,
bad_usage "several --format values need --output-dir" --format folded,pprof
bad_usage "several --format values need --output-dir" --format folded,pprof --otlp-endpoint http://127.0.0.1:1
bad_usage "--keep needs --output-dir or --otlp-endpoint" --keep 3
bad_usage "--keep needs --output-dir" --keep 3 --otlp-endpoint http://127.0.0.1:1
bad_usage "invalid --keep .0.: expected a whole number of files from 1" --keep 0 --output-dir .
bad_usage "--interval needs --output-dir or --otlp-endpoint" --interval 5
bad_usage "invalid --interval .0.5.: expected a number of seconds from 1 to 86400" --interval 0.5 --output-dir .
bad_usage "invalid --interval .1m." --interval 1m --output-dir .
bad_usage "--output writes one profile at the end: in continuous mode profiles go to --output-dir" \
	--output p.folded --output-dir .
bad_usage "invalid --output-dir ..: expected a directory" --output-dir ""
bad_usage "--otlp-header needs --otlp-endpoint" --otlp-header a=b
bad_usage "--service-name needs --otlp-endpoint" --service-name web
bad_usage "invalid --otlp-endpoint: expected a URL starting with http:// or https://" --otlp-endpoint ftp://x
bad_usage "invalid --otlp-endpoint: expected a URL starting with http:// or https://" --otlp-endpoint localhost:4318
bad_usage "invalid --otlp-endpoint: expected a host name or address after the scheme" --otlp-endpoint http://
bad_usage "invalid --otlp-endpoint: expected a host name or address after the scheme" --otlp-endpoint "http://a b/"
bad_usage "invalid --otlp-endpoint: expected a port from 1 to 65535" --otlp-endpoint http://host:99999
bad_usage "invalid --otlp-endpoint: expected a port from 1 to 65535" --otlp-endpoint http://host:
bad_usage "invalid --otlp-endpoint: user or password in the URL: send credentials with --otlp-header" \
	--otlp-endpoint http://user:secret@host/
bad_usage "invalid --otlp-endpoint: the path may hold printable ASCII only" --otlp-endpoint "http://host/a b"
bad_usage "--otlp-timeout needs --otlp-endpoint" --otlp-timeout 5
bad_usage "invalid --otlp-timeout .0.: expected a number of seconds from 1 to 300" --otlp-endpoint http://h --otlp-timeout 0
bad_usage "invalid --otlp-header: expected NAME=VALUE" --otlp-endpoint http://h --otlp-header novalue
bad_usage "invalid --otlp-header: a header name holds letters" --otlp-endpoint http://h --otlp-header "a b=c"
bad_usage "invalid --otlp-header: the agent sets .Content-Type. itself" \
	--otlp-endpoint http://h --otlp-header Content-Type=text/plain

test_expect_success 'a bad header value is refused without printing it' '
	expect_exit 2 "$AGENT" --otlp-endpoint http://h --otlp-header "Authorization=Bearer s3cr3t$(printf "\r\nX: y")" \
		>out 2>err
	one_line err
	test_grep "^profiling-agent: invalid --otlp-header: the value of .Authorization. has a control character" err
	test_grep -v s3cr3t err
'

test_expect_success 'an --output-dir that is missing or not a directory: exit 2 before profiling' '
	expect_exit 2 "$AGENT" --output-dir "$TRASH/no/such" --duration 1 >out 2>err
	one_line err
	test_grep "^profiling-agent: cannot use --output-dir .*no/such.: No such file or directory: create it first" err
	: >afile
	expect_exit 2 "$AGENT" --output-dir afile --duration 1 >out 2>err
	one_line err
	test_grep "^profiling-agent: cannot use --output-dir .afile.: Not a directory" err
	test "$(ls -A)" = "afile
err
out"
'

test_expect_success 'an --output-dir the user cannot write: exit 2 before profiling' '
	mkdir ro
	chmod 0555 ro
	chmod 0755 "$TRASH"
	expect_exit 2 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$AGENT" --output-dir ro --duration 1 >out 2>err
	one_line err
	test_grep "^profiling-agent: cannot use --output-dir .ro.: Permission denied" err
	test -z "$(ls -A ro)"
'
# the libcurl the agent would load, hidden in a mount namespace of its own
LIBCURL=$(ldconfig -p | sed -n "s/^[[:space:]]*libcurl.so.4 (libc6[^)]*) => //p" | head -n 1)
if [ -n "$LIBCURL" ] && unshare -m true 2>/dev/null; then
test_expect_success 'no libcurl for --otlp-endpoint: one line, exit 2, before profiling' '
	expect_exit 2 unshare -m sh -c "mount --bind /dev/null \"\$(readlink -f $LIBCURL)\" &&
		exec \"\$0\" --otlp-endpoint http://127.0.0.1:9 --duration 1" "$AGENT" >out 2>err
	one_line err
	test_grep "^profiling-agent: --otlp-endpoint needs libcurl (libcurl.so.4): install libcurl4" err
'
else
test_skip 'no libcurl for --otlp-endpoint: one line, exit 2, before profiling' 'no libcurl.so.4, or no unshare -m'
fi
test_done
