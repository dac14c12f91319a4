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
#include "release/build.h"
#include "cmd/options.h"
#include "release/pipeline.h"
#include "release/state.h"

static const char usage_text[] =
	"usage: releaser build [--arch LIST] [--jobs N] [--branch NAME] [--tag TAG] [--snapshot]\n"
	"\n"
	"Runs preflight, then `make BRANCH= ARCHES= VERSION= COMMIT= -j N\n"
	"release-outputs` in the work tree (into build/: the analyzer objects,\n"
	"libanalyzer and the agent), then reads the flavor each analyzer object\n"
	"declares: on the release channel analyzer.ebpf.release.<arch> must be the\n"
	"release analyzer and analyzer.ebpf.debug.<arch> the debug one; on the debug\n"
	"channel analyzer.ebpf.release.<arch> must be the debug analyzer.\n"
	"\n"
	"options:\n"
	"  --jobs N        parallel jobs (default: the number of CPUs)\n" STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 built and checked, 1 the build failed or an object has the\n"
	"wrong flavor, 2 bad usage or preflight refused (dirty tree, bad tag, ...)\n";

static int build(const struct release_state *st, const struct settings *s, const struct release_opts *ro,
		 const struct sign_key *key)
{
	struct release_ident id = { 0 };
	struct build b = { 0 };
	int ret;

	(void)key;
	ident_from_state(&id, st, s);
	ret = release_build(st, &id, ro, BUILD_DIR, &b) < 0 ? EXIT_FAIL : EXIT_OK;
	build_release(&b);
	ident_release(&id);
	return ret;
}

int cmd_build(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "help", no_argument, NULL, OPT_HELP },
		STATE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};

	return cmd_release_step(argc, argv, ctx, ":j:", longopts, usage_text, 0, build);
}
