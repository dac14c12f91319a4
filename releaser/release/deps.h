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
};

struct arch_deps {
	char arch[8];      /* the agent's arch */
	struct dep libs[DEPS_MAX];
	size_t n;
};

struct build_deps {
	struct arch_deps arches[PLAN_MAX_ARCHES];
	size_t n;
};

/*
 * deps_collect asks dpkg-query, for every arch of p that has an agent,
 * the version of each library package (installed, of that arch) and reads
 * its license. Fills *d (zeroed first). Returns 0, or -1 after a message
 * naming the package (not installed, or dpkg-query printed something that
 * is not a version).
 */
int deps_collect(const struct build_plan *p, struct build_deps *d);

/* deps_find returns the libraries of arch in d, or NULL. */
const struct arch_deps *deps_find(const struct build_deps *d, const char *arch);

/*
 * deps_to_json returns {"ARCH": [{package, arch, version, license}, ...]}
 * for the arches of d (all when only is NULL, else only that one); caller
 * json_decrefs it.
 */
json_t *deps_to_json(const struct build_deps *d, const char *only);

/*
 * deps_from_json adds what deps_to_json wrote to d. An arch d holds
 * already must list the same libraries. Returns 0, or -1 with the reason
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

/* deps_version_valid returns 1 when s is a Debian version ([epoch:]upstream[-revision]). */
int deps_version_valid(const char *s);

#endif /* RELEASER_DEPS_H */
