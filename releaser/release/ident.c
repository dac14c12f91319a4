/* The release identity and its views (see ident.h). */
#include "release/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/git.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/sums.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void ident_from_state(struct release_ident *id, const struct release_state *st, const struct settings *s)
{
	size_t i;

	memset(id, 0, sizeof(*id));
	id->project = xstrdup(s->name);
	id->version = xstrdup(st->version);
	id->commit = xstrdup(st->head.sha);
	id->short_commit = xstrdup(st->head.short_sha);
	id->ref = xstrdup(st->ref);
	id->branch = dup_or_null(st->branch);
	id->channel = st->channel;
	id->snapshot = st->snapshot;
	id->fake_release = st->plan.fake_release;
	for (i = 0; i < st->plan.n; i++)
		id->arches[i] = st->plan.arches[i];
	id->n_arches = st->plan.n;
	id->epoch = st->epoch;
	id->source_uri = dup_or_null(st->source_uri);
}

void ident_release(struct release_ident *id)
{
	free(id->project);
	free(id->version);
	free(id->commit);
	free(id->short_commit);
	free(id->ref);
	free(id->branch);
	free(id->source_uri);
	memset(id, 0, sizeof(*id));
}

int ident_add_arch(struct release_ident *id, const char *arch, int agent)
{
	struct arch_plan *a;
	size_t i;

	for (i = 0; i < id->n_arches; i++)
		if (!strcmp(id->arches[i].arch, arch))
			return error("arch '%s' is listed twice: keep one part per arch", arch);
	if (id->n_arches == PLAN_MAX_ARCHES || strlen(arch) >= sizeof(a->arch))
		return error("arch '%s' is one too many or unknown: a release has at most %d arches (amd64, arm64)",
			     arch, PLAN_MAX_ARCHES);
	a = &id->arches[id->n_arches++];
	memset(a, 0, sizeof(*a));
	snprintf(a->arch, sizeof(a->arch), "%s", arch);
	a->agent = agent;
	return 0;
}

const char *ident_mode(const struct release_ident *id)
{
	return id->fake_release ? "fake-release" : "dual";
}

const char *ident_release_slot(const struct release_ident *id)
{
	return id->fake_release ? "debug" : "release";
}

json_t *ident_flavors(const struct release_ident *id)
{
	json_t *a = json_array();

	if (!a)
		die(EXIT_FAIL, "out of memory");
	jpush(a, jstr(ident_release_slot(id)));
	if (!id->fake_release)
		jpush(a, jstr("debug"));
	return a;
}

static json_t *arches_json(const struct release_ident *id)
{
	json_t *list = json_array(), *o;
	size_t i;

	if (!list)
		die(EXIT_FAIL, "out of memory");
	for (i = 0; i < id->n_arches; i++) {
		o = json_object();
		if (!o)
			die(EXIT_FAIL, "out of memory");
		jset(o, "arch", jstr(id->arches[i].arch));
		jset(o, "agent", json_boolean(id->arches[i].agent));
		jset(o, "note", jstr(id->arches[i].agent ? NULL : id->arches[i].note));
		jpush(list, o);
	}
	return list;
}

void ident_to_json(const struct release_ident *id, json_t *doc, unsigned what)
{
	jset(doc, "project", jstr(id->project));
	jset(doc, "version", jstr(id->version));
	jset(doc, "snapshot", json_boolean(id->snapshot));
	jset(doc, "commit", jstr(id->commit));
	jset(doc, "ref", jstr(id->ref));
	jset(doc, "source_uri", jstr(id->source_uri));
	jset(doc, "channel", jstr(channel_name(id->channel)));
	jset(doc, "build", jstr(ident_mode(id)));
	jset(doc, "flavors", ident_flavors(id));
	jset(doc, "source_date_epoch", json_integer(id->epoch));
	if (what & IDENT_BUILD) {
		jset(doc, "branch", jstr(id->branch));
		jset(doc, "arches", arches_json(id));
	}
}

static int hex_commit(const char *s)
{
	return strlen(s) == OID_HEX_LEN && strspn(s, "0123456789abcdef") == OID_HEX_LEN;
}

/* the arches of a build record */
static int arches_from_json(struct release_ident *id, const json_t *list, char *why, size_t why_len)
{
	const char *arch, *note;
	json_error_t err;
	json_t *note_json;
	size_t i;
	int agent;

	if (!json_is_array(list) || json_array_size(list) > PLAN_MAX_ARCHES) {
		snprintf(why, why_len, "arches is not a list of at most %d arches", PLAN_MAX_ARCHES);
		return -1;
	}
	for (i = 0; i < json_array_size(list); i++) {
		note_json = NULL;
		if (json_unpack_ex(json_array_get(list, i), &err, 0, "{s:s, s:b, s?:o}", "arch", &arch, "agent",
				   &agent, "note", &note_json) < 0) {
			snprintf(why, why_len, "arches: %s", err.text);
			return -1;
		}
		note = json_is_string(note_json) ? json_string_value(note_json) : "";
		if (strlen(arch) >= sizeof(id->arches[i].arch)) {
			snprintf(why, why_len, "arches: '%s' is not an arch", arch);
			return -1;
		}
		snprintf(id->arches[i].arch, sizeof(id->arches[i].arch), "%s", arch);
		snprintf(id->arches[i].note, sizeof(id->arches[i].note), "%s", note);
		id->arches[i].agent = agent;
		id->n_arches = i + 1;
	}
	return 0;
}

int ident_from_json(struct release_ident *id, const json_t *doc, unsigned what, char *why, size_t why_len)
{
	const char *project, *version, *commit, *ref, *channel, *build, *branch = NULL;
	json_t *uri = NULL, *arches = NULL;
	json_error_t err;
	json_int_t epoch;
	int snapshot;

	memset(id, 0, sizeof(*id));
	if (json_unpack_ex((json_t *)doc, &err, 0, "{s:s, s:s, s:b, s:s, s:s, s?:o, s:s, s:s, s:I}", "project",
			   &project, "version", &version, "snapshot", &snapshot, "commit", &commit, "ref", &ref,
			   "source_uri", &uri, "channel", &channel, "build", &build, "source_date_epoch", &epoch) < 0 ||
	    ((what & IDENT_BUILD) && json_unpack_ex((json_t *)doc, &err, 0, "{s:s, s:o}", "branch", &branch, "arches",
						    &arches) < 0)) {
		snprintf(why, why_len, "%s", err.text);
		return -1;
	}
	if (!hex_commit(commit) || (strcmp(channel, "release") && strcmp(channel, "debug")) ||
	    (strcmp(build, "dual") && strcmp(build, "fake-release")) || epoch < 0 || (uri && !json_is_string(uri) &&
										   !json_is_null(uri))) {
		snprintf(why, why_len, "a bad commit, channel, build, source_uri or source_date_epoch");
		return -1;
	}
	id->project = xstrdup(project);
	id->version = xstrdup(version);
	id->commit = xstrdup(commit);
	id->short_commit = xasprintf("%.*s", SHORT_SHA_LEN, commit);
	id->ref = xstrdup(ref);
	id->branch = dup_or_null(branch);
	id->channel = strcmp(channel, "debug") ? CHANNEL_RELEASE : CHANNEL_DEBUG;
	id->snapshot = snapshot;
	id->fake_release = !strcmp(build, "fake-release");
	id->epoch = epoch;
	id->source_uri = json_is_string(uri) ? xstrdup(json_string_value(uri)) : NULL;
	if (arches && arches_from_json(id, arches, why, why_len) < 0) {
		ident_release(id);
		return -1;
	}
	return 0;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int ident_same(const struct release_ident *a, const struct release_ident *b)
{
	return same(a->project, b->project) && same(a->version, b->version) && same(a->commit, b->commit) &&
	       same(a->ref, b->ref) && a->channel == b->channel && same(a->source_uri, b->source_uri) &&
	       a->snapshot == b->snapshot && a->fake_release == b->fake_release && a->epoch == b->epoch;
}

char *ident_source_locator(const struct release_ident *id)
{
	return id->source_uri ? xasprintf("git+%s@%s", id->source_uri, id->ref) : NULL;
}

char *ident_buildinfo(const struct release_ident *id, const struct arch_plan *a)
{
	return xasprintf("project=%s\n"
			 "version=%s\n"
			 "commit=%s\n"
			 "ref=%s\n"
			 "channel=%s\n"
			 "arch=%s\n"
			 "flavors=%s\n"
			 "release_slot=%s\n"
			 "build=%s\n"
			 "agent=%s\n"
			 "%s%s%s"
			 "source_date_epoch=%lld\n",
			 id->project, id->version, id->commit, id->ref, channel_name(id->channel), a->arch,
			 id->fake_release ? "debug" : "release debug", ident_release_slot(id), ident_mode(id),
			 a->agent ? "yes" : "no", a->agent ? "" : "agent_note=", a->agent ? "" : a->note,
			 a->agent ? "" : "\n", id->epoch);
}

char *ident_trusted_comment(const struct release_ident *id)
{
	return xasprintf("timestamp:%lld file:%s version:%s commit:%s channel:%s", id->epoch, SUMS_FILE, id->version,
			 id->commit, channel_name(id->channel));
}

char *ident_arch_list(const struct release_ident *id, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < id->n_arches && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", id->arches[i].arch);
	return buf;
}
