#!/bin/bash
# provenance.sigstore.json: the signed provenance as a Sigstore bundle
# v0.3 (the DSSE envelope, the release key as public-key verification
# material), checked offline by sigstore-js (@sigstore/bundle parses it,
# @sigstore/verify checks it; tests/package-lock.json pins them, installed
# by ci/install-deps.sh) through tests/tools/sigstore-verify.js, with the
# minisign public key as the only trusted key and no transparency log or
# timestamp asked for; any single changed byte of the payload or the
# signature is refused.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/lib-release.sh"
# no case looks at the linked libraries (t2560 does): no dpkg-query in each release
export FAKE_NO_LIBS=1

VERIFY=$ROOT/tests/tools/sigstore-verify.js
B=provenance.sigstore.json
if ! [ -d "$ROOT/tests/node_modules/@sigstore/verify" ]; then
	echo "t2542: tests/node_modules has no @sigstore/verify: run ci/install-deps.sh (npm ci --prefix tests)" >&2
	exit 1
fi

# a signed release of v1.2.3 of a fake project into out/, key m.key / m.pub
released() {
	fake_project p
	git -C p tag -a v1.2.3 -m v1.2.3
	minisign -G -W -p m.pub -s m.key >/dev/null
	"$R" -C p release --key ../m.key --out ../out >/dev/null 2>&1
}

# N bundles ($2) under dir $3, each bundle $1 with one byte of its payload
# or its signature changed (random place, random new value, seed $4)
mutants() {
	mkdir -p "$3"
	python3 - "$1" "$2" "$3" "$4" <<-'PY'
	import base64, json, random, sys
	src, n, out, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
	doc = json.load(open(src))
	env = doc["dsseEnvelope"]
	payload = base64.b64decode(env["payload"])
	sig = base64.b64decode(env["signatures"][0]["sig"])
	rnd = random.Random(seed)
	for i in range(n):
	    p, s = bytearray(payload), bytearray(sig)
	    at = rnd.randrange(len(p) + len(s))
	    buf, k = (p, at) if at < len(p) else (s, at - len(p))
	    buf[k] ^= rnd.randrange(1, 256)
	    env["payload"] = base64.b64encode(bytes(p)).decode()
	    env["signatures"][0]["sig"] = base64.b64encode(bytes(s)).decode()
	    with open("%s/%03d.json" % (out, i), "w") as f:
	        json.dump(doc, f)
	PY
}

test_expect_success 'a signed release holds a Sigstore bundle v0.3 of the DSSE envelope, sealed' '
	released
	test "$(jq -r .mediaType out/$B)" = application/vnd.dev.sigstore.bundle.v0.3+json
	id=$(sed -n "s/.*minisign public key //p" m.pub)
	test "$(jq -r .verificationMaterial.publicKey.hint out/$B)" = "$id"
	test "$(jq -c .verificationMaterial.tlogEntries out/$B)" = "[]"
	jq -c .dsseEnvelope out/$B >envelope
	cmp envelope out/provenance.intoto.jsonl
	jq -r .dsseEnvelope.payload out/$B | base64 -d >payload
	cmp payload out/provenance.intoto.json
	test_grep "^[0-9a-f]\{64\}  $B$" out/SHA256SUMS
	test "$(jq -r ".artifacts[] | select(.name == \"$B\") | .kind" out/manifest.json)" = provenance
	(cd out && sha256sum -c SHA256SUMS >/dev/null)
	"$R" verify --pubkey m.pub out >/dev/null
'

test_expect_success '@sigstore/verify accepts it with the release public key as the only trusted key' '
	released
	"$VERIFY" --payload out/provenance.intoto.json m.pub out/$B >result
	echo "out/$B: verified: application/vnd.in-toto+json, key $(sed -n "s/.*minisign public key //p" m.pub)" >expect
	test_cmp expect result
'

test_expect_success 'another key, another payload file, no hint match: refused' '
	released
	minisign -G -W -p other.pub -s other.key >/dev/null
	expect_exit 1 "$VERIFY" other.pub out/$B >result
	test_grep "not verified: PUBLIC_KEY_ERROR: key not found" result
	# the same key id with other key bytes: the signature check fails
	{ sed -n 1p m.pub; { sed -n 2p m.pub | base64 -d | head -c 10; sed -n 2p other.pub | base64 -d | tail -c 32; } |
		base64 -w0; echo; } >forged.pub
	expect_exit 1 "$VERIFY" forged.pub out/$B >result
	test_grep "not verified: SIGNATURE_ERROR" result
	expect_exit 1 "$VERIFY" --payload out/sbom.spdx.json m.pub out/$B >result
	test_grep "not verified: the signed payload is not the --payload file" result
	jq ".mediaType = \"application/vnd.dev.sigstore.bundle.v0.2+json\"" out/$B >v02.json
	expect_exit 1 "$VERIFY" m.pub v02.json >result
	test_grep "not verified" result
'

test_expect_success 'each of 200 random single-byte changes of payload or signature is refused' '
	released
	mutants out/$B 200 mutants 19
	test "$(ls mutants | wc -l)" = 200
	# every one really differs from the release bundle
	for f in mutants/*.json; do
		not cmp -s "$f" out/$B || return 1
	done
	expect_exit 1 "$VERIFY" m.pub mutants/*.json >result
	test_line_count result 200
	test "$(grep -c ": not verified: SIGNATURE_ERROR: signature verification failed$" result)" = 200
	# the unchanged bundle still verifies with the same call
	"$VERIFY" m.pub out/$B >result
	test_grep ": verified: " result
'

test_expect_success 'unsigned packaging writes no bundle; finalize with a key does' '
	fake_project p
	git -C p tag -a v1.2.3 -m v1.2.3
	"$R" -C p release --no-sign --out ../parts >/dev/null 2>&1
	test ! -e parts/$B
	minisign -G -W -p m.pub -s m.key >/dev/null
	"$R" finalize --out parts --key m.key >/dev/null 2>&1
	"$VERIFY" --payload parts/provenance.intoto.json m.pub parts/$B >result
	test_grep ": verified: " result
'
test_expect_success 'RELEASING.md: the bundle verifies from a source checkout as shown' '
	fake_project p
	git -C p tag -a v1.2.3 -m v1.2.3
	minisign -G -W -p profiling-agent.pub -s m.key >/dev/null
	"$R" -C p release --key ../m.key --out ../v1.2.3 >/dev/null 2>&1
	ln -s "$ROOT/tests" tests
	tests/tools/sigstore-verify.js --payload v1.2.3/provenance.intoto.json profiling-agent.pub v1.2.3/provenance.sigstore.json >out
	test_grep "^v1.2.3/provenance.sigstore.json: verified: application/vnd.in-toto+json, key [0-9A-F]*$" out
	printf "{}" >v1.2.3/provenance.intoto.json
	not tests/tools/sigstore-verify.js --payload v1.2.3/provenance.intoto.json profiling-agent.pub v1.2.3/provenance.sigstore.json >out
	test_grep "not verified: the signed payload is not the --payload file" out
'
test_done
