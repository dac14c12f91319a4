/*
 * The SPDX document (sbom_document; release/sbom.c) of a release made of
 * arbitrary field values (fuzz-meta.h): it renders as JSON that parses
 * back, with no raw control character; every SPDXID is "SPDXRef-" and
 * letters, digits, '.' and '-' only, as SPDX requires; the agent's
 * downloadLocation is git+URL@REF of the URL as lib/url.h records it, or
 * NOASSERTION.
 */
#include "fuzz-meta.h"

#include "release/deps.h"
#include "release/sbom.h"

static void check_id(const char *id)
{
	fuzz_expect(!strncmp(id, "SPDXRef-", 8));
	fuzz_expect(strspn(id + 8, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
		    strlen(id + 8));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_meta fm;
	json_t *doc, *back, *pkgs, *p;
	const char *where;
	char *want = NULL;
	size_t i;

	fuzz_meta_make(&fm, data, size);
	doc = sbom_document(&fm.m);
	fuzz_expect(doc != NULL);
	back = fuzz_json_check(doc);
	if (fm.m.id.source_uri && utf8_valid(fm.f[F_REF], strlen(fm.f[F_REF])))
		want = xasprintf("git+%s@%s", fm.m.id.source_uri, fm.f[F_REF]);
	pkgs = json_object_get(back, "packages");
	fuzz_expect(json_array_size(pkgs) > 0);
	json_array_foreach(pkgs, i, p) {
		check_id(json_string_value(json_object_get(p, "SPDXID")));
		where = json_string_value(json_object_get(p, "downloadLocation"));
		fuzz_expect(where != NULL);
		if (strcmp(where, DEPS_NOASSERTION))
			fuzz_expect(fm.m.id.source_uri && (!want || !strcmp(where, want)));
	}
	free(want);
	json_decref(back);
	json_decref(doc);
	fuzz_meta_free(&fm);
	return 0;
}
