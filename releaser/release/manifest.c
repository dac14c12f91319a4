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

#define PARTIAL_PREFIX "manifest-"
#define PARTIAL_SUFFIX ".json"

void meta_from_state(struct release_meta *m, const struct release_state *st, const struct settings *s)
{
	memset(m, 0, sizeof(*m));
	m->project = xstrdup(s->name);
	m->version = xstrdup(st->version);
	m->commit = xstrdup(st->head.sha);
	m->ref = xstrdup(st->ref);
	m->channel = xstrdup(channel_name(st->channel));
	m->source_uri = st->source_uri ? xstrdup(st->source_uri) : NULL;
	m->snapshot = st->snapshot;
	m->fake_release = st->plan.fake_release;
	m->epoch = st->epoch;
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

void meta_release(struct release_meta *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->tarballs[i].name);
	free(m->tarballs);
	free(m->project);
	free(m->version);
	free(m->commit);
	free(m->ref);
	free(m->channel);
	free(m->source_uri);
	memset(m, 0, sizeof(*m));
}

json_t *meta_flavors(const struct release_meta *m)
{
	json_t *a = json_array();

	jpush(a, jstr(m->fake_release ? "debug" : "release"));
	if (!m->fake_release)
		jpush(a, jstr("debug"));
	return a;
}

static json_t *artifact_json(const struct release_meta *m, const struct artifact *a, const char *kind)
{
	json_t *o = json_object();

	jset(o, "name", jstr(a->name));
	jset(o, "kind", jstr(kind));
	jset(o, "arch", jstr(a->arch[0] ? a->arch : NULL));
	if (!strcmp(kind, "tarball")) {
		jset(o, "flavors", meta_flavors(m));
		jset(o, "release_slot", jstr(m->fake_release ? "debug" : "release"));
		jset(o, "agent", json_boolean(a->agent));
	}
	jset(o, "size", json_integer((json_int_t)a->size));
	jset(o, "sha256", jstr(a->sha256));
	return o;
}

json_t *meta_manifest(const struct release_meta *m, const struct artifact *extra, size_t n_extra, int signed_,
		      int partial)
{
	json_t *doc = json_object(), *arts = json_array(), *sigs = json_array();
	size_t i;

	jset(doc, "schema", jstr(MANIFEST_SCHEMA));
	jset(doc, "partial", json_boolean(partial));
	jset(doc, "project", jstr(m->project));
	jset(doc, "version", jstr(m->version));
	jset(doc, "snapshot", json_boolean(m->snapshot));
	jset(doc, "commit", jstr(m->commit));
	jset(doc, "ref", jstr(m->ref));
	jset(doc, "source_uri", jstr(m->source_uri));
	jset(doc, "channel", jstr(m->channel));
	jset(doc, "build", jstr(m->fake_release ? "fake-release" : "dual"));
	jset(doc, "flavors", meta_flavors(m));
	jset(doc, "source_date_epoch", json_integer(m->epoch));
	for (i = 0; i < m->n; i++)
		jpush(arts, artifact_json(m, &m->tarballs[i], "tarball"));
	for (i = 0; i < n_extra; i++)
		jpush(arts, artifact_json(m, &extra[i], "provenance"));
	jset(doc, "artifacts", arts);
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

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* one partial manifest into m (the first sets the release; the others must match it) */
static int read_partial(struct release_meta *m, const char *path)
{
	const char *project, *version, *commit, *ref, *channel, *build, *uri;
	json_t *doc = json_load(path), *arts, *uri_json = NULL;
	json_error_t err;
	json_int_t epoch;
	int snapshot, partial, ret = -1;
	size_t i, j;

	if (!doc)
		return -1;
	if (json_unpack_ex(doc, &err, 0, "{s:b, s:s, s:s, s:b, s:s, s:s, s?:o, s:s, s:s, s:I, s:o}",
			   "partial", &partial, "project", &project, "version", &version, "snapshot", &snapshot,
			   "commit", &commit, "ref", &ref, "source_uri", &uri_json, "channel", &channel, "build", &build,
			   "source_date_epoch", &epoch, "artifacts", &arts) < 0 ||
	    !partial || !json_is_array(arts)) {
		error("'%s' is not a partial manifest (%s): package that arch again", path,
		      partial ? err.text : "partial is not true");
		goto cleanup;
	}
	uri = json_is_string(uri_json) ? json_string_value(uri_json) : NULL;
	if (!m->project) {
		m->project = xstrdup(project);
		m->version = xstrdup(version);
		m->commit = xstrdup(commit);
		m->ref = xstrdup(ref);
		m->channel = xstrdup(channel);
		m->source_uri = uri ? xstrdup(uri) : NULL;
		m->snapshot = snapshot;
		m->fake_release = !strcmp(build, "fake-release");
		m->epoch = epoch;
	} else if (strcmp(m->project, project) || strcmp(m->version, version) || strcmp(m->commit, commit) ||
		   strcmp(m->ref, ref) || strcmp(m->channel, channel) || !same(m->source_uri, uri) ||
		   m->snapshot != snapshot || m->fake_release != !strcmp(build, "fake-release") ||
		   m->epoch != epoch) {
		error("'%s' describes another release (%s %s at %.12s) than the others (%s %s at %.12s): "
		      "package every arch from the same commit", path, version, channel, commit, m->version,
		      m->channel, m->commit);
		goto cleanup;
	}
	for (i = 0; i < json_array_size(arts); i++) {
		const char *name, *arch, *sha;
		json_int_t size;
		int agent;

		if (json_unpack_ex(json_array_get(arts, i), &err, 0, "{s:s, s:s, s:b, s:I, s:s}", "name", &name, "arch",
				   &arch, "agent", &agent, "size", &size, "sha256", &sha) < 0 ||
		    strlen(sha) != SHA256_HEX_LEN || size < 0 || strchr(name, '/')) {
			error("'%s' lists a bad artifact (%s): package that arch again", path, err.text);
			goto cleanup;
		}
		for (j = 0; j < m->n; j++) {
			if (!strcmp(m->tarballs[j].arch, arch) || !strcmp(m->tarballs[j].name, name)) {
				error("'%s' lists '%s' for %s again: keep one manifest per arch", path, name, arch);
				goto cleanup;
			}
		}
		meta_add_tarball(m, name, arch, agent, sha, (uint64_t)size);
	}
	ret = 0;
cleanup:
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
