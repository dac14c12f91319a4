/* Provenance, manifest, checksums and signatures of a release (see metadata.h). */
#include "release/metadata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/asset.h"
#include "lib/common.h"
#include "lib/json.h"
#include "release/notes.h"
#include "release/provenance.h"
#include "release/sbom.h"

/* stages text as name and returns its digest and size in *a (when not NULL) */
static int stage_text(struct outdir *o, const char *name, const char *text, struct artifact *a)
{
	if (outdir_write(o, name, text, strlen(text)) < 0)
		return -1;
	if (a) {
		memset(a, 0, sizeof(*a));
		a->name = (char *)name;
		snprintf(a->sha256, sizeof(a->sha256), "%s", o->files[o->n - 1].sha256);
		a->size = o->files[o->n - 1].size;
	}
	return 0;
}

/* stages doc as name and returns its digest and size in *a (when not NULL) */
static int stage_json(struct outdir *o, const char *name, json_t *doc, struct artifact *a)
{
	char *text = json_text(doc);
	int ret;

	if (!text)
		return -1;
	ret = stage_text(o, name, text, a);
	free(text);
	return ret;
}

static int artifact_cmp(const void *a, const void *b)
{
	return strcmp(((const struct artifact *)a)->name, ((const struct artifact *)b)->name);
}

void checksum_lists(const struct artifact *a, size_t n, struct sums_lists *l)
{
	struct artifact *sorted = xcalloc(n ? n : 1, sizeof(*sorted));
	size_t i;

	memcpy(sorted, a, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), artifact_cmp);
	for (i = 0; i < n; i++)
		sums_lists_add(l, sorted[i].name, sorted[i].sha256);
	free(sorted);
}

/* signs both checksum lists in memory and stages the two signature files */
static int stage_signatures(struct outdir *o, const struct release_meta *m, const struct sign_key *key,
			    const struct sums_lists *l)
{
	char *comment = ident_trusted_comment(&m->id);
	struct sign_output out = { 0 };
	int ret = -1;

	if (sign_sums_text(key, l->gnu, l->gnu_len, l->bsd, l->bsd_len, comment, &out) < 0 ||
	    outdir_write(o, SUMS_MINISIG_FILE, out.minisig, out.minisig_len) < 0 ||
	    outdir_write(o, SUMS_SIG_FILE, out.sig, out.sig_len) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	sign_output_release(&out);
	free(comment);
	return ret;
}

/* what to do about a tarball or package name from a per-arch manifest that GitHub would change */
#define NAME_HINT "package that arch again with this releaser, which names every file so GitHub keeps it"

/*
 * every name the release publishes keeps it on GitHub (lib/asset.h): m's
 * tarballs and packages, and the files written here (the per-arch
 * manifests when partial, else the metadata, the lists and signatures)
 */
static int check_names(const struct release_meta *m, int partial)
{
	static const char *const fixed[] = {
		PROVENANCE_FILE, PROVENANCE_ENVELOPE_FILE, PROVENANCE_BUNDLE_FILE, CHANGELOG_FILE, SBOM_FILE,
		MANIFEST_FILE,   SUMS_FILE,                SUMS_MINISIG_FILE,      SUMS_SIG_FILE,
	};
	char *name;
	size_t i;
	int rc;

	for (i = 0; i < m->n; i++) {
		if (asset_name_check(m->tarballs[i].name, NAME_HINT) < 0)
			return -1;
		if (!partial || m->tarballs[i].deb)
			continue;
		name = meta_partial_name(m->tarballs[i].arch);
		rc = asset_name_check(name, NAME_HINT);
		free(name);
		if (rc < 0)
			return -1;
	}
	for (i = 0; !partial && i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (asset_name_check(fixed[i], "rename it in the releaser's source") < 0)
			return -1;
	return 0;
}

int metadata_write(struct outdir *o, const struct release_meta *m, const struct sign_key *key)
{
	struct artifact *all = xcalloc(m->n + 6, sizeof(*all));
	struct sums_lists sums = { 0 };
	json_t *prov = provenance_statement(m), *manifest = NULL, *sbom = sbom_document(m);
	char *prov_text = json_text(prov), *envelope = NULL, *bundle = NULL;
	size_t n = m->n;
	int ret = -1;

	if (check_names(m, 0) < 0)
		goto cleanup;
	memcpy(all, m->tarballs, m->n * sizeof(*all));
	if (!prov_text || stage_text(o, PROVENANCE_FILE, prov_text, &all[n++]) < 0)
		goto cleanup;
	if (m->changelog && stage_text(o, CHANGELOG_FILE, m->changelog, &all[n++]) < 0)
		goto cleanup;
	if (!sbom || stage_json(o, SBOM_FILE, sbom, &all[n++]) < 0)
		goto cleanup;
	if (key) {
		envelope = provenance_envelope(prov_text, strlen(prov_text), key);
		if (!envelope || stage_text(o, PROVENANCE_ENVELOPE_FILE, envelope, &all[n++]) < 0)
			goto cleanup;
		bundle = provenance_bundle(prov_text, strlen(prov_text), key);
		if (!bundle || stage_text(o, PROVENANCE_BUNDLE_FILE, bundle, &all[n++]) < 0)
			goto cleanup;
	}
	manifest = meta_manifest(m, &all[m->n], n - m->n, key != NULL, 0);
	if (stage_json(o, MANIFEST_FILE, manifest, &all[n++]) < 0)
		goto cleanup;
	checksum_lists(all, n, &sums);
	if (outdir_write(o, SUMS_FILE, sums.gnu, sums.gnu_len) < 0)
		goto cleanup;
	if (key && stage_signatures(o, m, key, &sums) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	sums_lists_release(&sums);
	json_decref(manifest);
	json_decref(sbom);
	json_decref(prov);
	free(prov_text);
	free(envelope);
	free(bundle);
	free(all);
	return ret;
}

int metadata_write_partials(struct outdir *o, const struct release_meta *m)
{
	struct release_meta one;
	json_t *doc;
	char *name;
	size_t i, j;
	int rc;

	if (check_names(m, 1) < 0)
		return -1;
	one = *m;
	one.tarballs = xcalloc(m->n ? m->n : 1, sizeof(*one.tarballs));
	for (i = 0; i < m->n; i++) {
		if (m->tarballs[i].deb)
			continue;
		/* an arch's tarball, then its package */
		one.n = 0;
		for (j = 0; j < m->n; j++)
			if (!strcmp(m->tarballs[j].arch, m->tarballs[i].arch))
				one.tarballs[one.n++] = m->tarballs[j];
		doc = meta_manifest(&one, NULL, 0, 0, 1);
		name = meta_partial_name(m->tarballs[i].arch);
		rc = stage_json(o, name, doc, NULL);
		free(name);
		json_decref(doc);
		if (rc < 0) {
			free(one.tarballs);
			return -1;
		}
	}
	free(one.tarballs);
	return 0;
}
