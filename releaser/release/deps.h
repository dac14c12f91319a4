/*
 * The Debian packages an agent links statically (agent/build.mk's
 * AGENT_LIBS: libbpf, libelf, zlib, zstd, jansson, and glibc), per arch,
 * with their exact versions and declared licenses: what the SBOM
 * (release/sbom.h) lists. They are asked of dpkg-query on the build
 * machine right after the build, and travel with the build: in the build
 * record (release/build.h) for `releaser package`, and in the per-arch
 * manifests for `releaser finalize`, which may run on another machine.
 *
 * A library of arch A is the package "NAME:A" (libbpf-dev:arm64); glibc of
 * a cross arch is the cross compiler's, libc6-dev-A-cross (arch all).
 * Each also records the Debian source package it is built from and its
 * version (dpkg-query's ${source:Package} and ${source:Version}), what CVE
 * scanners match; the cross glibc is built from cross-toolchain-base but
 * holds glibc: its source is recorded as glibc, at its own version less
 * the "crossN" suffix (2.36-8cross1: glibc 2.36-8). Some of them are also
 * what libanalyzer.so needs at run time (its DT_NEEDED: libbpf, libelf,
 * libc): deps_shared tells which.
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

#define DEPS_MAX 8
#define DEPS_NOASSERTION "NOASSERTION"

struct dep {
	char package[48];  /* Debian package name, without arch */
	char arch[8];      /* the package's arch: the agent's, or "all" */
	char version[64];  /* dpkg-query's ${Version}, checked */
	char license[128]; /* an SPDX license expression, or NOASSERTION */
	char source[48];   /* the Debian source package ("" when not recorded) */
	char source_version[64]; /* its version, checked ("" likewise) */
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

/*
 * deps_collect asks dpkg-query, for every arch of p that has an agent,
 * the version and source package of each library package (installed, of
 * that arch) and reads its license, and reads the project's license from
 * workdir/LICENSE. Fills *d (zeroed first). Returns 0, or -1 after a message
 * naming the package (not installed, or dpkg-query printed something that
 * is not a version).
 */
int deps_collect(const struct build_plan *p, const char *workdir, struct build_deps *d);

/* deps_find returns the libraries of arch in d, or NULL. */
const struct arch_deps *deps_find(const struct build_deps *d, const char *arch);

/*
 * deps_to_json returns {"ARCH": [{package, arch, version, license, source,
 * source_version}, ...], "project_license": LICENSE} for the arches of d
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

/* deps_shared returns 1 when libanalyzer.so needs d's library at run time (DT_NEEDED). */
int deps_shared(const struct dep *d);

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
