/*
 * A release in memory made of arbitrary field values, for the harnesses
 * of the documents written from it (fuzz-sbom, fuzz-provenance), and the
 * checks every written JSON document must pass.
 *
 * The input is lines: project, version, commit, ref, source URI, arch,
 * tarball name, sha256, library package, library version, license,
 * builder id, invocation id; a missing line keeps a plain default. The
 * source URI goes through url_normalize as the release state does (a
 * refused one is dropped, so the release records none).
 */
#ifndef FUZZ_META_H
#define FUZZ_META_H

#include "fuzz.h"

#include "lib/common.h"
#include "lib/json.h"
#include "lib/text.h"
#include "lib/url.h"
#include "release/builder.h"
#include "release/manifest.h"

enum {
	F_PROJECT, F_VERSION, F_COMMIT, F_REF, F_SOURCE, F_ARCH, F_TARBALL, F_SHA256,
	F_PACKAGE, F_PKG_VERSION, F_LICENSE, F_BUILDER, F_INVOCATION, F_COUNT
};

static const char *const fuzz_meta_defaults[F_COUNT] = {
	"profiling-agent", "v1.0.0", "0123456789abcdef0123456789abcdef01234567", "refs/tags/v1.0.0",
	"https://example.org/o/r.git", "amd64", "profiling-agent-v1.0.0-linux-amd64.tar.gz",
	"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb", "libbpf-dev", "1:1.1.0-1",
	"LGPL-2.1-only OR BSD-2-Clause", "https://ci.example.org/builder", "https://ci.example.org/run/1",
};

struct fuzz_meta {
	char *text;                 /* the input, cut into fields */
	const char *f[F_COUNT];
	struct builder builder;
	struct release_meta m;
};

/* fuzz_meta_make fills fm from data[size] (release with fuzz_meta_free) */
static inline void fuzz_meta_make(struct fuzz_meta *fm, const uint8_t *data, size_t size)
{
	const char *why;
	char *p, *nl;
	size_t i;

	memset(fm, 0, sizeof(*fm));
	fm->text = fuzz_strndup(data, size);
	for (i = 0, p = fm->text; i < F_COUNT; i++) {
		fm->f[i] = p ? p : fuzz_meta_defaults[i];
		nl = p ? strchr(p, '\n') : NULL;
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
	}
	fm->m.id.project = xstrdup(fm->f[F_PROJECT]);
	fm->m.id.version = xstrdup(fm->f[F_VERSION]);
	fm->m.id.commit = xstrdup(fm->f[F_COMMIT]);
	fm->m.id.short_commit = xasprintf("%.12s", fm->f[F_COMMIT]);
	fm->m.id.ref = xstrdup(fm->f[F_REF]);
	fm->m.id.epoch = (long long)(size * 1000003u);
	fm->m.id.fake_release = size & 1;
	fm->m.id.source_uri = url_normalize(fm->f[F_SOURCE], URL_REPO, &why, NULL);
	if (ident_add_arch(&fm->m.id, fm->f[F_ARCH], 1) < 0)
		ident_add_arch(&fm->m.id, "amd64", 1);
	meta_add_tarball(&fm->m, fm->f[F_TARBALL], fm->m.id.arches[0].arch, 1, fm->f[F_SHA256], size);
	meta_add_deb(&fm->m, fm->f[F_PACKAGE], fm->m.id.arches[0].arch, fm->f[F_SHA256], size);
	fm->m.deps.n = 1;
	snprintf(fm->m.deps.arches[0].arch, sizeof(fm->m.deps.arches[0].arch), "%s", fm->m.id.arches[0].arch);
	fm->m.deps.arches[0].n = 1;
	snprintf(fm->m.deps.arches[0].libs[0].package, sizeof(fm->m.deps.arches[0].libs[0].package), "%s",
		 fm->f[F_PACKAGE]);
	snprintf(fm->m.deps.arches[0].libs[0].arch, sizeof(fm->m.deps.arches[0].libs[0].arch), "%s",
		 fm->m.id.arches[0].arch);
	snprintf(fm->m.deps.arches[0].libs[0].version, sizeof(fm->m.deps.arches[0].libs[0].version), "%s",
		 fm->f[F_PKG_VERSION]);
	snprintf(fm->m.deps.arches[0].libs[0].license, sizeof(fm->m.deps.arches[0].libs[0].license), "%s",
		 fm->f[F_LICENSE]);
	fm->builder.id = xstrdup(fm->f[F_BUILDER]);
	fm->builder.invocation_id = xstrdup(fm->f[F_INVOCATION]);
	fm->m.builder = &fm->builder;
}

static inline void fuzz_meta_free(struct fuzz_meta *fm)
{
	meta_release(&fm->m);
	builder_release(&fm->builder);
	free(fm->text);
}

/*
 * fuzz_json_check renders doc as the releaser writes it and checks the
 * text: UTF-8, no raw control character but the layout's newlines, and
 * it parses back to an equal document. Returns the parsed copy
 * (json_decref it).
 */
static inline json_t *fuzz_json_check(const json_t *doc)
{
	char why[200], *text = json_text(doc), *p;
	json_t *back;

	fuzz_expect(text != NULL);
	fuzz_expect(utf8_valid(text, strlen(text)));
	for (p = text; *p; p++)
		fuzz_expect((unsigned char)*p >= 0x20 || *p == '\n');
	back = json_parse(text, strlen(text), why, sizeof(why));
	fuzz_expect(back != NULL && json_equal(back, doc));
	free(text);
	return back;
}

#endif /* FUZZ_META_H */
