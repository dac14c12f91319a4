/*
 * BLAKE2b (RFC 7693) with any digest length, unkeyed. OpenSSL 3.0 offers
 * only the 64-byte digest, and minisign's secret key checksum is the
 * 32-byte one (a different function, not a truncation).
 */
#ifndef RELEASER_BLAKE2B_H
#define RELEASER_BLAKE2B_H

#include <stddef.h>

#define BLAKE2B_MAX_LEN 64

/*
 * blake2b writes the outlen-byte (1..64) BLAKE2b digest of in into out.
 * (another outlen is taken as 64). Its working state is wiped before it
 * returns (in may be secret).
 */
void blake2b(void *out, size_t outlen, const void *in, size_t inlen);

#endif /* RELEASER_BLAKE2B_H */
