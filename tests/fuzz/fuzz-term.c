/*
 * Terminal escaping (term_escape), what every name from outside goes
 * through before the releaser prints it (verify, guard, info, mirror and
 * every message). The input is any bytes up to the first NUL. Promises:
 * the output is valid UTF-8 on one line, without a control character
 * (C0, DEL, C1) that could drive a terminal or start a new line of a CI
 * log, and reading each \xNN back gives the input, byte for byte.
 */
#include "fuzz.h"

#include "lib/text.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* the input back from term_escape's output: \xNN is one byte, all else as is */
static char *unescape(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	int hi, lo;

	if (!out)
		abort();
	while (*s) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		/* a backslash is never left alone: it is always \x5c */
		fuzz_expect(s[1] == 'x');
		hi = hex_value(s[2]);
		fuzz_expect(hi >= 0);
		lo = hex_value(s[3]);
		fuzz_expect(lo >= 0);
		*o++ = (char)(hi << 4 | lo);
		s += 4;
	}
	*o = '\0';
	return out;
}

/* s is valid UTF-8 without a control character or a backslash */
static int printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, len = strlen(s);

	if (!utf8_valid(s, len))
		return 0;
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\' || (p[i] == 0xc2 && p[i + 1] <= 0x9f))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_strndup(data, size), *out = term_escape(in), *back;
	const unsigned char *p = (const unsigned char *)out;
	size_t i, len = strlen(out);

	fuzz_expect(utf8_valid(out, len));
	for (i = 0; i < len; i++) {
		fuzz_expect(p[i] >= 0x20 && p[i] != 0x7f);
		/* U+0080..U+009F, the C1 controls, are 0xc2 0x80..0x9f */
		fuzz_expect(!(p[i] == 0xc2 && i + 1 < len && p[i + 1] <= 0x9f));
	}
	back = unescape(out);
	fuzz_expect(!strcmp(back, in));
	/* what is printable already comes out unchanged, and only that */
	fuzz_expect((strcmp(out, in) == 0) == printable(in));
	free(back);
	free(out);
	free(in);
	return 0;
}
