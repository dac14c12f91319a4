/*
 * Signing, with OpenSSL: signatures over SHA256SUMS that `minisign -V` and
 * `signify -V`/`signify -C` verify, made and checked with the keys of
 * key.h (included here: this header is the contract the packaging
 * commands use).
 */
#ifndef RELEASER_SIGN_H
#define RELEASER_SIGN_H

#include <stddef.h>

#include "sign/key.h"

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
