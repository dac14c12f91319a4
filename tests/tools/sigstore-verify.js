#!/usr/bin/env node
// Verify a Sigstore bundle offline against a minisign (or signify) public
// key, with sigstore-js: @sigstore/bundle parses and checks the bundle,
// @sigstore/verify's Verifier checks the DSSE signature. The public key is
// the only trusted material, named by its key id as minisign prints it
// (what the bundle's publicKey.hint must be); the policy asks for no
// transparency log entry, no certificate and no timestamp, since a release
// signed with its own key has none.
//
// Usage: sigstore-verify.js [--payload FILE] PUBKEY BUNDLE...
//   --payload FILE  the envelope's payload must equal FILE byte for byte
// Prints "BUNDLE: verified: TYPE, key ID" for each bundle that verifies,
// "BUNDLE: not verified: REASON" for each that does not; exits 0 when
// every one verified, 1 when one did not, 2 for bad usage or a public key
// it cannot read.
'use strict';

const fs = require('fs');
const { bundleFromJSON, BUNDLE_V03_MEDIA_TYPE } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { PublicKeyDetails } = require('@sigstore/protobuf-specs');

// an Ed25519 SubjectPublicKeyInfo in DER is this prefix and the 32 key bytes
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function fail(code, msg) {
	process.stderr.write(`sigstore-verify: ${msg}\n`);
	process.exit(code);
}

// the key id (minisign's: the key number read little-endian, upper-case
// hex) and the SPKI DER of a public key file: a comment line, then the
// base64 of "Ed" | keynum[8] | pk[32]
function readPublicKey(path) {
	const lines = fs.readFileSync(path, 'utf8').split('\n');
	const raw = Buffer.from((lines[1] || '').trim(), 'base64');
	if (raw.length !== 42 || raw.toString('latin1', 0, 2) !== 'Ed')
		fail(2, `'${path}' is not a minisign or signify public key`);
	const id = raw.readBigUInt64LE(2).toString(16).toUpperCase();
	return { id, spki: Buffer.concat([ED25519_SPKI_PREFIX, raw.subarray(10)]) };
}

// the reason bundle file path does not verify with key, or null when it does
function check(path, key, payload) {
	try {
		const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(path, 'utf8')));
		if (bundle.mediaType !== BUNDLE_V03_MEDIA_TYPE)
			throw new Error(`media type ${bundle.mediaType} is not ${BUNDLE_V03_MEDIA_TYPE}`);
		if (bundle.content.$case !== 'dsseEnvelope')
			throw new Error('the bundle holds no DSSE envelope');
		const trust = toTrustMaterial(
			{ certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] },
			{ [key.id]: { rawBytes: key.spki, keyDetails: PublicKeyDetails.PKIX_ED25519 } });
		const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, tsaThreshold: 0 });
		verifier.verify(toSignedEntity(bundle));
		const env = bundle.content.dsseEnvelope;
		if (payload && !env.payload.equals(payload))
			throw new Error('the signed payload is not the --payload file');
		return { type: env.payloadType };
	} catch (e) {
		const what = e.code ? `${e.code}: ${e.message}` : e.message;
		return { reason: String(what).split('\n')[0] };
	}
}

function main(argv) {
	let payload = null;
	if (argv[0] === '--payload') {
		if (argv.length < 2)
			fail(2, 'usage: sigstore-verify.js [--payload FILE] PUBKEY BUNDLE...');
		payload = fs.readFileSync(argv[1]);
		argv = argv.slice(2);
	}
	if (argv.length < 2)
		fail(2, 'usage: sigstore-verify.js [--payload FILE] PUBKEY BUNDLE...');
	const key = readPublicKey(argv[0]);
	let bad = 0;
	for (const path of argv.slice(1)) {
		const r = check(path, key, payload);
		if (r.reason) {
			bad++;
			process.stdout.write(`${path}: not verified: ${r.reason}\n`);
		} else {
			process.stdout.write(`${path}: verified: ${r.type}, key ${key.id}\n`);
		}
	}
	process.exitCode = bad ? 1 : 0;
}

main(process.argv.slice(2));
