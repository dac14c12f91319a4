#!/bin/bash
# A release built on several runners: each packages its arch unsigned,
# then `releaser finalize` merges and signs them in one directory.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
PUB=$TRASH_ROOT/key.pub

# two runners: clones of one commit, each releasing one arch unsigned into
# its own directory, gathered into ../gathered
two_runners() {
	fake_project p
	git -C p tag -a v2.0.0 -m v2
	git clone -q p runner-a && git clone -q p runner-b
	git -C runner-a checkout -q v2.0.0 && git -C runner-b checkout -q v2.0.0
	RELEASER_BRANCH=main "$R" -C runner-a release --no-sign --arch amd64 --out ../out-a >/dev/null 2>&1
	RELEASER_BRANCH=main "$R" -C runner-b release --no-sign --arch arm64 --out ../out-b >/dev/null 2>&1
	mkdir gathered && cp out-a/* out-b/* gathered/
}

test_expect_success 'an unsigned per-arch run leaves its tarball, packages and manifest-<arch>.json only' '
	two_runners
	ls out-a >names
	printf "%s\n" manifest-amd64.json profiling-agent-2.0.0-1.x86_64.rpm profiling-agent-v2.0.0-linux-amd64.tar.gz \
		profiling-agent_2.0.0_amd64.deb >expect
	test_cmp expect names
	test "$(jq -r .partial out-a/manifest-amd64.json)" = true
	test "$(jq -r .checksums out-a/manifest-amd64.json)" = null
	test "$(jq -r "[.artifacts[] | .kind] | join(\",\")" out-a/manifest-amd64.json)" = tarball,deb,rpm
	# the notes travel in the partial manifest, for finalize
	"$R" -C runner-a notes v2.0.0 >notes
	jq -j .changelog out-a/manifest-amd64.json >changelog
	test_cmp notes changelog
'

test_expect_success 'finalize merges the arches, writes checksums, manifest, provenance, signatures' '
	two_runners
	"$R" finalize --out gathered --key "$KEY" >out 2>err
	test_grep "finalized v2.0.0 (release channel, 2 tarballs, 4 packages)" err
	cd gathered
	sha256sum -c SHA256SUMS >../checked
	test_line_count ../checked 12
	minisign -Vm SHA256SUMS -p "$PUB" >/dev/null
	signify-openbsd -C -p "$PUB" -x SHA256SUMS.sig >/dev/null
	test "$(jq -r "[.artifacts[] | select(.kind == \"tarball\") | .arch] | join(\",\")" manifest.json)" = amd64,arm64
	test "$(jq -r .partial manifest.json)" = false
	test "$(jq -r ".subject | length" provenance.intoto.json)" = 6
	test_grep "^# v2.0.0 " CHANGELOG.md
	test "$(jq -r ".artifacts[] | select(.name == \"CHANGELOG.md\") | .kind" manifest.json)" = notes
	test ! -e manifest-amd64.json
	test ! -e manifest-arm64.json
	"$R" verify --pubkey "$PUB" . >/dev/null
'

# the same release four ways: two runners finalized (gathered), one signed
# release (one), build then package (two), one unsigned release of both
# arches finalized (three)
test_expect_success 'release, build+package and --no-sign+finalize give byte-identical files' '
	two_runners
	"$R" finalize --out gathered --key "$KEY" >/dev/null 2>&1
	for c in single twostep unsigned; do git clone -q p $c && git -C $c checkout -q v2.0.0; done
	RELEASER_BRANCH=main "$R" -C single release --key "$KEY" --out ../one >/dev/null 2>&1
	RELEASER_BRANCH=main "$R" -C twostep build >/dev/null 2>&1
	RELEASER_BRANCH=main "$R" -C twostep package --key "$KEY" --out ../two >/dev/null 2>&1
	RELEASER_BRANCH=main "$R" -C unsigned release --no-sign --out ../three >/dev/null 2>&1
	ls three >names.partial
	printf "%s\n" manifest-amd64.json manifest-arm64.json profiling-agent-2.0.0-1.aarch64.rpm \
		profiling-agent-2.0.0-1.x86_64.rpm profiling-agent-v2.0.0-linux-amd64.tar.gz \
		profiling-agent-v2.0.0-linux-arm64.tar.gz profiling-agent_2.0.0_amd64.deb \
		profiling-agent_2.0.0_arm64.deb >expect.partial
	test_cmp expect.partial names.partial
	"$R" finalize --out three --key "$KEY" >/dev/null 2>&1
	ls one >names.one
	test_line_count names.one 15
	for d in two three gathered; do
		ls $d >names.$d
		test_cmp names.one names.$d
		for f in one/*; do cmp "$f" $d/$(basename "$f"); done
	done
	cd one
	sha256sum -c SHA256SUMS >../checked
	test_line_count ../checked 12
	minisign -Vm SHA256SUMS -p "$PUB" >/dev/null
	signify-openbsd -C -p "$PUB" -x SHA256SUMS.sig >/dev/null
'

test_expect_success 'finalize refuses a tarball that does not match its manifest' '
	two_runners
	printf "\\x00" | dd of=gathered/profiling-agent-v2.0.0-linux-arm64.tar.gz bs=1 seek=50 conv=notrunc 2>/dev/null
	expect_exit 1 "$R" finalize --out gathered --key "$KEY" 2>err
	one_line err
	test_grep "linux-arm64.tar.gz. does not match manifest-arm64.json" err
	test ! -e gathered/SHA256SUMS
	test ! -e gathered/manifest.json
'

test_expect_success 'finalize refuses per-arch manifests whose notes differ' '
	two_runners
	jq ".changelog += \"- one more\n\"" gathered/manifest-arm64.json >changed
	mv changed gathered/manifest-arm64.json
	expect_exit 1 "$R" finalize --out gathered --key "$KEY" 2>err
	one_line err
	test_grep "manifest-arm64.json. carries other release notes than the others" err
	test ! -e gathered/SHA256SUMS
	test ! -e gathered/CHANGELOG.md
'

test_expect_success 'finalize refuses manifests of different releases' '
	two_runners
	git -C runner-b checkout -q main && (cd runner-b && commit_change other)
	"$R" -C runner-b release --no-sign --arch arm64 --out ../out-c >/dev/null 2>&1
	cp out-c/manifest-arm64.json out-c/*.tar.gz gathered/
	expect_exit 1 "$R" finalize --out gathered --key "$KEY" 2>err
	one_line err
	test_grep "describes another release" err
	test ! -e gathered/SHA256SUMS
'

test_expect_success 'finalize without per-arch manifests, or without a key, is bad usage' '
	mkdir empty
	expect_exit 2 "$R" finalize --out empty --key "$KEY" 2>err
	one_line err
	test_grep "holds no per-arch manifest" err
	expect_exit 2 "$R" finalize --out missing --key "$KEY" 2>err3
	one_line err3
	test_grep "missing. is not a directory holding the per-arch parts" err3
	test ! -e missing
	two_runners
	expect_exit 2 "$R" finalize --out gathered 2>err2
	one_line err2
	test_grep "no signing key" err2
	test ! -e gathered/SHA256SUMS
'
# tamper JQ VALUE: set what the jq path JQ names in gathered/manifest-amd64.json to the string VALUE
tamper() {
	jq --arg v "$2" "$1 = \$v" gathered/manifest-amd64.json >tampered.json &&
		mv tampered.json gathered/manifest-amd64.json
}

# gathered_state: every name, size, mtime and digest in gathered/
gathered_state() {
	(cd gathered && ls -lA --full-time . && sha256sum -- *)
}

# refused_part MESSAGE: finalize exits 2 with the one line
# "releaser: 'gathered/manifest-amd64.json': MESSAGE" and changes nothing in gathered/
refused_part() {
	gathered_state >before
	expect_exit 2 "$R" finalize --out gathered --key "$KEY" >out 2>err || return 1
	printf "releaser: 'gathered/manifest-amd64.json': %s\n" "$1" >expect
	test_cmp expect err || return 1
	test ! -s out || return 1
	gathered_state >after
	test_cmp before after
}

test_expect_success 'finalize checks each part manifest'"'"'s fields by the releaser'"'"'s rules, and writes nothing when one breaks them' '
	two_runners
	cp -a gathered pristine
	sq="'"'"'"
	again=": package that arch again with the releaser"
	tamper .version "v2.0.0<script>"
	refused_part "field ${sq}version${sq} ${sq}v2.0.0<script>${sq} is not a release version (vMAJOR.MINOR.PATCH[-PRERELEASE])$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .version "v2.0.0
v9.9.9"
	refused_part "field ${sq}version${sq} ${sq}v2.0.0\\x0av9.9.9${sq} is not a release version (vMAJOR.MINOR.PATCH[-PRERELEASE])$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .project "../profiling-agent"
	refused_part "field ${sq}project${sq} ${sq}../profiling-agent${sq} must be one plain file name (letters, digits, $sq.$sq, ${sq}_$sq, $sq+$sq, $sq-$sq; at most 64): it names the tarballs$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .project "<b>agent</b>"
	refused_part "field ${sq}project${sq} ${sq}<b>agent</b>${sq} must be one plain file name (letters, digits, $sq.$sq, ${sq}_$sq, $sq+$sq, $sq-$sq; at most 64): it names the tarballs$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .project "Profiling-Agent"
	refused_part "field ${sq}project${sq} ${sq}Profiling-Agent${sq} must be a Debian package name (lower-case letters, digits, $sq+$sq, $sq-$sq, $sq.$sq; a letter or digit first): it names the packages$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .source_uri "https://example.org/<img src=x>"
	refused_part "field ${sq}source_uri${sq} ${sq}https://example.org/<img src=x>${sq} is not a URI: it holds a space$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .source_uri "https://example.org/\"><script>"
	refused_part "field ${sq}source_uri${sq} ${sq}https://example.org/\"><script>${sq} is not a URI: it is not a repository URL as a release records it (no credentials, lower-case scheme and host)$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .source_uri "https://example.org/
x"
	refused_part "field ${sq}source_uri${sq} ${sq}https://example.org/\\x0ax${sq} is not a URI: it holds a control character$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .ref "refs/tags/../../v2.0.0"
	refused_part "field ${sq}ref${sq} ${sq}refs/tags/../../v2.0.0${sq} is not the ref of the release${sq}s tag (refs/tags/VERSION)$again"
	rm -rf gathered && cp -a pristine gathered
	tamper .ref "refs/tags/v2.0.0
"
	refused_part "field ${sq}ref${sq} ${sq}refs/tags/v2.0.0\\x0a${sq} is not the ref of the release${sq}s tag (refs/tags/VERSION)$again"
	rm -rf gathered && cp -a pristine gathered
	tamper ".artifacts[0].name" "profiling-agent-v2.0.0-linux-amd64<b>.tar.gz"
	refused_part "field ${sq}name${sq} ${sq}profiling-agent-v2.0.0-linux-amd64<b>.tar.gz${sq} is not the name the releaser gives that tarball (profiling-agent-v2.0.0-linux-amd64.tar.gz): package that arch again"
	rm -rf gathered && cp -a pristine gathered
	tamper ".artifacts[1].arch" "amd64
"
	refused_part "field ${sq}arch${sq} ${sq}amd64\\x0a${sq} is not an arch a release has (amd64, arm64): package that arch again"
	# untouched, the parts finalize
	rm -rf gathered && cp -a pristine gathered
	"$R" finalize --out gathered --key "$KEY" >/dev/null 2>&1
	test -f gathered/SHA256SUMS
'

test_done
