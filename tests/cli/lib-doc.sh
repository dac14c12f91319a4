# shellcheck shell=bash
# Which commands a document shows and which commands the tests run, for the
# tests that hold RELEASING.md to what the suite does. Sourced after lib.sh.
#
#   doc_commands DOC        the command lines of DOC's sh and bash code blocks
#   doc_blocks DOC          each of those blocks, as written, for a loop
#   doc_block DOC FIRST     the block whose first command line is FIRST
#   run_doc_block DOC FIRST [NAME=VALUE...]
#                           run that block in the shell its fence names
#                           (sh: dash, bash: bash), stopping at the first
#                           failing command, with only the declared
#                           placeholders NAME (see PLACEHOLDERS) replaced
#   run_lines FILE...       the simple commands the shell scripts FILE run
#   check_doc DOC FILE...   what DOC shows that no FILE runs, or that no
#                           longer exists (options, targets), one line each
#
# $R is the releaser whose --help lists the options.

R=${R:-$BUILD/bin/releaser}

# doc_commands DOC: the command lines of DOC's sh and bash blocks (indented
# ones too), without trailing comments
doc_commands() {
	awk '/^ *```(sh|bash)$/ { on = 1; next } /^ *```$/ { on = 0; next } on && NF && $1 !~ /^#/' "$1" |
		sed -e 's/[[:space:]]\{1,\}#.*//' -e 's/^[[:space:]]*//'
}

# doc_blocks DOC: DOC's sh and bash blocks, each as its fence's shell on one
# line, then its lines (the fence's indentation removed), then a line "```"
doc_blocks() {
	awk '
		!on && /^ *```(sh|bash)$/ {
			on = 1; indent = index($0, "`") - 1; lang = substr($0, indent + 4); print lang; next
		}
		on && /^ *```$/ { on = 0; print "```"; next }
		on { line = $0; for (i = 0; i < indent && substr(line, 1, 1) == " "; i++) line = substr(line, 2); print line }
	' "$1"
}

# doc_block DOC FIRST: the block of DOC whose first command line (not a
# comment) is FIRST: its shell ("sh" or "bash") on the first line, then
# its lines as written; fails when DOC has no such block
doc_block() {
	doc_blocks "$1" | FIRST=$2 awk '
		lang == "" { lang = $0; n = 0; cmd = ""; next }
		$0 == "```" { if (cmd == ENVIRON["FIRST"]) { print lang; for (i = 1; i <= n; i++) print body[i]; found = 1; exit } lang = ""; next }
		{ body[++n] = $0; if (cmd == "" && NF && $1 !~ /^#/) cmd = $0 }
		END { exit !found }
	'
}

# run_doc_block DOC FIRST [NAME=VALUE...]: run the block of DOC whose first
# command line is FIRST in the shell its fence names, with $BUILD/bin first
# in PATH (releaser as the docs write it); each NAME must be one of
# PLACEHOLDERS and stands for VALUE wherever it is a word of its own
run_doc_block() {
	doc_block "$1" "$2" >"$TRASH/doc-block" || { echo "no block starting '$2' in $1" >&2; return 2; }
	shift 2
	for sub; do
		name=${sub%%=*}
		printf '%s\n' "$name" | grep -qxE "$PLACEHOLDERS" || { echo "not a placeholder: $name" >&2; return 2; }
		NAME=$name VALUE=${sub#*=} awk '
			function word(c) { return c ~ /[A-Za-z0-9_]/ }
			NR == 1 { print; next }
			{
				out = ""; rest = $0; name = ENVIRON["NAME"]; prev = ""
				while ((i = index(rest, name)) > 0) {
					before = i > 1 ? substr(rest, i - 1, 1) : prev
					after = substr(rest, i + length(name), 1)
					if (!word(before) && !word(after)) {
						out = out substr(rest, 1, i - 1) ENVIRON["VALUE"]
					} else {
						out = out substr(rest, 1, i - 1 + length(name))
					}
					prev = substr(rest, i + length(name) - 1, 1)
					rest = substr(rest, i + length(name))
				}
				print out rest
			}' "$TRASH/doc-block" >"$TRASH/doc-block.new" && mv "$TRASH/doc-block.new" "$TRASH/doc-block"
	done
	case $(sed -n 1p "$TRASH/doc-block") in
	sh) shell=dash ;;
	bash) shell=bash ;;
	*) echo "a block of no shell" >&2; return 2 ;;
	esac
	sed 1d "$TRASH/doc-block" >"$TRASH/doc-block.sh"
	PATH=$BUILD/bin:$PATH "$shell" -e "$TRASH/doc-block.sh"
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

# The environment a test may give a documented command that the document
# does not show: the machine's (PATH with stand-ins, HOME, the locale, the
# clock of reproducible builds), never the command's own inputs (RELEASER_*,
# keys, passwords), which the document must show as a reader types them.
DOC_ENV_TEST='^((PATH|HOME|LC_ALL|LANG|TZ|SOURCE_DATE_EPOCH)=(\$\([^)]*\)|"[^"]*"|[^ ])* )*'
# any assignment before a command, which the document itself may show
DOC_ENV_ANY='^([A-Za-z_][A-Za-z0-9_]*=(\$\([^)]*\)|"[^"]*"|[^ ])* )*'

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
	blocks_run "$doc" "$@" >"$TRASH/blocks-run"
	doc_blocks "$doc" | awk '
		lang == "" { lang = $0; n = 0; first = ""; next }
		$0 == "```" { for (i = 1; i <= n; i++) print first "\t" body[i]; lang = ""; next }
		NF && $1 !~ /^#/ { if (first == "") first = $0; body[++n] = $0 }
	' | while IFS=$(printf '\t') read -r first line; do
		whole=0
		grep -qxF -e "$first" "$TRASH/blocks-run" && whole=1
		printf '%s\n' "$line" | sed -e 's/[[:space:]]\{1,\}#.*//' -e 's/^[[:space:]]*//' | simple_commands |
			sed 's/^fails: //' | while IFS= read -r cmd; do
			bare=$(printf '%s\n' "$cmd" | sed -E "s/$DOC_ENV_ANY//")
			lines=$TRASH/run-lines-any
			if ours "$bare"; then
				lines=$TRASH/run-lines
			fi
			[ "$whole" = 1 ] || grep -qE -e "$DOC_ENV_TEST$(pattern "$cmd")\$" "$lines" ||
				echo "not run by any test: $cmd"
			check_options "$bare"
		done
	done | awk '!seen[$0]++'
}

# blocks_run DOC FILE...: the first command lines of the blocks of DOC that
# the scripts FILE run whole (run_doc_block "$ROOT/DOC" "FIRST"), one a line
blocks_run() {
	name=$(basename "$1")
	shift
	grep -h -o -e "run_doc_block [^ ]*/$name\"\{0,1\} \"\([^\"\\]\|\\.\)*\"" "$@" 2>/dev/null |
		sed -e 's/^run_doc_block [^ ]* "//' -e 's/"$//' -e 's/\\\(["\\$`]\)/\1/g'
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
