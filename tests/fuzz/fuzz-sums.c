/*
 * SHA256SUMS in GNU format, as `releaser verify` and the signer read it:
 * sums_parse() on the input; a list it accepts must survive sums_bsd()
 * and find every name it holds.
 */
#include "fuzz.h"

#include "lib/sums.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sums s;
	char why[200], *bsd;
	size_t i, len;

	if (sums_parse((const char *)data, size, &s, why, sizeof(why)) < 0) {
		fuzz_expect(why[0] != '\0');
		return 0;
	}
	fuzz_expect(s.n > 0);
	for (i = 0; i < s.n; i++) {
		fuzz_expect(strlen(s.v[i].hex) == 64);
		fuzz_expect(sums_find(&s, s.v[i].name) == &s.v[i]);
	}
	bsd = sums_bsd(&s, &len);
	fuzz_expect(strlen(bsd) == len);
	free(bsd);
	sums_release(&s);
	return 0;
}
