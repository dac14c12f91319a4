/*
 * releaser release: preflight, build, package and sign in one run. This is
 * the CI step and what `make release` runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/common.h"
#include "cmd/options.h"
#include "release/pipeline.h"
#include "release/state.h"

static const char usage_text[] =
	"usage: releaser release [--out DIR] [--key FILE | --no-sign] [--snapshot] [--check-reproducible]\n"
	"                        [--force] [--json] [--jobs N] [--arch LIST] [--branch NAME] [--tag TAG]\n"
	"\n"
	"Preflight (tag rules, clean tree, full clone, signing key), then the build\n"
	"(both analyzer flavors in parallel, flavor markers checked against the\n"
	"plan), then the artifacts in DIR: a tarball per arch, provenance, release\n"
	"notes (CHANGELOG.md, see releaser notes), manifest, SHA256SUMS and its\n"
	"signatures. HEAD without a tag, or --snapshot, releases\n"
	"a snapshot vX.Y.Z-SNAPSHOT-<sha>. Nothing under a final name is ever\n"
	"partial; files already in DIR with the same bytes are kept, other bytes\n"
	"refused, except that a snapshot into the default dist/ (no --out)\n"
	"replaces the previous release there, so `make release` runs again.\n"
	"\n"
	"options:\n" OUTPUT_USAGE
	"  --check-reproducible  build a second time from scratch and compare the tarballs\n"
	"  --jobs N        parallel build jobs (default: the number of CPUs)\n" STATE_USAGE
	"  --help          this text\n"
	"\n"
	"exit codes: 0 released, 1 the build, the flavor check, the reproducibility\n"
	"check or packaging failed, 2 bad usage, preflight refused, a file name\n"
	"GitHub would change (RELEASING.md), or no usable signing key\n";

int cmd_release(int argc, char **argv, struct context *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "check-reproducible", no_argument, NULL, OPT_CHECK_REPRODUCIBLE },
		OUTPUT_LONG_OPTIONS,
		STATE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};

	return cmd_release_step(argc, argv, ctx, ":j:", longopts, usage_text, STEP_KEY | STEP_BUILDS, 5,
				release_run);
}
