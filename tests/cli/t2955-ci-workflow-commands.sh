#!/bin/bash
# ci/: text from outside (file names, commit subjects) in GitHub workflow
# commands is data: each finding is exactly one annotation, its name decoded
# back as it is, whatever it holds (",", "::", CR, LF, "%", "%0A").
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

RELEASER=$BUILD/bin/releaser
export RELEASER
GHA="python3 $ROOT/tests/tools/gha-commands.py"

# the names a pull request tries; each one also the subject of its commit
NASTY=('a,line=7,title=spoof.gz' 'b::error::x.gz' $'c\n::error file=evil::x.gz' $'d\r::warning::y.gz'
	'e%0A.gz' 'f%25%.gz' 'g:h.gz' $'i\r\n::notice::z.gz' 'k`tick`.gz')

# drifting_repo DIR NAME...: make_repo DIR whose debug branch adds a file
# of each NAME (drift), main checked out
drifting_repo() {
	make_repo "$1" --with-ci && (
		cd "$1" && shift && git checkout -q debug &&
			for n; do echo debug >"$n" && git add -- "$n" || return 1; done &&
			git commit -q -m "debug only files" && git checkout -q main
	)
}

# json_list ARGS...: ARGS as one sorted JSON array on one line
json_list() {
	jq -cn '$ARGS.positional | sort' --args "$@"
}

test_expect_success 'ci_command: every nasty text is one line that decodes back to itself' '
	$GHA roundtrip "$ROOT/ci/lib.sh"
'

test_expect_success 'ci_error keeps ",", "::" and newlines of a name out of the command' '
	(. "$ROOT/ci/lib.sh"; GITHUB_ACTIONS=true
	 ci_error "found" "x,line=9::y" 3; ci_error "$(printf "two\n::error::lines")" "$(printf "a\nb")") 2>err
	test_line_count err 2
	$GHA decode <err >got
	printf "%s\n" "{\"command\": \"error\", \"properties\": [[\"file\", \"x,line=9::y\"], [\"line\", \"3\"]], \"message\": \"found\"}" \
		"{\"command\": \"error\", \"properties\": [[\"file\", \"a\\nb\"]], \"message\": \"two\\n::error::lines\"}" >expect
	test_cmp expect got
'

test_expect_success 'outside GitHub, ci_error shows each name as the releaser does (ci_term is term_escape)' '
	names=("${NASTY[@]}" "$(printf "esc\033[31mred")" "$(printf "c1\302\205x")" "$(printf "bad\377\300\257")"
		"$(printf "cut\342\202")" "$(printf "sur\355\240\200")" "back\\x0a" "$(printf "é€😀")")
	drifting_repo r "${names[@]}" && cd r
	expect_exit 1 "$RELEASER" mirror --check >human 2>/dev/null
	sed -n "s/^drift: //p" human | sort >expect
	test_line_count expect ${#names[@]}
	(. "$ROOT/ci/lib.sh"; for n in "${names[@]}"; do ci_term "$n"; echo; done) | sort >got
	test_cmp expect got
	# ci_error prints them so, file and message alike, one line each
	(. "$ROOT/ci/lib.sh"; for n in "${names[@]}"; do ci_error "drift: $n" "$n" 3; done) 2>err
	test_line_count err ${#names[@]}
	not grep -q "$(printf "[\001-\010\013-\037\177]")" err
	test_grep "^error: esc\\\\x1b\[31mred:3: drift: esc\\\\x1b\[31mred$" err
'

test_expect_success 'a pull request of nasty names: one annotation per committed binary, names literal' '
	make_repo r --with-ci && cd r
	base=$(git rev-parse HEAD)
	for n in "${NASTY[@]}"; do
		echo "$n" | gzip >"$n" && git add -- "$n" && git commit -q -m "$n" || return 1
	done
	test "$(git ls-files | grep -c "gz")" -ge 6
	GITHUB_ACTIONS=true expect_exit 1 ci/build-and-test.sh --steps guard "$base..HEAD" >out 2>err
	cat out err | $GHA decode >cmds
	# the guard group, its end, its failure, and one error per name: nothing else
	jq -r .command cmds | sort | uniq -c | sed "s/^ *//" >counts
	printf "%s\n" "1 endgroup" "$((${#NASTY[@]} + 1)) error" "1 group" >expect
	test_cmp expect counts
	jq -s "[.[] | select(.command == \"error\" and .properties != []) | .properties[0][1]] | sort" -c cmds >files
	json_list "${NASTY[@]}" >expect
	test_cmp expect files
	jq -e -s "[.[] | select(.command == \"error\") | .properties | length <= 1] | all" cmds
	# each message names its commit and that commit subject, as guard --json gives them
	"$RELEASER" guard --json "$base..HEAD" >guard.json || test $? = 1
	jq -c "[.offenders[] | \"build output tracked: \(.reason), added by \(.commit) \\\"\(.subject)\\\"\"] | sort" \
		guard.json >expect
	jq -s -c "[.[] | select(.command == \"error\" and .properties != []) | .message] | sort" cmds >got
	test_cmp expect got
	test_grep "added by $(git rev-parse HEAD) " got
'

# names that would be Markdown (HTML, a link, an image, a heading, emphasis)
MD_NASTY=('<img src=x onerror=alert(1)>.gz' '[l](javascript:alert(1)).gz' '# h.gz' '*em*_u_.gz' '![i](x).gz')

test_expect_success 'ci/mirror.sh: one annotation per drifting path, whatever its name; the issue body as text' '
	all=("${NASTY[@]}" "${MD_NASTY[@]}")
	drifting_repo r "${all[@]}" && cd r
	GITHUB_ACTIONS=true expect_exit 1 ci/mirror.sh --issue issue.md >out 2>err
	grep -v "^{\|^ \|^}" out | cat - err | $GHA decode >cmds
	jq -s "[.[] | select(.command == \"error\" and .properties != []) | .properties[0][1]] | sort" -c cmds >files
	json_list "${all[@]}" >expect
	test_cmp expect files
	jq -s -e "[.[] | select(.command == \"error\" and .properties != [])] | length == ${#all[@]}" cmds
	jq -s -e "[.[] | select(.command == \"error\" and .properties != []) | .message | startswith(\"drift: \")] | all" cmds
	# on the terminal: one escaped line per path
	expect_exit 1 "$RELEASER" mirror --check >human 2>err
	test "$(grep -c "^drift: " human)" = ${#all[@]}
	not grep -q "$(printf "[\001-\010\013-\037\177]")" human
	test_grep "^drift: c\\\\x0a::error file=evil::x.gz$" human
	# the issue the releaser wrote: one list item per path, each name plain
	# text once rendered (cmark --unsafe: no HTML, link, image, heading or
	# emphasis from a name; white space runs as one space)
	ci/mirror-issue.sh issue.md --print >issue
	not grep -q "$(printf "[\001-\010\013-\037\177]")" issue
	test "$(grep -c "^- " issue)" = ${#all[@]}
	cmark --unsafe issue.md >issue.html
	test "$(grep -c "^<li>" issue.html)" = ${#all[@]}
	not grep -q "<a \|<img\|<h[1-6]\|<em>\|<strong>\|<code>" issue.html
	test_grep "^<li>c ::error file=evil::x.gz</li>$" issue.html
	test_grep "^<li>k\`tick\`.gz</li>$" issue.html
	test_grep "^<li>&lt;img src=x onerror=alert(1)&gt;.gz</li>$" issue.html
	test_grep "^<li>\[l\](javascript:alert(1)).gz</li>$" issue.html
	test_grep "^<li># h.gz</li>$" issue.html
	test_grep "^<li>\*em\*_u_.gz</li>$" issue.html
	test_grep "^<li>!\[i\](x).gz</li>$" issue.html
'

test_done
