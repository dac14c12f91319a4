/*
 * provenance.intoto.json: an in-toto Statement v1 whose predicate is SLSA
 * provenance v1, naming every tarball with its sha256, the builder, the git
 * commit and ref, the channel and the flavors. Everything in it comes from
 * the release itself (no clock, no host name), so it is reproducible.
 *
 * provenance.intoto.jsonl: the same statement, signed with the release key,
 * as a DSSE envelope on one line (what attestation tools read):
 *   {"payloadType":"application/vnd.in-toto+json",
 *    "payload":base64(the exact bytes of provenance.intoto.json),
 *    "signatures":[{"keyid":KEY ID,"sig":base64(Ed25519 over the PAE)}]}
 * KEY ID as minisign prints it (and releaser verify); the PAE in sign/dsse.h.
 *
 * provenance.sigstore.json: the same envelope in a Sigstore bundle v0.3
 * whose verification material is the release's public key, named by the
 * same KEY ID (sign/sigstore.h), for Sigstore's verifiers.
 */
#ifndef RELEASER_PROVENANCE_H
#define RELEASER_PROVENANCE_H

#include <jansson.h>

#include "release/manifest.h"

#define PROVENANCE_FILE "provenance.intoto.json"
#define PROVENANCE_ENVELOPE_FILE "provenance.intoto.jsonl"
#define PROVENANCE_BUNDLE_FILE "provenance.sigstore.json"
#define INTOTO_PAYLOAD_TYPE "application/vnd.in-toto+json"

struct sign_key;

/*
 * provenance_statement returns the statement for m's tarballs (caller
 * json_decrefs). runDetails names m->builder (release/builder.h): its id,
 * and its invocation id as metadata.invocationId when it has one; without
 * an id, a URN naming a local releaser run of the project.
 */
json_t *provenance_statement(const struct release_meta *m);

/*
 * provenance_envelope returns the DSSE envelope line of statement (the
 * len bytes written as provenance.intoto.json) signed with key (caller
 * frees), or NULL after a message.
 */
char *provenance_envelope(const char *statement, size_t len, const struct sign_key *key);

/*
 * provenance_bundle returns the Sigstore bundle (JSON text, caller frees)
 * holding the same envelope as provenance_envelope, or NULL after a
 * message.
 */
char *provenance_bundle(const char *statement, size_t len, const struct sign_key *key);

#endif /* RELEASER_PROVENANCE_H */
