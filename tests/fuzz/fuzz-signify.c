/*
 * signify embedded signatures (SHA256SUMS.sig, as `releaser verify` and
 * `signify -C` read it): the input as the signature file of the fixed
 * SHA256SUMS, through sign_check_sums() with the fixed public key.
 */
#include "fuzz-sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sign_check c;
	int rc;

	rc = sign_check_sums(fuzz_pubkey(), FUZZ_SUMS, strlen(FUZZ_SUMS), NULL, 0, (const char *)data, size, &c);
	fuzz_expect(rc == 1 || rc == -1);
	if (rc == 1) {
		fuzz_expect(!c.minisig_ok && !c.trusted_comment);
		fuzz_expect(c.sig_ok || c.sig_why[0]);
	}
	sign_check_release(&c);
	return 0;
}
