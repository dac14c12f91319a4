#!/bin/bash
# Provenance names its builder and its source: under GitHub Actions the
# workflow, the run and the repository (from the GITHUB_* variables),
# elsewhere RELEASER_BUILDER_ID / RELEASER_SOURCE_URI or a local run. A
# builder or source that is not a URI stops the release (exit 2). A signed
# release also holds the statement as a DSSE envelope, checked here with
# openssl alone against the minisign public key.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1
. "$(dirname "$0")/lib-doc.sh"
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

# the Ed25519 public key of minisign public key file $1 as a PEM file $2:
# the SPKI DER prefix, then the key's last 32 bytes
pem_of_minisign_pub() {
	printf "\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00" >"$2.der"
	sed -n 2p "$1" | base64 -d | tail -c 32 >>"$2.der"
	test "$(stat -c %s "$2.der")" = 44
	{ echo "-----BEGIN PUBLIC KEY-----"; base64 -w 64 "$2.der"; echo "-----END PUBLIC KEY-----"; } >"$2"
}

# checks the DSSE envelope in directory $1 with openssl and PEM $2: the
# payload is provenance.intoto.json, the signature is over the PAE (each
# step chained: "not dsse_verify" runs it without set -e)
dsse_verify() {
	e=$1/provenance.intoto.jsonl
	test "$(wc -l <"$e")" = 1 &&
	test "$(jq -r .payloadType "$e")" = application/vnd.in-toto+json &&
	jq -r .payload "$e" | base64 -d >payload &&
	cmp payload "$1/provenance.intoto.json" &&
	test "$(jq -r ".signatures | length" "$e")" = 1 &&
	jq -r ".signatures[0].sig" "$e" | base64 -d >sig &&
	printf "DSSEv1 %d %s %d " 28 application/vnd.in-toto+json "$(stat -c %s payload)" >pae &&
	cat payload >>pae &&
	openssl pkeyutl -verify -pubin -inkey "$2" -rawin -in pae -sigfile sig >openssl.out &&
	test_grep "Signature Verified Successfully" openssl.out
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
test_expect_success 'the signed provenance (DSSE) verifies with openssl against the minisign public key' '
	tagged_project v1.2.3
	github_tag_run v1.2.3
	minisign -G -W -p m.pub -s m.key >/dev/null
	"$R" -C p release --key ../m.key >/dev/null 2>&1
	pem_of_minisign_pub m.pub m.pem
	dsse_verify p/dist m.pem
	test "$(jq -r .signatures[0].keyid p/dist/provenance.intoto.jsonl)" = "$(sed -n "s/.*minisign public key //p" m.pub)"
	test "$(jq -r .signatures[0].keyid p/dist/provenance.intoto.jsonl)" = \
		"$("$R" verify --pubkey m.pub --json p/dist | jq -r .key_id)"
	test_grep "^[0-9a-f]*  provenance.intoto.jsonl$" p/dist/SHA256SUMS
	test "$(jq -r ".artifacts[] | select(.name == \"provenance.intoto.jsonl\") | .kind" p/dist/manifest.json)" = provenance
	(cd p/dist && sha256sum -c SHA256SUMS >/dev/null)
'

test_expect_success 'a changed payload, signature or key fails the openssl check' '
	tagged_project v1.2.3
	minisign -G -W -p m.pub -s m.key >/dev/null
	minisign -G -W -p other.pub -s other.key >/dev/null
	"$R" -C p release --key ../m.key >/dev/null 2>&1
	pem_of_minisign_pub m.pub m.pem
	pem_of_minisign_pub other.pub other.pem
	dsse_verify p/dist m.pem
	not dsse_verify p/dist other.pem
	cp p/dist/provenance.intoto.json saved
	sed -i "s/v1.2.3/v1.2.4/" p/dist/provenance.intoto.json
	not dsse_verify p/dist m.pem
	cp saved p/dist/provenance.intoto.json
	jq -c ".payload |= (@base64d | sub(\"v1.2.3\"; \"v1.2.4\") | @base64)" p/dist/provenance.intoto.jsonl >e
	jq -r .payload e | base64 -d >changed
	cp changed p/dist/provenance.intoto.json
	cp e p/dist/provenance.intoto.jsonl
	not dsse_verify p/dist m.pem
	test_grep "Signature Verification Failure" openssl.out
'

test_expect_success 'unsigned packaging leaves the envelope out; finalize writes it' '
	github_runners
	test ! -e gathered/provenance.intoto.jsonl
	test ! -e gathered/provenance.intoto.json
	"$R" finalize --out gathered --no-sign >/dev/null 2>&1
	test -e gathered/provenance.intoto.json
	test ! -e gathered/provenance.intoto.jsonl
	not grep -q provenance.intoto.jsonl gathered/SHA256SUMS gathered/manifest.json
	rm -rf gathered && mkdir gathered && cp out-a/* out-b/* gathered/
	"$R" keygen --out k >/dev/null 2>&1
	"$R" finalize --out gathered --key k.key >/dev/null 2>&1
	pem_of_minisign_pub k.pub k.pem
	dsse_verify gathered k.pem
	"$R" verify --pubkey k.pub gathered >/dev/null
'
test_expect_success 'RELEASING.md: the envelope checks with jq, base64 and openssl as shown, in its sh block' '
	tagged_project v1.2.3
	minisign -G -W -p profiling-agent.pub -s m.key >/dev/null
	"$R" -C p release --key ../m.key --out ../v1.2.3 >/dev/null 2>&1
	# the block as written, under dash (its fence says sh)
	run_doc_block "$ROOT/RELEASING.md" "jq -r .payload v1.2.3/provenance.intoto.jsonl | base64 -d >payload" >out
	test_grep "^Signature Verified Successfully$" out
	test "$(od -An -tx1 pub.der | tr -d " \n" | head -c 24)" = 302a300506032b6570032100
	printf x >>pae
	not openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in pae -sigfile sig >out
'
test_done
