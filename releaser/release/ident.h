/*
 * The identity of a release: what it is (project, version, commit, ref,
 * branch, channel, snapshot, flavors, arches, epoch, source), made once
 * from the release state. Everything that names a release is a view of
 * this one struct:
 *
 *   the build record      ident_to_json(IDENT_BUILD), read by ident_from_json
 *   manifest.json         ident_to_json, beside the artifacts
 *   manifest-<arch>.json  ident_to_json, read back by `releaser finalize`
 *   BUILDINFO             ident_buildinfo (key=value lines, per arch)
 *   trusted comment       ident_trusted_comment (SHA256SUMS.minisig)
 *   provenance            release/provenance.c
 */
#ifndef RELEASER_IDENT_H
#define RELEASER_IDENT_H

#include <jansson.h>
#include <stddef.h>

#include "git/settings.h"
#include "release/plan.h"
#include "release/state.h"

struct release_ident {
	char *project;
	char *version;
	char *commit;        /* full hex */
	char *short_commit;  /* the abbreviation versions use */
	char *ref;           /* refs/tags/TAG or refs/heads/BRANCH */
	char *branch;        /* NULL when not known (manifests do not carry it) */
	enum channel channel;
	int snapshot;
	int fake_release;    /* the release slot holds the debug analyzer */
	struct arch_plan arches[PLAN_MAX_ARCHES]; /* sorted by name */
	size_t n_arches;
	long long epoch;     /* every mtime and the signature timestamp */
	char *source_uri;    /* where the source came from, NULL when unknown; always a
			      * repository URL as lib/url.h writes it (no credentials) */
};

/* what ident_to_json writes beyond the fields manifests carry */
enum {
	IDENT_BUILD = 1 << 0, /* the build record: also "branch" and "arches" */
};

/*
 * ident_from_state fills id from the release state st and its settings s
 * (project name). Release with ident_release.
 */
void ident_from_state(struct release_ident *id, const struct release_state *st, const struct settings *s);

/* ident_release frees what id holds; safe on a zeroed struct. */
void ident_release(struct release_ident *id);

/*
 * ident_add_arch appends arch (agent or not) to id's arches. Returns 0, or
 * -1 after a message when there are already PLAN_MAX_ARCHES or arch is
 * listed already.
 */
int ident_add_arch(struct release_ident *id, const char *arch, int agent);

/* ident_mode returns "dual" or "fake-release". */
const char *ident_mode(const struct release_ident *id);

/* ident_release_slot returns what analyzer.ebpf.release.<arch> holds: "release" or "debug". */
const char *ident_release_slot(const struct release_ident *id);

/* ident_flavors returns a new JSON array of the flavors shipped. */
json_t *ident_flavors(const struct release_ident *id);

/*
 * ident_to_json sets id's fields on the object doc, in this order:
 * project, version, snapshot, commit, ref, source_uri, channel, build,
 * flavors, source_date_epoch; with IDENT_BUILD in what, then branch and
 * arches ([{arch, agent, note}]).
 */
void ident_to_json(const struct release_ident *id, json_t *doc, unsigned what);

/*
 * ident_from_json reads what ident_to_json wrote (with the same what)
 * from doc into id (zeroed first); a source_uri must be one lib/url.h
 * wrote (url_normalize gives it back unchanged). Returns 0, or -1 with
 * the reason in why (no message) and id released.
 */
int ident_from_json(struct release_ident *id, const json_t *doc, unsigned what, char *why, size_t why_len);

/*
 * ident_same returns 1 when a and b name the same release: project,
 * version, commit, ref, channel, source, snapshot, build and epoch (not
 * the branch or the arches).
 */
int ident_same(const struct release_ident *a, const struct release_ident *b);

/*
 * ident_source_locator returns where the source is, as provenance and the
 * SBOM name it: "git+SOURCE_URI@REF" (SPDX's VCS form), or NULL when the
 * source is not known (caller frees).
 */
char *ident_source_locator(const struct release_ident *id);

/* ident_buildinfo returns BUILDINFO for arch a of id: key=value lines (caller frees). */
char *ident_buildinfo(const struct release_ident *id, const struct arch_plan *a);

/*
 * ident_trusted_comment returns the minisign trusted comment (caller
 * frees): "timestamp:EPOCH file:SHA256SUMS version:V commit:SHA channel:C".
 */
char *ident_trusted_comment(const struct release_ident *id);

/* ident_arch_list writes the arches, space separated, into buf; returns buf. */
char *ident_arch_list(const struct release_ident *id, char *buf, size_t len);

#endif /* RELEASER_IDENT_H */
