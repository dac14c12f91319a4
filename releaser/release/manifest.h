/*
 * What a release is made of, as CI reads it: manifest.json (every
 * artifact with its sha256, size, arch and flavors), and the per-arch
 * partial manifests (manifest-<arch>.json) that an unsigned package run
 * leaves for `releaser finalize` to merge.
 */
#ifndef RELEASER_MANIFEST_H
#define RELEASER_MANIFEST_H

#include <jansson.h>
#include <stdint.h>

#include "sign/hash.h"
#include "git/settings.h"
#include "release/deps.h"
#include "release/ident.h"
#include "release/state.h"

#define MANIFEST_FILE "manifest.json"
#define MANIFEST_SCHEMA "releaser-manifest/v1"

struct artifact {
	char *name;      /* file name in the output directory */
	char arch[8];    /* "" for files that are not per arch */
	int agent;       /* a tarball holding the agent */
	int deb;         /* a package, not a tarball: a Debian package (release/deb.h), or with rpm set an RPM */
	int rpm;         /* an RPM package (release/rpm.h); deb is set too */
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
};

/* a release in memory: its identity, its tarballs in the order written, its notes */
struct release_meta {
	struct release_ident id;
	struct artifact *tarballs;
	size_t n;
	char *changelog;  /* CHANGELOG.md's text (release/notes.h); NULL: none */
	const struct builder *builder; /* who builds it, for provenance (not owned); NULL: a local run */
	struct build_deps deps; /* what the agents link statically, per arch (the SBOM's libraries) */
};

/*
 * meta_init fills m from a release state and its settings (no artifacts
 * yet; st's changelog copied); m->builder points at st's, so st must
 * outlive m.
 */
void meta_init(struct release_meta *m, const struct release_state *st, const struct settings *s);

/* meta_add_tarball appends a tarball artifact. */
void meta_add_tarball(struct release_meta *m, const char *name, const char *arch, int agent, const char *sha256,
		      uint64_t size);

/* meta_add_deb appends a Debian package artifact (kind "deb") of arch. */
void meta_add_deb(struct release_meta *m, const char *name, const char *arch, const char *sha256, uint64_t size);

/*
 * meta_add_rpm appends an RPM package artifact (kind "rpm") of arch: a
 * package like the .deb (deb set), listed in SHA256SUMS and the manifests
 * the same way. (The SBOM reads the kind from the name: release/sbom.c.)
 */
void meta_add_rpm(struct release_meta *m, const char *name, const char *arch, const char *sha256, uint64_t size);

/* meta_release frees what m holds. */
void meta_release(struct release_meta *m);

/*
 * meta_manifest returns manifest.json's document: schema, partial, the
 * identity (ident_to_json), the tarballs and packages (kind "deb") plus
 * the extra artifacts (n_extra of them: CHANGELOG.md of kind "notes",
 * sbom.spdx.json of kind "sbom", any other of kind "provenance"),
 * and the checksum and signature files that accompany them (none when
 * partial). A partial one also carries m's changelog text and the static
 * libraries of its artifacts' arches, for `releaser finalize`. Caller
 * json_decrefs it.
 */
json_t *meta_manifest(const struct release_meta *m, const struct artifact *extra, size_t n_extra, int signed_,
		      int partial);

/* meta_partial_name returns "manifest-<arch>.json" (caller frees). */
char *meta_partial_name(const char *arch);

/*
 * meta_read_partials reads every manifest-<arch>.json in dir into m: they
 * must describe the same release with the same notes, each arch once; m's
 * arches and static libraries are theirs.
 * Returns 0, -1 after a message when one is unreadable or they disagree,
 * -2 after a message when there is none, or when one holds a field the
 * releaser would not have written (release/fields.h; an arch other than
 * amd64 and arm64, an artifact named otherwise than the releaser names it).
 */
int meta_read_partials(struct release_meta *m, const char *dir);

#endif /* RELEASER_MANIFEST_H */
