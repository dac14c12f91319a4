/* Provenance, manifest, checksums and signatures of a release (see metadata.h). */
#include "release/metadata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/json.h"
#include "release/provenance.h"

/* stages doc as name and returns its digest and size in *a */
static int stage_json(struct outdir *o, const char *name, json_t *doc, struct artifact *a)
{
	char *text = json_text(doc);
	int ret = -1;

	if (!text)
		return -1;
	if (outdir_write(o, name, text, strlen(text)) < 0)
		goto cleanup;
	if (a) {
		memset(a, 0, sizeof(*a));
		a->name = (char *)name;
		snprintf(a->sha256, sizeof(a->sha256), "%s", o->files[o->n - 1].sha256);
		a->size = o->files[o->n - 1].size;
	}
	ret = 0;
cleanup:
	free(text);
	return ret;
}

static int sum_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sums_entry *)a)->name, ((const struct sums_entry *)b)->name);
}

/* the artifacts as a checksum list sorted by name (names borrowed: free only s->v) */
static void sorted_sums(const struct artifact *a, size_t n, struct sums *s)
{
	size_t i;

	s->v = xcalloc(n ? n : 1, sizeof(*s->v));
	s->n = n;
	for (i = 0; i < n; i++) {
		s->v[i].name = a[i].name;
		snprintf(s->v[i].hex, sizeof(s->v[i].hex), "%s", a[i].sha256);
	}
	qsort(s->v, n, sizeof(*s->v), sum_cmp);
}

char *checksums_gnu(const struct artifact *a, size_t n)
{
	struct sums s;
	size_t i, off = 0, cap = 1;
	char *text;

	sorted_sums(a, n, &s);
	for (i = 0; i < n; i++)
		cap += SHA256_HEX_LEN + 3 + strlen(s.v[i].name);
	text = xmalloc(cap);
	text[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, cap - off, "%s  %s\n", s.v[i].hex, s.v[i].name);
	free(s.v);
	return text;
}

char *checksums_bsd(const struct artifact *a, size_t n)
{
	struct sums s;
	size_t len;
	char *text;

	sorted_sums(a, n, &s);
	text = sums_bsd(&s, &len);
	free(s.v);
	return text;
}

struct signatures {
	char *minisig;
	size_t minisig_len;
	char *sig;
	size_t sig_len;
};

/*
 * The one call into sign/: the GNU list, the BSD list and the trusted
 * comment in, the texts of SHA256SUMS.minisig and SHA256SUMS.sig out.
 * sign_sums still signs the SHA256SUMS staged in dir (gnu) and leaves both
 * files there, so they are taken from there; the .sig must embed bsd.
 */
static int sign_lists(const struct sign_key *key, const char *dir, const char *gnu, const char *bsd,
		      const char *comment, struct signatures *out)
{
	char *minisig = xasprintf("%s/%s", dir, SUMS_MINISIG_FILE), *sig = xasprintf("%s/%s", dir, SUMS_SIG_FILE);
	size_t blen = strlen(bsd);
	int ret = -1;

	(void)gnu;
	memset(out, 0, sizeof(*out));
	if (sign_sums(key, dir, comment) < 0)
		goto cleanup;
	out->minisig = read_file(minisig, SUMS_MAX_SIZE, &out->minisig_len);
	out->sig = out->minisig ? read_file(sig, SUMS_MAX_SIZE * 4, &out->sig_len) : NULL;
	if (!out->sig)
		goto cleanup;
	if (out->sig_len < blen || memcmp(out->sig + out->sig_len - blen, bsd, blen)) {
		error("'%s' does not embed the checksum list in BSD style: report this bug", sig);
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (ret) {
		free(out->minisig);
		free(out->sig);
		memset(out, 0, sizeof(*out));
	}
	free(minisig);
	free(sig);
	return ret;
}

/* signs the lists and stages both signatures */
static int stage_signatures(struct outdir *o, const struct release_meta *m, const struct sign_key *key,
			    const struct artifact *all, size_t n, const char *gnu)
{
	char *bsd = checksums_bsd(all, n), *comment = ident_trusted_comment(&m->id);
	struct signatures sigs = { 0 };
	int ret = -1;

	if (sign_lists(key, o->stage, gnu, bsd, comment, &sigs) < 0 ||
	    outdir_write(o, SUMS_MINISIG_FILE, sigs.minisig, sigs.minisig_len) < 0 ||
	    outdir_write(o, SUMS_SIG_FILE, sigs.sig, sigs.sig_len) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(sigs.minisig);
	free(sigs.sig);
	free(comment);
	free(bsd);
	return ret;
}

int publish_metadata(struct outdir *o, const struct release_meta *m, const struct sign_key *key)
{
	struct artifact *all = xcalloc(m->n + 2, sizeof(*all));
	char *builder = provenance_builder_id(m), *gnu = NULL;
	json_t *prov = provenance_statement(m, builder), *manifest = NULL;
	int ret = -1;

	memcpy(all, m->tarballs, m->n * sizeof(*all));
	if (stage_json(o, PROVENANCE_FILE, prov, &all[m->n]) < 0)
		goto cleanup;
	manifest = meta_manifest(m, &all[m->n], 1, key != NULL, 0);
	if (stage_json(o, MANIFEST_FILE, manifest, &all[m->n + 1]) < 0)
		goto cleanup;
	gnu = checksums_gnu(all, m->n + 2);
	if (outdir_write(o, SUMS_FILE, gnu, strlen(gnu)) < 0)
		goto cleanup;
	if (key && stage_signatures(o, m, key, all, m->n + 2, gnu) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	free(gnu);
	json_decref(manifest);
	json_decref(prov);
	free(builder);
	free(all);
	return ret;
}

int publish_partials(struct outdir *o, const struct release_meta *m)
{
	struct release_meta one;
	json_t *doc;
	char *name;
	size_t i;
	int rc;

	for (i = 0; i < m->n; i++) {
		one = *m;
		one.tarballs = &m->tarballs[i];
		one.n = 1;
		doc = meta_manifest(&one, NULL, 0, 0, 1);
		name = meta_partial_name(m->tarballs[i].arch);
		rc = stage_json(o, name, doc, NULL);
		free(name);
		json_decref(doc);
		if (rc < 0)
			return -1;
	}
	return 0;
}
