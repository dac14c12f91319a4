/*
 * The releaser's door to OpenSSL's libcrypto for signing: the checker that
 * turns OpenSSL's error queue into our message, random bytes, base64,
 * Ed25519 and streaming digests.
 */
#ifndef RELEASER_OSSL_H
#define RELEASER_OSSL_H

#include <stddef.h>

#include <openssl/evp.h>

#include "sign/key.h" /* the Ed25519 sizes */

/*
 * ossl_check returns 0 when ok is 1 (OpenSSL's success); otherwise prints
 * "releaser: WHAT: the OpenSSL reason", empties the error queue and
 * returns -1.
 */
int ossl_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * ossl_random fills buf with len bytes from OpenSSL's generator (the
 * private one when secret is set). Returns 0 or -1 after a message.
 */
int ossl_random(void *buf, size_t len, int secret);

/*
 * b64_encode returns the standard, padded base64 of buf as a NUL-terminated
 * string the caller frees.
 */
char *b64_encode(const void *buf, size_t len);

/*
 * b64_decode decodes exactly len characters of standard padded base64 from
 * text into out, which must hold want bytes. Succeeds only when the text
 * is canonical base64 of exactly want bytes (no spaces, no other length),
 * so that a changed character always changes the bytes. Returns 0 or -1,
 * without a message (the caller names the file). Intermediate buffers are
 * wiped, so out may hold secrets.
 */
int b64_decode(const char *text, size_t len, unsigned char *out, size_t want);

/*
 * ed25519_public derives the public key of a 32-byte seed.
 * Returns 0 or -1 after a message.
 */
int ed25519_public(const unsigned char seed[ED25519_SEED_LEN], unsigned char pk[ED25519_PK_LEN]);

/*
 * ed25519_sign signs msg (pure Ed25519) with the key of seed.
 * Returns 0 or -1 after a message.
 */
int ed25519_sign(const unsigned char seed[ED25519_SEED_LEN], const void *msg, size_t len,
		 unsigned char sig[ED25519_SIG_LEN]);

/*
 * ed25519_verify checks sig over msg with pk. Returns 1 when it is valid,
 * 0 when it is not (no message), -1 after a message when OpenSSL fails.
 */
int ed25519_verify(const unsigned char pk[ED25519_PK_LEN], const void *msg, size_t len,
		   const unsigned char sig[ED25519_SIG_LEN]);

/*
 * ossl_digest computes md over buf into out (EVP_MD_get_size(md) bytes).
 * Returns 0 or -1 after a message.
 */
int ossl_digest(const EVP_MD *md, const void *buf, size_t len, unsigned char *out);

/*
 * ossl_digest_fd reads fd to its end, computing md into out. Returns 0; an
 * errno value (> 0, no message) when reading fails; or -1 after a message
 * when OpenSSL fails.
 */
int ossl_digest_fd(int fd, const EVP_MD *md, unsigned char *out);

#endif /* RELEASER_OSSL_H */
