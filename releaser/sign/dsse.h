/*
 * DSSE signatures (the envelope in-toto attestations travel in) with the
 * release key: Ed25519 over the pre-authentication encoding
 *
 *   "DSSEv1" SP len(type) SP type SP len(body) SP body
 *
 * lengths in decimal bytes, SP one space. The envelope itself (JSON) is
 * made by its caller: release/provenance.c.
 */
#ifndef RELEASER_DSSE_H
#define RELEASER_DSSE_H

#include <stddef.h>

#include "sign/key.h"

/*
 * dsse_pae returns the pre-authentication encoding of type and body
 * (caller frees); *pae_len gets its length.
 */
unsigned char *dsse_pae(const char *type, const void *body, size_t len, size_t *pae_len);

/*
 * sign_dsse signs the pre-authentication encoding of type and body
 * (body[0..len)) with k into sig. Returns 0, or -1 after a message.
 */
int sign_dsse(const struct sign_key *k, const char *type, const void *body, size_t len,
	      unsigned char sig[ED25519_SIG_LEN]);

/* dsse_base64 returns the standard, padded base64 of buf (caller frees), as DSSE carries bytes. */
char *dsse_base64(const void *buf, size_t len);

#endif /* RELEASER_DSSE_H */
