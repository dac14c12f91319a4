/*
 * The statically linked libraries of a build (release/deps.h): Debian
 * versions, licenses from DEP-5 copyright files, and the JSON the build
 * record and the per-arch manifests carry them in.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lib/common.h"
#include "lib/json.h"
#include "release/deps.h"

static const char *license_of(const char *text, const char *files)
{
	static char out[128];

	deps_license(text, strlen(text), files, out, sizeof(out));
	return out;
}

#define DEP5 "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: x\n\n"

TEST(deps__license_of_the_matching_paragraph)
{
	check_str(license_of(DEP5 "Files: *\nCopyright: someone\nLicense:   LGPL-2.1 or BSD-2-Clause\n\n"
				  "Files: docs/conf.py\nLicense: GPL-2.0\n", "*"),
		  "LGPL-2.1-only OR BSD-2-Clause");
	/* the pattern may sit on a continuation line; License: may come first */
	check_str(license_of(DEP5 "Files: *\nLicense: GPL-3+\n\nLicense: LGPL-3+ or GPL-2+\nFiles: backends/*\n"
				  "       lib*\n       version.h\nCopyright: Red Hat\n\nLicense: GPL-3+\n text\n", "lib*"),
		  "LGPL-3.0-or-later OR GPL-2.0-or-later");
	check_str(license_of(DEP5 "Files: *\nLicense: Expat\n", "*"), "MIT");
	check_str(license_of(DEP5 "Files: *\r\nLicense: Zlib\r\n", "*"), "Zlib");
}

TEST(deps__license_noassertion)
{
	/* not machine-readable */
	check_str(license_of("This is the Debian prepackaged version of the GNU C Library.\n\nFiles: *\n"
			     "License: GPL-2\n", "*"), "NOASSERTION");
	/* no paragraph for the pattern */
	check_str(license_of(DEP5 "Files: debian/*\nLicense: GPL-2\n", "*"), "NOASSERTION");
	/* a name, an exception or a mix of operators it cannot translate */
	check_str(license_of(DEP5 "Files: *\nLicense: Artistic\n", "*"), "NOASSERTION");
	check_str(license_of(DEP5 "Files: *\nLicense: GPL-2 with Linux-syscall-note exception\n", "*"), "NOASSERTION");
	check_str(license_of(DEP5 "Files: *\nLicense: GPL-2+ or MIT and Zlib\n", "*"), "NOASSERTION");
	check_str(license_of(DEP5 "Files: *\nLicense: GPL-2 or\n", "*"), "NOASSERTION");
	check_str(license_of(DEP5 "Files: *\nLicense:\n", "*"), "NOASSERTION");
	check_str(license_of("", "*"), "NOASSERTION");
}

TEST(deps__version_valid)
{
	check(deps_version_valid("1:1.1.2-0+deb12u1"));
	check(deps_version_valid("0.188-2.1"));
	check(deps_version_valid("2.36-8cross1"));
	check(deps_version_valid("1.5.4+dfsg2-5+deb12u1"));
	check(deps_version_valid("2.14"));
	check(!deps_version_valid(""));
	check(!deps_version_valid("unknown"));
	check(!deps_version_valid(":1.0"));
	check(!deps_version_valid("a:1.0"));
	check(!deps_version_valid("1.0-"));
	check(!deps_version_valid("1.0 2"));
	check(!deps_version_valid("1.0\n"));
	check(!deps_version_valid("1.0\"}"));
	check(!deps_version_valid("1.000000000000000000000000000000000000000000000000000000000000000000"));
}

TEST(deps__json_round_trip)
{
	struct build_deps d = { 0 }, back = { 0 };
	char why[200];
	json_t *j, *one;

	snprintf(d.arches[0].arch, sizeof(d.arches[0].arch), "amd64");
	snprintf(d.arches[0].libs[0].package, sizeof(d.arches[0].libs[0].package), "libbpf-dev");
	snprintf(d.arches[0].libs[0].arch, sizeof(d.arches[0].libs[0].arch), "amd64");
	snprintf(d.arches[0].libs[0].version, sizeof(d.arches[0].libs[0].version), "1:1.1.2-0+deb12u1");
	snprintf(d.arches[0].libs[0].license, sizeof(d.arches[0].libs[0].license), "LGPL-2.1-only OR BSD-2-Clause");
	snprintf(d.arches[0].libs[0].source, sizeof(d.arches[0].libs[0].source), "libbpf");
	snprintf(d.arches[0].libs[0].source_version, sizeof(d.arches[0].libs[0].source_version), "1.1.2-0+deb12u1");
	d.arches[0].n = 1;
	d.arches[1] = d.arches[0];
	snprintf(d.arches[1].arch, sizeof(d.arches[1].arch), "arm64");
	snprintf(d.arches[1].libs[0].arch, sizeof(d.arches[1].libs[0].arch), "arm64");
	d.n = 2;
	j = deps_to_json(&d, NULL);
	check(deps_from_json(&back, j, why, sizeof(why)) == 0);
	check(memcmp(&back, &d, sizeof(d)) == 0);
	/* the same arch again: the same libraries are fine, others are not */
	one = deps_to_json(&d, "arm64");
	check(json_object_size(one) == 1);
	check(deps_from_json(&back, one, why, sizeof(why)) == 0);
	check(back.n == 2);
	json_string_set(json_object_get(json_array_get(json_object_get(one, "arm64"), 0), "version"), "2.0-1");
	check(deps_from_json(&back, one, why, sizeof(why)) == -1);
	check(strstr(why, "listed again") != NULL);
	/* what a manifest may not say */
	json_string_set(json_object_get(json_array_get(json_object_get(one, "arm64"), 0), "version"), "not a version");
	memset(&back, 0, sizeof(back));
	check(deps_from_json(&back, one, why, sizeof(why)) == -1);
	json_string_set(json_object_get(json_array_get(json_object_get(one, "arm64"), 0), "version"), "1.0-1");
	json_string_set(json_object_get(json_array_get(json_object_get(one, "arm64"), 0), "arch"), "amd64");
	check(deps_from_json(&back, one, why, sizeof(why)) == -1);
	json_decref(one);
	json_decref(j);
}

TEST(deps__project_license_round_trip_and_conflict)
{
	struct build_deps d = { 0 }, back = { 0 };
	char why[200];
	json_t *j;

	snprintf(d.arches[0].arch, sizeof(d.arches[0].arch), "amd64");
	d.n = 1;
	snprintf(d.license, sizeof(d.license), "BSD-2-Clause AND (GPL-2.0-only OR BSD-2-Clause)");
	j = deps_to_json(&d, "amd64");
	check(deps_from_json(&back, j, why, sizeof(why)) == 0);
	check(!strcmp(back.license, d.license));
	snprintf(back.license, sizeof(back.license), "MIT");
	check(deps_from_json(&back, j, why, sizeof(why)) == -1 && strstr(why, "project_license") != NULL);
	json_object_set_new(j, "project_license", json_string("MIT\n"));
	memset(&back, 0, sizeof(back));
	check(deps_from_json(&back, j, why, sizeof(why)) == -1);
	json_decref(j);
}

TEST(deps__cpe_of_the_upstream_version)
{
	struct dep d = { 0 };
	char cpe[160];

	snprintf(d.source, sizeof(d.source), "zlib");
	snprintf(d.source_version, sizeof(d.source_version), "1:1.2.13.dfsg-1+deb12u1");
	check(deps_cpe(&d, cpe, sizeof(cpe)) == 0 && !strcmp(cpe, "cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*"));
	snprintf(d.source, sizeof(d.source), "libzstd");
	snprintf(d.source_version, sizeof(d.source_version), "1.5.4+dfsg2-5+deb12u1");
	check(deps_cpe(&d, cpe, sizeof(cpe)) == 0 && !strcmp(cpe, "cpe:2.3:a:facebook:zstandard:1.5.4:*:*:*:*:*:*:*"));
	snprintf(d.source, sizeof(d.source), "glibc");
	snprintf(d.source_version, sizeof(d.source_version), "2.36-8");
	check(deps_cpe(&d, cpe, sizeof(cpe)) == 0 && !strcmp(cpe, "cpe:2.3:a:gnu:glibc:2.36:*:*:*:*:*:*:*"));
	snprintf(d.source, sizeof(d.source), "openssl");
	check(deps_cpe(&d, cpe, sizeof(cpe)) == -1);
	snprintf(d.source, sizeof(d.source), "glibc");
	snprintf(d.source_version, sizeof(d.source_version), "a1.0");
	check(deps_cpe(&d, cpe, sizeof(cpe)) == -1);
}

TEST(deps__project_license_of_known_texts)
{
	static const char bsd2[] = "Redistribution and use ...\n1. Redistributions of source code must retain the above\n"
				   "2. Redistributions in binary form must reproduce the above\n";
	static const char bsd3[] = "1. Redistributions of source code must retain the above\n"
				   "2. Redistributions in binary form must reproduce the above\n3. Neither the name\n";
	char *dual = xasprintf("parts under GPL-2.0-only or BSD 2-Clause\n%s", bsd2);
	char out[128];

	deps_project_license(bsd2, strlen(bsd2), out, sizeof(out));
	check(!strcmp(out, "BSD-2-Clause"));
	deps_project_license(dual, strlen(dual), out, sizeof(out));
	check(!strcmp(out, "BSD-2-Clause AND (GPL-2.0-only OR BSD-2-Clause)"));
	deps_project_license(bsd3, strlen(bsd3), out, sizeof(out));
	check(!strcmp(out, "NOASSERTION"));
	deps_project_license("Fake license\n", 13, out, sizeof(out));
	check(!strcmp(out, "NOASSERTION"));
	free(dual);
}

int main(void)
{
	static const struct test_case cases[] = {
		CASE(deps__license_of_the_matching_paragraph),
		CASE(deps__license_noassertion),
		CASE(deps__version_valid),
		CASE(deps__json_round_trip),
		CASE(deps__project_license_round_trip_and_conflict),
		CASE(deps__cpe_of_the_upstream_version),
		CASE(deps__project_license_of_known_texts),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
