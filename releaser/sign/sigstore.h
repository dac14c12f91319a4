/*
 * A Sigstore bundle (v0.3, the JSON of sigstore's protobuf-specs Bundle)
 * around a DSSE envelope signed with the release key, for verifiers that
 * read bundles (sigstore-js's @sigstore/verify, cosign) rather than bare
 * envelopes:
 *
 *   {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
 *    "verificationMaterial": {"publicKey": {"hint": KEY ID},
 *                             "tlogEntries": []},
 *    "dsseEnvelope": {"payloadType": TYPE, "payload": base64(body),
 *                     "signatures": [{"keyid": KEY ID,
 *                                     "sig": base64(Ed25519 over the PAE)}]}}
 *
 * KEY ID as minisign prints it (sign/key.h). No transparency log entry
 * and no timestamp: a verifier checks it offline against the release's
 * public key, with a policy that asks for neither. Ed25519 is
 * deterministic, so the bytes depend only on the body and the key.
 */
#ifndef RELEASER_SIGSTORE_H
#define RELEASER_SIGSTORE_H

#include <jansson.h>
#include <stddef.h>

#include "sign/key.h"

#define SIGSTORE_BUNDLE_MEDIA_TYPE "application/vnd.dev.sigstore.bundle.v0.3+json"

/*
 * sigstore_bundle signs body[0..len) of payload type type with k and
 * returns the bundle (caller json_decrefs; its "dsseEnvelope" member is
 * the DSSE envelope alone), or NULL after a message.
 */
json_t *sigstore_bundle(const struct sign_key *k, const char *type, const void *body, size_t len);

#endif /* RELEASER_SIGSTORE_H */
