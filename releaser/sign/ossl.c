/* OpenSSL for signing: checker, random bytes, base64, Ed25519, digests (see ossl.h). */
#include "sign/ossl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "lib/common.h"

int ossl_check(int ok, const char *fmt, ...)
{
	unsigned long e, first = 0;
	const char *reason;
	char what[256];
	va_list ap;

	if (ok == 1)
		return 0;
	while ((e = ERR_get_error()) != 0)
		if (!first)
			first = e;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	reason = first ? ERR_reason_error_string(first) : NULL;
	if (reason)
		return error("%s: %s", what, reason);
	if (first)
		return error("%s: openssl error %lu", what, first);
	return error("%s: openssl failed", what);
}

int ossl_random(void *buf, size_t len, int secret)
{
	if (len > (size_t)INT32_MAX)
		return error("cannot draw %zu random bytes", len);
	if (secret)
		return ossl_check(RAND_priv_bytes(buf, (int)len), "cannot draw random bytes");
	return ossl_check(RAND_bytes(buf, (int)len), "cannot draw random bytes");
}

char *b64_encode(const void *buf, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

static int b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

int b64_decode(const char *text, size_t len, unsigned char *out, size_t want)
{
	size_t pad = (3 - want % 3) % 3, i, tmp_len = len / 4 * 3;
	unsigned char *tmp = NULL;
	char *again = NULL;
	int ret = -1;

	if (want == 0 || want > 1 << 20 || len != 4 * ((want + 2) / 3))
		goto cleanup;
	for (i = 0; i < len; i++)
		if (!(i >= len - pad ? text[i] == '=' : b64_char(text[i])))
			goto cleanup;
	tmp = xmalloc(tmp_len);
	if (EVP_DecodeBlock(tmp, (const unsigned char *)text, (int)len) != (int)tmp_len)
		goto cleanup;
	memcpy(out, tmp, want);
	/* unused bits in the last character must be zero: one text, one value */
	again = b64_encode(out, want);
	if (memcmp(again, text, len) != 0) {
		OPENSSL_cleanse(out, want);
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (tmp)
		OPENSSL_cleanse(tmp, tmp_len);
	if (again)
		OPENSSL_cleanse(again, len + 1);
	free(tmp);
	free(again);
	return ret;
}

int ed25519_public(const unsigned char seed[ED25519_SEED_LEN], unsigned char pk[ED25519_PK_LEN])
{
	EVP_PKEY *key;
	size_t len = ED25519_PK_LEN;
	int ret = -1;

	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, ED25519_SEED_LEN);
	if (ossl_check(key != NULL, "cannot load an ed25519 key") < 0)
		goto cleanup;
	if (ossl_check(EVP_PKEY_get_raw_public_key(key, pk, &len), "cannot derive an ed25519 public key") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	EVP_PKEY_free(key);
	return ret;
}

int ed25519_sign(const unsigned char seed[ED25519_SEED_LEN], const void *msg, size_t len,
		 unsigned char sig[ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *key;
	size_t sig_len = ED25519_SIG_LEN;
	int ret = -1;

	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, ED25519_SEED_LEN);
	if (ossl_check(key != NULL, "cannot load an ed25519 key") < 0)
		goto cleanup;
	ctx = EVP_MD_CTX_new();
	if (ossl_check(ctx != NULL, "cannot sign") < 0 ||
	    ossl_check(EVP_DigestSignInit(ctx, NULL, NULL, NULL, key), "cannot sign") < 0 ||
	    ossl_check(EVP_DigestSign(ctx, sig, &sig_len, msg, len), "cannot sign") < 0)
		goto cleanup;
	ret = 0;
cleanup:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ret;
}

int ed25519_verify(const unsigned char pk[ED25519_PK_LEN], const void *msg, size_t len,
		   const unsigned char sig[ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *key;
	int ret = -1, rc;

	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, ED25519_PK_LEN);
	if (ossl_check(key != NULL, "cannot load an ed25519 public key") < 0)
		goto cleanup;
	ctx = EVP_MD_CTX_new();
	if (ossl_check(ctx != NULL, "cannot verify") < 0 ||
	    ossl_check(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key), "cannot verify") < 0)
		goto cleanup;
	rc = EVP_DigestVerify(ctx, sig, ED25519_SIG_LEN, msg, len);
	ERR_clear_error(); /* a bad signature may leave a reason we do not print */
	ret = rc == 1;
cleanup:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ret;
}

int ossl_digest(const EVP_MD *md, const void *buf, size_t len, unsigned char *out)
{
	return ossl_check(EVP_Digest(buf, len, out, NULL, md, NULL), "cannot compute %s", EVP_MD_get0_name(md));
}

int ossl_digest_fd(int fd, const EVP_MD *md, unsigned char *out)
{
	unsigned char buf[1 << 16];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n;
	int ret = -1;

	if (ossl_check(ctx != NULL && EVP_DigestInit_ex(ctx, md, NULL), "cannot compute %s",
		       EVP_MD_get0_name(md)) < 0)
		goto cleanup;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = errno;
			goto cleanup;
		}
		if (n == 0)
			break;
		if (ossl_check(EVP_DigestUpdate(ctx, buf, (size_t)n), "cannot compute %s", EVP_MD_get0_name(md)) < 0)
			goto cleanup;
	}
	if (ossl_check(EVP_DigestFinal_ex(ctx, out, NULL), "cannot compute %s", EVP_MD_get0_name(md)) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	EVP_MD_CTX_free(ctx);
	return ret;
}
