/*
 * Signing, with OpenSSL: Ed25519 keys in minisign's file format (one public
 * key file serves minisign and signify), signatures over SHA256SUMS that
 * `minisign -V` and `signify -V`/`signify -C` verify.
 *
 * This header is the contract the packaging commands use; sign.c and the
 * key code implement it.
 */
#ifndef RELEASER_SIGN_H
#define RELEASER_SIGN_H

#include <stddef.h>

struct sign_key; /* a secret key, wiped when freed */

/*
 * sign_key_load loads a secret key in minisign's format from path, or, when
 * path is NULL, from the key text in $RELEASER_SIGNING_KEY. An encrypted key
 * is decrypted with $RELEASER_KEY_PASSWORD. A key file readable by group or
 * others is refused. Returns the key (free with sign_key_free) or NULL
 * after one message naming what is wrong (missing, unreadable, permissions,
 * corrupt, wrong password).
 */
struct sign_key *sign_key_load(const char *path);

/*
 * sign_key_generate creates a new key pair: PREFIX.key (secret, 0600,
 * encrypted with $RELEASER_KEY_PASSWORD when set) and PREFIX.pub. Refuses
 * to overwrite existing files unless force. Returns 0 or -1 after a message.
 */
int sign_key_generate(const char *prefix, int force);

/*
 * sign_key_write_pubkey writes the public half of k to path (minisign and
 * signify format). Returns 0 or -1 after a message.
 */
int sign_key_write_pubkey(const struct sign_key *k, const char *path);

/* sign_key_free wipes and frees k; accepts NULL. */
void sign_key_free(struct sign_key *k);

/*
 * sign_sums signs DIR/SHA256SUMS (GNU format, already written) and writes,
 * atomically:
 *   DIR/SHA256SUMS.minisig  minisign prehashed ("ED") signature with the
 *                           given trusted comment
 *   DIR/SHA256SUMS.sig      signify embedded signature over the same list
 *                           in BSD style ("SHA256 (name) = hex")
 * then verifies both before returning. Returns 0 or -1 after a message.
 */
int sign_sums(const struct sign_key *k, const char *dir, const char *trusted_comment);

#endif /* RELEASER_SIGN_H */
