/* SHA-256 of artifacts (see crypto.h). */
#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "ossl.h"

#define READ_CHUNK (128 * 1024)

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
