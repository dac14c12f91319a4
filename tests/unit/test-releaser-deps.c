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
	d.arches[0].libs[0].links = DEPS_AGENT | DEPS_NEEDED;
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
	/* links: only the known names, each once */
	json_string_set(json_object_get(json_array_get(json_object_get(one, "arm64"), 0), "arch"), "arm64");
	memset(&back, 0, sizeof(back));
	check(deps_from_json(&back, one, why, sizeof(why)) == 0 && back.arches[0].libs[0].links == (DEPS_AGENT | DEPS_NEEDED));
	json_array_append_new(json_object_get(json_array_get(json_object_get(one, "arm64"), 0), "links"), json_string("agent"));
	memset(&back, 0, sizeof(back));
	check(deps_from_json(&back, one, why, sizeof(why)) == -1 && strstr(why, "links") != NULL);
	json_object_set_new(json_array_get(json_object_get(one, "arm64"), 0), "links", json_string("agent"));
	check(deps_from_json(&back, one, why, sizeof(why)) == -1);
	json_object_del(json_array_get(json_object_get(one, "arm64"), 0), "links");
	check(deps_from_json(&back, one, why, sizeof(why)) == -1);
	json_decref(one);
	json_decref(j);
}

/* a link map as GNU ld 2.40 writes it (-Wl,-Map), cut down */
static const char map_text[] =
	"Archive member included to satisfy reference by file (symbol)\n"
	"\n"
	"build/lib/libanalyzer.a(attach.o)\n"
	"                              build/obj/agent/session.o (analyzer_start)\n"
	"/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libelf.a(elf_begin.o)\n"
	"                              build/obj/agent/elf.o (elf_begin)\n"
	"/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libelf.a(elf_end.o)\n"
	"                              build/obj/agent/elf.o (elf_end)\n"
	"/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a(_powidf2.o) x.o (__powidf2)\n"
	"\n"
	"Merging program properties\n"
	"\n"
	"Removed property 0xc0000002 to merge /usr/lib/x86_64-linux-gnu/crt1.o (0x3) and x.o (not found)\n"
	"Local IFUNC function `memcpy' in /usr/lib/x86_64-linux-gnu/libc.a\n"
	"\n"
	"As-needed library included to satisfy reference by file (symbol)\n"
	"\n"
	"libbpf.so.1                   build/obj/libanalyzer-pic/settings.o (bpf_map__set_max_entries@@LIBBPF_0.1.0)\n"
	"libc.so.6                     build/obj/libanalyzer-pic/attach.o (fgets@@GLIBC_2.2.5)\n"
	"\n"
	"Discarded input sections\n"
	"\n"
	" .text          0x0000000000000000        0x0 /usr/lib/x86_64-linux-gnu/crt1.o\n"
	"\n"
	"Linker script and memory map\n"
	"\n"
	"LOAD /usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/crt1.o\n"
	"LOAD /usr/lib/gcc/x86_64-linux-gnu/12/crtbeginT.o\n"
	"LOAD build/obj/agent/main.o\n"
	"LOAD /usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libzstd.a\n"
	"LOAD /usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libbpf.so\n"
	"LOAD /lib/x86_64-linux-gnu/libc.so.6\n"
	"LOAD /usr/lib/x86_64-linux-gnu/libc_nonshared.a\n"
	"LOAD /usr/lib/gcc/x86_64-linux-gnu/12/crtbeginT.o\n";

TEST(deps__parse_map)
{
	struct link_inputs in;

	deps_parse_map(map_text, strlen(map_text), &in);
	/* archives with a member taken, and loaded objects: absolute, canonical, once; not libzstd.a, nothing relative */
	check(in.n_statics == 4);
	check(in.n_statics == 4 && !strcmp(in.statics[0], "/usr/lib/x86_64-linux-gnu/libelf.a") &&
	      !strcmp(in.statics[1], "/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a") &&
	      !strcmp(in.statics[2], "/usr/lib/x86_64-linux-gnu/crt1.o") &&
	      !strcmp(in.statics[3], "/usr/lib/gcc/x86_64-linux-gnu/12/crtbeginT.o"));
	check(in.n_needed == 2 && !strcmp(in.needed[0], "libbpf.so.1") && !strcmp(in.needed[1], "libc.so.6"));
	check(in.n_shared == 2 && !strcmp(in.shared[0], "/usr/lib/x86_64-linux-gnu/libbpf.so") &&
	      !strcmp(in.shared[1], "/lib/x86_64-linux-gnu/libc.so.6"));
	link_inputs_release(&in);
	/* an empty map, and one of something else, name nothing */
	deps_parse_map("", 0, &in);
	check(in.n_statics == 0 && in.n_needed == 0 && in.n_shared == 0);
	deps_parse_map("LOAD x.o\n/a.a(b.o)\nlibc.so.6\n", strlen("LOAD x.o\n/a.a(b.o)\nlibc.so.6\n"), &in);
	check(in.n_statics == 0 && in.n_needed == 0 && in.n_shared == 0);
	link_inputs_release(&in);
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
		CASE(deps__parse_map),
		CASE(deps__project_license_round_trip_and_conflict),
		CASE(deps__cpe_of_the_upstream_version),
		CASE(deps__project_license_of_known_texts),
	};
	return test_main(cases, sizeof(cases) / sizeof(cases[0]));
}
