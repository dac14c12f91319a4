/*
 * Key files in minisign's format, inside the releaser (the public face is
 * sign.h). A secret key file is an "untrusted comment:" line and the
 * base64 of
 *
 *   "Ed" | kdf ("Sc", or two zero bytes when not encrypted) | "B2" |
 *   salt[32] | opslimit[8, LE] | memlimit[8, LE] |
 *   keynum[8] | sk[64] (seed | public key) | checksum[32]
 *
 * where checksum = BLAKE2b-256("Ed" | keynum | sk) and, when kdf is "Sc",
 * keynum | sk | checksum are XORed with scrypt(password, salt). A public
 * key file (minisign's and signify's) is a comment line and the base64 of
 * "Ed" | keynum[8] | pk[32].
 */
#ifndef RELEASER_KEY_H
#define RELEASER_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "sign/ossl.h"
#include "sign/sign.h"

#define KEY_SECRET_LEN 158  /* decoded secret key file */
#define KEY_PUBLIC_LEN 42   /* decoded public key file */
#define KEY_SALT_LEN 32
#define KEY_CHECKSUM_LEN 32

struct sign_key {
	unsigned char keynum[SIGN_KEYNUM_LEN];
	unsigned char seed[ED25519_SEED_LEN];
	unsigned char pk[ED25519_PK_LEN];
};

/*
 * key_new makes a random key. Returns it (free with sign_key_free) or NULL
 * after a message.
 */
struct sign_key *key_new(void);

/*
 * key_encode returns the text of k's secret key file (caller frees with
 * key_text_free), encrypted with password under opslimit and memlimit
 * when password is neither NULL nor empty. NULL after a message.
 */
char *key_encode(const struct sign_key *k, const char *password, uint64_t opslimit, uint64_t memlimit);

/*
 * key_decode parses the text of a secret key file (or its base64 line
 * alone), decrypting it with password when it is encrypted. what names the
 * key in messages ("secret key 'x.key'"). Returns the key or NULL after one
 * message (corrupt, truncated, needs a password, wrong password).
 */
struct sign_key *key_decode(const char *text, size_t len, const char *password, const char *what);

/* key_text_free wipes and frees a text that holds key material; accepts NULL. */
void key_text_free(char *text);

/*
 * pubkey_encode returns the text of pk's public key file (caller frees).
 */
char *pubkey_encode(const struct sign_pubkey *pk);

/*
 * pubkey_decode parses the text of a public key file (or its base64 line
 * alone) into pk. Returns 0 or -1 after a message naming what.
 */
int pubkey_decode(const char *text, size_t len, struct sign_pubkey *pk, const char *what);

#endif /* RELEASER_KEY_H */
