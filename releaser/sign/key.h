/*
 * Keys: Ed25519 key pairs in minisign's file format (one public key file
 * serves minisign and signify), in memory and on disk.
 *
 * A secret key file is an "untrusted comment:" line and the base64 of
 *
 *   "Ed" | kdf ("Sc", or two zero bytes when not encrypted) | "B2" |
 *   salt[32] | opslimit[8, LE] | memlimit[8, LE] |
 *   keynum[8] | sk[64] (seed | public key) | checksum[32]
 *
 * where checksum = BLAKE2b-256("Ed" | keynum | sk) and, when kdf is "Sc",
 * keynum | sk | checksum are XORed with scrypt(password, salt). A public
 * key file (minisign's and signify's) is a comment line and the base64 of
 * "Ed" | keynum[8] | pk[32].
 *
 * Environment: RELEASER_SIGNING_KEY (the secret key file's text, for CI),
 * RELEASER_KEY_PASSWORD (the password of an encrypted key; empty means
 * none), RELEASER_PUBKEY (a public key file, or the key's text).
 */
#ifndef RELEASER_KEY_H
#define RELEASER_KEY_H

#include <stddef.h>
#include <stdint.h>

#define ED25519_SEED_LEN 32
#define ED25519_PK_LEN 32
#define ED25519_SIG_LEN 64

#define SIGN_KEYNUM_LEN 8   /* minisign's key number: random, names the key */
#define SIGN_KEY_ID_LEN 16  /* hex digits of a key id, at most */
#define KEY_SECRET_LEN 158  /* decoded secret key file */
#define KEY_PUBLIC_LEN 42   /* decoded public key file */
#define KEY_SALT_LEN 32
#define KEY_CHECKSUM_LEN 32

/* a secret key, wiped when freed; only sign/ reads its fields */
struct sign_key {
	unsigned char keynum[SIGN_KEYNUM_LEN];
	unsigned char seed[ED25519_SEED_LEN];
	unsigned char pk[ED25519_PK_LEN];
};

/* a public key: what verification needs */
struct sign_pubkey {
	unsigned char keynum[SIGN_KEYNUM_LEN];
	unsigned char pk[ED25519_PK_LEN];
};

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
 * to overwrite existing files unless force. Returns 0, -1 after a message,
 * or -2 after a message when a file exists and force is not set (a bad
 * precondition, not a failure). Both files appear, or neither (unless
 * force replaced an old pair and writing the second file failed).
 */
int sign_key_generate(const char *prefix, int force);

/*
 * sign_key_write_pubkey writes the public half of k to path (minisign and
 * signify format). Returns 0 or -1 after a message.
 */
int sign_key_write_pubkey(const struct sign_key *k, const char *path);

/* sign_key_public copies the public half of k into pk. */
void sign_key_public(const struct sign_key *k, struct sign_pubkey *pk);

/* sign_key_free wipes and frees k; accepts NULL. */
void sign_key_free(struct sign_key *k);

/*
 * sign_pubkey_load reads a public key file (minisign's or signify's
 * format) from path, or, when path is NULL, from $RELEASER_PUBKEY (a path,
 * or the key's text: the file's two lines or its base64 line). Returns 0
 * or -1 after a message.
 */
int sign_pubkey_load(const char *path, struct sign_pubkey *pk);

/*
 * sign_key_id writes pk's key id as minisign prints it (the key number
 * read little-endian, upper-case hex without leading zeros) into id.
 */
void sign_key_id(const struct sign_pubkey *pk, char id[SIGN_KEY_ID_LEN + 1]);

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
