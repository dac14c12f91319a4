/*
 * The Debian packages a build links, per arch, with their exact versions
 * and declared licenses: what the SBOM (release/sbom.h) lists. They are
 * read from the build itself, right after it: the linker maps the project's
 * Makefile writes (-Wl,-Map) of the agent (BUILD/obj/agent/link.map) and of
 * libanalyzer.so (BUILD/obj/libanalyzer-pic/link.map) name every archive a
 * member was taken from and every object file loaded (crt1.o, crtbeginT.o),
 * and the shared libraries libanalyzer.so needs (its as-needed DT_NEEDED);
 * `dpkg-query -S` names the package that ships each file, `dpkg-query -W`
 * its version and source package. They travel with the build: in the build
 * record (release/build.h) for `releaser package`, and in the per-arch
 * manifests for `releaser finalize`, which may run on another machine.
 *
 * Each also records the Debian source package it is built from and its
 * version (dpkg-query's ${source:Package} and ${source:Version}), what CVE
 * scanners match; a cross toolchain package (libc6-dev-arm64-cross,
 * libgcc-12-dev-arm64-cross) is built from cross-toolchain-base or
 * gcc-N-cross but holds glibc or gcc-N: its source is recorded as that, at
 * its own version less the "crossN" suffix (2.36-8cross1: glibc 2.36-8).
 *
 * The project's own license is read from LICENSE in the work tree at the
 * same time (deps_project_license) and travels with them.
 * Licenses come from /usr/share/doc/PACKAGE/copyright when it is
 * machine-readable (DEP-5): the License: of the paragraph whose Files:
 * covers the library's sources, turned into an SPDX expression; else
 * NOASSERTION.
 */
#ifndef RELEASER_DEPS_H
#define RELEASER_DEPS_H

#include <jansson.h>
#include <stddef.h>

#include "release/plan.h"

#define DEPS_MAX 32
#define DEPS_NOASSERTION "NOASSERTION"

/* what links a package (struct dep's links) */
#define DEPS_AGENT 1       /* the agent links (a part of) it statically */
#define DEPS_LIBANALYZER 2 /* libanalyzer.so links (a part of) it statically */
#define DEPS_NEEDED 4      /* libanalyzer.so needs one of its libraries at run time (DT_NEEDED) */

/* where, under an arch's build directory, the Makefile leaves the link maps */
#define DEPS_AGENT_MAP "obj/agent/link.map"
#define DEPS_LIBANALYZER_MAP "obj/libanalyzer-pic/link.map"

struct dep {
	char package[48];  /* Debian package name, without arch */
	char arch[8];      /* the package's arch: the agent's, or "all" */
	char version[64];  /* dpkg-query's ${Version}, checked */
	char license[128]; /* an SPDX license expression, or NOASSERTION */
	char source[48];   /* the Debian source package ("" when not recorded) */
	char source_version[64]; /* its version, checked ("" likewise) */
	unsigned links;    /* DEPS_AGENT | DEPS_LIBANALYZER | DEPS_NEEDED */
};

struct arch_deps {
	char arch[8];      /* the agent's arch */
	struct dep libs[DEPS_MAX];
	size_t n;
};

struct build_deps {
	struct arch_deps arches[PLAN_MAX_ARCHES];
	size_t n;
	char license[128]; /* the project's (LICENSE), an SPDX expression; "" when not recorded */
};

/* the files a link map names (deps_parse_map) */
struct link_inputs {
	char **statics;   /* absolute paths of archives a member was taken from, and of objects loaded */
	size_t n_statics;
	char **needed;    /* the shared libraries the output needs (as-needed DT_NEEDED names) */
	size_t n_needed;
	char **shared;    /* absolute paths of the shared libraries the linker loaded */
	size_t n_shared;
};

/*
 * deps_parse_map reads a GNU ld link map (text[len]) into *in (zeroed
 * first): every archive with a member in "Archive member included", every
 * LOADed object file (".o") and shared library (".so", ".so.N"), with an
 * absolute path (a relative one is the project's own), made lexically
 * canonical (no ".", "..", "//"), each once; the names of "As-needed
 * library included". Caller frees with link_inputs_release.
 */
void deps_parse_map(const char *text, size_t len, struct link_inputs *in);

/* link_inputs_release frees what deps_parse_map filled in. */
void link_inputs_release(struct link_inputs *in);

/*
 * deps_collect reads, for every arch of p that has an agent, the link maps
 * of its build (WORKDIR/build_dir[/SUBDIR]/DEPS_*_MAP), asks dpkg-query
 * which package ships each file the agent and libanalyzer.so link
 * statically and each library libanalyzer.so needs, then its version and
 * source package (installed, of that arch) and reads its license, and reads
 * the project's license from workdir/LICENSE; one dpkg-query -S and one
 * dpkg-query -W answer for every arch. Fills *d (zeroed first).
 * Returns 0, or -1 after a message naming the map, file or package (no map,
 * a file no package ships, not installed, or dpkg-query printed something
 * that is not a version).
 */
int deps_collect(const struct build_plan *p, const char *workdir, const char *build_dir, struct build_deps *d);

/* deps_find returns the libraries of arch in d, or NULL. */
const struct arch_deps *deps_find(const struct build_deps *d, const char *arch);

/*
 * deps_to_json returns {"ARCH": [{package, arch, version, license, source,
 * source_version, links: ["agent", "libanalyzer", "needed"]}, ...], "project_license": LICENSE} for the arches of d
 * (all when only is NULL, else only that one; project_license only when
 * d has one); caller json_decrefs it.
 */
json_t *deps_to_json(const struct build_deps *d, const char *only);

/*
 * deps_from_json adds what deps_to_json wrote to d. An arch d holds
 * already must list the same libraries, a project license the same one. Returns 0, or -1 with the reason
 * in why (no message).
 */
int deps_from_json(struct build_deps *d, const json_t *j, char *why, size_t why_len);

/*
 * deps_license reads a Debian copyright file (text[len]) and writes into
 * out the SPDX expression of the License: of the DEP-5 paragraph whose
 * Files: lists the pattern files, or NOASSERTION when the file is not
 * machine-readable, has no such paragraph, or names a license (or an
 * exception, or a mix of "and" and "or") this function cannot translate.
 */
void deps_license(const char *text, size_t len, const char *files, char *out, size_t out_len);

/*
 * deps_project_license reads a project's LICENSE text[len] into out: the
 * SPDX expression of the licenses it grants, for the texts it knows (the
 * BSD 2-Clause license, alone or with parts dual-licensed under
 * GPL-2.0-only), else NOASSERTION.
 */
void deps_project_license(const char *text, size_t len, char *out, size_t out_len);

/*
 * deps_cpe writes the CPE 2.3 name of d's upstream into out (the vendor
 * and product of its source package from a table, the upstream part of
 * the source version) and returns 0, or returns -1 when d's source is not
 * in the table or its version has no upstream part.
 */
int deps_cpe(const struct dep *d, char *out, size_t out_len);

/* deps_version_valid returns 1 when s is a Debian version ([epoch:]upstream[-revision]). */
int deps_version_valid(const char *s);

#endif /* RELEASER_DEPS_H */
