/*
 * releaser mirror: bring the debug branch up to date with main (fast-forward
 * or a clean merge), check it for drift, push it.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "git/drift.h"
#include "git/internal.h"
#include "git/identity.h"
#include "git/mirror.h"
#include "git/push.h"

static const char usage_text[] =
	"usage: releaser mirror [--main BRANCH] [--debug BRANCH] [--dry-run] [--push [--remote NAME]] [--json]\n"
	"       releaser mirror --check [--main BRANCH] [--debug BRANCH] [--json]\n"
	"\n"
	"Brings the debug branch up to date with main: a fast-forward when debug has\n"
	"nothing of its own, otherwise a merge commit of main into debug when it\n"
	"merges cleanly. On a conflict nothing changes and the paths are listed.\n"
	"\n"
	"  --main BRANCH    the branch to follow (default: branch.main in releaser.conf)\n"
	"  --debug BRANCH   the branch to update (default: branch.debug)\n"
	"  --dry-run        say what would happen; change nothing\n"
	"  --push           then push the debug branch to the remote (never forced)\n"
	"  --remote NAME    the remote for --push (default: origin)\n"
	"  --check          change nothing; fail when debug is behind main or differs\n"
	"                   from it outside mirror.allow (drift)\n"
	"  --json           print the result as one JSON object\n"
	"\n"
	"The merge commit's author and committer: $RELEASER_AUTHOR_NAME and\n"
	"$RELEASER_AUTHOR_EMAIL (else user.name, user.email), $RELEASER_COMMITTER_NAME\n"
	"and $RELEASER_COMMITTER_EMAIL (else the author).\n"
	"\n"
	"exit codes: 0 done (or --check found nothing), 1 conflict, drift, debug behind,\n"
	"push rejected, or debug moved meanwhile, 2 bad usage or a missing branch,\n"
	"remote or identity, or debug checked out with local changes\n";

struct options {
	const char *main_branch, *debug_branch, *remote;
	int push, dry_run, check, json;
};

/* parse fills *o; returns -1 to go on, or the exit code to return now */
static int parse(int argc, char **argv, struct options *o, const struct settings *s)
{
	static const struct option longopts[] = {
		{ "main", required_argument, NULL, 'm' },  { "debug", required_argument, NULL, 'd' },
		{ "remote", required_argument, NULL, 'r' }, { "push", no_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },      { "check", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },         { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->remote = "origin";
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': o->main_branch = optarg; break;
		case 'd': o->debug_branch = optarg; break;
		case 'r': o->remote = optarg; break;
		case 'p': o->push = 1; break;
		case 'n': o->dry_run = 1; break;
		case 'c': o->check = 1; break;
		case 'j': o->json = 1; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		default: return error("see releaser mirror --help"), EXIT_USAGE;
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s' (see releaser mirror --help)", argv[optind]), EXIT_USAGE;
	if (o->check && (o->push || o->dry_run))
		return error("--check only reads: run it without --push and --dry-run"), EXIT_USAGE;
	if (!o->main_branch)
		o->main_branch = s->main_branch;
	if (!o->debug_branch)
		o->debug_branch = s->debug_branch;
	return -1;
}

static json_t *json_list(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->items[i]));
	return a;
}

static json_t *json_oid(const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];

	return json_string(git_oid_tostr(hex, sizeof(hex), id));
}

/* the report: one JSON object, printed as is (--json) or as "key: value" lines */
static json_t *report_new(const struct mirror *m)
{
	json_t *r = json_object();

	json_object_set_new(r, "main", json_pack("{s:s, s:o}", "branch", m->main_branch, "commit",
						 json_oid(&m->main_id)));
	json_object_set_new(r, "debug", json_pack("{s:s, s:o}", "branch", m->debug_branch, "commit",
						  json_oid(&m->debug_id)));
	json_object_set_new(r, "ahead", json_integer((json_int_t)m->ahead));
	json_object_set_new(r, "behind", json_integer((json_int_t)m->behind));
	json_object_set_new(r, "analysis", json_string(mirror_analysis_name(m->analysis)));
	return r;
}

static void report_print(json_t *r, int as_json)
{
	const char *keys[] = { "main", "debug", "ahead", "behind", "analysis", "result", "commit",
			       "conflicts", "drift", "pushed", NULL };
	const char **k;
	json_t *v, *item;
	size_t i;

	if (as_json) {
		json_dumpf(r, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		return;
	}
	for (k = keys; *k; k++) {
		v = json_object_get(r, *k);
		if (json_is_object(v))
			printf("%s: %s %.12s\n", *k, json_string_value(json_object_get(v, "branch")),
			       json_string_value(json_object_get(v, "commit")));
		else if (json_is_integer(v))
			printf("%s: %lld\n", *k, (long long)json_integer_value(v));
		else if (json_is_string(v))
			printf("%s: %s\n", *k, json_string_value(v));
		else if (json_is_array(v))
			json_array_foreach(v, i, item)
				printf("%s: %s\n", *k, json_string_value(item));
	}
}

static int check(git_repository *repo, const struct mirror *m, const struct settings *s, json_t *r)
{
	struct strlist drift = { 0 };
	int ret = EXIT_FAIL;

	if (drift_find(repo, &m->main_id, &m->debug_id, &s->mirror_allow, &drift) < 0)
		goto cleanup;
	json_object_set_new(r, "drift", json_list(&drift));
	json_object_set_new(r, "result", json_string(drift.n || m->behind ? "failed" : "ok"));
	if (drift.n > 0)
		error("'%s' differs from '%s' in %zu path%s outside mirror.allow: make the change on '%s', "
		      "or allow the path in releaser.conf", m->debug_branch, m->main_branch, drift.n,
		      drift.n == 1 ? "" : "s", m->main_branch);
	else if (m->behind > 0)
		error("'%s' is %zu commit%s behind '%s': run releaser mirror", m->debug_branch, m->behind,
		      m->behind == 1 ? "" : "s", m->main_branch);
	else
		ret = EXIT_OK;
cleanup:
	strlist_clear(&drift);
	return ret;
}

static const char *done_name(const struct mirror *m, int dry_run)
{
	if (m->analysis == MIRROR_UP_TO_DATE)
		return "up-to-date";
	if (m->analysis == MIRROR_FAST_FORWARD)
		return dry_run ? "would-fast-forward" : "fast-forwarded";
	return dry_run ? "would-merge" : "merged";
}

/* mirror (or say what it would do), then push */
static int update(git_repository *repo, struct mirror *m, const struct options *o, json_t *r)
{
	git_signature *author = NULL, *committer = NULL;
	int rc, ret = EXIT_FAIL;

	if (m->analysis == MIRROR_MERGE && !o->dry_run && identity_get(repo, &author, &committer) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	rc = mirror_prepare(repo, m, author, committer, !o->dry_run);
	if (rc < 0)
		goto cleanup;
	if (rc > 0) {
		json_object_set_new(r, "result", json_string("conflict"));
		json_object_set_new(r, "conflicts", json_list(&m->conflicts));
		error("merging '%s' into '%s' conflicts in %zu path%s: nothing was changed; merge by hand "
		      "(see RELEASING.md)", m->main_branch, m->debug_branch, m->conflicts.n,
		      m->conflicts.n == 1 ? "" : "s");
		goto cleanup;
	}
	if (!o->dry_run && (ret = mirror_apply(repo, m)) != EXIT_OK)
		goto cleanup;
	json_object_set_new(r, "result", json_string(done_name(m, o->dry_run)));
	if (!o->dry_run)
		json_object_set_new(r, "commit", json_oid(&m->result));
	if (o->push && !o->dry_run) {
		if ((ret = push_branch(repo, o->remote, m->debug_branch)) != EXIT_OK)
			goto cleanup;
		json_object_set_new(r, "pushed", json_string(o->remote));
	}
	ret = EXIT_OK;
cleanup:
	git_signature_free(author);
	git_signature_free(committer);
	return ret;
}

/* releaser mirror [options]: see usage_text */
int cmd_mirror(int argc, char **argv, struct context *ctx)
{
	struct options o;
	struct mirror m;
	json_t *r = NULL;
	int ret;

	memset(&m, 0, sizeof(m));
	if ((ret = parse(argc, argv, &o, &ctx->settings)) >= 0)
		return ret;
	if ((ret = mirror_inspect(ctx->repo, o.main_branch, o.debug_branch, &m)) != 0)
		goto cleanup;
	r = report_new(&m);
	ret = o.check ? check(ctx->repo, &m, &ctx->settings, r) : update(ctx->repo, &m, &o, r);
	report_print(r, o.json);
cleanup:
	json_decref(r);
	mirror_release(&m);
	return ret;
}
