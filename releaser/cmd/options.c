/* Options shared by the release commands (see options.h). */
#include "cmd/options.h"

#include <stdio.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/progress.h"

int state_option(int opt, const char *arg, struct state_opts *o, struct strlist *arches)
{
	switch (opt) {
	case OPT_BRANCH:
		if (!*arg)
			return error("--branch needs a branch name");
		o->branch = arg;
		return 1;
	case OPT_TAG:
		if (!*arg)
			return error("--tag needs a tag name");
		if (o->snapshot)
			return error("--tag and --snapshot exclude each other: give one");
		o->tag = arg;
		return 1;
	case OPT_REQUIRE_TAG:
		if (o->snapshot)
			return error("--require-tag and --snapshot exclude each other: give one");
		o->require_tag = 1;
		return 1;
	case OPT_SNAPSHOT:
		if (o->require_tag)
			return error("--require-tag and --snapshot exclude each other: give one");
		if (o->tag)
			return error("--tag and --snapshot exclude each other: give one");
		o->snapshot = 1;
		return 1;
	case OPT_REMOTE:
		if (!*arg)
			return error("--remote needs a remote name");
		o->remote = arg;
		return 1;
	case OPT_ARCH:
		strlist_clear(arches);
		if (plan_parse_arches(arg, arches) < 0)
			return -1;
		o->arches = arches;
		return 1;
	default:
		return 0;
	}
}

int output_option(int opt, const char *arg, struct release_opts *ro)
{
	switch (opt) {
	case OPT_OUT:
		ro->out = arg;
		return 1;
	case OPT_KEY:
		ro->key = arg;
		return 1;
	case OPT_DEV_KEY:
		ro->dev_key = arg;
		return 1;
	case OPT_NO_SIGN:
		ro->no_sign = 1;
		return 1;
	case OPT_FORCE:
		ro->force = 1;
		return 1;
	case OPT_JSON:
		ro->json = 1;
		return 1;
	default:
		return 0;
	}
}

int cmd_release_step(int argc, char **argv, struct context *ctx, const char *shortopts,
		     const struct option *longopts, const char *usage, int flags, int phases, release_step_fn step)
{
	struct release_opts ro;
	struct release_state st;
	struct strlist arches = { 0 };
	struct sign_key *key = NULL;
	int loaded = 0, ret;

	release_opts_init(&ro);
	ret = release_parse_options(argc, argv, shortopts, longopts, usage, &ro, &arches);
	if (ret >= 0)
		goto cleanup;
	ret = cmd_no_operands(argc, argv);
	ro.builds = (flags & STEP_BUILDS) != 0;
	progress_plan(phases);
	if (ret == EXIT_OK)
		ret = release_prepare(ctx->repo, &ctx->settings, &ro, &st, (flags & STEP_KEY) ? &key : NULL);
	if (ret != EXIT_OK)
		goto cleanup;
	loaded = 1;
	ret = step(&st, &ctx->settings, &ro, key);
cleanup:
	sign_key_free(key);
	if (loaded)
		release_state_release(&st);
	strlist_clear(&arches);
	return ret;
}

int release_parse_options(int argc, char **argv, const char *shortopts, const struct option *longopts,
			  const char *usage, struct release_opts *ro, struct strlist *arches)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cmd_bad_option(c, argv);
		if (c == OPT_HELP) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (c == OPT_JOBS || c == 'j') {
			if (release_parse_jobs(optarg, &ro->jobs) < 0)
				return EXIT_USAGE;
			continue;
		}
		if (c == OPT_CHECK_REPRODUCIBLE) {
			ro->check_reproducible = 1;
			continue;
		}
		if (output_option(c, optarg, ro))
			continue;
		rc = state_option(c, optarg, &ro->state, arches);
		if (rc < 0)
			return EXIT_USAGE;
		if (rc == 0)
			return cmd_bad_option('?', argv);
	}
	return -1;
}
