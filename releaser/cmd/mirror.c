/*
 * releaser mirror: bring the debug branch up to date with main (fast-forward
 * or a clean merge), check it for drift, push it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/text.h"
#include "git/mirror.h"
#include "release/builder.h"
#include "release/notes.h"

static const char usage_text[] =
	"usage: releaser mirror [--main BRANCH] [--debug BRANCH] [--fetch] [--dry-run] [--push] [--remote NAME] [--json]\n"
	"                      [--issue FILE]\n"
	"       releaser mirror --check [--main BRANCH] [--debug BRANCH] [--json] [--issue FILE]\n"
	"       releaser mirror --init [--main BRANCH] [--debug BRANCH] [--dry-run] [--push] [--remote NAME] [--json]\n"
	"\n"
	"Brings the debug branch up to date with main: a fast-forward when debug has\n"
	"nothing of its own, otherwise a merge commit of main into debug when it\n"
	"merges cleanly. On a conflict nothing changes and the paths are listed.\n"
	"HEAD stays on its branch; a branch checked out here moves with its index and\n"
	"work tree, only when it has no local changes.\n"
	"\n"
	"  --init           the first day: create the debug branch from main, with a\n"
	"                   first commit that changes no file (debug's own, so every\n"
	"                   mirror is a merge); refused when debug exists\n"
	"  --fetch          first fetch main and debug from the remote and bring the\n"
	"                   local branches up to them (created or fast-forwarded);\n"
	"                   refused when the remote has no debug branch (--init --push)\n"
	"                   or the local main has commits it lacks (push them first)\n"
	"  --main BRANCH    the branch to follow (default: branch.main in releaser.conf)\n"
	"  --debug BRANCH   the branch to update (default: branch.debug)\n"
	"  --dry-run        say what would happen; change nothing\n"
	"  --push           then push the debug branch to the remote (never forced)\n"
	"  --remote NAME    the remote for --fetch, --push and --init (default: origin)\n"
	"  --check          change nothing; fail when debug is behind main or differs\n"
	"                   from it outside mirror.allow (drift)\n"
	"  --json           print the result as one JSON object\n"
	"  --issue FILE     when it fails, write there the body of an issue for the\n"
	"                   maintainers (Markdown: the conflicting or drifting paths,\n"
	"                   the run under GitHub Actions); nothing when it succeeds\n"
	"  --help           this text\n"
	"\n"
	"The merge commit's author and committer: $RELEASER_AUTHOR_NAME and\n"
	"$RELEASER_AUTHOR_EMAIL (else user.name, user.email), $RELEASER_COMMITTER_NAME\n"
	"and $RELEASER_COMMITTER_EMAIL (else the author).\n"
	"\n"
	"exit codes: 0 done (or --check found nothing), 1 conflict, drift, debug behind,\n"
	"push rejected, the remote unreachable, or debug moved meanwhile, 2 bad usage or\n"
	"a missing branch, remote or identity (--fetch: no debug branch on the remote),\n"
	"a branch to move checked out with local changes, a local branch diverged from\n"
	"the remote's or a local main ahead of it, or (--init) debug exists already\n";

static const struct option longopts[] = {
	{ "main", required_argument, NULL, 'm' },  { "debug", required_argument, NULL, 'd' },
	{ "remote", required_argument, NULL, 'r' }, { "push", no_argument, NULL, 'p' },
	{ "dry-run", no_argument, NULL, 'n' },      { "check", no_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },         { "help", no_argument, NULL, 'h' },
	{ "init", no_argument, NULL, 'i' },         { "fetch", no_argument, NULL, 'f' },
	{ "issue", required_argument, NULL, 'I' },
	{ NULL, 0, NULL, 0 },
};

/* parse fills *o (and *json, *issue); returns -1 to go on, or the exit code to return now */
static int parse(int argc, char **argv, struct mirror_opts *o, int *json, const char **issue,
		 const struct settings *s)
{
	const char *remote = "origin";
	int c, push = 0;

	memset(o, 0, sizeof(*o));
	*json = 0;
	*issue = NULL;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': o->main_branch = optarg; break;
		case 'd': o->debug_branch = optarg; break;
		case 'r': remote = optarg; break;
		case 'p': push = 1; break;
		case 'n': o->dry_run = 1; break;
		case 'c': o->check = 1; break;
		case 'i': o->init = 1; break;
		case 'f': o->fetch = 1; break;
		case 'j': *json = 1; break;
		case 'I': *issue = optarg; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		default: return cmd_bad_option(c, argv);
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s' (see releaser mirror --help)", argv[optind]), EXIT_USAGE;
	if (*issue && !**issue)
		return error("--issue needs a file name"), EXIT_USAGE;
	if (o->check && (push || o->dry_run || o->fetch || o->init))
		return error("--check only reads: run it without --push, --dry-run, --fetch and --init"), EXIT_USAGE;
	if (o->init && o->fetch)
		return error("--init creates the debug branch, --fetch updates it: give one"), EXIT_USAGE;
	if (o->fetch && o->dry_run)
		return error("--dry-run moves nothing, --fetch moves the local branches: fetch first (git fetch "
			     "%s), then run --dry-run alone", remote), EXIT_USAGE;
	if (!o->main_branch)
		o->main_branch = s->main_branch;
	if (!o->debug_branch)
		o->debug_branch = s->debug_branch;
	o->remote = push ? remote : NULL;
	o->origin = remote;
	o->allow = &s->mirror_allow;
	return -1;
}

static json_t *json_list(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		jpush(a, jstr(l->items[i]));
	return a;
}

/* the report as one JSON object, keys in the order they were learnt */
static json_t *report_json(const struct mirror_opts *o, const struct mirror_result *r)
{
	json_t *doc = json_object();

	jset(doc, "main", json_pack("{s:s, s:s}", "branch", o->main_branch, "commit", r->main_commit));
	if (r->fetched)
		jset(doc, "fetched", json_pack("{s:s, s:s?, s:s?}", "remote", r->fetched, "main", r->main_moved,
					       "debug", r->debug_moved));
	jset(doc, "debug", json_pack("{s:s, s:s}", "branch", o->debug_branch, "commit", r->debug_commit));
	jset(doc, "ahead", json_integer((json_int_t)r->ahead));
	jset(doc, "behind", json_integer((json_int_t)r->behind));
	jset(doc, "analysis", jstr(mirror_analysis_name(r->analysis)));
	if (r->checked)
		jset(doc, "drift", json_list(&r->drift));
	if (r->result)
		jset(doc, "result", jstr(r->result));
	if (r->conflicts.n)
		jset(doc, "conflicts", json_list(&r->conflicts));
	if (r->commit[0])
		jset(doc, "commit", jstr(r->commit));
	if (r->pushed)
		jset(doc, "pushed", jstr(r->pushed));
	return doc;
}

/* "KEY: PATH" per path, escaped for the terminal */
static void print_list(const char *key, const struct strlist *l)
{
	char *path;
	size_t i;

	for (i = 0; i < l->n; i++) {
		path = term_escape(l->items[i]);
		printf("%s: %s\n", key, path);
		free(path);
	}
}

/* "created from", "fast-forwarded to": how a local branch met the remote's */
static const char *moved_how(const char *moved)
{
	return !strcmp(moved, "created") ? "created from" : "fast-forwarded to";
}

/* the report as "key: value" lines */
static void report_print(const struct mirror_opts *o, const struct mirror_result *r)
{
	if (r->fetched)
		printf("fetched: %s\n", r->fetched);
	if (r->main_moved)
		printf("updated: %s %s %s/%s\n", o->main_branch, moved_how(r->main_moved), r->fetched, o->main_branch);
	if (r->debug_moved)
		printf("updated: %s %s %s/%s\n", o->debug_branch, moved_how(r->debug_moved), r->fetched, o->debug_branch);
	printf("main: %s %.12s\ndebug: %s %.12s\nahead: %zu\nbehind: %zu\nanalysis: %s\n", o->main_branch,
	       r->main_commit, o->debug_branch, r->debug_commit, r->ahead, r->behind,
	       mirror_analysis_name(r->analysis));
	if (r->result)
		printf("result: %s\n", r->result);
	if (r->commit[0])
		printf("commit: %s\n", r->commit);
	print_list("conflicts", &r->conflicts);
	print_list("drift", &r->drift);
	if (r->pushed)
		printf("pushed: %s\n", r->pushed);
}

/* "- PATH" per path, as Markdown text */
static void markdown_list(struct text *t, const struct strlist *l)
{
	char *path;
	size_t i;

	for (i = 0; i < l->n; i++) {
		path = notes_md_text(l->items[i], 300);
		text_add(t, "- %s\n", path);
		free(path);
	}
	text_add(t, "\n");
}

/*
 * the body of the issue a failed run (exit code) leaves for the maintainers,
 * in Markdown (caller frees): branch names and paths are commit data, so
 * each goes through notes_md_text; the run's URL (lib/url.h made it safe)
 * is an autolink
 */
static char *report_markdown(const struct mirror_opts *o, const struct mirror_result *r, int code)
{
	char *main_md = notes_md_text(o->main_branch, 200), *debug_md = notes_md_text(o->debug_branch, 200);
	struct text t = { NULL, 0 };
	struct builder b;
	char why[512];

	text_add(&t, "The scheduled mirror of %s into %s needs a maintainer.\n\n", main_md, debug_md);
	if (r->conflicts.n) {
		text_add(&t, "Merging conflicts in:\n");
		markdown_list(&t, &r->conflicts);
	}
	if (r->checked && r->drift.n) {
		text_add(&t, "The debug branch differs from main outside mirror.allow (drift) in:\n");
		markdown_list(&t, &r->drift);
	}
	if (o->check && r->behind)
		text_add(&t, "The debug branch is %zu commit(s) behind main.\n\n", r->behind);
	if (!r->conflicts.n && !(r->checked && r->drift.n) && !(o->check && r->behind))
		text_add(&t, "It stopped with exit code %d; the run's log says why.\n\n", code);
	text_add(&t, "See RELEASING.md, \"Mirroring\", to resolve it.\n");
	if (builder_load(&b, why, sizeof(why)) == 0) {
		if (b.invocation_id)
			text_add(&t, "\nRun: <%s>\n", b.invocation_id);
		builder_release(&b);
	}
	free(main_md);
	free(debug_md);
	return t.s;
}

/* writes the issue body of a failed run to path; EXIT_OK or EXIT_FAIL after a message */
static int write_issue(const char *path, const struct mirror_opts *o, const struct mirror_result *r, int code)
{
	char *body = report_markdown(o, r, code);
	int ret = write_file_atomic(path, body, strlen(body), 0644) < 0 ? EXIT_FAIL : EXIT_OK;

	free(body);
	return ret;
}

/* releaser mirror [options]: see usage_text */
int cmd_mirror(int argc, char **argv, struct context *ctx)
{
	struct mirror_opts o;
	struct mirror_result r;
	json_t *doc = NULL;
	const char *issue;
	int json, ret;

	if ((ret = parse(argc, argv, &o, &json, &issue, &ctx->settings)) >= 0)
		return ret;
	ret = mirror_run(ctx->repo, &o, &r);
	if (issue && ret != EXIT_OK && write_issue(issue, &o, &r, ret) != EXIT_OK)
		ret = EXIT_FAIL;
	if (!r.inspected)
		goto cleanup;
	if (!json) {
		report_print(&o, &r);
		goto cleanup;
	}
	doc = report_json(&o, &r);
	if (json_print(doc) < 0 && ret == EXIT_OK)
		ret = EXIT_FAIL;
cleanup:
	json_decref(doc);
	mirror_result_release(&r);
	return ret;
}
