#!/bin/bash
# The shell of the suite and of ci/: shellcheck finds nothing at -S warning,
# and tests/tools/test-lint.py finds no check that cannot fail its test
# (a check under !, before &&, in a loop, or in a function run without
# set -e), and it finds each of those in a test written with them.
# run: once
. "$(dirname "$0")/../lib.sh"

LINT=$ROOT/tests/tools/test-lint.py

test_expect_success 'shellcheck -S warning: no error and no warning in ci/ and tests/' '
	(cd "$ROOT" && find ci tests -name "*.sh" | sort) >scripts
	test "$(wc -l <scripts)" -gt 60
	(cd "$ROOT" && xargs shellcheck -S warning -f gcc <"$TRASH/scripts") >out 2>&1 || { cat out; false; }
	test ! -s out
'

test_expect_success 'under tests/.shellcheckrc a warning is still found, a variable set for a test body is not' '
	mkdir -p tests/cli
	cp "$ROOT/tests/.shellcheckrc" tests/
	printf "#!/bin/bash\nX=1\nf() {\n\tcd /nowhere\n\tls\n}\nf\n" >tests/cli/t.sh
	expect_exit 1 shellcheck -S warning -f gcc tests/cli/t.sh >out 2>&1
	test_grep "t.sh:4:.*SC2164" out
	test_grep -v "SC2034" out
'

test_expect_success 'the lint finds nothing in the suite' '
	"$LINT" "$ROOT"/tests/cli/*.sh "$ROOT"/tests/bpf/*.sh "$ROOT"/tests/lib*.sh >out 2>&1 || { cat out; false; }
	test ! -s out
'

test_expect_success 'the lint finds each check that cannot fail, and only those' '
	cat >t9999-bad.sh <<-\EOF
	#!/bin/bash
	. "$(dirname "$0")/../lib.sh"
	UNUSED=1
	USED=2
	helper() {
		test -f a
		grep -q x b || return 1
		echo done
	}
	test_expect_success "negations and && lists" "
		for arch in a b; do
			! grep E: lintian.\$arch
		done
		test -f a && test -f b
		! grep y c
		test_grep x a | cat
		echo \$USED
	"
	test_expect_success "a helper in a condition" "
		if helper; then echo yes; fi
		x=\$(helper)
	"
	test_expect_success "the same, written so that each check counts" "
		for arch in a b; do
			not grep E: lintian.\$arch
			test_grep y lintian.\$arch
			! grep z lintian.\$arch || return 1
		done
		[ -n \"\$x\" ] && echo yes || :
		test -f a
		test -f b
		while ! grep -q ready out; do sleep 1; done
		helper
		echo \$(not true)
		test -f a && test -f b
	"
	test_expect_success "a negation at the end counts" "
		echo
		! grep x a
	"
	test_done
	EOF
	cat >expect <<-\EOF
	t9999-bad.sh:3: UNUSED is set and never read
	t9999-bad.sh:6: QUOTEtest -f aQUOTE cannot fail the test in helper(): helper() runs without set -e where it is called (line 20): add || return 1
	t9999-bad.sh:12: QUOTE! grep E: lintian.$archQUOTE cannot fail the test in this test (in a loop, only the last pass counts): set -e ignores !; use not or test_grep -v
	t9999-bad.sh:14: QUOTEtest -f aQUOTE before && cannot fail the test in this test: give it a line of its own
	t9999-bad.sh:15: QUOTE! grep y cQUOTE cannot fail the test in this test: set -e ignores !; use not or test_grep -v
	t9999-bad.sh:16: QUOTEtest_grep x aQUOTE before | cannot fail the test in this test
	EOF
	sed -i "s/QUOTE/'"'"'/g" expect
	expect_exit 1 "$LINT" t9999-bad.sh >out
	test_cmp expect out
'

test_expect_success 'the lint stops on what it cannot parse (exit 2)' '
	printf "test_expect_success x \"\nfor a in b; do\n\"\n" >t9998-broken.sh
	expect_exit 2 "$LINT" t9998-broken.sh 2>err
	test_grep "t9998-broken.sh: cannot parse" err
'
test_done
