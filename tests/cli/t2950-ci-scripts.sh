#!/bin/bash
# ci/: grouped output and annotations, the guard step, the mirror job and
# its issue, the release script's refusals.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-repo.sh"

RELEASER=$BUILD/bin/releaser
export RELEASER
unset GITHUB_ACTIONS GITHUB_REF_TYPE GITHUB_REF_NAME RELEASER_PUBKEY

test_expect_success 'ci/lib.sh prints plain groups and errors outside GitHub Actions' '
	(. "$ROOT/ci/lib.sh"; ci_group "a step"; ci_endgroup; ci_error "it broke" src/x.c 12; ci_error "plain") >out 2>err
	printf "==> a step\n" >expect
	test_cmp expect out
	printf "error: src/x.c:12: it broke\nerror: plain\n" >expect
	test_cmp expect err
'

test_expect_success 'ci/lib.sh speaks workflow commands under GitHub Actions' '
	(. "$ROOT/ci/lib.sh"; GITHUB_ACTIONS=true; ci_group "a step"; ci_endgroup
	 ci_error "it broke" src/x.c 12; ci_error "two
lines, 100%"; ci_warning "careful" f) >out 2>err
	printf "::group::a step\n::endgroup::\n" >expect
	test_cmp expect out
	printf "::error file=src/x.c,line=12::it broke\n::error::two%%0Alines, 100%%25\n::warning file=f::careful\n" >expect
	test_cmp expect err
'

test_expect_success 'ci_run passes the exit code through and names the step and the releaser message' '
	(. "$ROOT/ci/lib.sh"; GITHUB_ACTIONS=true
	 ci_run "merge things" sh -c "echo releaser: it conflicts >&2; exit 3") >out 2>err && exit 1 || rc=$?
	test "$rc" = 3
	test_grep "^::group::merge things" out
	test_grep "^::endgroup::" out
	test_grep "^::error::merge things failed (exit 3): it conflicts$" err
'

test_expect_success 'ci/build-and-test.sh guards this repository (the CI step passes)' '
	git clone -q "$ROOT" src
	cd src
	ci/build-and-test.sh --steps guard >out 2>err
	test_grep "==> guard HEAD" out
	test_grep -v "^error" err
'

# stand_ins DIR: apt-get and sudo in DIR (put it first on PATH) that record
# their calls in DIR/calls and fail, so that nothing gets installed
stand_ins() {
	mkdir -p "$1"
	for c in apt-get sudo; do
		printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\nexit 1\n' "$c" "$1" >"$1/$c"
		chmod +x "$1/$c"
	done
}

# gh_stand_in DIR: a gh in DIR (put it first on PATH) that records its calls
# in DIR/calls and keeps the releases it made in DIR/releases; "release view"
# fails for a release it has not made. GH_EXISTS=1: create answers that the
# release already exists (another run made it meanwhile); GH_FAIL_UPLOAD=1:
# upload fails half-way. A release command without "--" before its names
# fails (exit 3): a name must never be read as an option
gh_stand_in() {
	mkdir -p "$1/releases"
	cat >"$1/gh" <<-EOF
	#!/bin/sh
	echo "gh \$*" >>"$1/calls"
	case "\$1 \$*" in
	"release "*" -- "*) ;;
	release*) echo "gh stand-in: no -- before the names" >&2; exit 3 ;;
	esac
	eval "last=\\\${\$#}"
	case "\$1 \$2" in
	"release view") test -e "$1/releases/\$last" || { echo "release not found" >&2; exit 1; } ;;
	"release create")
		if [ "\${GH_EXISTS:-}" = 1 ]; then
			echo "HTTP 422: Validation Failed" >&2
			echo "Release.tag_name already exists" >&2
			exit 1
		fi
		prev=; for a in "\$@"; do [ "\$prev" != --notes-file ] || cp "\$a" "$1/notes"; prev=\$a; done
		touch "$1/releases/\$last" ;;
	"release upload") [ "\${GH_FAIL_UPLOAD:-}" != 1 ] || { echo "upload failed: connection reset" >&2; exit 1; } ;;
	esac
	EOF
	chmod +x "$1/gh"
}

test_expect_success 'ci/build-and-test.sh, as RELEASING.md runs it: deps, build, test, guard in order' '
	make_repo r --with-ci && cd r
	printf "all:\n\techo built >>../steps\ntest:\n\techo tested >>../steps\n" >Makefile
	git add Makefile && git commit -q -m Makefile
	stand_ins "$TRASH/bin"
	PATH=$TRASH/bin:$PATH ci/build-and-test.sh >out 2>err
	test ! -e "$TRASH/bin/calls"
	printf "built\ntested\n" >expect
	test_cmp expect ../steps
	grep "^==> " out >groups
	printf "==> install dependencies\n==> build\n==> test\n==> guard HEAD\n" >expect
	test_cmp expect groups
	test_grep -v "^error" err
	# a failing step stops the job with its exit code, later steps not run
	printf "all:\n\ttrue\ntest:\n\tfalse\n" >Makefile
	git commit -q -am "tests fail"
	PATH=$TRASH/bin:$PATH expect_exit 2 ci/build-and-test.sh >out 2>err
	test_grep "^error: test failed (exit 2)" err
	test_grep -v "^==> guard" out
'

test_expect_success 'ci/build-and-test.sh annotates each offender of a range on its file, exit 1' '
	make_repo r --with-ci && cd r
	base=$(git rev-parse HEAD)
	cp "$BUILD/bin/gen-frametypes" tool.bin
	git add tool.bin && git commit -q -m "binary"
	GITHUB_ACTIONS=true expect_exit 1 ci/build-and-test.sh --steps guard "$base..HEAD" >out 2>err
	test_grep "^::error file=tool.bin::build output tracked: ELF file, added by $(git rev-parse HEAD) \"binary\"$" err
	test_grep "^::error::guard $base..HEAD failed (exit 1): 1 build output tracked" err
'

test_expect_success 'ci/build-and-test.sh guards what a push whose start is gone adds to main' '
	make_repo r --with-ci && cd r
	cp "$BUILD/bin/gen-frametypes" old.bin
	git add old.bin && git commit -q -m "old binary on main"
	git checkout -q -b topic
	commit_on topic t.c code
	gone=$(echo gone | git hash-object --stdin)
	ci/build-and-test.sh --steps guard "$gone..HEAD" >out 2>err
	test_grep "^==> guard $gone..HEAD$" out
	test_grep "the range.s start is gone: guarding what .HEAD. adds to .main." err
	test_grep -v "^error" err
	ci/build-and-test.sh --steps guard "0000000000000000000000000000000000000000..HEAD" >out 2>err
	echo x | gzip >z.dat && git add z.dat && git commit -q -m z
	expect_exit 1 ci/build-and-test.sh --steps guard "$gone..HEAD" >out 2>err
	test_grep "^error: z.dat: build output tracked: gzip data, added by $(git rev-parse HEAD) \"z\"$" err
	test_grep -v "old.bin" err
	expect_exit 1 ci/build-and-test.sh --steps guard "0000000000000000000000000000000000000000..HEAD" >out 2>err
	test_grep "^error: z.dat: build output tracked" err
'

test_expect_success 'ci/mirror.sh fetches, mirrors, checks and pushes' '
	make_repo r --with-ci
	git init -q --bare remote.git
	cd r
	git remote add origin ../remote.git
	git push -q origin main debug
	git clone -q ../remote.git ../other
	(cd ../other && echo later >later && git add later && git commit -q -m later && git push -q origin main)
	gh_stand_in "$TRASH/bin"
	PATH=$TRASH/bin:$PATH ci/mirror.sh --fetch --push --run-ci ci.yml >out 2>err
	test_grep "==> mirror main into debug" out
	test_grep "^fetched: origin\|\"fetched\": *{" out
	test_grep "==> push debug to origin" out
	# the push, made with GITHUB_TOKEN in CI, starts no workflow: CI is started on debug
	test_grep "==> start ci.yml on debug" out
	echo "gh workflow run --ref debug -- ci.yml" >expect
	test_cmp expect ../bin/calls
	test "$(git -C ../remote.git rev-parse debug)" = "$(git -C ../remote.git rev-parse main)"
	test "$(git rev-parse debug)" = "$(git rev-parse main)"
'

test_expect_success 'ci/mirror.sh on a conflict: exit 1, one annotation per path, nothing pushed, an issue body' '
	make_repo r --with-ci
	git init -q --bare remote.git
	cd r
	git remote add origin ../remote.git
	commit_on main file "main side"
	commit_on debug file "debug side"
	git push -q origin main debug
	remote_before=$(git -C ../remote.git rev-parse debug)
	gh_stand_in "$TRASH/bin"
	PATH=$TRASH/bin:$PATH GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://example.invalid GITHUB_REPOSITORY=o/r \
		GITHUB_WORKFLOW_REF=o/r/.github/workflows/mirror.yml@refs/heads/main GITHUB_RUN_ID=7 GITHUB_RUN_ATTEMPT=2 \
		expect_exit 1 ci/mirror.sh --push --run-ci ci.yml --issue ../issue.md >out 2>err
	test_grep "^::error file=file::conflict merging main into debug" err
	test "$(git -C ../remote.git rev-parse debug)" = "$remote_before"
	test ! -e ../bin/calls
	ci/mirror-issue.sh ../issue.md --print >issue
	test_grep "^Mirroring main into the debug branch failed$" issue
	test_grep "^The scheduled mirror of main into debug needs a maintainer.$" issue
	test_grep "^Merging conflicts in:$" issue
	test_grep "^- file$" issue
	test_grep "^Run: <https://example.invalid/o/r/actions/runs/7/attempts/2>$" issue
	# gh files it; a run with nothing to report (it failed before) gets the fallback
	PATH=$TRASH/bin:$PATH ci/mirror-issue.sh ../issue.md
	test_grep "issue create --title Mirroring main into the debug branch failed --body-file ../issue.md" ../bin/calls
	ci/mirror-issue.sh ../none.md --print >issue
	test_grep "^The scheduled mirror failed before it could report" issue
'

test_expect_success 'ci/mirror.sh on drift: exit 1, the path annotated and in the issue body' '
	make_repo r --with-ci && cd r
	commit_on debug feature.c "debug only"
	expect_exit 1 ci/mirror.sh --issue issue.md >out 2>err
	test_grep "^error: feature.c: drift: debug differs from main here" err
	ci/mirror-issue.sh issue.md --print >issue
	test_grep "^- feature.c$" issue
	test_grep "drift" issue
	not grep -q "^Run:" issue
	# a mirror that succeeds leaves no issue behind, not even an old one
	git checkout -q debug && git rm -q feature.c && git commit -q -m "drop it" && git checkout -q main
	ci/mirror.sh --issue issue.md >out 2>err
	test ! -e issue.md
'

test_expect_success 'ci/mirror.sh refuses an unknown argument (exit 2)' '
	make_repo r --with-ci && cd r
	expect_exit 2 ci/mirror.sh --frob 2>err
	test_grep "unknown argument .--frob." err
'

test_expect_success 'ci/release.sh leaves every decision to the releaser: no tag, or a tag off its branch, exit 2' '
	make_repo r --with-ci && cd r
	expect_exit 2 ci/release.sh --no-sign 2>err
	test_grep "releaser release failed (exit 2): no release tag: HEAD has none" err
	commit_on debug d own
	git tag -a v1.0.0 -m v1.0.0 debug
	git checkout -q v1.0.0
	expect_exit 2 ci/release.sh --no-sign 2>err
	test_grep "tag .v1.0.0. (.*) is not on branch .main. nor .origin/main.: releases are tagged on .main." err
	git checkout -q main
	git tag -a v1.0.1-debug -m x main
	commit_on main m x
	git branch -D -q debug
	git checkout -q v1.0.1-debug
	expect_exit 2 ci/release.sh --no-sign 2>err
	test_grep "tag .v1.0.1-debug. (.*) is not on branch .debug." err
	GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v1.0.0 expect_exit 2 ci/release.sh --no-sign 2>err
	test_grep "tag .v1.0.0. (from GITHUB_REF_NAME) points at .*, not at HEAD" err
	expect_exit 2 ci/release.sh --frob 2>err
	test_grep "unrecognized option\\|unknown option" err
'

test_expect_success 'the ci/ scripts hold no git logic and read no settings themselves' '
	for f in "$ROOT"/ci/release.sh "$ROOT"/ci/publish.sh "$ROOT"/ci/mirror.sh "$ROOT"/ci/lib.sh; do
		sed -e "s/#.*//" "$f" | grep -n "git " >calls || true
		test_cmp /dev/null calls
		sed -e "s/#.*//" "$f" | grep -n "releaser.conf\\|git config" >settings || true
		test_cmp /dev/null settings
	done
'

# release_manifest [DIR]: write into DIR (default ../d) the manifest.json of
# the release the releaser names here (info --json, under this environment),
# list it in SHA256SUMS and sign that again with ../k.key
# shellcheck disable=SC2120 # the cases call it with and without DIR
release_manifest() {
	d=${1:-../d}
	"$R" info --json --require-tag | jq "{schema: \"releaser-manifest/v1\", project, version, snapshot, commit, ref}" \
		>"$d/manifest.json"
	(cd "$d" && grep -v " manifest.json$" SHA256SUMS >sums && sha256sum manifest.json >>sums && mv sums SHA256SUMS)
	"$SIGN" --key "$TRASH/k.key" --comment x "$d"
}

# package_files: commit the files a release packages (LICENSE, README.md,
# support/packaging/) into the repository in the current directory
package_files() {
	echo license >LICENSE
	echo readme >README.md
	mkdir -p support
	cp -R "$ROOT/support/packaging" support/packaging
	git add LICENSE README.md support
	git commit -q -m "package files"
}

# a repository with ci/ (ready to release: its package files committed), HEAD
# at tag $1, and in ../d the release of that tag signed by the key pair
# ../k.key, ../k.pub
tagged_release() {
	make_repo r --with-ci && cd r
	printf "%s\n" expect got >>.git/info/exclude
	package_files
	git tag -a "$1" -m "$1"
	(cd .. && minisign_key k && release_dir d)
	release_manifest
	gh_stand_in "$TRASH/bin"
	PATH=$TRASH/bin:$PATH
}

test_expect_success 'ci/publish.sh verifies, creates the release with notes, then uploads every file' '
	. "$ROOT/tests/lib-sign.sh"
	tagged_release v1.0.1
	ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	test_grep "^==> verify ../d$" out
	jq -e -s ".[0].ok and .[0].checked == 6 and .[0].release.ref == \"refs/tags/v1.0.1\"" <(sed -n "/^{/,/^}/p" out)
	files="../d/SHA256SUMS ../d/SHA256SUMS.minisig ../d/SHA256SUMS.sig ../d/manifest.json"
	files="$files ../d/profiling-agent-v1.2.3-linux-amd64.tar.gz ../d/profiling-agent-v1.2.3-linux-arm64.tar.gz"
	files="$files ../d/provenance.intoto.json"
	notes=$(sed -n "s/^gh release create .* --notes-file \([^ ]*\).*/\1/p" ../bin/calls)
	test_grep -v "^gh release create .*--prerelease" ../bin/calls
	printf "%s\n" "gh release view -- v1.0.1" "gh release create --verify-tag --title v1.0.1 --notes-file $notes -- v1.0.1" \
		"gh release upload --clobber -- v1.0.1 $files" >expect
	test_cmp expect ../bin/calls
	# CHANGELOG.md is the notes when the release has one; a pre-release is marked
	git tag -a v1.1.0-rc.1 -m rc
	echo "## Features" >../d/CHANGELOG.md
	(cd ../d && sha256sum CHANGELOG.md >>SHA256SUMS)
	GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v1.1.0-rc.1 release_manifest
	rm ../bin/calls
	RELEASER_PUBKEY=$TRASH/k.pub GITHUB_REF_TYPE=tag GITHUB_REF_NAME=v1.1.0-rc.1 ci/publish.sh ../d >out 2>err
	test_grep "^gh release create --verify-tag --title v1.1.0-rc.1 --notes-file [^ ]* --prerelease -- v1.1.0-rc.1$" ../bin/calls
	test_cmp ../d/CHANGELOG.md ../bin/notes
	test_grep "^gh release upload --clobber -- v1.1.0-rc.1 .*../d/CHANGELOG.md " ../bin/calls
'

test_expect_success 'ci/publish.sh run again completes a half-uploaded release with --clobber, exit 0' '
	. "$ROOT/tests/lib-sign.sh"
	tagged_release v1.0.1
	GH_FAIL_UPLOAD=1 expect_exit 1 ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	test_grep "^error: upload 7 files to v1.0.1 failed (exit 1)" err
	test -e ../bin/releases/v1.0.1
	rm ../bin/calls
	ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	printf "%s\n" "gh release view -- v1.0.1" "gh release upload --clobber -- v1.0.1" >expect
	sed "s/ v1.0.1 .*/ v1.0.1/" ../bin/calls >got
	test_cmp expect got
	test "$(grep -c "^gh release upload .* ../d/" ../bin/calls)" = 1
	test "$(tr " " "\n" <../bin/calls | grep -c "^../d/")" = 7
	# a run racing another: view finds nothing, create says it exists
	rm -r ../bin/calls ../bin/releases/v1.0.1
	GH_EXISTS=1 ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	test_grep "^gh release upload --clobber -- v1.0.1 ../d/SHA256SUMS " ../bin/calls
'

test_expect_success 'ci/publish.sh publishes nothing from a directory that fails verify, nor without a tag' '
	. "$ROOT/tests/lib-sign.sh"
	tagged_release v1.0.1
	echo changed >>../d/manifest.json
	expect_exit 1 ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	test_grep "\"reason\": \"its sha256 differs from SHA256SUMS\"" out
	test_grep "^error: verify ../d failed (exit 1)" err
	test ! -e ../bin/calls
	rm ../d/manifest.json
	expect_exit 1 ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	test ! -e ../bin/calls
	(cd .. && release_dir d2 && "$SIGN" --key k.key --comment x d2)
	expect_exit 2 ci/publish.sh ../d2 >out 2>err
	test_grep "^error: verify ../d2 failed (exit 2): no public key: pass --pubkey FILE or set RELEASER_PUBKEY$" err
	test ! -e ../bin/calls
	commit_on main m later
	expect_exit 2 ci/publish.sh --pubkey ../k.pub ../d2 2>err
	test_grep "no release tag" err
	test ! -e ../bin/calls
	expect_exit 2 ci/publish.sh ../d2 extra 2>err
	test_grep "usage: ci/publish.sh \[--pubkey FILE\] DIR" err
'

test_expect_success 'ci/publish.sh publishes only the release of the tag: not a snapshot, not another tag or commit (exit 2)' '
	. "$ROOT/tests/lib-sign.sh"
	make_repo r --with-ci && cd r
	package_files
	(cd .. && minisign_key k && release_dir d && release_dir d2)
	gh_stand_in "$TRASH/bin"
	PATH=$TRASH/bin:$PATH
	# a snapshot directory, then the commit tagged
	jq -n "{schema: \"releaser-manifest/v1\", version: \"v0.0.0-SNAPSHOT-1\", snapshot: true, commit: \"$(git rev-parse HEAD)\", ref: \"refs/heads/main\"}" >../snap.json
	cp ../snap.json ../d/manifest.json
	(cd ../d && sha256sum -- *.tar.gz manifest.json provenance.intoto.json >SHA256SUMS)
	"$SIGN" --key ../k.key --comment x ../d
	git tag -a v9.9.9 -m v9.9.9
	expect_exit 2 ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	test_grep "^error: ci/publish.sh: .../d. is not the release of tag v9.9.9: its manifest.json names refs/heads/main (version v0.0.0-SNAPSHOT-1, commit $(git rev-parse HEAD)), not refs/tags/v9.9.9 (version v9.9.9, commit $(git rev-parse HEAD)); publish the directory" err
	test ! -e ../bin/calls
	# the release of v9.9.9, once HEAD is another tag
	release_manifest ../d2
	ci/publish.sh --pubkey ../k.pub ../d2 >out 2>err
	rm ../bin/calls
	commit_on main later x
	git tag -a v9.9.10 -m v9.9.10
	expect_exit 2 ci/publish.sh --pubkey ../k.pub ../d2 >out 2>err
	test_grep "is not the release of tag v9.9.10: its manifest.json names refs/tags/v9.9.9 (version v9.9.9" err
	test ! -e ../bin/calls
	# the same tag and version but another commit
	jq ".commit = \"$(git rev-parse HEAD~1)\" | .ref = \"refs/tags/v9.9.10\" | .version = \"v9.9.10\"" ../d2/manifest.json >m
	mv m ../d2/manifest.json
	(cd ../d2 && sha256sum -- *.tar.gz manifest.json provenance.intoto.json >SHA256SUMS)
	"$SIGN" --key ../k.key --comment x ../d2
	expect_exit 2 ci/publish.sh --pubkey ../k.pub ../d2 >out 2>err
	test_grep "names refs/tags/v9.9.10 (version v9.9.10, commit $(git rev-parse HEAD~1)), not refs/tags/v9.9.10" err
	# no manifest listed at all
	(cd ../d2 && rm manifest.json && sha256sum -- *.tar.gz provenance.intoto.json >SHA256SUMS)
	"$SIGN" --key ../k.key --comment x ../d2
	expect_exit 2 ci/publish.sh --pubkey ../k.pub ../d2 >out 2>err
	test_grep "is not the release of tag v9.9.10: it has no manifest.json listed in SHA256SUMS" err
	test ! -e ../bin/calls
'

test_expect_success 'ci/publish.sh publishes nothing when the releaser says the tag is not ready (exit 2)' '
	. "$ROOT/tests/lib-sign.sh"
	tagged_release v1.0.1
	echo dirty >>LICENSE
	expect_exit 2 ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	one_line err
	test_grep "^error: ci/publish.sh: nothing to publish: the work tree has uncommitted changes: .LICENSE." err
	test ! -e ../bin/calls
	git checkout -q LICENSE
	git rm -q README.md && git commit -q -m "no readme" && git tag -f -a v1.0.1 -m again >/dev/null
	expect_exit 2 ci/publish.sh --pubkey ../k.pub ../d >out 2>err
	test_grep "^error: ci/publish.sh: nothing to publish: package.file .README.md." err
	test ! -e ../bin/calls
'

test_expect_success 'ci/install-deps.sh --only finalize installs what signing and publishing need, gh included' '
	mkdir bin
	# every package missing; apt-get records what it is asked for
	printf "#!/bin/sh\nexit 1\n" >bin/dpkg-query
	printf "#!/bin/sh\necho \"apt-get \$*\" >>%s/calls\n" "$TRASH/bin" >bin/apt-get
	printf "#!/bin/sh\nexec \"\$@\"\n" >bin/sudo
	chmod +x bin/*
	PATH=$TRASH/bin:$PATH "$ROOT"/ci/install-deps.sh --only finalize 2>err
	grep "^apt-get install" bin/calls | tr " " "\n" | grep -v "^-" | sed 1,2d | sort >only
	printf "%s\n" ca-certificates gcc gh git jq libarchive-dev libc6-dev libelf-dev libgit2-dev libjansson-dev \
		libssl-dev make pkg-config zlib1g-dev >expect
	test_cmp expect only
	rm bin/calls
	PATH=$TRASH/bin:$PATH "$ROOT"/ci/install-deps.sh 2>err
	grep "^apt-get install" bin/calls | tr " " "\n" >all
	for p in $(cat only) clang bpftool minisign shellcheck python3-yaml; do grep -qx "$p" all; done
	PATH=$TRASH/bin:$PATH expect_exit 2 "$ROOT"/ci/install-deps.sh --only build 2>err
	test_grep "^install-deps: --only takes .finalize.$" err
	PATH=$TRASH/bin:$PATH expect_exit 2 "$ROOT"/ci/install-deps.sh --frob 2>err
	test_grep "unknown argument .--frob." err
'

test_done
