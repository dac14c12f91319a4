# shellcheck shell=bash
# Which commands a document shows and which commands the tests run, for the
# tests that hold RELEASING.md to what the suite does. Sourced after lib.sh.
#
#   doc_commands DOC        the command lines of DOC's sh code blocks
#   run_lines FILE...       the simple commands the shell scripts FILE run
#   check_doc DOC FILE...   what DOC shows that no FILE runs, or that no
#                           longer exists (options, targets), one line each
#
# $R is the releaser whose --help lists the options.

R=${R:-$BUILD/bin/releaser}

# doc_commands DOC: the command lines of DOC's sh blocks (indented ones too),
# without trailing comments
doc_commands() {
	awk '/^ *```sh$/ { on = 1; next } /^ *```$/ { on = 0; next } on && NF && $1 !~ /^#/' "$1" |
		sed -e 's/[[:space:]]\{1,\}#.*//' -e 's/^[[:space:]]*//'
}

# simple_commands: the simple commands of the shell lines on stdin, one a
# line: split at && || ; | { (, without the keywords and wrappers before
# them (if, then, do, !, not, expect_exit N), without redirections; the
# releaser under test ("$R", "$RELEASER", "$BUILD/bin/releaser") written
# releaser, "$ROOT"/ci/X written ci/X, build_make written make. A command
# run to fail (not, expect_exit N with N > 0) is prefixed "fails: ".
# shellcheck disable=SC2016 # the scripts' $R, $ROOT, ... as text
simple_commands() {
	sed -e 's/"\$RELEASER"/releaser/g' -e 's/\$RELEASER\([^A-Za-z0-9_]\|$\)/releaser\1/g' \
		-e 's/"\$R"/releaser/g' -e 's/\$R\([^A-Za-z0-9_]\|$\)/releaser\1/g' \
		-e 's|"\$BUILD/bin/releaser"|releaser|g' -e 's|"\$BUILD"/bin/releaser|releaser|g' \
		-e 's|\$BUILD/bin/releaser|releaser|g' \
		-e 's|"\$ROOT"/ci/|ci/|g' -e 's|"\$ROOT/ci/\([^"]*\)"|ci/\1|g' -e 's|\$ROOT/ci/|ci/|g' \
		-e 's/\(^\|[^A-Za-z0-9_]\)build_make /\1make /g' |
		awk '{
			gsub(/\$\(/, "\001")
			gsub(/&&|\|\||;|\||\{|\(/, "\n")
			n = split($0, seg, "\n")
			for (i = 1; i <= n; i++) {
				s = seg[i]
				gsub(/\001/, "$(", s)
				gsub(/[[:space:]]*[0-9]*(>>|>|<)&?[[:space:]]*[^[:space:]]+/, "", s)
				gsub(/[[:space:]]+/, " ", s)
				sub(/^ /, "", s)
				fails = 0
				while (match(s, /^(if|then|do|else|elif|while|until|!|not|expect_exit [0-9]+) /)) {
					if (s ~ /^(not|!|expect_exit [1-9][0-9]*) /)
						fails = 1
					s = substr(s, RLENGTH + 1)
				}
				# a closing ) or } of a group, not of a $(...) in the command
				while (s ~ /[ })]$/) {
					if (s ~ /\)$/ && gsub(/\(/, "(", s) >= gsub(/\)/, ")", s))
						break
					s = substr(s, 1, length(s) - 1)
				}
				if (s != "")
					print (fails ? "fails: " : "") s
			}
		}'
}

# run_lines FILE...: the simple commands the shell scripts FILE run, with
# their comments stripped and continued lines joined
run_lines() {
	sed -e 's/^[[:space:]]*#.*//' -e 's/[[:space:]]#.*//' "$@" |
		awk '/\\$/ { sub(/\\$/, ""); buf = buf $0 " "; next } { print buf $0; buf = "" }' |
		simple_commands
}

# pattern CMD: an extended regex matching CMD as written, where each
# placeholder word (ARCH, FILE, ...) stands for any word
PLACEHOLDERS='ARCH|BRANCH|DIR|FILE|LIST|N|NAME|PREFIX|PUBKEY|RANGE|TAG|VERSION'
pattern() {
	printf '%s\n' "$1" | sed -e 's/[][\\.*^$+?(){}|]/\\&/g' |
		sed -E -e ":a" -e "s/(^| )($PLACEHOLDERS)( |$)/\\1[^ ]+\\3/" -e "ta"
}

# ours CMD: CMD is one of the project's own commands (releaser, make, ci/),
# which count as run only when a test runs them to succeed
ours() {
	case "$1" in releaser | releaser\ * | make | make\ * | ci/*) ;; *) return 1 ;; esac
}

# check_doc DOC FILE...: one line for each command of DOC's sh blocks that
# no script FILE runs ("not run by any test: CMD"), and for each option
# or target it shows that no longer exists
check_doc() {
	doc=$1
	shift
	run_lines "$@" >"$TRASH/run-lines"
	sed 's/^fails: //' "$TRASH/run-lines" >"$TRASH/run-lines-any"
	doc_commands "$doc" | awk '!seen[$0]++' | while IFS= read -r line; do
		printf '%s\n' "$line" | simple_commands | sed 's/^fails: //' | while IFS= read -r cmd; do
			env='^([A-Za-z_][A-Za-z0-9_]*=(\$\([^)]*\)|"[^"]*"|[^ ])* )*'
			bare=$(printf '%s\n' "$cmd" | sed -E "s/$env//")
			lines=$TRASH/run-lines-any
			if ours "$bare"; then
				lines=$TRASH/run-lines
			fi
			grep -qE -e "$env$(pattern "$cmd")\$" "$lines" || echo "not run by any test: $cmd"
			check_options "$bare"
		done
	done
}

# check_options CMD: CMD's options and targets exist: for `releaser SUB`,
# each --option is in `releaser SUB --help`; for `ci/X`, in the script's
# usage comment; for `make`, each target is one of the Makefile's
check_options() {
	# shellcheck disable=SC2086 # split into words
	set -- $1
	case "$1" in
	releaser)
		help=$("$R" "$2" --help 2>&1) || { echo "releaser $2 --help fails: $*"; return 0; }
		for w; do
			case "$w" in --*)
				printf '%s\n' "$help" | grep -qE -e "(^|[^a-z-])${w%%=*}([^a-z-]|\$)" ||
					echo "releaser $2 --help does not list ${w%%=*}: $*" ;;
			esac
		done
		;;
	ci/*)
		[ -f "$ROOT/$1" ] || { echo "no such script: $*"; return 0; }
		for w; do
			case "$w" in --*)
				sed -n '/^#/p; /^[^#]/q' "$ROOT/$1" | grep -qE -e "(^|[^a-z-])${w%%=*}([^a-z-]|\$)" ||
					echo "$1 does not document ${w%%=*}: $*" ;;
			esac
		done
		;;
	make)
		shift
		for w; do
			case "$w" in -* | *=*) ;; *)
				make -C "$ROOT" -pRrq -f Makefile .no-such-target 2>/dev/null | grep -q "^$w:" ||
					echo "the Makefile has no target $w: make $*" ;;
			esac
		done
		;;
	esac
}
