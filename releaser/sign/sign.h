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

/* the two signature files of a checksum list, in memory */
struct sign_output {
	char *minisig;      /* the text of SHA256SUMS.minisig */
	size_t minisig_len;
	char *sig;          /* the text of SHA256SUMS.sig */
	size_t sig_len;
};

/*
 * sign_sums_text signs one checksum list given twice: gnu, the text of
 * SHA256SUMS ("hex  name" lines), and bsd, the same files in the same
 * order in BSD style ("SHA256 (name) = hex" lines, see lib/sums.h). It
 * makes
 *   out->minisig  a minisign prehashed ("ED") signature of gnu carrying
 *                 trusted_comment (one line of at most SIGFILE_COMMENT_MAX
 *                 bytes, never NULL: the caller decides what it says)
 *   out->sig      a signify signature embedding bsd (signify -C reads it)
 * and checks both in memory against k's public half, as `releaser verify`
 * does (sign_check_sums), which also proves that bsd is gnu's twin.
 * Returns 0 with out filled (release with sign_output_release), or -1
 * after a message with out empty. Writes no file.
 */
int sign_sums_text(const struct sign_key *k, const char *gnu, size_t gnu_len, const char *bsd, size_t bsd_len,
		   const char *trusted_comment, struct sign_output *out);

/* sign_output_release frees both texts of out and empties it; accepts an empty out. */
void sign_output_release(struct sign_output *out);

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
