/* UTF-8 checks and terminal escaping (see text.h). */
#include "lib/text.h"

#include <string.h>

#include "lib/common.h"

/*
 * seq_len returns the length of the well-formed UTF-8 sequence at s
 * (at most n bytes available), or 0 when there is none there.
 */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned lo = 0x80, hi = 0xbf;

	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	/* the second byte's range rules out overlongs, surrogates, > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

int utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		n = seq_len(p + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

char *utf8_fix(const char *s, size_t len, size_t *replaced)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc(len * 3 + 1), *o = out;
	size_t i = 0, n, count = 0;

	while (i < len) {
		n = seq_len(p + i, len - i);
		if (n) {
			memcpy(o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		memcpy(o, "\xef\xbf\xbd", 3);
		o += 3;
		i++;
		count++;
	}
	*o = '\0';
	if (replaced)
		*replaced = count;
	return out;
}

char *term_escape(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n;
	char *out = xmalloc(len * 4 + 1), *o = out;

	while (i < len) {
		n = seq_len(p + i, len - i);
		/* C1 controls are U+0080..U+009F: 0xc2 0x80..0x9f */
		if (n == 1 && p[i] >= 0x20 && p[i] != 0x7f) {
			*o++ = (char)p[i++];
			continue;
		}
		if (n > 1 && !(n == 2 && p[i] == 0xc2 && p[i + 1] <= 0x9f)) {
			memcpy(o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		if (!n)
			n = 1;
		while (n--) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[p[i] >> 4];
			*o++ = hex[p[i] & 15];
			i++;
		}
	}
	*o = '\0';
	return out;
}
