/*
 * Secret key files in minisign's format (--key FILE, or the text in
 * $RELEASER_SIGNING_KEY): key_decode() on the input with a fixed password,
 * so encrypted keys go through scrypt with the opslimit and memlimit the
 * input holds. A key it accepts must encode and decode to the same key.
 */
#include "fuzz.h"

#include "sign/kdf.h"
#include "sign/key.h"

#define PASSWORD "fuzz-password"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sign_key *k, *again;
	char *text;

	k = key_decode((const char *)data, size, PASSWORD, "secret key 'fuzz.key'");
	if (!k)
		return 0;
	/* cheap parameters: the round trip checks the format, not scrypt */
	text = key_encode(k, PASSWORD, 0, 1 << 20);
	fuzz_expect(text != NULL);
	again = key_decode(text, strlen(text), PASSWORD, "the encoded key");
	fuzz_expect(again && !memcmp(k, again, sizeof(*k)));
	key_text_free(text);
	sign_key_free(again);
	sign_key_free(k);
	return 0;
}
