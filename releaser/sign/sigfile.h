/*
 * Signature files, inside the releaser (the public face is sign.h):
 *
 * minisign, prehashed ("ED"), four lines:
 *   untrusted comment: TEXT
 *   base64("ED" | keynum[8] | Ed25519(BLAKE2b-512(message)))
 *   trusted comment: TEXT
 *   base64(Ed25519(signature[64] | trusted comment TEXT))
 * (minisign's legacy format, "Ed", signs the message itself, not its
 * hash: `minisign -S -l` makes it, `minisign -V` accepts it, so do we)
 *
 * signify, embedded (what `signify -S -e` writes and -C reads):
 *   untrusted comment: TEXT
 *   base64("Ed" | keynum[8] | Ed25519(message))
 *   the message itself
 */
#ifndef RELEASER_SIGFILE_H
#define RELEASER_SIGFILE_H

#include <stddef.h>

#include "sign/sign.h"

/* longest comment accepted (minisign reads 8 KiB lines, signify 1 KiB comments) */
#define SIGFILE_COMMENT_MAX 1000

/*
 * minisig_encode returns the minisign signature text of msg by k, with
 * the untrusted and trusted comments (one line each, at most
 * SIGFILE_COMMENT_MAX bytes). Caller frees. NULL after a message.
 */
char *minisig_encode(const struct sign_key *k, const void *msg, size_t len, const char *untrusted,
		     const char *trusted);

/*
 * minisig_check checks a minisign signature text, prehashed or legacy,
 * against msg (named msg_name in reasons) and pk. Returns 1 when valid (*trusted gets the
 * trusted comment, caller frees), 0 when not (the reason in why, no
 * message), -1 after a message when OpenSSL fails.
 */
int minisig_check(const struct sign_pubkey *pk, const char *text, size_t text_len, const void *msg,
		  size_t msg_len, const char *msg_name, char **trusted, char *why, size_t why_len);

/*
 * signify_encode returns a signify embedded signature of msg by k (the
 * two signature lines, then msg); *out_len gets its length. Caller frees.
 * NULL after a message.
 */
char *signify_encode(const struct sign_key *k, const void *msg, size_t len, const char *untrusted,
		     size_t *out_len);

/*
 * signify_check checks a signify embedded signature text with pk. Returns
 * 1 when valid (*msg_off gets the offset of the embedded message in
 * text), 0 when not (the reason in why, no message), -1 after a message
 * when OpenSSL fails.
 */
int signify_check(const struct sign_pubkey *pk, const char *text, size_t text_len, size_t *msg_off, char *why,
		  size_t why_len);

#endif /* RELEASER_SIGFILE_H */
