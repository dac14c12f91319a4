# shellcheck shell=bash
# Sourced after lib.sh by the release tests (tests/cli/t23xx-t26xx).
#
#   fake_project DIR    clone a small project shaped like this one into DIR:
#                       tests/fixtures/fake-project/Makefile, the files the
#                       tarballs and packages take (support/packaging/ as
#                       it is), build/ and dist/ ignored, one commit
#                       on main at FAKE_EPOCH
#   commit_change MSG   commit a change to a file in the current repository
#   tar_listing TGZ     `tar -tvzf` of TGZ as "mode owner size date time name"
#
# R is the releaser under test. Times are UTC.

R=$BUILD/bin/releaser
FAKE_EPOCH=1704164645   # 2024-01-02 03:04:05 UTC
FAKE_TEMPLATE=$TRASH_ROOT/fake-template
export TZ=UTC GIT_COMMITTER_DATE="@$FAKE_EPOCH +0000" GIT_AUTHOR_DATE="@$FAKE_EPOCH +0000"
unset RELEASER_BRANCH RELEASER_SIGNING_KEY RELEASER_KEY_PASSWORD SOURCE_DATE_EPOCH RELEASER_SOURCE_URI \
	RELEASER_BUILDER_ID

make_fake_template() {
	mkdir -p "$FAKE_TEMPLATE/libanalyzer/include" "$FAKE_TEMPLATE/support/ebpf"
	cd "$FAKE_TEMPLATE" || return 1
	git init -q
	cp "$ROOT/tests/fixtures/fake-project/Makefile" Makefile
	printf '/* analyzer api */\n' >libanalyzer/include/analyzer.h
	printf '/* frame types */\n' >support/ebpf/frametypes.h
	printf '{ "frametypes": [] }\n' >support/frametypes.json
	cp -R "$ROOT/support/packaging" support/packaging
	printf 'Fake license\n' >LICENSE
	printf '# fake project\n' >README.md
	printf '/build/\n/dist/\n' >.gitignore
	git add -A
	git commit -q -m 'fake project'
}

fake_project() {
	if [ ! -d "$FAKE_TEMPLATE" ]; then
		(make_fake_template) >/dev/null
	fi
	git clone -q "$FAKE_TEMPLATE" "$1"
}

commit_change() {
	echo "$1" >>changes.txt
	git add changes.txt
	git commit -q -m "$1"
}

tar_listing() {
	tar -tvzf "$1" | awk '{ print $1, $2, $3, $4, $5, $6 }'
}
