/* SHA-256 of artifacts, BLAKE2b of keys (see hash.h). */
#include "sign/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "lib/common.h"
#include "lib/le64.h"
#include "sign/ossl.h"

int sha256_init(struct sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = NULL;
	h->bytes = 0;
	if (ossl_check(ctx != NULL, "cannot hash") < 0)
		return -1;
	if (ossl_check(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), "cannot hash") < 0) {
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	h->ctx = ctx;
	return 0;
}

int sha256_update(struct sha256 *h, const void *buf, size_t len)
{
	h->bytes += len;
	return ossl_check(EVP_DigestUpdate(h->ctx, buf, len), "cannot hash");
}

int sha256_final(struct sha256 *h, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int ret;

	ret = ossl_check(EVP_DigestFinal_ex(h->ctx, md, &n), "cannot hash");
	sha256_abort(h);
	if (ret < 0)
		return -1;
	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[SHA256_HEX_LEN] = '\0';
	return 0;
}

void sha256_abort(struct sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int md5_init(struct md5 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = NULL;
	if (ossl_check(ctx != NULL, "cannot hash") < 0)
		return -1;
	if (ossl_check(EVP_DigestInit_ex(ctx, EVP_md5(), NULL), "cannot hash") < 0) {
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	h->ctx = ctx;
	return 0;
}

int md5_update(struct md5 *h, const void *buf, size_t len)
{
	return ossl_check(EVP_DigestUpdate(h->ctx, buf, len), "cannot hash");
}

int md5_final(struct md5 *h, char hex[MD5_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int ret;

	ret = ossl_check(EVP_DigestFinal_ex(h->ctx, md, &n), "cannot hash");
	md5_abort(h);
	if (ret < 0)
		return -1;
	for (i = 0; i < n && i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[MD5_HEX_LEN] = '\0';
	return 0;
}

void md5_abort(struct md5 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int sha256_fd(int fd, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[32];
	int rc, i;

	rc = ossl_digest_fd(fd, EVP_sha256(), md);
	if (rc != 0)
		return rc;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[SHA256_HEX_LEN] = '\0';
	return 0;
}

int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *size)
{
	off_t end;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return error("cannot read '%s': %s", path, strerror(errno));
	rc = sha256_fd(fd, hex);
	end = lseek(fd, 0, SEEK_CUR);
	close(fd);
	if (rc > 0)
		return error("cannot read '%s': %s", path, strerror(rc));
	if (rc < 0)
		return -1;
	if (size)
		*size = end < 0 ? 0 : (uint64_t)end;
	return 0;
}

/* BLAKE2b, unkeyed, one shot, following RFC 7693 */
static const uint64_t blake2b_iv[8] = {
	0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
	0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

/* message word order of each round; rounds 10 and 11 reuse rows 0 and 1 */
static const uint8_t blake2b_sigma[10][16] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
	{ 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
	{ 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
	{ 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
	{ 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
	{ 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
	{ 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
	{ 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
	{ 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
};

static uint64_t rotr64(uint64_t x, unsigned int n)
{
	return (x >> n) | (x << (64 - n));
}

static void mix(uint64_t v[16], int a, int b, int c, int d, uint64_t x, uint64_t y)
{
	v[a] = v[a] + v[b] + x;
	v[d] = rotr64(v[d] ^ v[a], 32);
	v[c] = v[c] + v[d];
	v[b] = rotr64(v[b] ^ v[c], 24);
	v[a] = v[a] + v[b] + y;
	v[d] = rotr64(v[d] ^ v[a], 16);
	v[c] = v[c] + v[d];
	v[b] = rotr64(v[b] ^ v[c], 63);
}

static void compress(uint64_t h[8], const unsigned char block[128], uint64_t counter, int last)
{
	uint64_t v[16], m[16];
	const uint8_t *s;
	int i, r;

	for (i = 0; i < 16; i++)
		m[i] = load64_le(block + 8 * i);
	for (i = 0; i < 8; i++) {
		v[i] = h[i];
		v[i + 8] = blake2b_iv[i];
	}
	v[12] ^= counter; /* the counter's high word stays 0: inputs are small */
	if (last)
		v[14] = ~v[14];
	for (r = 0; r < 12; r++) {
		s = blake2b_sigma[r % 10];
		mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
		mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
		mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
		mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
		mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
		mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
		mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
		mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
	}
	for (i = 0; i < 8; i++)
		h[i] ^= v[i] ^ v[i + 8];
	OPENSSL_cleanse(v, sizeof(v));
	OPENSSL_cleanse(m, sizeof(m));
}

void blake2b(void *out, size_t outlen, const void *in, size_t inlen)
{
	const unsigned char *p = in;
	unsigned char block[128], digest[BLAKE2B_MAX_LEN];
	uint64_t h[8], counter = 0;
	int i;

	if (outlen < 1 || outlen > BLAKE2B_MAX_LEN)
		outlen = BLAKE2B_MAX_LEN;
	memcpy(h, blake2b_iv, sizeof(h));
	h[0] ^= 0x01010000ULL ^ (uint64_t)outlen; /* no key, fanout 1, depth 1 */
	while (inlen > sizeof(block)) {
		counter += sizeof(block);
		compress(h, p, counter, 0);
		p += sizeof(block);
		inlen -= sizeof(block);
	}
	memset(block, 0, sizeof(block));
	if (inlen)
		memcpy(block, p, inlen);
	counter += inlen;
	compress(h, block, counter, 1);
	for (i = 0; i < 64; i++)
		digest[i] = (unsigned char)(h[i / 8] >> (8 * (i % 8)));
	memcpy(out, digest, outlen);
	OPENSSL_cleanse(block, sizeof(block));
	OPENSSL_cleanse(digest, sizeof(digest));
	OPENSSL_cleanse(h, sizeof(h));
}
