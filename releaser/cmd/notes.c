/*
 * releaser notes: the release notes of a tag (default: what a release
 * would release now), as CHANGELOG.md or JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/json.h"
#include "cmd/options.h"
#include "release/notes.h"
#include "release/state.h"

static const char usage_text[] =
	"usage: releaser notes [--json] [TAG]\n"
	"\n"
	"Prints the release notes of TAG, as `releaser release` writes them into\n"
	"CHANGELOG.md: the commits since the previous release tag of the same\n"
	"channel (a final release skips its own pre-releases; the first release\n"
	"lists everything), without merges or the mirror's marker commits, grouped\n"
	"by Conventional Commits type (feat, fix, perf, ...; breaking changes\n"
	"first, other subjects last), each with its short hash. A debug release\n"
	"(vX.Y.Z-debug) names the release it mirrors and lists what the debug\n"
	"branch adds on top of it. Without TAG: the tag a release would release\n"
	"now (as releaser info shows it), or for a snapshot the commits since the\n"
	"last release tag up to HEAD.\n"
	"\n"
	"options:\n"
	"  --json          print one JSON object instead (for CI)\n"
	"  --help          this text\n"
	"\n"
	"exit codes: 0 printed, 1 the history could not be read, 2 bad usage,\n"
	"TAG is not a release tag or does not exist, or there is nothing to release\n";

/* the notes of tag, or of what st releases when tag is NULL, printed; an exit code */
static int print_notes(git_repository *repo, const struct release_state *st, const char *tag, int json)
{
	struct release_notes rn;
	char *text = NULL;
	json_t *doc = NULL;
	int ret = release_notes_load(repo, st, tag, &rn);

	if (ret != EXIT_OK)
		goto cleanup;
	ret = EXIT_FAIL;
	if (json) {
		doc = release_notes_json(&rn);
		if (json_print(doc) < 0)
			goto cleanup;
	} else {
		text = release_notes_markdown(&rn);
		if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
			error("cannot write to standard output");
			goto cleanup;
		}
	}
	ret = EXIT_OK;
cleanup:
	json_decref(doc);
	free(text);
	release_notes_release(&rn);
	return ret;
}

int cmd_notes(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct state_opts so = { 0 };
	struct release_state st;
	const char *tag = NULL;
	int json = 0, c, ret;

	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (c != OPT_JSON)
			return cmd_bad_option(c, argv);
		json = 1;
	}
	if (argc - optind > 1) {
		error("notes takes one tag, got '%s' too (see releaser notes --help)", argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (optind < argc)
		tag = argv[optind];
	if (tag)
		return print_notes(ctx->repo, NULL, tag, json);
	ret = release_state_load(ctx->repo, &ctx->settings, &so, &st);
	if (ret != 0)
		return ret > 0 ? EXIT_USAGE : EXIT_FAIL;
	ret = print_notes(ctx->repo, &st, NULL, json);
	release_state_release(&st);
	return ret;
}
