#!/bin/bash
# The URLs a release records (provenance, the SBOM, the manifests, the
# .deb's copyright file) follow one rule (releaser/lib/url.h): a token in
# origin's URL or in a variable appears in no file of the release, inside
# the tarballs and the packages too; a URL or a variable that cannot be
# made safe is refused (exit 2) by `info` and before anything is built.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
unset GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_WORKFLOW_REF GITHUB_RUN_ID GITHUB_RUN_ATTEMPT

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
P=provenance.intoto.json
S=sbom.spdx.json
D=.predicate.buildDefinition
TOKEN=ghp_S3cr3tT0kenValue
HOST=git.example.invalid

# a fake project in p with [deb] settings, tagged v1.1.0, origin's URL $1
url_project() {
	fake_project p
	printf '[deb]\n\tmaintainer = Fake Maintainers <fake@example.org>\n' >p/releaser.conf
	git -C p add releaser.conf
	git -C p commit -q -m "deb settings"
	git -C p tag -a v1.1.0 -m v1.1.0
	git -C p config remote.origin.url "$1"
}

# every file of the release in directory $1, the tarballs and the packages
# unpacked, into directory $2
unpack_all() {
	mkdir "$2"
	cp -r "$1" "$2/files"
	for t in "$1"/*.tar.gz; do
		mkdir "$2/$(basename "$t").d" && tar -xzf "$t" -C "$2/$(basename "$t").d" || return 1
	done
	for d in "$1"/*.deb; do
		dpkg-deb -x "$d" "$2/$(basename "$d").x" && dpkg-deb -e "$d" "$2/$(basename "$d").e" || return 1
	done
	test "$(find "$2" -type f | wc -l)" -gt 20
}

# the copyright file of the amd64 package in directory $1
copyright() {
	dpkg-deb --fsys-tarfile "$1"/profiling-agent_1.1.0_${HOST_ARCH}.deb |
		tar -xO ./usr/share/doc/profiling-agent/copyright
}

test_expect_success 'a token in origin URL appears in no file of the release, nor inside its archives' '
	url_project "https://tokenuser:$TOKEN@$HOST/acme/agent.git"
	"$R" -C p release --arch "$HOST_ARCH" --key "$KEY" --out ../out >out.log 2>&1
	test -f out/profiling-agent_1.1.0_${HOST_ARCH}.deb
	unpack_all out all
	not grep -r -a -l -e "$TOKEN" -e tokenuser all out.log
	test "$(jq -r "$D.resolvedDependencies[0].uri" out/$P)" = "git+https://$HOST/acme/agent.git@refs/tags/v1.1.0"
	test "$(jq -r ".packages[] | select(.name == \"profiling-agent\") | .downloadLocation" out/$S | sort -u)" = \
		"git+https://$HOST/acme/agent.git@refs/tags/v1.1.0"
	test "$(jq -r .source_uri out/manifest.json)" = "https://$HOST/acme/agent.git"
	copyright out >copyright
	test_grep "^Source: https://$HOST/acme/agent.git$" copyright
	test_grep "warning: remote .origin. URL holds credentials: they are left out of the release" out.log
'

test_expect_success 'an scp-like origin (git@host:o/r.git) is recorded as an ssh:// URL' '
	url_project "git@$HOST:acme/agent.git"
	"$R" -C p release --arch "$HOST_ARCH" --key "$KEY" --out ../out >/dev/null 2>&1
	test "$(jq -r "$D.resolvedDependencies[0].uri" out/$P)" = "git+ssh://git@$HOST/acme/agent.git@refs/tags/v1.1.0"
	copyright out >copyright
	test_grep "^Source: ssh://git@$HOST/acme/agent.git$" copyright
'

test_expect_success 'a local origin (a path, file://) is no source: none is recorded' '
	url_project "file://$TRASH/elsewhere"
	"$R" -C p release --arch "$HOST_ARCH" --key "$KEY" --out ../out >/dev/null 2>&1
	test "$(jq -r .source_uri out/manifest.json)" = null
	copyright out >copyright
	test_grep -v "^Source:" copyright
'

# release and package in p refuse (exit 2) with one line matching $1 and
# write nothing; info lists the same problem and says it is not ready
refused() {
	expect_exit 2 "$R" -C p release --arch "$HOST_ARCH" --key "$KEY" --out ../out >stdout 2>err
	one_line err
	test_grep "$1" err
	test_grep -v "out of memory" err
	test ! -e out
	test ! -e p/build
	test ! -e p/dist
	expect_exit 2 "$R" -C p package --arch "$HOST_ARCH" --no-sign --out ../out >stdout 2>err
	one_line err
	test_grep "$1" err
	test ! -e out
	test ! -e p/build
	"$R" -C p info --arch "$HOST_ARCH" --json >info.json 2>info.err
	test "$(jq -r .ready info.json)" = false
	jq -r ".problems[]" info.json >problems
	test_grep "$1" problems
	"$R" -C p info --arch "$HOST_ARCH" >info.txt 2>&1
	test_grep "preflight: .*$1" info.txt
}

test_expect_success 'a control character, a space or bytes not UTF-8 in origin URL are refused (exit 2)' '
	url_project "https://$HOST/acme/agent.git"
	git -C p config remote.origin.url "$(printf "https://%s/acme/agent.git\\nLicense: evil" $HOST)"
	refused "remote .origin. URL is not usable: it holds a control character (fix it with git remote set-url origin URL)"
	git -C p config remote.origin.url "$(printf "https://%s/acme/\\033[31magent" $HOST)"
	refused "remote .origin. URL is not usable: it holds a control character"
	git -C p config remote.origin.url "https://$HOST/acme/my agent.git"
	refused "remote .origin. URL is not usable: it holds a space"
	git -C p config remote.origin.url "$(printf "https://%s/acme/\\377agent" $HOST)"
	refused "remote .origin. URL is not usable: it holds bytes that are not UTF-8"
	git -C p config remote.origin.url "ftp://$HOST/acme/agent.git"
	refused "remote .origin. URL is not usable: its scheme is not https, http, ssh or git"
'

test_expect_success 'a refused origin URL is never shown with its token' '
	url_project "https://$HOST/acme/agent.git"
	git -C p config remote.origin.url "$(printf "https://u:%s@%s/acme/a\\tb" $TOKEN $HOST)"
	refused "remote .origin. URL is not usable: it holds a control character"
	not grep -r -e "$TOKEN" err info.json info.txt
'

# the variables GitHub Actions sets in a run of release.yml for tag v1.1.0
github_run() {
	export GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/agent \
		GITHUB_WORKFLOW_REF=acme/agent/.github/workflows/release.yml@refs/tags/v1.1.0 GITHUB_RUN_ID=4242 \
		GITHUB_RUN_ATTEMPT=2 GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v1.1.0
}

test_expect_success 'bytes not UTF-8 or control characters in each recorded variable: refused by info and release (exit 2), named, escaped' '
	url_project "file://$TRASH/elsewhere"
	RELEASER_SOURCE_URI="$(printf "https://%s/\\377" $HOST)" \
		refused "RELEASER_SOURCE_URI .* is not a URI: it holds bytes that are not UTF-8 (fix or unset it)"
	RELEASER_BUILDER_ID="$(printf "https://ci.example.invalid/\\300\\200")" \
		refused "RELEASER_BUILDER_ID .* is not a URI: it holds bytes that are not UTF-8"
	SOURCE_DATE_EPOCH="$(printf "1\\033[31m")" \
		refused "SOURCE_DATE_EPOCH .1\\\\x1b\\[31m. is not a number of seconds since 1970"
	GITHUB_REF_TYPE=tag GITHUB_REF_NAME="$(printf "v1.1.0\\nx")" \
		refused "tag .v1.1.0\\\\x0ax. (from GITHUB_REF_NAME) does not exist"
	GITHUB_REF_TYPE=tag GITHUB_REF_NAME="$(printf "v1.1.0\\377")" \
		refused "tag .v1.1.0\\\\xff. (from GITHUB_REF_NAME) does not exist"
	github_run
	GITHUB_SERVER_URL="$(printf "https://gh\\351.example.invalid")" \
		refused "GITHUB_SERVER_URL .* is not what GitHub Actions sets: it holds bytes that are not UTF-8"
	GITHUB_WORKFLOW_REF="$(printf "acme/agent/.github/workflows/r\\351.yml@refs/tags/v1.1.0")" \
		refused "GITHUB_WORKFLOW_REF .* is not what GitHub Actions sets: it holds bytes that are not UTF-8"
'

test_expect_success 'a branch name from RELEASER_BRANCH or HEAD that git would not take is refused' '
	url_project "file://$TRASH/elsewhere"
	git -C p tag -d v1.1.0 >/dev/null
	git -C p checkout -q --detach
	RELEASER_BRANCH="$(printf "main\\nref=refs/tags/v9.9.9")" refused \
		"branch .main\\\\x0aref=refs/tags/v9.9.9. (from RELEASER_BRANCH) is not a branch name: it holds a space, a control"
	RELEASER_BRANCH="$(printf "ma\\377in")" refused \
		"branch .ma\\\\xffin. (from RELEASER_BRANCH) is not a branch name: it holds bytes that are not UTF-8"
	RELEASER_BRANCH=main..x refused "branch .main..x. (from RELEASER_BRANCH) is not a branch name: git does not take it"
	git -C p checkout -q -b "$(printf "caf\\351")"
	refused "branch .caf\\\\xe9. (from HEAD) is not a branch name: it holds bytes that are not UTF-8"
	RELEASER_BRANCH=main "$R" -C p info --arch "$HOST_ARCH" --branch main --json >info.json
	test "$(jq -r .ready info.json)" = true
	test "$(jq -r .ref info.json)" = refs/heads/main
'

test_expect_success 'a token in RELEASER_SOURCE_URI or GITHUB_SERVER_URL is left out of the release' '
	url_project "file://$TRASH/elsewhere"
	RELEASER_SOURCE_URI="https://x:$TOKEN@$HOST/acme/agent.git" \
		"$R" -C p release --arch "$HOST_ARCH" --key "$KEY" --out ../out >out.log 2>&1
	test "$(jq -r .source_uri out/manifest.json)" = "https://$HOST/acme/agent.git"
	test_grep "warning: RELEASER_SOURCE_URI holds credentials: they are left out of the release" out.log
	unpack_all out all
	not grep -r -a -l -e "$TOKEN" all out.log
	rm -rf out all
	github_run
	GITHUB_SERVER_URL="https://x:$TOKEN@github.com" "$R" -C p release --arch "$HOST_ARCH" --key "$KEY" --out ../out >out.log 2>&1
	test "$(jq -r .predicate.runDetails.builder.id out/$P)" = \
		https://github.com/acme/agent/.github/workflows/release.yml@refs/tags/v1.1.0
	test "$(jq -r .source_uri out/manifest.json)" = https://github.com/acme/agent
	unpack_all out all
	not grep -r -a -l -e "$TOKEN" all out.log
'

test_expect_success 'finalize refuses a gathered manifest whose source_uri is not one a release writes' '
	url_project "https://$HOST/acme/agent.git"
	"$R" -C p release --arch "$HOST_ARCH" --no-sign --out ../out >/dev/null 2>&1
	m=out/manifest-$HOST_ARCH.json
	test "$(jq -r .source_uri $m)" = "https://$HOST/acme/agent.git"
	cp $m saved
	for bad in "https://u:$TOKEN@$HOST/acme/agent.git" "$(printf "https://%s/a.git\nLicense: x" $HOST)" \
		"HTTPS://$HOST/acme/agent.git" "file:///srv/agent.git"; do
		jq --arg u "$bad" ".source_uri = \$u" saved >$m || return 1
		(cd out && find . -type f -exec sha256sum {} + | sort) >before || return 1
		expect_exit 2 "$R" finalize --out out --key "$KEY" >stdout 2>err || return 1
		one_line err || return 1
		test_grep "manifest-$HOST_ARCH.json.: field .source_uri. .* is not a URI: " err || return 1
		not grep -e "$TOKEN" err || return 1
		(cd out && find . -type f -exec sha256sum {} + | sort) >after || return 1
		test_cmp before after || return 1
	done
	cp saved $m
	"$R" finalize --out out --key "$KEY" >/dev/null 2>&1
	test "$(jq -r .source_uri out/manifest.json)" = "https://$HOST/acme/agent.git"
'

test_done
