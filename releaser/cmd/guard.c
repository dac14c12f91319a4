/*
 * releaser guard: fail when a tracked file is a build output (ELF or BPF
 * object, archive, analyzer artifact, key) or too large.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/text.h"
#include "git/guard.h"

static const char usage_text[] =
	"usage: releaser guard [REV-RANGE] [--json]\n"
	"\n"
	"Fails when a tracked file is a build output: an ELF file (BPF objects\n"
	"included), an ar archive, a compressed file or archive, a file named like\n"
	"an analyzer artifact (analyzer.ebpf.*), a key, or a file larger than\n"
	"guard.maxsize in releaser.conf. Each offender is listed with the commit\n"
	"that added it.\n"
	"\n"
	"  REV-RANGE   A..B: the files added or changed by the commits in the range\n"
	"              (a push or pull request); a single revision: its whole tree;\n"
	"              none: the tree at HEAD. A range whose start is gone (the\n"
	"              zero id of a new branch, or a commit id a force-push\n"
	"              dropped) guards what B adds to branch.main (local, else\n"
	"              origin's), or B's tree when B is on it or it is missing\n"
	"  --json      print the result as one JSON object\n"
	"  --help      this text\n"
	"\n"
	"exit codes: 0 no build output, 1 build outputs found, 2 bad usage or an\n"
	"unknown revision\n";

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct guard_opts {
	const char *rev;
	int json;
};

/* the remote whose copy of branch.main a push's range falls back to */
#define GUARD_REMOTE "origin"

/* parse fills *o; returns -1 to go on, or the exit code to return now */
static int parse(int argc, char **argv, struct guard_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->rev = "HEAD";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': o->json = 1; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		default: return cmd_bad_option(c, argv);
		}
	}
	if (argc - optind > 1)
		return error("unexpected argument '%s' (see releaser guard --help)", argv[optind + 1]), EXIT_USAGE;
	if (optind < argc)
		o->rev = argv[optind];
	return -1;
}

static json_t *report_json(const struct guard_opts *o, const char *guarded, const struct guard_result *r,
			   long long max_size)
{
	json_t *list = json_array(), *item;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct guard_offender *off = &r->items[i];

		item = json_pack("{s:s, s:s, s:I, s:s}", "path", off->path, "reason", off->reason, "size",
				 (json_int_t)off->size, "blob", off->blob);
		jset(item, "commit", jstr(off->commit[0] ? off->commit : NULL));
		if (off->subject)
			jset(item, "subject", jstr(off->subject));
		jpush(list, item);
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:b}", "revision", o->rev, "guarded", guarded,
			 "mode", r->ranged ? "range" : "tree", "commits", (json_int_t)r->commits, "files",
			 (json_int_t)r->files, "maxsize", (json_int_t)max_size, "offenders", list, "ok", r->n == 0);
}

/* one line per offender; its path and commit subject escaped for the terminal */
static void print_human(const struct guard_result *r)
{
	char *path, *subject;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct guard_offender *o = &r->items[i];

		path = term_escape(o->path);
		subject = o->subject ? term_escape(o->subject) : NULL;
		printf("'%s': %s (%llu bytes), added by %.12s%s%s%s\n", path, o->reason, o->size,
		       o->commit[0] ? o->commit : "an unknown commit", subject ? " \"" : "", subject ? subject : "",
		       subject ? "\"" : "");
		free(path);
		free(subject);
	}
}

/* say what a range whose start is gone is guarded as instead (see guard_start_gone) */
static void note_fallback(const char *rev, const char *instead, const char *base, const char *branch)
{
	const char *end = strstr(rev, "..") + 2;

	if (!*end)
		end = "HEAD";
	if (strstr(instead, ".."))
		note("the range's start is gone: guarding what '%s' adds to '%s'", end, base);
	else if (base)
		note("the range's start is gone and '%s' is on '%s': guarding its whole tree", end, base);
	else
		note("the range's start is gone and there is no '%s' branch: guarding the whole tree of '%s'",
		     branch, end);
}

/* releaser guard [REV-RANGE] [--json]: see usage_text */
int cmd_guard(int argc, char **argv, struct context *ctx)
{
	struct guard_result res = { 0 };
	struct guard_opts o;
	json_t *doc = NULL;
	char *instead = NULL, *base = NULL;
	const char *rev;
	int ret;

	if ((ret = parse(argc, argv, &o)) >= 0)
		return ret;
	ret = guard_start_gone(ctx->repo, o.rev, ctx->settings.main_branch, GUARD_REMOTE, &instead, &base);
	if (ret < 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	if (ret == 1)
		note_fallback(o.rev, instead, base, ctx->settings.main_branch);
	rev = instead ? instead : o.rev;
	ret = guard_run(ctx->repo, rev, (unsigned long long)ctx->settings.guard_max_size, &res);
	if (ret != EXIT_OK)
		goto cleanup;
	ret = EXIT_FAIL;
	if (o.json) {
		doc = report_json(&o, rev, &res, ctx->settings.guard_max_size);
		if (json_print(doc) < 0)
			goto cleanup;
	} else {
		print_human(&res);
	}
	if (res.n > 0) {
		error("%zu build output%s tracked in '%s': remove %s (git rm --cached PATH), list %s in .gitignore, "
		      "and rewrite unpushed commits that added %s", res.n, res.n == 1 ? "" : "s", rev,
		      res.n == 1 ? "it" : "them", res.n == 1 ? "it" : "them", res.n == 1 ? "it" : "them");
		goto cleanup;
	}
	note("guard: no build output among %zu file%s in '%s'", res.files, res.files == 1 ? "" : "s", rev);
	ret = EXIT_OK;
cleanup:
	json_decref(doc);
	guard_result_release(&res);
	free(instead);
	free(base);
	return ret;
}
