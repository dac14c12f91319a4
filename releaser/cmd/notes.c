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

enum { OPT_BODY = OPT_FIRST_FREE, OPT_MAX_CHARS };

/* what a CHANGELOG.md may weigh to be read as a release body */
#define BODY_FILE_MAX (64u << 20)

static const char usage_text[] =
	"usage: releaser notes [--json] [TAG]\n"
	"       releaser notes --body CHANGELOG.md [--max-chars N]\n"
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
	"Commit text is decoded from the commit's encoding (what cannot be\n"
	"decoded becomes U+FFFD and the JSON counts it) and escaped, so that each\n"
	"commit stays one line of plain text in its item. A commit whose author\n"
	"line is malformed is listed without its author, after a warning.\n"
	"\n"
	"With --body: prints the GitHub release body for a release's CHANGELOG.md:\n"
	"the file itself when it has at most N characters (default 125000,\n"
	"GitHub's limit), else the items that fit and a line saying how many are\n"
	"left out (CHANGELOG.md, attached to the release, keeps them all).\n"
	"\n"
	"options:\n"
	"  --json          print one JSON object instead (for CI)\n"
	"  --body FILE     print the release body for the CHANGELOG.md FILE\n"
	"  --max-chars N   the body's limit in characters (with --body)\n"
	"  --help          this text\n"
	"\n"
	"exit codes: 0 printed, 1 the history could not be read, 2 bad usage,\n"
	"TAG is not a release tag or does not exist, there is nothing to release,\n"
	"or FILE cannot be read\n";

/* the release body of the CHANGELOG.md at path, printed; an exit code */
static int print_body(const char *path, size_t max_chars)
{
	size_t len;
	char *md = read_file(path, BODY_FILE_MAX, &len), *body;
	int ret = EXIT_OK;

	if (!md)
		return EXIT_USAGE;
	body = release_notes_body(md, len, max_chars);
	if (fputs(body, stdout) == EOF || fflush(stdout) == EOF) {
		error("cannot write to standard output");
		ret = EXIT_FAIL;
	}
	free(body);
	free(md);
	return ret;
}

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
		{ "body", required_argument, NULL, OPT_BODY },
		{ "max-chars", required_argument, NULL, OPT_MAX_CHARS },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct state_opts so = { 0 };
	struct release_state st;
	const char *tag = NULL, *body = NULL;
	size_t max_chars = NOTES_BODY_MAX_CHARS;
	unsigned long long n;
	char *end;
	int json = 0, c, ret;

	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		} else if (c == OPT_JSON) {
			json = 1;
		} else if (c == OPT_BODY) {
			body = optarg;
		} else if (c == OPT_MAX_CHARS) {
			n = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || n < NOTES_BODY_FOOTER_ROOM || n > NOTES_BODY_MAX_CHARS)
				return error("--max-chars takes a number from %d to %d, got '%s'", NOTES_BODY_FOOTER_ROOM,
					     NOTES_BODY_MAX_CHARS, optarg), EXIT_USAGE;
			max_chars = (size_t)n;
		} else {
			return cmd_bad_option(c, argv);
		}
	}
	if (body && (json || optind < argc))
		return error("--body takes no tag and no --json (see releaser notes --help)"), EXIT_USAGE;
	if (body)
		return print_body(body, max_chars);
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
