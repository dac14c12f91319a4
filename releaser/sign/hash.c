/* SHA-256 of artifacts (see hash.h). */
#include "sign/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/common.h"
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
