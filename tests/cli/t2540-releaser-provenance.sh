#!/bin/bash
# Provenance names its builder and its source: under GitHub Actions the
# workflow, the run and the repository (from the GITHUB_* variables),
# elsewhere RELEASER_BUILDER_ID / RELEASER_SOURCE_URI or a local run. A
# builder or source that is not a URI stops the release (exit 2).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
unset GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_WORKFLOW_REF GITHUB_RUN_ID GITHUB_RUN_ATTEMPT

"$R" keygen --out "$TRASH_ROOT/key" >/dev/null 2>&1
KEY=$TRASH_ROOT/key.key
P=provenance.intoto.json
D=.predicate.buildDefinition

# the variables GitHub Actions sets in a run of release.yml for tag $1 of acme/agent
github_tag_run() {
	export GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/agent \
		GITHUB_WORKFLOW_REF=acme/agent/.github/workflows/release.yml@refs/tags/$1 GITHUB_RUN_ID=4242 \
		GITHUB_RUN_ATTEMPT=2 GITHUB_REF_TYPE=tag GITHUB_REF_NAME=$1
}

# a fake project in p with tag $1 at HEAD
tagged_project() {
	fake_project p
	git -C p tag -a "$1" -m "$1"
}

test_expect_success 'under GitHub Actions provenance names the workflow, the run and the repository' '
	tagged_project v1.2.3
	github_tag_run v1.2.3
	"$R" -C p release --key "$KEY" >/dev/null 2>err
	not grep -i warning err
	cd p/dist
	test "$(jq -r .predicate.runDetails.builder.id $P)" = \
		https://github.com/acme/agent/.github/workflows/release.yml@refs/tags/v1.2.3
	test "$(jq -r .predicate.runDetails.metadata.invocationId $P)" = \
		https://github.com/acme/agent/actions/runs/4242/attempts/2
	test "$(jq -r "$D.resolvedDependencies[0].uri" $P)" = git+https://github.com/acme/agent@refs/tags/v1.2.3
	test "$(jq -r "$D.resolvedDependencies[0].digest.gitCommit" $P)" = "$(git rev-parse HEAD)"
	test "$(jq -r "$D.externalParameters.ref" $P)" = refs/tags/v1.2.3
	test "$(jq -r .source_uri manifest.json)" = https://github.com/acme/agent
'

test_expect_success 'a server URL with a trailing slash and a GitHub Enterprise host' '
	tagged_project v1.2.3
	github_tag_run v1.2.3
	GITHUB_SERVER_URL=https://git.example.invalid/ "$R" -C p release --key "$KEY" >/dev/null 2>&1
	cd p/dist
	test "$(jq -r .predicate.runDetails.builder.id $P)" = \
		https://git.example.invalid/acme/agent/.github/workflows/release.yml@refs/tags/v1.2.3
	test "$(jq -r "$D.resolvedDependencies[0].uri" $P)" = git+https://git.example.invalid/acme/agent@refs/tags/v1.2.3
'

test_expect_success 'outside GitHub Actions a local run names itself, with no run and no source URI' '
	tagged_project v1.2.3
	GITHUB_RUN_ID=1 "$R" -C p release --key "$KEY" >/dev/null 2>&1
	cd p/dist
	test "$(jq -r .predicate.runDetails.builder.id $P)" = urn:profiling-agent:releaser:local
	test "$(jq -c .predicate.runDetails $P)" = "{\"builder\":{\"id\":\"urn:profiling-agent:releaser:local\"}}"
	test "$(jq -r "$D.resolvedDependencies[0] | keys | join(\",\")" $P)" = digest
	test "$(jq -r .source_uri manifest.json)" = null
'

test_expect_success 'outside GitHub Actions RELEASER_BUILDER_ID and RELEASER_SOURCE_URI name them' '
	tagged_project v1.2.3
	RELEASER_BUILDER_ID=urn:example:builder RELEASER_SOURCE_URI=https://git.example.invalid/agent.git \
		"$R" -C p release --key "$KEY" >/dev/null 2>&1
	cd p/dist
	test "$(jq -c .predicate.runDetails $P)" = "{\"builder\":{\"id\":\"urn:example:builder\"}}"
	test "$(jq -r "$D.resolvedDependencies[0].uri" $P)" = git+https://git.example.invalid/agent.git@refs/tags/v1.2.3
'

test_expect_success 'under GitHub Actions the explicit settings are ignored, with a warning' '
	tagged_project v1.2.3
	github_tag_run v1.2.3
	RELEASER_BUILDER_ID=urn:example:builder "$R" -C p release --key "$KEY" >/dev/null 2>err
	test_grep "warning: RELEASER_BUILDER_ID and RELEASER_SOURCE_URI are ignored under GitHub Actions" err
	test "$(jq -r .predicate.runDetails.builder.id p/dist/$P)" = \
		https://github.com/acme/agent/.github/workflows/release.yml@refs/tags/v1.2.3
'

# release in p fails with exit 2 and one message matching $1, writing nothing
refused() {
	expect_exit 2 "$R" -C p release --key "$KEY" >out 2>err
	one_line err
	test_grep "$1" err
	test ! -e p/dist
	test ! -e p/build
}

test_expect_success 'a builder or source that is not a URI is refused (exit 2), naming the variable' '
	tagged_project v1.2.3
	RELEASER_SOURCE_URI="not a uri" refused "RELEASER_SOURCE_URI .not a uri. is not a URI: it does not start with a scheme"
	test_grep "(fix or unset it)$" err
	RELEASER_SOURCE_URI="https://git.example.invalid/a b.git" refused "RELEASER_SOURCE_URI .* is not a URI: it holds a space"
	RELEASER_SOURCE_URI="$(printf "https://x.invalid/\\tagent")" refused \
		"RELEASER_SOURCE_URI .(with control characters). is not a URI: it holds a control character"
	RELEASER_SOURCE_URI=https: refused "RELEASER_SOURCE_URI .https:. is not a URI: nothing follows its scheme"
	RELEASER_BUILDER_ID=ci-runner-7 refused "RELEASER_BUILDER_ID .ci-runner-7. is not a URI"
	RELEASER_BUILDER_ID="1x:runner" refused "RELEASER_BUILDER_ID .1x:runner. is not a URI"
	cd p
	RELEASER_SOURCE_URI="not a uri" "$R" info >../out 2>&1
	test_grep "RELEASER_SOURCE_URI .not a uri. is not a URI" ../out
'

test_expect_success 'GitHub Actions variables that are missing or not what it sets are refused (exit 2)' '
	tagged_project v1.2.3
	github_tag_run v1.2.3
	for v in GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_WORKFLOW_REF GITHUB_RUN_ID GITHUB_RUN_ATTEMPT; do
		(unset $v && refused "GITHUB_ACTIONS is true but $v is not set: run under GitHub Actions, or unset GITHUB_ACTIONS")
	done
	GITHUB_SERVER_URL=github.com refused "GITHUB_SERVER_URL .github.com. is not a URI"
	GITHUB_REPOSITORY=acme refused "GITHUB_REPOSITORY .acme. is not OWNER/REPO"
	GITHUB_REPOSITORY="acme/a b" refused "GITHUB_REPOSITORY .acme/a b. is not what GitHub Actions sets"
	GITHUB_WORKFLOW_REF=other/agent/.github/workflows/release.yml@refs/tags/v1.2.3 \
		refused "GITHUB_WORKFLOW_REF .other/agent/.* is not acme/agent/PATH@REF"
	GITHUB_WORKFLOW_REF=acme/agent/.github/workflows/release.yml refused "GITHUB_WORKFLOW_REF .* is not acme/agent/PATH@REF"
	GITHUB_RUN_ID=12a refused "GITHUB_RUN_ID .12a. is not what GitHub Actions sets"
	GITHUB_RUN_ATTEMPT=-1 refused "GITHUB_RUN_ATTEMPT .-1. is not what GitHub Actions sets"
'

# two runners of one GitHub Actions run, each packaging one arch unsigned,
# gathered into ./gathered
github_runners() {
	tagged_project v2.0.0
	github_tag_run v2.0.0
	git clone -q p runner-a && git clone -q p runner-b
	git -C runner-a checkout -q v2.0.0 && git -C runner-b checkout -q v2.0.0
	"$R" -C runner-a release --no-sign --arch amd64 --out ../out-a >/dev/null 2>&1
	"$R" -C runner-b release --no-sign --arch arm64 --out ../out-b >/dev/null 2>&1
	mkdir gathered && cp out-a/* out-b/* gathered/
}

test_expect_success 'finalize names the builder of its own job, and matches a single release' '
	github_runners
	"$R" finalize --out gathered --key "$KEY" >/dev/null 2>&1
	test "$(jq -r .predicate.runDetails.metadata.invocationId gathered/$P)" = \
		https://github.com/acme/agent/actions/runs/4242/attempts/2
	test "$(jq -r "$D.resolvedDependencies[0].uri" gathered/$P)" = git+https://github.com/acme/agent@refs/tags/v2.0.0
	git -C p checkout -q v2.0.0
	"$R" -C p release --key "$KEY" --out ../one >/dev/null 2>&1
	for f in one/*; do cmp "$f" gathered/$(basename "$f"); done
'

test_expect_success 'finalize refuses a builder that is not a URI (exit 2) and changes nothing' '
	github_runners
	snapshot() { (cd gathered && find . -type f -exec sha256sum {} + | sort); }
	snapshot >before
	expect_exit 2 env GITHUB_RUN_ATTEMPT=x "$R" finalize --out gathered --key "$KEY" >out 2>err
	one_line err
	test_grep "GITHUB_RUN_ATTEMPT .x. is not what GitHub Actions sets" err
	unset GITHUB_ACTIONS
	expect_exit 2 env RELEASER_BUILDER_ID="a builder" "$R" finalize --out gathered --key "$KEY" >out 2>err
	one_line err
	test_grep "RELEASER_BUILDER_ID .a builder. is not a URI" err
	snapshot >after
	test_cmp before after
'
test_done
