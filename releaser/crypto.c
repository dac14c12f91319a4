/* OpenSSL checker and SHA-256 (see crypto.h). */
#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define READ_CHUNK (128 * 1024)

int crypto_check(int ok, const char *fmt, ...)
{
	unsigned long e;
	char reason[256];
	va_list ap;

	if (ok == 1)
		return 0;
	e = ERR_get_error();
	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	else
		snprintf(reason, sizeof(reason), "unknown OpenSSL error");
	ERR_clear_error();
	fprintf(stderr, "releaser: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", reason);
	return -1;
}

int sha256_init(struct sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = NULL;
	h->bytes = 0;
	if (crypto_check(ctx != NULL, "cannot hash") < 0)
		return -1;
	if (crypto_check(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), "cannot hash") < 0) {
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	h->ctx = ctx;
	return 0;
}

int sha256_update(struct sha256 *h, const void *buf, size_t len)
{
	h->bytes += len;
	return crypto_check(EVP_DigestUpdate(h->ctx, buf, len), "cannot hash");
}

int sha256_final(struct sha256 *h, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int ret;

	ret = crypto_check(EVP_DigestFinal_ex(h->ctx, md, &n), "cannot hash");
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

int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *size)
{
	static char buf[READ_CHUNK];
	struct sha256 h = { 0 };
	ssize_t n;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return error("cannot read '%s': %s", path, strerror(errno));
	if (sha256_init(&h) < 0)
		goto cleanup;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error("cannot read '%s': %s", path, strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		if (sha256_update(&h, buf, (size_t)n) < 0)
			goto cleanup;
	}
	if (size)
		*size = h.bytes;
	ret = sha256_final(&h, hex);
cleanup:
	sha256_abort(&h);
	close(fd);
	return ret;
}
