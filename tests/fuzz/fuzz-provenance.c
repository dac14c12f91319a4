/*
 * The provenance statement (provenance_statement; release/provenance.c)
 * of a release made of arbitrary field values (fuzz-meta.h): it renders
 * as JSON that parses back, with no raw control character, and its
 * source is git+URL@REF of the URL as lib/url.h records it, never the
 * URL as given (which may hold credentials).
 */
#include "fuzz-meta.h"

#include "release/provenance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_meta fm;
	json_t *doc, *back, *uri;
	char *want;

	fuzz_meta_make(&fm, data, size);
	doc = provenance_statement(&fm.m);
	fuzz_expect(doc != NULL);
	back = fuzz_json_check(doc);
	uri = json_object_get(json_array_get(json_object_get(json_object_get(json_object_get(back, "predicate"),
									       "buildDefinition"),
							     "resolvedDependencies"),
					     0),
			      "uri");
	if (!fm.m.id.source_uri) {
		fuzz_expect(uri == NULL);
	} else if (utf8_valid(fm.f[F_REF], strlen(fm.f[F_REF]))) {
		want = xasprintf("git+%s@%s", fm.m.id.source_uri, fm.f[F_REF]);
		fuzz_expect(json_is_string(uri) && !strcmp(json_string_value(uri), want));
		free(want);
	}
	json_decref(back);
	json_decref(doc);
	fuzz_meta_free(&fm);
	return 0;
}
