/*
 * Terminal escaping (term_escape), what every name from outside goes
 * through before the releaser prints it (verify, guard, info, mirror and
 * every message). The input is any bytes up to the first NUL. Promises:
 * the output is valid UTF-8 on one line, without a control character
 * (C0, DEL, C1) that could drive a terminal or start a new line of a CI
 * log; escaping the output again gives it back unchanged; printable
 * input (backslashes included) comes out as it is.
 */
#include "fuzz.h"

#include "lib/text.h"

/* s is valid UTF-8 without a control character */
static int printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, len = strlen(s);

	if (!utf8_valid(s, len))
		return 0;
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 && p[i + 1] <= 0x9f))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_strndup(data, size), *out = term_escape(in), *again;
	const unsigned char *p = (const unsigned char *)out;
	size_t i, len = strlen(out);

	fuzz_expect(utf8_valid(out, len));
	for (i = 0; i < len; i++) {
		fuzz_expect(p[i] >= 0x20 && p[i] != 0x7f);
		/* U+0080..U+009F, the C1 controls, are 0xc2 0x80..0x9f */
		fuzz_expect(!(p[i] == 0xc2 && i + 1 < len && p[i + 1] <= 0x9f));
	}
	/* escaping twice changes nothing: a message may quote an escaped name */
	again = term_escape(out);
	fuzz_expect(!strcmp(again, out));
	/* what is printable already comes out unchanged, and only that */
	fuzz_expect((strcmp(out, in) == 0) == printable(in));
	free(again);
	free(out);
	free(in);
	return 0;
}
