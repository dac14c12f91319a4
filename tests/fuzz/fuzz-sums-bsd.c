/*
 * The BSD-style list a signify signature embeds ("SHA256 (name) = hex",
 * what `signify -C` reads): the releaser accepts a .sig only when its
 * list is exactly SHA256SUMS's in BSD style. The input is
 * "SHA256SUMS text NUL BSD list" (no NUL: the fixed SHA256SUMS, then the
 * whole input as the list); the harness signs the list with a key made
 * once per process, so the check gets past the signature to the lists.
 */
#include "fuzz-sign.h"

#include "lib/sums.h"
#include "sign/sigfile.h"

static struct sign_key *key;
static struct sign_pubkey pk;

/* what the verdict must be: the list is sums_bsd() of a valid SHA256SUMS */
static int expected(const char *sums, size_t sums_len, const char *list, size_t list_len)
{
	struct sums s;
	char why[200], *bsd;
	size_t len;
	int same;

	if (sums_parse(sums, sums_len, &s, why, sizeof(why)) < 0)
		return 0;
	bsd = sums_bsd(&s, &len);
	same = len == list_len && !memcmp(bsd, list, len);
	free(bsd);
	sums_release(&s);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sums = FUZZ_SUMS, *list = (const char *)data, *nul;
	size_t sums_len = strlen(FUZZ_SUMS), list_len = size, sig_len;
	struct sign_check c;
	char *sig;
	int rc;

	if (!key) {
		key = key_new();
		fuzz_expect(key != NULL);
		sign_key_public(key, &pk);
	}
	nul = memchr(data, '\0', size);
	if (nul) {
		sums = (const char *)data;
		sums_len = (size_t)(nul - sums);
		list = nul + 1;
		list_len = size - sums_len - 1;
	}
	sig = signify_encode(key, list, list_len, "signature from the fuzzing key", &sig_len);
	fuzz_expect(sig != NULL);
	rc = sign_check_sums(&pk, sums, sums_len, NULL, 0, sig, sig_len, &c);
	fuzz_expect(rc == 1);
	fuzz_expect(c.sig_ok == expected(sums, sums_len, list, list_len));
	sign_check_release(&c);
	free(sig);
	return 0;
}
