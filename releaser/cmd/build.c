/*
 * releaser build: preflight, then the top-level Makefile with the plan's
 * variables (both analyzer flavors in parallel), then the flavor check of
 * every analyzer object the release ships.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "lib/json.h"
#include "lib/progress.h"
#include "lib/self.h"
#include "release/build.h"
#include "cmd/options.h"
#include "release/pipeline.h"
#include "release/state.h"

static const char usage_text[] =
	"usage: releaser build [--json] [--arch LIST] [--jobs N] [--branch NAME] [--tag TAG] [--snapshot]\n"
	"\n"
	"Runs preflight (also: make, cc, clang, llvm-strip, pkg-config and\n"
	"dpkg-query are on PATH), then `make BRANCH= ARCHES= VERSION= COMMIT= -j N\n"
	"release-outputs` in the work tree (into build/: the analyzer objects,\n"
	"libanalyzer and the agent), then reads the flavor each analyzer object\n"
	"declares: on the release channel analyzer.ebpf.release.<arch> must be the\n"
	"release analyzer and analyzer.ebpf.debug.<arch> the debug one; on the debug\n"
	"channel analyzer.ebpf.release.<arch> must be the debug analyzer. Its phases\n"
	"(preflight, build) and their times go to stderr (not with -q).\n"
	"\n"
	"options:\n"
	"  --json          print what was built as one JSON object: version, channel,\n"
	"                  build (the mode), build_dir, record (the file `releaser\n"
	"                  package` reads), objects (path, arch, slot, flavor),\n"
	"                  releaser_version\n"
	"  --jobs N        parallel jobs (default: the number of CPUs)\n" STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 built and checked, 1 the build failed or an object has the\n"
	"wrong flavor, 2 bad usage or preflight refused (dirty tree, bad tag, a\n"
	"missing tool, ...)\n";

/* what was built, as --json prints it */
static int report(const struct release_state *st, const struct build *b)
{
	json_t *doc = json_object(), *objects = json_array();
	const struct build_plan *p = &st->plan;
	size_t i, slot;
	char *path;
	int ret;

	jset(doc, "version", jstr(st->version));
	jset(doc, "channel", jstr(channel_name(st->channel)));
	jset(doc, "build", jstr(plan_mode(p)));
	path = xasprintf("%.*s", (int)strlen(b->dir) - 1, b->dir);
	jset(doc, "build_dir", jstr(path));
	free(path);
	path = xasprintf("%s%s", b->dir, BUILD_RECORD);
	jset(doc, "record", jstr(path));
	free(path);
	for (i = 0; i < p->n; i++) {
		const char *sub = plan_arch_subdir(p, &p->arches[i]);

		for (slot = 0; slot < (p->fake_release ? 1u : 2u); slot++) {
			json_t *o = json_object();

			path = xasprintf("%s%s%sebpf/analyzer.ebpf.%s.%s", b->dir, sub, *sub ? "/" : "",
					 slot ? "debug" : "release", p->arches[i].arch);
			jset(o, "path", jstr(path));
			jset(o, "arch", jstr(p->arches[i].arch));
			jset(o, "slot", jstr(slot ? "debug" : "release"));
			jset(o, "flavor", jstr(slot || p->fake_release ? "debug" : "release"));
			jpush(objects, o);
			free(path);
		}
	}
	jset(doc, "objects", objects);
	jset(doc, "releaser_version", jstr(releaser_version()));
	ret = json_print(doc);
	json_decref(doc);
	return ret;
}

static int build(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		 const struct sign_key *key)
{
	struct release_ident id = { 0 };
	struct build b = { 0 };
	int ret;

	(void)key;
	ident_from_state(&id, st, s);
	progress_begin("build");
	ret = release_build(st, &id, ro, BUILD_DIR, &b) < 0 ? EXIT_FAIL : EXIT_OK;
	if (ret == EXIT_OK)
		progress_end();
	if (ret == EXIT_OK && ro->json && report(st, &b) < 0)
		ret = EXIT_FAIL;
	build_release(&b);
	ident_release(&id);
	return ret;
}

int cmd_build(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		STATE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};

	return cmd_release_step(argc, argv, ctx, ":j:", longopts, usage_text, STEP_BUILDS, 2, build);
}
