/*
 * The SPDX document (sbom_document; release/sbom.c) of a release made of
 * arbitrary field values (fuzz-meta.h): it renders as JSON that parses
 * back, with no raw control character; every SPDXID is "SPDXRef-" and
 * letters, digits, '.' and '-' only, as SPDX requires; the agent's
 * downloadLocation is git+URL@REF of the URL as lib/url.h records it, or
 * NOASSERTION. The same bytes read as a link map (deps_parse_map): every
 * file it names is an absolute, canonical path (no "//", "/./", "/../",
 * no trailing '/'), each once; every needed library a bare name.
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

static void check_paths(char **v, size_t n)
{
	size_t i, k, len;

	for (i = 0; i < n; i++) {
		len = strlen(v[i]);
		fuzz_expect(v[i][0] == '/' && !strstr(v[i], "//") && !strstr(v[i], "/./") && !strstr(v[i], "/../"));
		fuzz_expect(len == 1 || (v[i][len - 1] != '/' && strcmp(v[i] + len - 2, "/.") &&
					 (len < 3 || strcmp(v[i] + len - 3, "/.."))));
		for (k = 0; k < i; k++)
			fuzz_expect(strcmp(v[i], v[k]) != 0);
	}
}

static void check_map(const uint8_t *data, size_t size)
{
	struct link_inputs in;
	size_t i;

	deps_parse_map((const char *)data, size, &in);
	check_paths(in.statics, in.n_statics);
	check_paths(in.shared, in.n_shared);
	for (i = 0; i < in.n_needed; i++)
		fuzz_expect(in.needed[i][0] && !strchr(in.needed[i], '/') && strstr(in.needed[i], ".so"));
	link_inputs_release(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_meta fm;
	json_t *doc, *back, *pkgs, *p;
	const char *where;
	char *want = NULL;
	size_t i;

	check_map(data, size);
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
