/* The release's SPDX document (see sbom.h). */
#include "release/sbom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/common.h"
#include "lib/json.h"
#include "lib/self.h"
#include "release/deps.h"

#define SPDX_VERSION "SPDX-2.3"
#define SBOM_DISTRO "debian-12"
#define GITHUB_PREFIX "https://github.com/"
#define NAMESPACE_BASE "https://spdx.org/spdxdocs/"

/* "SPDXRef-" PREFIX "-" s, with every character SPDX ids do not allow made '-' (caller frees) */
static char *spdx_id(const char *prefix, const char *s)
{
	char *id = xasprintf("SPDXRef-%s-%s", prefix, s), *p;

	for (p = id + strlen("SPDXRef-"); *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *p))
			*p = '-';
	return id;
}

/* the fields every package has: id, name, version, no download location or license asserted */
static json_t *package(const char *id, const char *name, const char *version, const char *purpose)
{
	json_t *p = json_object();

	jset(p, "SPDXID", jstr(id));
	jset(p, "name", jstr(name));
	jset(p, "versionInfo", jstr(version));
	jset(p, "downloadLocation", jstr(DEPS_NOASSERTION));
	jset(p, "filesAnalyzed", json_false());
	jset(p, "primaryPackagePurpose", jstr(purpose));
	jset(p, "licenseConcluded", jstr(DEPS_NOASSERTION));
	jset(p, "licenseDeclared", jstr(DEPS_NOASSERTION));
	jset(p, "copyrightText", jstr(DEPS_NOASSERTION));
	return p;
}

static void relate(json_t *list, const char *a, const char *type, const char *b)
{
	json_t *r = json_object();

	jset(r, "spdxElementId", jstr(a));
	jset(r, "relationshipType", jstr(type));
	jset(r, "relatedSpdxElement", jstr(b));
	jpush(list, r);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* an artifact of the release: a package with its file name and digest */
static json_t *artifact_package(const struct release_meta *m, const struct artifact *a, const char *id)
{
	int install = has_suffix(a->name, ".deb") || has_suffix(a->name, ".rpm");
	json_t *p = package(id, a->name, m->id.version, install ? "INSTALL" : "ARCHIVE");
	json_t *sums = json_array(), *sum = json_object();

	jset(p, "packageFileName", jstr(a->name));
	jset(sum, "algorithm", jstr("SHA256"));
	jset(sum, "checksumValue", jstr(a->sha256));
	jpush(sums, sum);
	jset(p, "checksums", sums);
	return p;
}

/* a version or qualifier value as a purl component: '+', '@' (and anything but [A-Za-z0-9.:~_-]) percent-encoded */
static char *purl_version(const char *v)
{
	char *out = xcalloc(strlen(v) * 3 + 1, 1), *o = out;

	for (; *v; v++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:~_-", *v))
			*o++ = *v;
		else
			o += sprintf(o, "%%%02X", (unsigned char)*v);
	}
	return out;
}

/* an external reference of p: category, type, locator */
static void external_ref(json_t *p, const char *category, const char *type, const char *locator)
{
	json_t *refs = json_object_get(p, "externalRefs"), *ref = json_object();

	if (!refs) {
		refs = json_array();
		jset(p, "externalRefs", refs);
	}
	jset(ref, "referenceCategory", jstr(category));
	jset(ref, "referenceType", jstr(type));
	jset(ref, "referenceLocator", jstr(locator));
	jpush(refs, ref);
}

/*
 * the purl of Debian package d: arch, distro and, when known, the source
 * package it is built from as upstream (SOURCE, or SOURCE@VERSION when its
 * version is not the binary's), qualifiers in the sorted order purl wants
 */
static char *library_purl(const struct dep *d)
{
	char *version = purl_version(d->version), *upstream = NULL, *both, *purl;

	if (d->source[0] && strcmp(d->source_version, d->version)) {
		both = xasprintf("%s@%s", d->source, d->source_version);
		upstream = purl_version(both);
		free(both);
	} else if (d->source[0]) {
		upstream = purl_version(d->source);
	}
	purl = xasprintf("pkg:deb/debian/%s@%s?arch=%s&distro=" SBOM_DISTRO "%s%s", d->package, version, d->arch,
			 upstream ? "&upstream=" : "", upstream ? upstream : "");
	free(upstream);
	free(version);
	return purl;
}

/*
 * the purl of the project's release (subpath "" for the agent, else that
 * part of it): pkg:github/OWNER/REPO@VERSION when the source is a GitHub
 * repository, else pkg:generic/PROJECT@VERSION; arch as a qualifier
 */
static char *project_purl(const struct release_meta *m, const char *arch, const char *subpath)
{
	const char *uri = m->id.source_uri;
	char *version = purl_version(m->id.version), *name = purl_version(m->id.project), *where = NULL, *purl, *p;
	size_t n;

	if (uri && !strncmp(uri, GITHUB_PREFIX, strlen(GITHUB_PREFIX))) {
		where = xstrdup(uri + strlen(GITHUB_PREFIX));
		n = strlen(where);
		while (n && where[n - 1] == '/')
			where[--n] = '\0';
		if (n > 4 && !strcmp(where + n - 4, ".git"))
			where[n - 4] = '\0';
		p = strchr(where, '/');
		/* OWNER/REPO: letters, digits, '.', '_' and '-' as GitHub allows, one slash */
		if (!p || p == where || !p[1] || strchr(p + 1, '/') ||
		    strspn(where, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") != strlen(where)) {
			free(where);
			where = NULL;
		}
	}
	if (where)
		purl = xasprintf("pkg:github/%s@%s?arch=%s%s%s", where, version, arch, *subpath ? "#" : "", subpath);
	else
		purl = xasprintf("pkg:generic/%s@%s?arch=%s%s%s", name, version, arch, *subpath ? "#" : "", subpath);
	free(name);
	free(where);
	free(version);
	return purl;
}

/* the supplier of the project: the GitHub owner of its source, else no assertion */
static char *project_supplier(const struct release_meta *m)
{
	const char *uri = m->id.source_uri, *owner;
	size_t n;

	if (!uri || strncmp(uri, GITHUB_PREFIX, strlen(GITHUB_PREFIX)))
		return xstrdup(DEPS_NOASSERTION);
	owner = uri + strlen(GITHUB_PREFIX);
	n = strcspn(owner, "/");
	return n ? xasprintf("Organization: %.*s", (int)n, owner) : xstrdup(DEPS_NOASSERTION);
}

/* a part of the project built for arch (the agent, libanalyzer), from the release's source when it is known */
static json_t *project_package(const struct release_meta *m, const char *arch, const char *id, const char *name,
			       const char *file, const char *subpath, const char *purpose, const char *comment)
{
	json_t *p = package(id, name, m->id.version, purpose);
	char *where = ident_source_locator(&m->id), *purl = project_purl(m, arch, subpath);
	char *supplier = project_supplier(m);
	const char *license = m->deps.license[0] ? m->deps.license : DEPS_NOASSERTION;

	if (where)
		jset(p, "downloadLocation", jstr(where));
	jset(p, "supplier", jstr(supplier));
	jset(p, "packageFileName", jstr(file));
	jset(p, "licenseConcluded", jstr(license));
	jset(p, "licenseDeclared", jstr(license));
	jset(p, "comment", jstr(comment));
	external_ref(p, "PACKAGE-MANAGER", "purl", purl);
	free(supplier);
	free(purl);
	free(where);
	return p;
}

/* the agent of arch: the project's program */
static json_t *agent_package(const struct release_meta *m, const char *arch, const char *id)
{
	char *comment = xasprintf("the agent (bin/profiling-agent) for linux-%s, commit %s, statically linked",
				  arch, m->id.commit);
	json_t *p = project_package(m, arch, id, m->id.project, "bin/profiling-agent", "", "APPLICATION", comment);

	free(comment);
	return p;
}

/* libanalyzer.so of arch: the project's library, linked dynamically */
static json_t *libanalyzer_package(const struct release_meta *m, const char *arch, const char *id)
{
	char *comment = xasprintf("libanalyzer.so.1 (lib/) for linux-%s, commit %s, dynamically linked", arch,
				  m->id.commit);
	json_t *p = project_package(m, arch, id, "libanalyzer", "lib/libanalyzer.so.1", "libanalyzer", "LIBRARY",
				    comment);

	free(comment);
	return p;
}

/* a Debian package the build links: "NAME:ARCH" (or NAME for arch all), its version, license and purl */
static json_t *library_package(const struct dep *d, const char *id)
{
	char *name = strcmp(d->arch, "all") ? xasprintf("%s:%s", d->package, d->arch) : xstrdup(d->package);
	char *purl = library_purl(d), *info, cpe[160];
	json_t *p = package(id, name, d->version, "LIBRARY");

	jset(p, "supplier", jstr("Organization: Debian"));
	if (d->source[0]) {
		info = xasprintf("built from the Debian source package %s %s", d->source, d->source_version);
		jset(p, "sourceInfo", jstr(info));
		free(info);
	}
	jset(p, "licenseDeclared", jstr(d->license));
	external_ref(p, "PACKAGE-MANAGER", "purl", purl);
	if (deps_cpe(d, cpe, sizeof(cpe)) == 0)
		external_ref(p, "SECURITY", "cpe23Type", cpe);
	free(purl);
	free(name);
	return p;
}

/* the agent of arch a, its libraries and their relationships; -1 after a message */
static int add_agent(const struct release_meta *m, const struct arch_plan *a, json_t *packages, json_t *rels)
{
	const struct arch_deps *ad = deps_find(&m->deps, a->arch);
	char *agent = spdx_id("Agent", a->arch), *analyzer = spdx_id("Libanalyzer", a->arch), *lib, *suffix;
	size_t i;

	if (!ad) {
		free(analyzer);
		free(agent);
		return error("no versions of the libraries the %s agent links were recorded with its build: build "
			     "and package it again with this releaser", a->arch);
	}
	jpush(packages, agent_package(m, a->arch, agent));
	jpush(packages, libanalyzer_package(m, a->arch, analyzer));
	for (i = 0; i < ad->n; i++) {
		suffix = xasprintf("%s-%s", a->arch, ad->libs[i].package);
		lib = spdx_id("Library", suffix);
		jpush(packages, library_package(&ad->libs[i], lib));
		if (ad->libs[i].links & DEPS_AGENT)
			relate(rels, agent, "STATIC_LINK", lib);
		if (ad->libs[i].links & DEPS_LIBANALYZER)
			relate(rels, analyzer, "STATIC_LINK", lib);
		if (ad->libs[i].links & DEPS_NEEDED)
			relate(rels, analyzer, "DYNAMIC_LINK", lib);
		free(lib);
		free(suffix);
	}
	free(analyzer);
	free(agent);
	return 0;
}

/* the document's header: version, license, name, namespace, creation */
static json_t *header(const struct release_meta *m)
{
	json_t *doc = json_object(), *info = json_object(), *creators = json_array();
	char *name = xasprintf("%s-%s", m->id.project, m->id.version);
	char *ns = xasprintf(NAMESPACE_BASE "%s-%s-%s", m->id.project, m->id.version, m->id.commit);
	char *tool = xasprintf("Tool: releaser-%s", releaser_version());
	time_t t = (time_t)m->id.epoch;
	char created[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jset(doc, "spdxVersion", jstr(SPDX_VERSION));
	jset(doc, "dataLicense", jstr("CC0-1.0"));
	jset(doc, "SPDXID", jstr("SPDXRef-DOCUMENT"));
	jset(doc, "name", jstr(name));
	jset(doc, "documentNamespace", jstr(ns));
	jpush(creators, jstr(tool));
	jset(info, "created", jstr(created));
	jset(info, "creators", creators);
	jset(doc, "creationInfo", info);
	free(tool);
	free(ns);
	free(name);
	return doc;
}

static int artifact_cmp(const void *a, const void *b)
{
	return strcmp(((const struct artifact *)a)->name, ((const struct artifact *)b)->name);
}

json_t *sbom_document(const struct release_meta *m)
{
	json_t *doc = header(m), *packages = json_array(), *rels = json_array();
	struct artifact *sorted = xcalloc(m->n ? m->n : 1, sizeof(*sorted));
	char *id, *agent;
	size_t i;

	/* by name: the same document whatever order the artifacts were made in */
	memcpy(sorted, m->tarballs, m->n * sizeof(*sorted));
	qsort(sorted, m->n, sizeof(*sorted), artifact_cmp);
	for (i = 0; i < m->n; i++) {
		const struct artifact *a = &sorted[i];

		id = spdx_id("Artifact", a->name);
		jpush(packages, artifact_package(m, a, id));
		relate(rels, "SPDXRef-DOCUMENT", "DESCRIBES", id);
		if (a->agent && a->arch[0]) {
			agent = spdx_id("Agent", a->arch);
			relate(rels, id, "CONTAINS", agent);
			free(agent);
			agent = spdx_id("Libanalyzer", a->arch);
			relate(rels, id, "CONTAINS", agent);
			free(agent);
		}
		free(id);
	}
	free(sorted);
	for (i = 0; i < m->id.n_arches; i++) {
		if (m->id.arches[i].agent && add_agent(m, &m->id.arches[i], packages, rels) < 0) {
			json_decref(packages);
			json_decref(rels);
			json_decref(doc);
			return NULL;
		}
	}
	jset(doc, "packages", packages);
	jset(doc, "relationships", rels);
	return doc;
}
