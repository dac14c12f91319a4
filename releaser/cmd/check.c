/*
 * releaser check: everything a release would be refused for before it
 * builds, all of it at once and without building: releaser.conf (every
 * unknown section or key with the nearest known name, every bad value),
 * the programs a build runs, the repository's state (what preflight
 * refuses) and the output directory.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/options.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/self.h"
#include "lib/text.h"
#include "release/pipeline.h"
#include "release/state.h"
#include "release/tools.h"

static const char usage_text[] =
	"usage: releaser check [--json] [--out DIR] [--force] [--branch NAME] [--tag TAG] [--snapshot]\n"
	"                      [--require-tag] [--remote NAME] [--arch LIST]\n"
	"\n"
	"Lists every problem `releaser release` would refuse before it builds,\n"
	"without building or writing anything, one a line on stdout:\n"
	"\n"
	"  releaser.conf:LINE: MESSAGE  a section or key releaser.conf does not\n"
	"                      know (with the nearest known one: \"unknown key\n"
	"                      'maintainr' in [deb]; did you mean 'maintainer'?\"),\n"
	"                      a bad value, a syntax error, an [include] section\n"
	"  tool: MESSAGE       a program a build runs that is not on PATH\n"
	"  preflight: MESSAGE  what `releaser info` lists under preflight (tag,\n"
	"                      branch, uncommitted changes, shallow clone, ...)\n"
	"  output: MESSAGE     the output directory (dist/, or --out DIR) is not\n"
	"                      usable, or holds another release that the release\n"
	"                      would not replace (see --force)\n"
	"\n"
	"or \"ok\". `release` and `package` refuse the same things first (package\n"
	"needs no tools); every command refuses the releaser.conf problems. The\n"
	"signing key is not checked.\n"
	"\n"
	"options:\n"
	"  --json          print one JSON object instead: ok, config (the file's\n"
	"                  path), problems (each kind: unknown-section, unknown-key,\n"
	"                  bad-value, syntax, unsafe, tool, preflight or output;\n"
	"                  section, key, line, suggestion, message), releaser_version\n"
	"  --out DIR       the output directory a release would write (default: dist/)\n"
	"  --force         a release that would replace what DIR holds (as release --force)\n" STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 no problem, 1 the repository could not be read, 2 a problem\n"
	"was found (one line on stderr says how many), or bad usage\n";

/* one problem of any kind, as the text and --json show it */
struct check_item {
	const char *kind;
	const struct settings_problem *conf; /* a releaser.conf problem, else NULL */
	const char *message;
};

static json_t *item_json(const struct check_item *it)
{
	json_t *o = json_object();
	const struct settings_problem *c = it->conf;

	jset(o, "kind", jstr(it->kind));
	jset(o, "section", jstr(c ? c->section : NULL));
	jset(o, "key", jstr(c ? c->key : NULL));
	jset(o, "line", c && c->line > 0 ? json_integer(c->line) : json_null());
	jset(o, "suggestion", jstr(c ? c->suggestion : NULL));
	jset(o, "message", jstr(it->message));
	return o;
}

static void item_print(const struct check_item *it)
{
	char *shown = term_escape(it->message);

	if (it->conf && it->conf->line > 0)
		printf("%s:%d: %s\n", SETTINGS_FILE, it->conf->line, shown);
	else if (it->conf)
		printf("%s: %s\n", SETTINGS_FILE, shown);
	else
		printf("%s: %s\n", it->kind, shown);
	free(shown);
}

static int print_items(const struct check_item *items, size_t n, const char *config, int json)
{
	json_t *doc, *list;
	size_t i;
	int ret;

	if (!json) {
		for (i = 0; i < n; i++)
			item_print(&items[i]);
		if (n == 0)
			printf("ok\n");
		return fflush(stdout) == 0 ? 0 : error("cannot write to standard output");
	}
	doc = json_object();
	list = json_array();
	jset(doc, "ok", json_boolean(n == 0));
	jset(doc, "config", jstr(config));
	for (i = 0; i < n; i++)
		jpush(list, item_json(&items[i]));
	jset(doc, "problems", list);
	jset(doc, "releaser_version", jstr(releaser_version()));
	ret = json_print(doc);
	json_decref(doc);
	return ret;
}

static void add_item(struct check_item **items, size_t *n, const char *kind, const struct settings_problem *conf,
		     const char *message)
{
	*items = xrealloc(*items, (*n + 1) * sizeof(**items));
	(*items)[*n].kind = kind;
	(*items)[*n].conf = conf;
	(*items)[(*n)++].message = message;
}

/* the options: release_parse_options's, of which check takes --out, --force and the state's */
static int parse(int argc, char **argv, struct release_opts *ro, struct strlist *arches)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, OPT_HELP },
		STATE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int ret = release_parse_options(argc, argv, ":", longopts, usage_text, ro, arches);

	return ret >= 0 ? ret : cmd_no_operands(argc, argv) == EXIT_OK ? -1 : EXIT_USAGE;
}

int cmd_check(int argc, char **argv, struct context *ctx)
{
	struct settings s;
	struct settings_problems conf = { 0 };
	struct strlist tools = { 0 }, arches = { 0 };
	struct release_state st;
	struct release_opts ro;
	struct check_item *items = NULL;
	char *out_why = NULL;
	size_t n = 0, i;
	int ret, loaded = 0, have_settings = 0, rc;

	release_opts_init(&ro);
	ret = parse(argc, argv, &ro, &arches);
	if (ret >= 0)
		goto cleanup;
	ret = EXIT_USAGE;
	if (settings_check(ctx->repo, &s, &conf) < 0)
		goto cleanup;
	have_settings = 1;
	for (i = 0; i < conf.n; i++)
		add_item(&items, &n, conf.items[i].kind, &conf.items[i], conf.items[i].message);
	tools_check(&tools);
	for (i = 0; i < tools.n; i++)
		add_item(&items, &n, "tool", NULL, tools.items[i]);
	rc = release_state_load(ctx->repo, &s, &ro.state, &st);
	if (rc != 0) {
		ret = rc > 0 ? EXIT_USAGE : EXIT_FAIL;
		goto cleanup;
	}
	loaded = 1;
	for (i = 0; i < st.problems.n; i++)
		add_item(&items, &n, "preflight", NULL, st.problems.items[i]);
	if (st.version[0] && (out_why = release_out_problem(&st, &ro)) != NULL)
		add_item(&items, &n, "output", NULL, out_why);
	ret = print_items(items, n, conf.path, ro.json) < 0 ? EXIT_FAIL : n ? EXIT_USAGE : EXIT_OK;
	if (n)
		error("%zu problem%s found: a release would be refused (see above)", n, n == 1 ? "" : "s");
cleanup:
	if (loaded)
		release_state_release(&st);
	if (have_settings)
		settings_release(&s);
	free(out_why);
	free(items);
	strlist_clear(&tools);
	strlist_clear(&arches);
	settings_problems_release(&conf);
	return ret;
}
