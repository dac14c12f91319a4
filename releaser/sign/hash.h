/*
 * Hashes: streaming SHA-256 for the artifacts (and MD5 for Debian's
 * md5sums), with OpenSSL (errors through
 * ossl_check, the OpenSSL checker in ossl.h), and BLAKE2b (RFC 7693) with
 * any digest length, unkeyed. OpenSSL 3.0 offers only the 64-byte BLAKE2b,
 * and minisign's secret key checksum is the 32-byte one (a different
 * function, not a truncation).
 */
#ifndef RELEASER_HASH_H
#define RELEASER_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64
#define MD5_HEX_LEN 32
#define BLAKE2B_MAX_LEN 64

struct sha256 {
	void *ctx;       /* EVP_MD_CTX */
	uint64_t bytes;  /* hashed so far */
};

/* sha256_init starts a hash. Returns 0 or -1 after a message. */
int sha256_init(struct sha256 *h);

/* sha256_update adds len bytes. Returns 0 or -1 after a message. */
int sha256_update(struct sha256 *h, const void *buf, size_t len);

/*
 * sha256_final writes the lower-case hex digest into hex and frees the
 * context. Returns 0 or -1 after a message.
 */
int sha256_final(struct sha256 *h, char hex[SHA256_HEX_LEN + 1]);

/* sha256_abort frees the context without a digest; safe to call twice. */
void sha256_abort(struct sha256 *h);

/*
 * MD5, for the md5sums of Debian packages only (dpkg checks installed
 * files against them); nothing is signed or trusted by it. The same
 * calls as SHA-256, the same ownership.
 */
struct md5 {
	void *ctx;       /* EVP_MD_CTX */
};

/* md5_init starts a hash. Returns 0 or -1 after a message. */
int md5_init(struct md5 *h);

/* md5_update adds len bytes. Returns 0 or -1 after a message. */
int md5_update(struct md5 *h, const void *buf, size_t len);

/* md5_final writes the lower-case hex digest into hex and frees the context. Returns 0 or -1 after a message. */
int md5_final(struct md5 *h, char hex[MD5_HEX_LEN + 1]);

/* md5_abort frees the context without a digest; safe to call twice. */
void md5_abort(struct md5 *h);

/*
 * sha256_fd reads fd to its end and writes the lower-case hex digest of
 * what it read into hex. Returns 0; an errno value (> 0, no message) when
 * reading fails, so the caller names the file; or -1 after a message when
 * OpenSSL fails.
 */
int sha256_fd(int fd, char hex[SHA256_HEX_LEN + 1]);

/*
 * sha256_file hashes the file at path (O_NOFOLLOW), reading it once.
 * *size gets its length. Returns 0 or -1 after a message naming the path.
 */
int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *size);

/*
 * blake2b writes the outlen-byte (1..64) BLAKE2b digest of in into out
 * (another outlen is taken as 64). Its working state is wiped before it
 * returns (in may be secret).
 */
void blake2b(void *out, size_t outlen, const void *in, size_t inlen);

#endif /* RELEASER_HASH_H */
