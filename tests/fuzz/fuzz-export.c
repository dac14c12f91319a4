/*
 * The agent's export inputs (agent/export): the first byte picks the
 * parser, the rest is its input. endpoint_parse gives printable ASCII
 * without spaces, http:// or https://, no user-info, a path, and is a
 * fixed point; header_parse gives "NAME: VALUE" without line breaks and
 * never quotes the value in its error; utf8_text gives well-formed UTF-8
 * that it copies unchanged, and keeps well-formed input as it is.
 */
#include "fuzz.h"

#include <strings.h>

#include "export/endpoint.h"
#include "export/utf8.h"

static void check_endpoint(const char *s)
{
	char err[160] = "", err2[160];
	char *url = endpoint_parse(s, err, sizeof(err)), *again;
	const char *p, *auth;

	if (!url) {
		fuzz_expect(err[0]);
		return;
	}
	for (p = url; *p; p++)
		fuzz_expect((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f && *p != '#');
	fuzz_expect(!strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8));
	auth = strstr(url, "://") + 3;
	fuzz_expect(!memchr(auth, '@', strcspn(auth, "/?")));
	fuzz_expect(auth[strcspn(auth, "/?")] == '/');
	again = endpoint_parse(url, err2, sizeof(err2));
	fuzz_expect(again && !strcmp(again, url));
	free(again);
	free(url);
}

static void check_header(const char *s)
{
	char err[160] = "";
	char *line = header_parse(s, err, sizeof(err));
	const char *eq = strchr(s, '=');

	if (!line) {
		fuzz_expect(err[0]);
		if (eq && strlen(eq + 1) >= 8)
			fuzz_expect(!strstr(err, eq + 1));
		return;
	}
	fuzz_expect(!strpbrk(line, "\r\n"));
	fuzz_expect(eq && !strncmp(line, s, (size_t)(eq - s)) && !strncmp(line + (eq - s), ": ", 2));
	free(line);
}

/* the length of the valid UTF-8 sequence at s, 0 when none (an independent check) */
static size_t valid_at(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	uint32_t cp = len == 1 ? s[0] : len == 2 ? s[0] & 0x1fu : len == 3 ? s[0] & 0x0fu : s[0] & 0x07u;
	size_t i;

	if (!len || len > n || !s[0])
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void check_utf8(const uint8_t *data, size_t size)
{
	char *t = utf8_text((const char *)data, size), *again;
	size_t i, n, len, all_valid = 1;

	fuzz_expect(t);
	len = strlen(t);
	for (i = 0; i < len; i += n) {
		n = valid_at((const unsigned char *)t + i, len - i);
		fuzz_expect(n > 0);
	}
	for (i = 0; i < size; i += n) {
		n = valid_at(data + i, size - i);
		if (!n) {
			all_valid = 0;
			break;
		}
	}
	if (all_valid)
		fuzz_expect(len == size && !memcmp(t, data, size));
	again = utf8_text(t, len);
	fuzz_expect(again && !strcmp(again, t));
	free(again);
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0)
		return 0;
	s = fuzz_strndup(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0: check_endpoint(s); break;
	case 1: check_header(s); break;
	default: check_utf8(data + 1, size - 1); break;
	}
	free(s);
	return 0;
}
