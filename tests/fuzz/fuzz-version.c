/*
 * Version and tag strings (version_parse): the input is two tag names,
 * one per line. What parses must format back to itself, and
 * version_compare must order the two halves consistently.
 */
#include "fuzz.h"

#include "lib/version.h"

static int sign_of(int c)
{
	return (c > 0) - (c < 0);
}

/* a parsed version formats to the text it came from, and its base parses */
static void check_one(const char *tag, const struct version *v)
{
	struct version again, base;
	char buf[160];

	version_format(v, buf, sizeof(buf));
	fuzz_expect(!strcmp(buf, tag));
	fuzz_expect(version_parse(buf, &again) == 0);
	fuzz_expect(version_compare(v, &again) == 0);
	version_base(v, &base);
	fuzz_expect(!base.debug);
	version_format(&base, buf, sizeof(buf));
	fuzz_expect(version_parse(buf, &again) == 0 && !again.debug);
	/* the snapshot after it is a version that sorts after its base (its patch still has at most 9 digits) */
	if (v->patch < 999999999) {
		version_snapshot(v, "0123456789ab", buf, sizeof(buf));
		fuzz_expect(version_parse(buf, &again) == 0 && version_compare(&again, &base) > 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *a = text, *b, *nl;
	struct version va, vb;
	int ra, rb;

	nl = strchr(text, '\n');
	b = nl ? nl + 1 : "v1.0.0";
	if (nl)
		*nl = '\0';
	ra = version_parse(a, &va);
	rb = version_parse(b, &vb);
	if (ra == 0)
		check_one(a, &va);
	if (rb == 0)
		check_one(b, &vb);
	if (ra == 0 && rb == 0) {
		fuzz_expect(sign_of(version_compare(&va, &vb)) == -sign_of(version_compare(&vb, &va)));
		fuzz_expect((version_compare(&va, &vb) == 0) == !strcmp(a, b));
	}
	free(text);
	return 0;
}
