/*
 * Version and tag strings (version_parse): the input is two tag names,
 * one per line. What parses must format back to itself, version_compare
 * must order the two halves consistently, the snapshot the releaser
 * computes after it must parse back and sort between it and the next
 * patch, and its Debian version must be one dpkg takes.
 */
#include "fuzz.h"

#include "lib/debian.h"
#include "lib/version.h"
#include "release/deb.h"

static int sign_of(int c)
{
	return (c > 0) - (c < 0);
}

/*
 * the snapshot after a version (of its base, as the release state makes
 * it): there is one unless it would need the patch after the highest;
 * it formats, parses back to itself, sorts after the version and before
 * the next patch's release, and has a snapshot of its own after it
 */
static void check_snapshot(const struct version *v)
{
	struct version base, snap, again, next;
	char buf[160], text[160];

	version_base(v, &base);
	if (!version_snapshot(&base, "0123456789ab", buf, sizeof(buf))) {
		/* none only past the highest patch (a pre-release takes one more identifier, if it fits) */
		fuzz_expect(base.patch == VERSION_NUMBER_MAX && buf[0] == '\0');
		return;
	}
	fuzz_expect(version_parse(buf, &snap) == 0 && !snap.debug);
	version_format(&snap, text, sizeof(text));
	fuzz_expect(!strcmp(text, buf));
	fuzz_expect(version_parse(text, &again) == 0 && version_compare(&again, &snap) == 0);
	fuzz_expect(version_compare(&snap, &base) > 0);
	/* and after the tag itself, but for a debug pre-release: semver puts
	 * "rc.1-debug" (alphanumeric) after "rc.1.SNAPSHOT-..." (numeric 1 first);
	 * its snapshot follows the release it marks, vX.Y.Z-rc.1, as the rc's own do */
	fuzz_expect(version_compare(&snap, v) > 0 || (v->debug && base.pre[0]));
	next = base;
	next.patch++;
	next.pre[0] = '\0';
	fuzz_expect(version_compare(&snap, &next) < 0);
	/* a snapshot's snapshot: the version of a commit after the snapshot, were it tagged */
	if (version_snapshot(&snap, "ba9876543210", buf, sizeof(buf)))
		fuzz_expect(version_parse(buf, &again) == 0 && version_compare(&again, &snap) > 0);
}

/* its Debian version is one dpkg takes, and sorts the same way against the release */
static void check_debian(const struct version *v, const char *tag)
{
	char *deb = deb_version(tag);

	fuzz_expect(deb != NULL);
	fuzz_expect(debian_check_version(deb) == NULL);
	fuzz_expect(!!strchr(deb, '~') == (strcmp(v->pre, "debug") && v->pre[0]));
	free(deb);
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
	check_snapshot(v);
	check_debian(v, tag);
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
