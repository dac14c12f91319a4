/* Release metadata and manifests (see manifest.h). */
#include "release/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/json.h"
#include "lib/sums.h"
#include "lib/text.h"
#include "release/deb.h"
#include "release/rpm.h"
#include "release/fields.h"
#include "release/layout.h"
#include "release/notes.h"
#include "release/sbom.h"

#define PARTIAL_PREFIX "manifest-"
#define PARTIAL_SUFFIX ".json"

void meta_init(struct release_meta *m, const struct release_state *st, const struct settings *s)
{
	memset(m, 0, sizeof(*m));
	ident_from_state(&m->id, st, s);
	m->changelog = st->changelog ? xstrdup(st->changelog) : NULL;
	m->builder = &st->builder;
}

void meta_add_tarball(struct release_meta *m, const char *name, const char *arch, int agent, const char *sha256,
		      uint64_t size)
{
	struct artifact *a;

	m->tarballs = xrealloc(m->tarballs, (m->n + 1) * sizeof(*m->tarballs));
	a = &m->tarballs[m->n++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	snprintf(a->arch, sizeof(a->arch), "%s", arch);
	a->agent = agent;
	snprintf(a->sha256, sizeof(a->sha256), "%s", sha256);
	a->size = size;
}

void meta_add_deb(struct release_meta *m, const char *name, const char *arch, const char *sha256, uint64_t size)
{
	meta_add_tarball(m, name, arch, 1, sha256, size);
	m->tarballs[m->n - 1].deb = 1;
}

void meta_add_rpm(struct release_meta *m, const char *name, const char *arch, const char *sha256, uint64_t size)
{
	meta_add_deb(m, name, arch, sha256, size);
	m->tarballs[m->n - 1].rpm = 1;
}

void meta_release(struct release_meta *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->tarballs[i].name);
	free(m->tarballs);
	free(m->changelog);
	ident_release(&m->id);
	memset(m, 0, sizeof(*m));
}

static json_t *artifact_json(const struct release_meta *m, const struct artifact *a, const char *kind)
{
	json_t *o = json_object();

	jset(o, "name", jstr(a->name));
	jset(o, "kind", jstr(kind));
	jset(o, "arch", jstr(a->arch[0] ? a->arch : NULL));
	if (!strcmp(kind, "tarball")) {
		jset(o, "flavors", ident_flavors(&m->id));
		jset(o, "release_slot", jstr(ident_release_slot(&m->id)));
		jset(o, "agent", json_boolean(a->agent));
	}
	jset(o, "size", json_integer((json_int_t)a->size));
	jset(o, "sha256", jstr(a->sha256));
	return o;
}

/* the static libraries of the arches of m's artifacts, for a partial manifest */
static json_t *partial_deps(const struct release_meta *m)
{
	json_t *all = json_object(), *one;
	size_t i;

	for (i = 0; i < m->n; i++) {
		one = deps_to_json(&m->deps, m->tarballs[i].arch);
		json_object_update(all, one);
		json_decref(one);
	}
	return all;
}

/* the kind of a file that describes the release */
static const char *extra_kind(const char *name)
{
	if (!strcmp(name, CHANGELOG_FILE))
		return "notes";
	return strcmp(name, SBOM_FILE) ? "provenance" : "sbom";
}

json_t *meta_manifest(const struct release_meta *m, const struct artifact *extra, size_t n_extra, int signed_,
		      int partial)
{
	json_t *doc = json_object(), *arts = json_array(), *sigs = json_array();
	size_t i;

	jset(doc, "schema", jstr(MANIFEST_SCHEMA));
	jset(doc, "partial", json_boolean(partial));
	ident_to_json(&m->id, doc, 0);
	for (i = 0; i < m->n; i++)
		jpush(arts, artifact_json(m, &m->tarballs[i], m->tarballs[i].rpm ? "rpm" : m->tarballs[i].deb ? "deb" : "tarball"));
	for (i = 0; i < n_extra; i++)
		jpush(arts, artifact_json(m, &extra[i], extra_kind(extra[i].name)));
	jset(doc, "artifacts", arts);
	if (partial && m->changelog)
		jset(doc, "changelog", jstr(m->changelog));
	if (partial)
		jset(doc, "static_libraries", partial_deps(m));
	jset(doc, "checksums", jstr(partial ? NULL : SUMS_FILE));
	if (signed_) {
		jpush(sigs, jstr(SUMS_MINISIG_FILE));
		jpush(sigs, jstr(SUMS_SIG_FILE));
	}
	jset(doc, "signatures", sigs);
	return doc;
}

char *meta_partial_name(const char *arch)
{
	return xasprintf(PARTIAL_PREFIX "%s" PARTIAL_SUFFIX, arch);
}

/* the tarballs a partial manifest lists, into m and its arches */
static int read_partial_artifacts(struct release_meta *m, const json_t *arts, const char *path)
{
	const char *name, *arch, *sha, *kind;
	char *expected, *shown;
	json_error_t err;
	json_int_t size;
	size_t i, j;
	int agent, deb, rpm;

	for (i = 0; i < json_array_size(arts); i++) {
		kind = "tarball";
		agent = 0;
		if (json_unpack_ex(json_array_get(arts, i), &err, 0, "{s:s, s?:s, s:s, s?:b, s:I, s:s}", "name", &name,
				   "kind", &kind, "arch", &arch, "agent", &agent, "size", &size, "sha256", &sha) < 0 ||
		    strlen(sha) != SHA256_HEX_LEN || size < 0 || strchr(name, '/') ||
		    (strcmp(kind, "tarball") && strcmp(kind, "deb") && strcmp(kind, "rpm"))) {
			return error("'%s' lists a bad artifact (%s): package that arch again", path,
				     !json_is_object(json_array_get(arts, i)) ? "not an object"
				     : strcmp(kind, "tarball") && strcmp(kind, "deb") && strcmp(kind, "rpm") ? "unknown kind"
													    : err.text);
		}
		rpm = !strcmp(kind, "rpm");
		deb = rpm || !strcmp(kind, "deb");
		if (strcmp(arch, "amd64") && strcmp(arch, "arm64")) {
			shown = term_escape(arch);
			error("'%s': field 'arch' '%s' is not an arch a release has (amd64, arm64): package that arch "
			      "again", path, shown);
			free(shown);
			return -2;
		}
		expected = rpm ? rpm_file_name(&m->id, arch) : deb ? deb_file_name(&m->id, arch) : layout_top(&m->id, arch);
		if (!deb) {
			shown = expected;
			expected = xasprintf("%s.tar.gz", shown);
			free(shown);
		}
		if (strcmp(name, expected)) {
			shown = term_escape(name);
			error("'%s': field 'name' '%s' is not the name the releaser gives that %s (%s): package "
			      "that arch again", path, shown, deb ? "package" : "tarball", expected);
			free(shown);
			free(expected);
			return -2;
		}
		free(expected);
		for (j = 0; j < m->n; j++)
			if ((m->tarballs[j].deb == deb && m->tarballs[j].rpm == rpm && !strcmp(m->tarballs[j].arch, arch)) ||
			    !strcmp(m->tarballs[j].name, name))
				return error("'%s' lists '%s' for %s again: keep one manifest per arch", path, name,
					     arch);
		if (deb) {
			(rpm ? meta_add_rpm : meta_add_deb)(m, name, arch, sha, (uint64_t)size);
			continue;
		}
		if (ident_add_arch(&m->id, arch, agent) < 0)
			return -1;
		meta_add_tarball(m, name, arch, agent, sha, (uint64_t)size);
	}
	return 0;
}

/* one partial manifest into m (the first sets the release; the others must match it) */
static int read_partial(struct release_meta *m, const char *path)
{
	struct release_ident id = { 0 };
	json_t *doc = json_load(path), *arts = NULL, *deps = NULL;
	json_error_t err;
	const char *changelog = NULL, *field;
	char why[512];
	int partial = 0, rc, ret = -1;

	if (!doc)
		return -1;
	rc = json_unpack_ex(doc, &err, 0, "{s:b, s:o, s?:s, s?:o}", "partial", &partial, "artifacts", &arts,
			    "changelog", &changelog, "static_libraries", &deps);
	if (rc < 0 || !partial || !json_is_array(arts)) {
		error("'%s' is not a partial manifest (%s): package that arch again", path,
		      rc < 0 ? err.text : !partial ? "partial is not true" : "artifacts is not a list");
		goto cleanup;
	}
	if (ident_from_json(&id, doc, 0, why, sizeof(why)) < 0) {
		error("'%s' is not a partial manifest (%s): package that arch again", path, why);
		goto cleanup;
	}
	field = fields_check(&id, why, sizeof(why));
	if (field) {
		error("'%s': field '%s' %s: package that arch again with the releaser", path, field, why);
		ret = -2;
		goto cleanup;
	}
	if (!m->id.project) {
		m->id = id;
		memset(&id, 0, sizeof(id));
		m->changelog = changelog ? xstrdup(changelog) : NULL;
	} else if (!ident_same(&m->id, &id)) {
		error("'%s' describes another release (%s %s at %s) than the others (%s %s at %s): "
		      "package every arch from the same commit", path, id.version, channel_name(id.channel),
		      id.short_commit, m->id.version, channel_name(m->id.channel), m->id.short_commit);
		goto cleanup;
	} else if (changelog ? !m->changelog || strcmp(changelog, m->changelog) : m->changelog != NULL) {
		error("'%s' carries other release notes than the others: package every arch with the same "
		      "releaser, from the same commit", path);
		goto cleanup;
	}
	if (deps && deps_from_json(&m->deps, deps, why, sizeof(why)) < 0) {
		error("'%s' is not a partial manifest (%s): package that arch again", path, why);
		goto cleanup;
	}
	ret = read_partial_artifacts(m, arts, path);
cleanup:
	ident_release(&id);
	json_decref(doc);
	return ret;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int meta_read_partials(struct release_meta *m, const char *dir)
{
	struct strlist names = { 0 };
	struct dirent *de;
	size_t i, len;
	char *path;
	DIR *d;
	int ret = -1;

	memset(m, 0, sizeof(*m));
	d = opendir(dir);
	if (!d)
		return error("cannot read '%s': %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (!strncmp(de->d_name, PARTIAL_PREFIX, strlen(PARTIAL_PREFIX)) && len > strlen(PARTIAL_SUFFIX) &&
		    !strcmp(de->d_name + len - strlen(PARTIAL_SUFFIX), PARTIAL_SUFFIX))
			strlist_add(&names, de->d_name);
	}
	closedir(d);
	if (names.n == 0) {
		error("'%s' holds no per-arch manifest (manifest-<arch>.json): run 'releaser package --no-sign' "
		      "for each arch into it first", dir);
		ret = -2;
		goto cleanup;
	}
	qsort(names.items, names.n, sizeof(*names.items), name_cmp);
	for (i = 0; i < names.n; i++) {
		path = xasprintf("%s/%s", dir, names.items[i]);
		ret = read_partial(m, path);
		free(path);
		if (ret < 0)
			goto cleanup;
	}
	ret = 0;
cleanup:
	strlist_clear(&names);
	if (ret)
		meta_release(m);
	return ret;
}
