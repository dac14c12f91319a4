/*
 * Signing, with OpenSSL: Ed25519 keys in minisign's file format (one public
 * key file serves minisign and signify), signatures over SHA256SUMS that
 * `minisign -V` and `signify -V`/`signify -C` verify.
 *
 * This header is the contract the packaging commands use; key.c (key
 * files) and sign.c (signatures) implement it.
 *
 * Environment: RELEASER_SIGNING_KEY (the secret key file's text, for CI),
 * RELEASER_KEY_PASSWORD (the password of an encrypted key; empty means
 * none), RELEASER_PUBKEY (a public key file, or the key's text).
 */
#ifndef RELEASER_SIGN_H
#define RELEASER_SIGN_H

#include <stddef.h>

#define SIGN_KEYNUM_LEN 8  /* minisign's key number: random, names the key */
#define SIGN_KEY_ID_LEN 16 /* hex digits of a key id, at most */

struct sign_key; /* a secret key, wiped when freed */

/* a public key: what verification needs */
struct sign_pubkey {
	unsigned char keynum[SIGN_KEYNUM_LEN];
	unsigned char pk[32];
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
 * sign_sums signs DIR/SHA256SUMS (GNU format, already written) and writes,
 * atomically:
 *   DIR/SHA256SUMS.minisig  minisign prehashed ("ED") signature with the
 *                           given trusted comment (one line; NULL: a
 *                           "timestamp:T\tfile:SHA256SUMS\thashed" comment,
 *                           T from $SOURCE_DATE_EPOCH or the clock)
 *   DIR/SHA256SUMS.sig      signify embedded signature over the same list
 *                           in BSD style ("SHA256 (name) = hex")
 * Both are read back and verified before they get their final names; then
 * both are renamed into place. Returns 0 or -1 after a message; on failure
 * no new file is left under a final name.
 */
int sign_sums(const struct sign_key *k, const char *dir, const char *trusted_comment);

/* what sign_check_sums found */
struct sign_check {
	int minisig_ok;        /* SHA256SUMS.minisig signs SHA256SUMS with the key */
	int sig_ok;            /* SHA256SUMS.sig is signed with the key and embeds SHA256SUMS's list */
	char minisig_why[256]; /* when not ok: why, one lower-case phrase */
	char sig_why[256];
	char *trusted_comment; /* of a valid minisig, else NULL */
};

/*
 * sign_check_sums checks the texts of SHA256SUMS.minisig and SHA256SUMS.sig
 * (NULL when the file is missing) against the text of SHA256SUMS and pk.
 * Fills c (release with sign_check_release). Returns 0 when both are
 * valid, 1 when one is not (reasons in c, no message), -1 after a message
 * when checking could not run (OpenSSL failed).
 */
int sign_check_sums(const struct sign_pubkey *pk, const char *sums, size_t sums_len, const char *minisig,
		    size_t minisig_len, const char *sig, size_t sig_len, struct sign_check *c);

/* sign_check_release frees what sign_check_sums allocated. */
void sign_check_release(struct sign_check *c);

#endif /* RELEASER_SIGN_H */
