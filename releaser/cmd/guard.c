/*
 * releaser guard: fail when a tracked file is a build output (ELF or BPF
 * object, archive, analyzer artifact, key) or too large.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "git/internal.h"
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
	"              none: the tree at HEAD\n"
	"  --json      print the result as one JSON object\n"
	"\n"
	"exit codes: 0 no build output, 1 build outputs found, 2 bad usage or an\n"
	"unknown revision\n";

static json_t *offender_json(git_repository *repo, const struct guard_offender *o)
{
	char commit[GIT_OID_HEXSZ + 1] = "", blob[GIT_OID_HEXSZ + 1];
	git_commit *c = NULL;
	json_t *j;

	git_oid_tostr(blob, sizeof(blob), &o->blob);
	if (!git_oid_is_zero(&o->commit))
		git_oid_tostr(commit, sizeof(commit), &o->commit);
	j = json_pack("{s:s, s:s, s:I, s:s}", "path", o->path, "reason", o->reason, "size",
		      (json_int_t)o->size, "blob", blob);
	json_object_set_new(j, "commit", commit[0] ? json_string(commit) : json_null());
	if (commit[0] && git_commit_lookup(&c, repo, &o->commit) == 0)
		json_object_set_new(j, "subject", json_string(git_commit_summary(c) ? git_commit_summary(c) : ""));
	git_commit_free(c);
	return j;
}

static void print_human(json_t *r)
{
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(r, "offenders"), i, o) {
		const char *commit = json_string_value(json_object_get(o, "commit"));
		const char *subject = json_string_value(json_object_get(o, "subject"));

		printf("'%s': %s (%lld bytes), added by %.12s%s%s%s\n", json_string_value(json_object_get(o, "path")),
		       json_string_value(json_object_get(o, "reason")),
		       (long long)json_integer_value(json_object_get(o, "size")), commit ? commit : "an unknown commit",
		       subject ? " \"" : "", subject ? subject : "", subject ? "\"" : "");
	}
}

static int peel_commit(git_object *obj, const char *spec, git_oid *out)
{
	git_object *c = NULL;

	if (!obj || git_object_peel(&c, obj, GIT_OBJECT_COMMIT) < 0)
		return error("'%s' does not name commits: give A..B, a revision, or nothing for HEAD", spec);
	git_oid_cpy(out, git_object_id(c));
	git_object_free(c);
	return 0;
}

/* spec as a range (from, to; *ranged = 1) or one commit (to); returns 0 or -1 after a message */
static int resolve(git_repository *repo, const char *spec, git_oid *from, git_oid *to, int *ranged)
{
	git_revspec rs;
	int ret = -1;

	memset(&rs, 0, sizeof(rs));
	*ranged = 0;
	if (git_revparse(&rs, repo, spec) < 0)
		return error("unknown revision or range '%s': give A..B, a revision, or nothing for HEAD", spec);
	if (rs.flags & GIT_REVSPEC_MERGE_BASE) {
		error("'%s': A...B is not supported: give A..B", spec);
	} else if (rs.flags & GIT_REVSPEC_RANGE) {
		*ranged = 1;
		if (peel_commit(rs.from, spec, from) == 0 && peel_commit(rs.to, spec, to) == 0)
			ret = 0;
	} else if (peel_commit(rs.from, spec, to) == 0) {
		ret = 0;
	}
	git_object_free(rs.from);
	git_object_free(rs.to);
	return ret;
}

/* releaser guard [REV-RANGE] [--json]: see usage_text */
int cmd_guard(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct guard_result res = { 0 };
	const char *spec = "HEAD";
	git_oid from, to;
	json_t *r = NULL, *list;
	int c, json = 0, ranged = 0, ret = EXIT_USAGE;
	size_t i;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (c != 'j')
			return error("see releaser guard --help"), EXIT_USAGE;
		json = 1;
	}
	if (argc - optind > 1)
		return error("unexpected argument '%s' (see releaser guard --help)", argv[optind + 1]), EXIT_USAGE;
	if (optind < argc)
		spec = argv[optind];
	if (resolve(ctx->repo, spec, &from, &to, &ranged) < 0)
		goto cleanup;
	ret = EXIT_FAIL;
	if ((ranged ? guard_range(ctx->repo, &from, &to, (unsigned long long)ctx->settings.guard_max_size, &res)
		    : guard_tree(ctx->repo, &to, (unsigned long long)ctx->settings.guard_max_size, &res)) < 0)
		goto cleanup;
	list = json_array();
	for (i = 0; i < res.n; i++)
		json_array_append_new(list, offender_json(ctx->repo, &res.items[i]));
	r = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:b}", "revision", spec, "mode", ranged ? "range" : "tree",
		      "commits", (json_int_t)res.commits, "files", (json_int_t)res.files, "maxsize",
		      (json_int_t)ctx->settings.guard_max_size, "offenders", list, "ok", res.n == 0);
	if (json) {
		json_dumpf(r, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		print_human(r);
	}
	if (res.n > 0) {
		error("%zu build output%s tracked in '%s': remove %s (git rm --cached PATH), list %s in .gitignore, "
		      "and rewrite unpushed commits that added %s", res.n, res.n == 1 ? "" : "s", spec,
		      res.n == 1 ? "it" : "them", res.n == 1 ? "it" : "them", res.n == 1 ? "it" : "them");
		goto cleanup;
	}
	note("guard: no build output among %zu file%s in '%s'", res.files, res.files == 1 ? "" : "s", spec);
	ret = EXIT_OK;
cleanup:
	json_decref(r);
	guard_result_release(&res);
	return ret;
}
