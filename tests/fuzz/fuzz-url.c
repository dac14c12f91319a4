/*
 * The URL rule (url_normalize, url_shown; releaser/lib/url.c): the first
 * byte picks the kind (URI, repository, remote), the rest is the URL.
 * What comes out is printable ASCII without spaces, keeps no credentials
 * (no user-info but an ssh user name), takes only the repository schemes
 * for a repository, and is a fixed point: normalizing it again gives it
 * back, with nothing stripped.
 */
#include "fuzz.h"

#include "lib/url.h"

static void check_printable(const char *s)
{
	for (; *s; s++)
		fuzz_expect((unsigned char)*s > 0x20 && (unsigned char)*s < 0x7f);
}

/* the authority of out: no user-info at all, or (ssh) a user name alone */
static void check_authority(const char *out)
{
	const char *auth = out + strcspn(out, ":"), *at;
	size_t len;

	/* an authority follows SCHEME:// only; "urn:a://b@c" has none */
	if (strncmp(auth, "://", 3))
		return;
	auth += 3;
	len = strcspn(auth, "/?#");
	at = memchr(auth, '@', len);
	if (!at)
		return;
	fuzz_expect(!strncmp(out, "ssh://", 6));
	fuzz_expect(!memchr(auth, ':', (size_t)(at - auth)));
	fuzz_expect(!memchr(at + 1, '@', len - (size_t)(at + 1 - auth)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum url_kind kinds[] = { URL_URI, URL_REPO, URL_REMOTE };
	enum url_kind kind;
	const char *why = NULL, *why2 = NULL;
	char *s, *out, *again, *shown;
	int stripped, stripped2;

	if (size == 0)
		return 0;
	kind = kinds[data[0] % 3];
	s = fuzz_strndup(data + 1, size - 1);
	out = url_normalize(s, kind, &why, &stripped);
	if (!out) {
		fuzz_expect(why && *why);
	} else {
		check_printable(out);
		check_authority(out);
		if (kind != URL_URI) {
			fuzz_expect(!strncmp(out, "https://", 8) || !strncmp(out, "http://", 7) ||
				    !strncmp(out, "ssh://", 6) || !strncmp(out, "git://", 6));
			fuzz_expect(!strpbrk(out, "?#"));
			/* a remote's URL is a repository URL as it is */
			again = url_normalize(out, URL_REPO, &why2, &stripped2);
			fuzz_expect(again && !strcmp(again, out) && !stripped2);
			free(again);
		}
		again = url_normalize(out, kind, &why2, &stripped2);
		fuzz_expect(again && !strcmp(again, out) && !stripped2);
		free(again);
		free(out);
	}
	shown = url_shown(s);
	for (out = shown; *out; out++)
		fuzz_expect((unsigned char)*out >= 0x20 && (unsigned char)*out != 0x7f);
	free(shown);
	(void)url_is_local(s);
	free(s);
	return 0;
}
