/*
 * minisign signatures (SHA256SUMS.minisig, as `releaser verify` reads
 * it): the input as the signature of the fixed SHA256SUMS, through
 * sign_check_sums() with the fixed public key.
 */
#include "fuzz-sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sign_check c;
	int rc;

	rc = sign_check_sums(fuzz_pubkey(), FUZZ_SUMS, strlen(FUZZ_SUMS), (const char *)data, size, NULL, 0, &c);
	fuzz_expect(rc == 1 || rc == -1);
	if (rc == 1) {
		fuzz_expect(!c.sig_ok && c.sig_why[0]);
		fuzz_expect(c.minisig_ok ? c.trusted_comment != NULL : c.minisig_why[0] && !c.trusted_comment);
	}
	sign_check_release(&c);
	return 0;
}
