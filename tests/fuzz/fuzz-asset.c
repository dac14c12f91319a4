/*
 * Release file names (lib/asset.h): the input is a file name, then on a
 * second line a tag. A name is taken exactly when GitHub, as modelled
 * here, would publish it unchanged and it starts with a letter or digit;
 * every name the releaser gives the files of a tag that parses is taken.
 */
#include "fuzz.h"

#include "lib/asset.h"
#include "lib/version.h"
#include "release/deb.h"
#include "release/layout.h"

/* GitHub's renaming as reported: other bytes become '.', a leading '.' "default.", a trailing '.' goes */
static char *github_name(const char *name)
{
	size_t len = strlen(name), i;
	char *out = malloc(len + 9), *o = out;

	fuzz_expect(out != NULL);
	if (name[0] == '.') {
		memcpy(o, "default", 7);
		o += 7;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
			   c == '_' || c == '-';

		*o++ = keep ? (char)c : '.';
	}
	while (o > out && o[-1] == '.')
		o--;
	*o = '\0';
	return out;
}

static void check_name(const char *name)
{
	char *gh = github_name(name);
	unsigned char first = (unsigned char)name[0];
	int alnum_first = (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z') || (first >= '0' && first <= '9');
	size_t len = strlen(name);

	fuzz_expect((asset_name_problem(name) == NULL) ==
		    (!strcmp(gh, name) && alnum_first && len >= 1 && len <= ASSET_NAME_MAX));
	free(gh);
}

/* every tarball and package name of tag's release, on both arches */
static void check_tag(const char *tag)
{
	static const char *const arches[] = { "amd64", "arm64" };
	struct release_ident id = { 0 };
	struct version v;
	char *name;
	size_t a;

	if (version_parse(tag, &v) != 0)
		return;
	id.project = "profiling-agent";
	id.version = (char *)tag;
	id.fake_release = v.debug;
	for (a = 0; a < 2; a++) {
		name = layout_tarball_name(&id, arches[a]);
		fuzz_expect(asset_name_problem(name) == NULL);
		free(name);
		name = deb_file_name(&id, arches[a]);
		fuzz_expect(asset_name_problem(name) == NULL);
		free(name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *nl = strchr(text, '\n');

	if (nl)
		*nl = '\0';
	check_name(text);
	if (nl)
		check_tag(nl + 1);
	free(text);
	return 0;
}
