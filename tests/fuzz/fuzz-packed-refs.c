/*
 * git's packed-refs file, as describe's tag listing reads it
 * (git/packed.h): packed_refs_parse() on a copy of the input. Every ref
 * it reports starts with the prefix, has a name it accepts, and lies in
 * the input; a "^" line is only reported with the ref before it; a parse
 * that stops at the callback's value returns that value.
 */
#include "fuzz.h"

#include "git/packed.h"

struct seen {
	const char *text;
	size_t len;
	size_t n;
};

static int check_ref(const struct packed_ref *r, void *ctx)
{
	struct seen *s = ctx;
	size_t n = r->name_len;

	fuzz_expect(r->name >= s->text && r->name + n <= s->text + s->len);
	fuzz_expect(n >= 10 && !memcmp(r->name, "refs/tags/", 10));
	fuzz_expect(packed_ref_name_ok(r->name, n));
	fuzz_expect(!(r->has_peeled && r->known_unpeeled));
	return ++s->n == 1000 ? 7 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1), why[128] = ""; /* no NUL after it: a mapped file has none */
	struct seen s = { .text = text, .len = size };
	int rc;

	if (!text)
		abort();
	memcpy(text, data, size);
	rc = packed_refs_parse(text, size, "refs/tags/", check_ref, &s, why, sizeof(why));

	fuzz_expect(rc == 0 || rc == -1 || rc == 7);
	fuzz_expect(rc != -1 || why[0] != '\0');
	fuzz_expect(rc != 7 || s.n == 1000);
	free(text);
	return 0;
}
