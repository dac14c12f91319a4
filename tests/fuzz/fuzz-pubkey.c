/*
 * Public key files (minisign's and signify's format, as --pubkey and
 * $RELEASER_PUBKEY give them): pubkey_decode() on the input; a key it
 * accepts must encode to a text that decodes to the same key.
 */
#include "fuzz.h"

#include "sign/key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sign_pubkey pk, again;
	char *text;

	if (pubkey_decode((const char *)data, size, &pk, "public key 'fuzz.pub'") < 0)
		return 0;
	text = pubkey_encode(&pk);
	fuzz_expect(pubkey_decode(text, strlen(text), &again, "public key 'again.pub'") == 0);
	fuzz_expect(!memcmp(&pk, &again, sizeof(pk)));
	free(text);
	return 0;
}
