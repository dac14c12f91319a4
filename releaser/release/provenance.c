/* in-toto / SLSA provenance (see provenance.h). */
#include "release/provenance.h"

#include <stdlib.h>
#include <string.h>

#include "lib/common.h"
#include "lib/json.h"
#include "release/builder.h"
#include "sign/sigstore.h"

static json_t *digest(const char *algo, const char *value)
{
	json_t *d = json_object();

	jset(d, algo, jstr(value));
	return d;
}

static json_t *subjects(const struct release_meta *m)
{
	json_t *a = json_array(), *s;
	size_t i;

	for (i = 0; i < m->n; i++) {
		s = json_object();
		jset(s, "name", jstr(m->tarballs[i].name));
		jset(s, "digest", digest("sha256", m->tarballs[i].sha256));
		jpush(a, s);
	}
	return a;
}

static json_t *build_definition(const struct release_meta *m)
{
	json_t *def = json_object(), *ext = json_object(), *internal = json_object();
	json_t *deps = json_array(), *src = json_object(), *arches = json_array();
	char *type = xasprintf("urn:%s:releaser:make:v1", m->id.project);
	size_t i;

	jset(def, "buildType", jstr(type));
	free(type);
	jset(ext, "version", jstr(m->id.version));
	jset(ext, "ref", jstr(m->id.ref));
	jset(ext, "channel", jstr(channel_name(m->id.channel)));
	jset(ext, "build", jstr(ident_mode(&m->id)));
	jset(ext, "flavors", ident_flavors(&m->id));
	for (i = 0; i < m->id.n_arches; i++)
		jpush(arches, jstr(m->id.arches[i].arch));
	jset(ext, "arches", arches);
	jset(ext, "snapshot", json_boolean(m->id.snapshot));
	jset(def, "externalParameters", ext);
	jset(internal, "source_date_epoch", json_integer(m->id.epoch));
	jset(def, "internalParameters", internal);
	if (m->id.source_uri) {
		char *uri = ident_source_locator(&m->id);

		jset(src, "uri", jstr(uri));
		free(uri);
	}
	jset(src, "digest", digest("gitCommit", m->id.commit));
	jpush(deps, src);
	jset(def, "resolvedDependencies", deps);
	return def;
}

/* runDetails: the builder, and the run when it is known */
static json_t *run_details(const struct release_meta *m)
{
	const struct builder *b = m->builder;
	json_t *run = json_object(), *builder = json_object(), *meta;
	char *local = NULL;

	if (!b || !b->id)
		local = xasprintf("urn:%s:releaser:local", m->id.project);
	jset(builder, "id", jstr(local ? local : b->id));
	jset(run, "builder", builder);
	if (b && b->invocation_id) {
		meta = json_object();
		jset(meta, "invocationId", jstr(b->invocation_id));
		jset(run, "metadata", meta);
	}
	free(local);
	return run;
}

json_t *provenance_statement(const struct release_meta *m)
{
	json_t *doc = json_object(), *pred = json_object();

	jset(doc, "_type", jstr("https://in-toto.io/Statement/v1"));
	jset(doc, "subject", subjects(m));
	jset(doc, "predicateType", jstr("https://slsa.dev/provenance/v1"));
	jset(pred, "buildDefinition", build_definition(m));
	jset(pred, "runDetails", run_details(m));
	jset(doc, "predicate", pred);
	return doc;
}

/* the statement signed with key, as a Sigstore bundle holding its DSSE envelope; NULL after a message */
static json_t *signed_bundle(const char *statement, size_t len, const struct sign_key *key)
{
	return sigstore_bundle(key, INTOTO_PAYLOAD_TYPE, statement, len);
}

char *provenance_envelope(const char *statement, size_t len, const struct sign_key *key)
{
	json_t *bundle = signed_bundle(statement, len, key);
	char *line = bundle ? json_line(json_object_get(bundle, "dsseEnvelope")) : NULL;

	json_decref(bundle);
	return line;
}

char *provenance_bundle(const char *statement, size_t len, const struct sign_key *key)
{
	json_t *bundle = signed_bundle(statement, len, key);
	char *text = bundle ? json_text(bundle) : NULL;

	json_decref(bundle);
	return text;
}
