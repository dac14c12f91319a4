/* scrypt with libsodium's parameter choice, through OpenSSL (see kdf.h). */
#include "sign/kdf.h"

#include <string.h>

#include <openssl/evp.h>

#include "lib/common.h"
#include "sign/ossl.h"

/* the smallest n_log2 with 2^n_log2 > max_n / 2, at most 62 */
static unsigned int n_log2_for(uint64_t max_n)
{
	unsigned int n_log2;

	for (n_log2 = 1; n_log2 < 63; n_log2++)
		if ((uint64_t)1 << n_log2 > max_n / 2)
			break;
	return n_log2;
}

void scrypt_pick_params(uint64_t opslimit, uint64_t memlimit, struct scrypt_params *sp)
{
	uint64_t max_rp;

	if (opslimit < 32768)
		opslimit = 32768;
	sp->r = 8;
	if (opslimit < memlimit / 32) {
		sp->p = 1;
		sp->n = (uint64_t)1 << n_log2_for(opslimit / (sp->r * 4));
		return;
	}
	sp->n = (uint64_t)1 << n_log2_for(memlimit / ((uint64_t)sp->r * 128));
	max_rp = (opslimit / 4) / sp->n;
	if (max_rp > 0x3fffffff)
		max_rp = 0x3fffffff;
	sp->p = (uint32_t)max_rp / sp->r;
}

uint64_t scrypt_memory(const struct scrypt_params *sp)
{
	/* OpenSSL: B = 128 r p, V = 128 r (N + 2); saturate instead of wrapping */
	if (sp->n > KDF_MEMORY_MAX || sp->p > KDF_MEMORY_MAX / 128 || sp->r > 1024)
		return UINT64_MAX;
	return 128ULL * sp->r * sp->p + 128ULL * sp->r * (sp->n + 2);
}

int scrypt_derive(const char *password, const unsigned char *salt, size_t salt_len,
		  const struct scrypt_params *sp, unsigned char *out, size_t outlen, const char *what)
{
	uint64_t need = scrypt_memory(sp);

	if (need > KDF_MEMORY_MAX)
		return error("%s asks scrypt for more than %llu MiB: the key is corrupt", what,
			     KDF_MEMORY_MAX >> 20);
	if (sp->n == 0 || sp->n > KDF_WORK_MAX || (uint64_t)sp->r * sp->p > KDF_WORK_MAX / sp->n ||
	    (uint64_t)sp->r * sp->p > KDF_RP_MAX)
		return error("%s asks scrypt for more work than a minisign key does (N*r*p above %llu or "
			     "r*p above %llu): the key is corrupt", what, KDF_WORK_MAX, KDF_RP_MAX);
	return ossl_check(EVP_PBE_scrypt(password, strlen(password), salt, salt_len, sp->n, sp->r, sp->p,
					 need, out, outlen),
			  "cannot derive the key of %s with scrypt", what);
}

int kdf_derive(const char *password, const unsigned char *salt, size_t salt_len, uint64_t opslimit,
	       uint64_t memlimit, unsigned char *out, size_t outlen, const char *what)
{
	struct scrypt_params sp;

	scrypt_pick_params(opslimit, memlimit, &sp);
	return scrypt_derive(password, salt, salt_len, &sp, out, outlen, what);
}
