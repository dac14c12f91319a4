/* git's packed-refs file, read without libgit2 (see packed.h). */
#include "git/packed.h"

#include <stdio.h>
#include <string.h>

#define HEX_LEN (2 * PACKED_ID_LEN)
#define HEADER "# pack-refs with:"

/* a hex digit's value plus one, 0 for other bytes (a packed-refs of 10,000 tags holds 20,000 ids) */
static const unsigned char hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int packed_hex_id(const char *s, unsigned char id[PACKED_ID_LEN])
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned hi, lo;
	size_t i;

	for (i = 0; i < PACKED_ID_LEN; i++) {
		hi = hex_plus1[u[2 * i]];
		lo = hex_plus1[u[2 * i + 1]];
		if (!hi || !lo)
			return -1;
		id[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return 0;
}

/* the bytes a ref name may hold: printable ASCII but space and ~^:?*[\ */
static int name_byte_ok(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '~' && c != '^' && c != ':' && c != '?' && c != '*' && c != '[' &&
	       c != '\\';
}

int packed_ref_name_ok(const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!name_byte_ok((unsigned char)name[i]))
			return 0;
	return 1;
}

/* whether the header line h[len] names the trait */
static int has_trait(const char *h, size_t len, const char *trait)
{
	size_t n = strlen(trait), i;

	for (i = sizeof(HEADER) - 1; i + n <= len; i++)
		if (h[i - 1] == ' ' && !memcmp(h + i, trait, n) && (i + n == len || h[i + n] == ' '))
			return 1;
	return 0;
}

static int bad(char *why, size_t why_len, size_t line, const char *what)
{
	snprintf(why, why_len, "line %zu: %s", line, what);
	return -1;
}

int packed_refs_parse(const char *text, size_t len, const char *prefix,
		      int (*fn)(const struct packed_ref *ref, void *ctx), void *ctx, char *why, size_t why_len)
{
	size_t pos = 0, line = 0, n, plen = strlen(prefix);
	struct packed_ref ref;
	int peeled_trait = 0, fully_peeled = 0, have = 0, rc;
	const char *eol;

	memset(&ref, 0, sizeof(ref));

	while (pos < len) {
		line++;
		eol = memchr(text + pos, '\n', len - pos);
		if (!eol)
			return bad(why, why_len, line, "no newline at the end");
		n = (size_t)(eol - (text + pos));
		if (line == 1 && n >= sizeof(HEADER) - 1 && !memcmp(text, HEADER, sizeof(HEADER) - 1)) {
			peeled_trait = has_trait(text, n, "peeled");
			fully_peeled = has_trait(text, n, "fully-peeled");
		} else if (text[pos] == '^') {
			if (!have || ref.has_peeled || n != 1 + HEX_LEN || packed_hex_id(text + pos + 1, ref.peeled) < 0)
				return bad(why, why_len, line, "a peeled line that follows no ref");
			ref.has_peeled = 1;
			ref.known_unpeeled = 0;
		} else {
			if (have && ref.name_len >= plen && !memcmp(ref.name, prefix, plen) && (rc = fn(&ref, ctx)) != 0)
				return rc;
			if (n < HEX_LEN + 2 || text[pos + HEX_LEN] != ' ' || packed_hex_id(text + pos, ref.id) < 0 ||
			    !packed_ref_name_ok(text + pos + HEX_LEN + 1, n - HEX_LEN - 1))
				return bad(why, why_len, line, "not an id and a ref name");
			ref.name = text + pos + HEX_LEN + 1;
			ref.name_len = n - HEX_LEN - 1;
			ref.has_peeled = 0;
			ref.known_unpeeled = fully_peeled || (peeled_trait && ref.name_len >= 10 &&
							      !memcmp(ref.name, "refs/tags/", 10));
			have = 1;
		}
		pos += n + 1;
	}
	if (have && ref.name_len >= plen && !memcmp(ref.name, prefix, plen) && (rc = fn(&ref, ctx)) != 0)
		return rc;
	return 0;
}
